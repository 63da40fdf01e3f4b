"""`socialrx query`: run a catalogue query by name, or list the catalogue."""

from __future__ import annotations

import json
import sys

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
FORMATS = {"csv": "text/csv", "tsv": "text/tab-separated-values", "json": "application/sparql-results+json"}


def register(sub):
    p = sub.add_parser("query", help="run a query from the catalogue (queries/*.rq)", description=__doc__)
    p.add_argument("name", nargs="?", help="the query's name, e.g. schemes-for-age (see --list)")
    p.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE",
                   help="a parameter value; repeat for several (an empty VALUE leaves an optional parameter unbound)")
    p.add_argument("--format", "-f", choices=("table", *FORMATS), default="table", help="output format (default: table)")
    p.add_argument("--list", action="store_true", help="list the queries with their parameters and exit")
    p.set_defaults(func=run)


def run(args) -> int:
    """Run one query and print its results; exit 2 with one line on stderr for a wrong name or parameter."""
    from ..catalogue import Catalogue, CatalogueError, ParameterError, UnknownQuery

    try:
        catalogue = Catalogue.load()
    except CatalogueError as e:
        return _fail(str(e), EXIT_FAILED)
    if args.list:
        print(_listing(catalogue, args.format == "json"))
        return EXIT_OK
    if not args.name:
        return _fail("name a query to run, or use --list to see them")
    try:
        query = catalogue.get(args.name)
        raw = _parse_params(args.param)
    except (UnknownQuery, ValueError) as e:
        return _fail(str(e))
    with _open_store() as store:
        try:
            result = catalogue.run(store, query.name, raw).result
        except ParameterError as e:
            return _fail(str(e))
        except Exception as e:  # the store's QueryError family: one line, not a traceback
            return _fail(f"{query.name}: {e}", EXIT_FAILED)
        _write(result, args.format)
    return EXIT_OK


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"socialrx query: {message}", file=sys.stderr)
    return code


def _parse_params(pairs: list[str]) -> dict[str, str]:
    raw = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--param {pair!r} should look like NAME=VALUE")
        raw[name.strip()] = value
    return raw


class _open_store:
    """Load the knowledge base and open a store on it, closing the store (and its workers) at the end."""

    def __enter__(self):
        from ..loading import load_knowledge_base
        from ..settings import Settings
        from ..store import open_store

        self.store = open_store(load_knowledge_base(), Settings())
        return self.store

    def __exit__(self, *exc):
        self.store.close()


def _listing(catalogue, as_json: bool) -> str:
    if as_json:
        return json.dumps([q.summary() for q in catalogue], indent=2)
    lines = []
    for query in catalogue:
        lines.append(f"{query.name}\n    {query.title}")
        for p in query.params:
            default = f", default {p.default}" if p.default else ""
            need = "required" if p.required else "optional"
            lines.append(f"    --param {p.name}=…  ({need}{default}) {p.label}: {p.expects()}")
    return "\n".join(lines)


def _write(result, fmt: str) -> None:
    if fmt in FORMATS:
        data = result.serialize(FORMATS[fmt])
        sys.stdout.write(data.decode("utf-8") if isinstance(data, bytes) else data)
        return
    print(_table(result.variables, result.rows))
    print(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''}{', cut at the row limit' if result.truncated else ''})", file=sys.stderr)


def _table(variables: list[str], rows: list[dict]) -> str:
    """Lay the rows out in aligned columns, IRIs shortened with the project's prefixes."""
    from ..pages.results import compact_iri

    cells = [[_text(row.get(v), compact_iri) for v in variables] for row in rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(variables)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(variables, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines)


def _text(term: dict | None, compact) -> str:
    if not term:
        return ""
    if term["type"] == "uri":
        return compact(term["value"])
    return " ".join(term["value"].split())
