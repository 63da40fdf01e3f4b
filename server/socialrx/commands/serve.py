"""`socialrx serve`: load and validate the knowledge base, then serve the site with waitress."""

from __future__ import annotations

import gc
import logging
import os
import sys
import time
from pathlib import Path

from ..settings import DEFAULTS, SETTINGS


def register(sub):
    p = sub.add_parser("serve", help="load, validate and serve the site and SPARQL endpoint", description=__doc__)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=5000, help="port to listen on (default: 5000)")
    p.add_argument("--store", type=Path, metavar="PATH", help="on-disk store folder; a restart reuses it instead of re-parsing")
    p.add_argument("--endpoint", metavar="URL", help="use this remote SPARQL 1.1 endpoint instead of the embedded store")
    p.add_argument("--endpoint-gsp", metavar="URL", help="the remote endpoint's Graph Store Protocol URL (to load the data into it)")
    p.add_argument("--allow-invalid", action="store_true", help="serve even when the data does not conform to the shapes")
    p.add_argument("--threads", type=int, default=8, help="waitress worker threads (default: 8)")
    p.add_argument("--editable", action="store_true", help="turn on report forms, reviewer sign-in and /-/review (off by default)")
    p.add_argument(
        "--setting", "-s", action="append", default=[], metavar="NAME=VALUE",
        help="override a setting (repeatable); see /-/settings: " + ", ".join(s.name for s in SETTINGS),
    )
    p.set_defaults(func=run)


def parse_settings(pairs: list[str]) -> dict:
    """Turn NAME=VALUE strings into typed settings; raise ValueError with the fix on bad input."""
    values = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or name not in DEFAULTS:
            raise ValueError(f"bad --setting {pair!r}: use NAME=VALUE with NAME one of {', '.join(DEFAULTS)}")
        default = DEFAULTS[name]
        try:
            if isinstance(default, bool):
                values[name] = raw.lower() in ("1", "true", "yes", "on")
            elif isinstance(default, int):
                values[name] = int(raw)
            elif isinstance(default, tuple):
                values[name] = tuple(x for x in raw.split(",") if x)
            else:
                values[name] = raw or None
        except ValueError:
            raise ValueError(f"bad --setting {pair!r}: {name} takes a whole number") from None
    return values


def tree_memory_mib(pids) -> tuple[float, float]:
    """Sum RSS and PSS (shared pages split between sharers) over processes, in MiB, from /proc (Linux)."""
    rss = pss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            continue
    return rss / 1024, pss / 1024


def startup_report(app, seconds: float, forked: float, validated: float) -> str:
    """One line on how long start-up took and what memory the server and its query workers hold."""
    import os

    store = app.extensions["socialrx.store"]
    pids = [os.getpid()]
    for pool in (getattr(store, "pool", None), getattr(store, "page_pool", None)):
        if pool is not None:
            pids += pool.worker_pids() + [pool.zygote_pid]
    rss, pss = tree_memory_mib(pids)
    return (f"Started in {seconds:.1f} s (workers forked in {forked:.2f} s, then {validated:.1f} s waiting for the validation of the curated graphs); "
            f"memory of the {len(pids)} processes: PSS {pss:.0f} MiB (RSS {rss:.0f} MiB summed)")


def _fork_validation(curated_kb) -> tuple[int, int]:
    """Validate the curated graphs in a child process; return its pid and the pipe its verdict comes down."""
    import pickle

    from ..validate import shapes_graph, validate

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            report = validate(curated_kb, shapes_graph(curated_kb.root))
            verdict = (report.conforms, report.text())
        except BaseException as e:  # say why, never hang the server waiting
            verdict = (False, f"The data could not be validated: {type(e).__name__}: {e}")
        with os.fdopen(write, "wb") as fh:
            fh.write(pickle.dumps(verdict))
        os._exit(0)
    os.close(write)
    return pid, read


def _collect_validation(pid: int, read: int) -> tuple[bool, str]:
    import pickle

    with os.fdopen(read, "rb") as fh:
        data = fh.read()
    os.waitpid(pid, 0)
    if not data:
        return False, "The validation process ended without a verdict."
    return pickle.loads(data)


def run(args) -> int:
    """Load, validate, build the app and serve it until interrupted."""
    from ..kb import KBError
    from ..loading import load_knowledge_base
    from ..settings import Settings
    from ..validate import shapes_graph, validate

    try:
        values = parse_settings(args.setting)
    except ValueError as e:
        print(e, file=sys.stderr)
        return 2
    for key, value in (("store_path", args.store), ("endpoint", args.endpoint), ("endpoint_gsp", args.endpoint_gsp)):
        if value is not None:
            values[key] = str(value)
    values["allow_invalid"] = args.allow_invalid or values.get("allow_invalid", False)
    values["editable"] = args.editable or values.get("editable", False)
    settings = Settings(values)

    started = time.perf_counter()
    validation = []  # (pid, pipe) of the validation forked once the curated files are in

    def validate_meanwhile(curated_kb):
        # Only the curated graphs are validated (imports were checked row by row when imported); a child process
        # does it on a copy-on-write snapshot while this process loads the imports (issue 12: start-up at 1M).
        if args.store is None and hasattr(os, "fork"):
            validation.append(_fork_validation(curated_kb))

    try:
        kb = load_knowledge_base(store_path=args.store, imports=settings.imports_path, after_curated=validate_meanwhile)
    except KBError as e:
        for pid, fd in validation:
            os.close(fd)
            os.waitpid(pid, 0)
        print(f"{e}\nFix the file and start again.", file=sys.stderr)
        return 2
    if kb.report.files:
        print("\n".join(kb.report.lines(kb.root)))
    else:
        print(f"Reusing the on-disk store at {args.store} ({len(kb)} quads)")

    from waitress import create_server

    from ..web import create_app

    # Build the app first: it forks the query workers while the parent holds only the store, so they
    # share it copy-on-write and never inherit what validation builds below.
    t0 = time.perf_counter()
    app = create_app(settings, kb=kb)
    forked = time.perf_counter() - t0
    t0 = time.perf_counter()
    if validation:
        conforms, text = _collect_validation(*validation[0])
    else:
        report = validate(kb, shapes_graph(kb.root))  # the curated graphs only: imports were checked row by row
        conforms, text = report.conforms, report.text()
    validated = time.perf_counter() - t0
    print(text)
    if not conforms and not settings.allow_invalid:
        app.extensions["socialrx.store"].close()
        print("Refusing to serve data that does not conform; fix it or pass --allow-invalid.", file=sys.stderr)
        return 1
    gc.collect()
    # Let oversized query strings and headers reach our own 413/431 (web/inputs.py: a body and a connection that
    # stays usable) instead of waitress's 431 and a reset; waitress itself cuts off only past this far larger size.
    header_limit = max(settings.max_request_kb * 1024 * 32, 8 * 1024 * 1024)
    try:
        # waitress accepts 100 connections by default and leaves the rest waiting unserved (bench/README.md, Load).
        server = create_server(app, host=args.host, port=args.port, threads=args.threads, ident="socialrx",
                               max_request_header_size=header_limit, connection_limit=settings.connection_limit)
    except OSError as e:
        app.extensions["socialrx.store"].close()
        print(f"Cannot listen on {args.host}:{args.port}: {e.strerror}. Stop what uses it or pick another --port.", file=sys.stderr)
        return 2
    # waitress warns "Task queue depth is N" on every queued request under load: 40,000 lines a minute in the bench.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    print(startup_report(app, time.perf_counter() - started, forked, validated))
    from ..web.entities import warm

    warm(app)  # labels, index tables and the overview, built while the first requests arrive
    print(f"Serving on http://{args.host}:{args.port}/  (SPARQL at /sparql, settings at /-/settings; Ctrl-C stops)")
    sys.stdout.flush()
    try:
        server.run()
    finally:
        app.extensions["socialrx.store"].close()
    return 0
