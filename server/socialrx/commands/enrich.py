"""`socialrx enrich wikidata [--endpoint URL] [--query FILE]`: fetch facts about our Wikidata items.

The only command that reaches the network, and only when run. Exit status: 0 written, 2 nothing fetched.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..importers.enrich import WIKIDATA_ENDPOINT, EnrichError, enrich
from ..importers.store_files import imports_dir


def register(subparsers) -> None:
    parser = subparsers.add_parser("enrich", help="fetch facts about linked Wikidata items from a SPARQL endpoint",
                                   description="Ask a SPARQL endpoint about the Wikidata items our data links to and keep the "
                                               "answers as a named graph (endpoint, query and fetch time as provenance).")
    sources = parser.add_subparsers(dest="source", metavar="SOURCE", required=True)
    wd = sources.add_parser("wikidata", help="labels, coordinates (P625), official websites (P856), population (P1082)")
    wd.add_argument("--endpoint", default=WIKIDATA_ENDPOINT, help=f"SPARQL endpoint URL (default {WIKIDATA_ENDPOINT})")
    wd.add_argument("--query", type=Path, help="SELECT query file binding ?item and any of ?label ?coord ?website "
                                               "?population; {{items}} is replaced by the items' IRIs")
    wd.add_argument("--name", default="wikidata", help="name of the graph and its file in the imports folder (default wikidata)")
    wd.add_argument("--imports-dir", help="folder for imported graphs (default: imports/ beside data/)")
    wd.add_argument("--timeout", type=int, default=60, help="seconds to wait for the endpoint (default 60)")
    wd.set_defaults(func=run)


def run(args) -> int:
    try:
        query = args.query.read_text(encoding="utf-8") if args.query else None
    except OSError as e:
        print(f"socialrx enrich: cannot read {args.query}: {e.strerror}", file=sys.stderr)
        return 2
    if not all(c.isalnum() or c in "-_" for c in args.name):
        print("socialrx enrich: --name may hold only letters, digits, '-' and '_'", file=sys.stderr)
        return 2
    try:
        report = enrich(imports_dir(override=args.imports_dir), args.endpoint, query, args.name, timeout=args.timeout)
    except EnrichError as e:
        print(f"socialrx enrich: {e}\nnothing was written; the earlier graph, if any, is unchanged", file=sys.stderr)
        return 2
    print("\n".join(report.lines()))
    return 0
