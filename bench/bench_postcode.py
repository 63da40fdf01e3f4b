"""Benchmark /postcode: postcode → areas → schemes, on the shipped data and with 2.7 M ONSPD-shaped postcodes.

    python bench/bench_postcode.py                 # shipped data, then shipped + 2.7 M postcodes
    python bench/bench_postcode.py --sizes shipped # shipped data only (a few seconds)
    python bench/bench_postcode.py --sizes 2.7M --requests 300

The 2.7 M file is bench_import.py's ONSPD-shaped CSV (53-column 2023 header, synthetic but well-formed
postcodes, 380 local authority codes among which E06000023 Bristol, so about 7,000 of them lie within
Bristol as well), imported by `socialrx import ons postcodes` into $TMPDIR/socialrx-bench/postcode-2.7M/ and kept
there for the next run. Each run loads the knowledge base (curated data, shipped imports and that import),
serves the app with waitress on 127.0.0.1 and asks for distinct postcodes over one keep-alive http.client
connection, so no answer comes from the page cache. It prints p50 and p90 for the page, the JSON twin and
the `socialrx.postcodes.find` function itself (the store path without HTTP).
"""

from __future__ import annotations

import argparse
import http.client
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "server"))
sys.path.insert(0, str(HERE))

TARGET_MS = 20.0


def shipped_postcodes(store, n: int, seed: int) -> list[str]:
    """A sample of the shipped BS postcodes, read from the shipped file (a query would scan every postcode)."""
    import gzip

    from socialrx import paths

    marker = "<https://w3id.org/socialrx/def/postcode> \""
    with gzip.open(paths.kb_root() / "data" / "imports" / "os-codepoint.nq.gz", "rt", encoding="utf-8") as fh:
        codes = sorted(line.split(marker, 1)[1].split('"', 1)[0] for line in fh if marker in line and "/id/postcode/" in line)
    return random.Random(seed).sample(codes, min(n, len(codes)))


def synthetic_postcodes(n: int, total: int, seed: int) -> list[str]:
    from bench_import import synthetic_postcodes as gen

    wanted = set(random.Random(seed).sample(range(total), n))
    return [pc for i, pc in zip(range(total), gen()) if i in wanted]


def onspd_import(rows: int) -> Path:
    """The imports folder holding an ONSPD-shaped import of `rows` postcodes (made once, then reused)."""
    from bench_import import write_onspd

    from socialrx.importers.ons_postcodes import OnsPostcodesImporter
    from socialrx.importers.run import run_import

    base = Path(tempfile.gettempdir()) / "socialrx-bench" / f"postcode-{rows / 1e6:g}M"
    folder = base / "imports"
    if (folder / "ons-postcodes.nq").exists():
        return folder
    base.mkdir(parents=True, exist_ok=True)
    source = base / f"onspd-{rows}.csv"
    if not source.exists():
        print(f"writing {source} …", flush=True)
        write_onspd(source, rows)
    print(f"importing {source} (about two minutes) …", flush=True)
    report = run_import(OnsPostcodesImporter, source, folder, show_progress=False)
    print("\n".join(report.lines()[:3]), flush=True)
    source.unlink()
    return folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed_gets(port: int, paths: list[str]) -> tuple[list[float], dict[int, int]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times, statuses = [], {}
    for path in paths:
        t0 = time.perf_counter()
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        times.append((time.perf_counter() - t0) * 1000)
        statuses[resp.status] = statuses.get(resp.status, 0) + 1
    conn.close()
    return times, statuses


def summary(times: list[float]) -> str:
    times = sorted(times)
    p90 = times[int(len(times) * 0.9) - 1] if len(times) >= 10 else max(times)
    return f"p50 {statistics.median(times):6.1f} ms  p90 {p90:6.1f} ms  (n={len(times)})"


def run(size: str, requests: int, seed: int) -> dict:
    from waitress.server import create_server

    from socialrx import postcodes
    from socialrx.kb import KnowledgeBase
    from socialrx.pages.site import PageStore
    from socialrx.settings import Settings
    from socialrx.store import open_store
    from socialrx.web import create_app

    imports = onspd_import(2_700_000) if size == "2.7M" else Path(tempfile.mkdtemp())  # empty: shipped data only
    # The 2.7 M graph is parsed once into an on-disk store (`socialrx serve --store`) and reused by later runs.
    store_path = imports.parent / "store" if size == "2.7M" else None
    t0 = time.perf_counter()
    kb = KnowledgeBase.load(imports=imports, store_path=store_path)
    load_s = time.perf_counter() - t0
    settings = Settings({"query_workers": 2, "imports_path": str(imports), "store_path": str(store_path) if store_path else None})
    store = open_store(kb, settings)
    app = create_app(settings, kb=kb, store=store)
    port = free_port()
    server = create_server(app, host="127.0.0.1", port=port, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    try:
        samples = shipped_postcodes(store, 3 * requests, seed)
        if size == "2.7M":
            samples = samples[: requests] + synthetic_postcodes(2 * requests, 2_700_000, seed)
        random.Random(seed).shuffle(samples)
        pages, twins, calls = samples[:requests], samples[requests: 2 * requests], samples[2 * requests: 3 * requests]
        # Warm-up: templates, the first queries and, for the first HTML page of a graph version, the labels it shows.
        first_t, first_s = timed_gets(port, ["/postcode?pc=BS1+1NG", "/postcode.json?pc=BS1+1NG"])
        page_t, page_s = timed_gets(port, [f"/postcode?pc={quote(pc)}" for pc in pages])
        json_t, json_s = timed_gets(port, [f"/postcode.json?pc={quote(pc)}" for pc in twins])
        func_t = []
        page_lane = PageStore(store)  # as the views ask: the page lane's workers
        for pc in calls:
            t1 = time.perf_counter()
            postcodes.find(page_lane, pc)
            func_t.append((time.perf_counter() - t1) * 1000)
        district_t, district_s = timed_gets(port, [f"/postcode?pc={d}" for d in ("BS1", "BS2", "BS3", "BS4", "BS5", "BS6", "BS7", "BS8", "BS9",
                                                                              "BS10", "BS11", "BS13", "BS14", "BS15", "BS16", "BS20", "BS21")])
    finally:
        store.close()  # the server thread is a daemon and ends with the process
    return {"size": size, "triples": len(kb), "load_s": load_s, "page": page_t, "page_status": page_s, "json": json_t,
            "json_status": json_s, "func": func_t, "district": district_t, "district_status": district_s,
            "first": first_t, "first_status": first_s}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="shipped,2.7M", help="comma-separated: shipped, 2.7M")
    parser.add_argument("--requests", type=int, default=200, help="distinct postcodes per measurement")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    worst = 0.0
    for size in args.sizes.split(","):
        r = run(size.strip(), args.requests, args.seed)
        print(f"\n== {r['size']}: {r['triples']:,} triples, loaded in {r['load_s']:.1f} s")
        print(f"  first /postcode, /postcode.json of the graph version: {r['first'][0]:.1f} ms, {r['first'][1]:.1f} ms  "
              f"statuses {r['first_status']}")
        print(f"  /postcode?pc=…       {summary(r['page'])}  statuses {r['page_status']}")
        print(f"  /postcode.json?pc=…  {summary(r['json'])}  statuses {r['json_status']}")
        print(f"  /postcode?pc=BS1 …   {summary(r['district'])}  statuses {r['district_status']} (postcode districts)")
        print(f"  postcodes.find()     {summary(r['func'])}")
        worst = max(worst, statistics.median(r["page"]))
    print(f"\n/postcode p50 worst case {worst:.1f} ms; target under {TARGET_MS:g} ms: {'met' if worst < TARGET_MS else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
