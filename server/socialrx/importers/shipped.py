"""Build the Bristol-region imports that ship with the package (data/imports/*.nq.gz) from the real files.

    python -m socialrx.importers.shipped ../shared/realdata [data/imports]

Each dataset is imported by its ordinary importer (same checks, same named graph, same provenance with the
source file's name and SHA-256) and gzip'd, so the knowledge base loads it at start (socialrx.kb). A local
import of the same dataset (imports/<dataset>.nq) replaces the shipped one. data/imports/PROVENANCE.md says
where each file came from and which licence and attribution apply.
"""

from __future__ import annotations

import csv
import gzip
import shutil
import sys
import tempfile
from pathlib import Path

from .. import paths
from .lookup import CodeIndex
from .run import run_import

# (dataset, importer module, class, source path under the realdata folder, row filter for a slice or None)
SOUTH_WEST = "Y58"  # NHS England South West region: the sub-ICB locations of BS postcodes (15C, 92G, 11X …)
SHIPPED = (
    ("os-codepoint", "os_codepoint", "CodePointImporter", "os-codepoint-open-bs/bs.csv", None),
    ("ods-epraccur", "ods_epraccur", "EpraccurImporter", "ods-epraccur/epraccur_2026-02_dse_bnssg_active_gp_practices.csv", None),
    ("nhs-gp-registered-patients", "nhs_patients", "RegisteredPatientsImporter",
     "nhsd-gp-registered-patients-bnssg/gp-reg-pat-prac-all_2026-04_15C.csv", None),
    ("ods-eccg", "ods_eccg", "EccgImporter", "ods-subicb-icb-lookup/eccg_dse_2025-12.csv", lambda row: row[2] == SOUTH_WEST),
)


def shipped_folder() -> Path:
    return paths.kb_root() / "data" / "imports"


def slice_file(source: Path, keep, target: Path) -> Path:
    """The rows of a CSV that `keep` accepts, written verbatim (all fields quoted, CRLF, as ODS publishes them)."""
    with source.open(newline="", encoding="utf-8-sig") as fh, target.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        for row in csv.reader(fh):
            if keep(row):
                writer.writerow(row)
    return target


def build(realdata: Path, out: Path) -> list:
    import importlib

    out.mkdir(parents=True, exist_ok=True)
    index = CodeIndex.from_curated()
    reports = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for dataset, module, cls, rel, keep in SHIPPED:
            source = realdata / rel
            if keep is not None:
                sliced = out / "sources" / f"{source.stem}_{SOUTH_WEST.lower()}{source.suffix}"
                sliced.parent.mkdir(exist_ok=True)
                source = slice_file(source, keep, sliced)
            importer = getattr(importlib.import_module(f"{__package__}.{module}"), cls)
            report = run_import(importer, source, tmp, index=index, force=True, show_progress=False)
            if report.refused_count or not report.replaced:
                raise SystemExit("\n".join(report.lines()))
            with (tmp / f"{dataset}.nq").open("rb") as fh, gzip.GzipFile(out / f"{dataset}.nq.gz", "wb", 9, mtime=0) as gz:
                shutil.copyfileobj(fh, gz)
            reports.append(report)
    return reports


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    out = Path(argv[1]) if len(argv) > 1 else shipped_folder()
    for report in build(Path(argv[0]), out):
        print("\n".join(report.lines()))
        print(f"  shipped as {out / (report.dataset + '.nq.gz')} ({(out / (report.dataset + '.nq.gz')).stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
