"""`socialrx import oruk SOURCE`: an Open Referral UK directory (a file, a data package or a live feed's base URL).

Exit status: 0 imported (or unchanged), 1 some services refused (the report lists each with its id and reason),
2 the source could not be read or fetched (nothing written; any earlier graph of the feed is unchanged).
"""

from __future__ import annotations

import json
import sys

from ..importers.store_files import imports_dir

HELP = ("an Open Referral UK directory: a JSON file (one service, a paged list, an array), a tabular data package "
        "(datapackage.json or its folder), or the base URL of a live ORUK 3.0 or 1.0 feed")


def register(publishers) -> None:
    sub = publishers.add_parser("oruk", help="Open Referral UK directories (files or live feeds)", description=HELP)
    sub.add_argument("source", metavar="SOURCE", help="file, data package or https:// base URL of the feed")
    sub.add_argument("--name", help="name of the feed's graph (default: from the URL's host and path or the file name)")
    sub.add_argument("--imports-dir", help="folder for imported graphs (default: imports/ beside data/)")
    sub.add_argument("--force", action="store_true", help="write the graph again even when the feed's content is unchanged")
    sub.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for each response (default 30)")
    sub.add_argument("--max-mb", type=int, default=50, help="largest response or file accepted, in MiB (default 50)")
    sub.add_argument("--per-page", type=int, default=100, help="services asked for per page of a live feed (default 100)")
    sub.add_argument("--quiet", action="store_true", help="no progress bar")
    sub.add_argument("--json", action="store_true", help="print the report as JSON")
    sub.set_defaults(func=run)


def run(args) -> int:
    from ..oruk.feed import FeedError
    from ..oruk.load import run_oruk_import

    try:
        report = run_oruk_import(args.source, imports_dir(override=args.imports_dir), name=args.name, force=args.force,
                                 show_progress=not args.quiet, timeout=args.timeout, max_mb=args.max_mb, per_page=args.per_page)
    except FeedError as e:
        print(f"socialrx import oruk: {e}", file=sys.stderr)
        print("nothing was imported; any earlier import of this feed is unchanged", file=sys.stderr)
        return 2
    print(json.dumps(report.as_dict(), indent=2) if args.json else "\n".join(report.lines()))
    return report.exit_code
