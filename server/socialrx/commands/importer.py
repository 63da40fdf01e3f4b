"""`socialrx import ods epraccur|eccg FILE`, `socialrx import ons lookup|postcodes FILE`, `socialrx import os codepoint FILE`
and `socialrx import nhs patients FILE`.

Exit status: 0 imported, 1 some rows refused (the report lists them), 2 the input could not be read.
"""

from __future__ import annotations

import importlib
import json
import sys

from ..importers import DATASETS
from ..importers.csvstream import UnreadableInput
from ..importers.run import run_import
from ..importers.store_files import imports_dir
from . import import_oruk

IMPORTERS = {
    ("ods", "epraccur"): ("ods-epraccur", "EpraccurImporter", "GP practices: ODS epraccur.csv (no header row, 27 columns)"),
    ("ods", "eccg"): ("ods-eccg", "EccgImporter", "ICBs and sub-ICB locations: ODS eccg.csv (no header row, 27 columns)"),
    ("ons", "lookup"): ("ons-lookup", "OnsLookupImporter", "ONS lookup from LSOA or LAD to sub-ICB location and ICB (header row: LAD22CD, SICBL22CD, ICB22CD …)"),
    ("ons", "postcodes"): ("ons-postcodes", "OnsPostcodesImporter", "ONS Postcode Directory (ONSPD) CSV with its header row"),
    ("os", "codepoint"): ("os-codepoint", "CodePointImporter", "OS Code-Point Open postcode CSV (no header row, 10 columns, e.g. bs.csv)"),
    ("nhs", "patients"): ("nhs-gp-registered-patients", "RegisteredPatientsImporter",
                          "NHS England Patients Registered at a GP Practice totals (gp-reg-pat-prac-all.csv, header row)"),
}
PUBLISHER_HELP = {"ods": "NHS ODS files", "ons": "ONS files", "os": "Ordnance Survey files", "nhs": "NHS England statistics files"}


def importer_class(publisher: str, kind: str):
    dataset, cls, _ = IMPORTERS[(publisher, kind)]
    return getattr(importlib.import_module(DATASETS[dataset]), cls)


def register(subparsers) -> None:
    parser = subparsers.add_parser("import", help="import a published NHS ODS or ONS file as a named graph",
                                   description="Import a published file as its own named graph in the imports folder. "
                                               "Exit status: 0 imported, 1 rows refused (listed), 2 unreadable input.")
    publishers = parser.add_subparsers(dest="publisher", metavar="PUBLISHER", required=True)
    for publisher, pub_help in PUBLISHER_HELP.items():
        pub = publishers.add_parser(publisher, help=pub_help)
        kinds = pub.add_subparsers(dest="kind", metavar="KIND", required=True)
        for (p, kind), (_, _, help_text) in IMPORTERS.items():
            if p != publisher:
                continue
            sub = kinds.add_parser(kind, help=help_text, description=help_text)
            sub.add_argument("file", metavar="FILE")
            sub.add_argument("--imports-dir", help="folder for imported graphs (default: imports/ beside data/)")
            sub.add_argument("--force", action="store_true", help="import again even when this exact file was imported already")
            sub.add_argument("--encoding", default="utf-8-sig", help="text encoding of the file (default: utf-8-sig)")
            sub.add_argument("--quiet", action="store_true", help="no progress bar")
            sub.add_argument("--json", action="store_true", help="print the report as JSON")
            sub.set_defaults(func=run)
    import_oruk.register(publishers)  # socialrx import oruk SOURCE (a file or a live feed)


def run(args) -> int:
    cls = importer_class(args.publisher, args.kind)
    folder = imports_dir(override=args.imports_dir)
    try:
        report = run_import(cls, args.file, folder, force=args.force, show_progress=not args.quiet, encoding=args.encoding)
    except UnreadableInput as e:
        print(f"socialrx import {args.publisher} {args.kind}: {e}", file=sys.stderr)
        print("nothing was imported; any earlier import of this dataset is unchanged", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print("\n".join(report.lines()))
    return report.exit_code
