"""`socialrx links [--format text|json]`: the link report over the knowledge base and its imports."""

from __future__ import annotations

import json

from .. import linkreport


def register(subparsers) -> None:
    parser = subparsers.add_parser("links", help="report every external identifier: known to an import? current? well formed?",
                                   description="List the ODS, GSS, SNOMED CT and Wikidata identifiers in the curated data, "
                                               "whether an imported dataset knows each, whether it is current or superseded, "
                                               "and which fail their pattern. Exit status 1 when any fails its pattern.")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(func=run)


def open_kb_store():
    """The knowledge base (with its imports, as kb.kb_files lists them) behind the usual store."""
    from ..loading import load_knowledge_base
    from ..settings import Settings
    from ..store import open_store

    settings = Settings()
    kb = load_knowledge_base(store_path=settings.store_path)
    return open_store(kb, settings)


def run(args) -> int:
    store = open_kb_store()
    try:
        report = linkreport.build(store)
    finally:
        close = getattr(store, "close", None)
        if close:
            close()
    print(json.dumps(report.as_dict(), indent=2) if args.format == "json" else report.text())
    return 1 if report.bad else 0
