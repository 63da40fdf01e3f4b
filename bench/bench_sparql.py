"""Benchmark the SPARQL path: (a) pyoxigraph called directly, (b) our store function, (c) our HTTP endpoint.

    python bench/bench_sparql.py 100k                # generates the graph first if needed
    python bench/bench_sparql.py 1M --budget 0.5     # seconds of timing per query (default 2)

Each query runs round-robin in the three modes (after warm-up), so the ratios b/a and c/a are paired within
one run. Every mode produces the serialised answer a client gets: SPARQL JSON results for SELECT/ASK,
N-Triples for CONSTRUCT. (c) is a separate process serving the app with waitress on 127.0.0.1, queried
with a keep-alive http.client connection; the same requests through a requests.Session are shown too
(that client library alone adds about 1.5 ms per call here). The row cap is raised so no mode truncates.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "server"))
sys.path.insert(0, str(HERE))

import pyoxigraph as ox  # noqa: E402

from generate import ID, RDF_TYPE, SIZES, SRX, default_out, generate  # noqa: E402

PREFIXES = """PREFIX srx: <https://w3id.org/socialrx/def/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX org: <http://www.w3.org/ns/org#>
"""


def queries(schemes: int) -> dict[str, str]:
    scheme = f"{ID}scheme/s{schemes // 2}"
    aim = f"{ID}vocab/aims/c3"
    icb = f"{ID}org/icb-5"
    return {
        "Q0 trivial ASK": "ASK { }",
        "Q1 entity page": PREFIXES + f"""CONSTRUCT {{ <{scheme}> ?p ?o . ?o rdfs:label ?l . ?o skos:prefLabel ?pl }}
WHERE {{ <{scheme}> ?p ?o OPTIONAL {{ ?o rdfs:label ?l }} OPTIONAL {{ ?o skos:prefLabel ?pl }} }}""",
        "Q2 list by aim": PREFIXES + f"""SELECT ?scheme ?label WHERE {{ ?scheme srx:hasAim <{aim}> ; rdfs:label ?label }}
ORDER BY ?label""",
        "Q3 facet counts": PREFIXES + """SELECT ?aim ?aimLabel (COUNT(DISTINCT ?s) AS ?n)
WHERE { ?s a srx:Scheme ; srx:hasAim ?aim . ?aim skos:prefLabel ?aimLabel }
GROUP BY ?aim ?aimLabel ORDER BY DESC(?n)""",
        "Q4 age bounds": PREFIXES + """SELECT ?s ?label ?min ?max
WHERE { ?s a srx:Scheme ; rdfs:label ?label ; srx:minimumAge ?min OPTIONAL { ?s srx:maximumAge ?max }
        FILTER(?min <= 80 && (!BOUND(?max) || ?max >= 80)) }""",
        "Q5 3-hop to ICB": PREFIXES + f"""SELECT ?s ?label ?provider
WHERE {{ ?s srx:providedBy ?provider ; rdfs:label ?label . ?provider org:subOrganizationOf ?pcn .
        ?pcn org:subOrganizationOf <{icb}> }}""",
        "Q6 label search": PREFIXES + """SELECT ?s ?label WHERE { ?s rdfs:label ?label FILTER(CONTAINS(LCASE(?label), "wellbeing")) }""",
        "Q7 per-ICB counts": PREFIXES + """SELECT ?icb ?icbLabel (COUNT(DISTINCT ?s) AS ?n)
WHERE { ?s a srx:Scheme ; srx:areaServed ?area . ?area srx:coveredBy ?icb . ?icb rdfs:label ?icbLabel }
GROUP BY ?icb ?icbLabel ORDER BY DESC(?n)""",
        "Q8 paged listing": PREFIXES + """SELECT ?s ?label ?providerLabel
WHERE { ?s a srx:Scheme ; rdfs:label ?label OPTIONAL { ?s srx:providedBy/rdfs:label ?providerLabel } }
ORDER BY ?label LIMIT 50 OFFSET 200""",
    }


def load(path: Path):
    from socialrx.kb import KnowledgeBase

    empty = Path(tempfile.mkdtemp(prefix="socialrx-bench-root-"))  # no queries/ folder: only the file loads
    return KnowledgeBase.load(root=empty, files=[path])


def settings():
    from socialrx.settings import Settings

    return Settings({"max_returned_rows": 10_000_000, "query_workers": 2, "query_time_limit_ms": 120_000})


# -- the three ways to run a query ------------------------------------------------------------------

def direct(store: ox.Store, text: str) -> int:
    answer = store.query(text, use_default_graph_as_union=True)
    if isinstance(answer, ox.QueryBoolean):
        return int(bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        return len(answer.serialize(format=ox.QueryResultsFormat.JSON))
    return len(answer.serialize(format=ox.RdfFormat.N_TRIPLES))


def ours(store, text: str) -> int:
    result = store.query(text)
    if result.kind == "ask":
        return int(result.boolean)
    return len(result.serialize("application/n-triples" if result.kind == "graph" else "application/sparql-results+json"))


class Client:
    """A keep-alive HTTP/1.1 client (http.client): what the endpoint costs, not what a heavy client library adds."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port)

    def get(self, text: str, accept: str) -> bytes:
        path = "/sparql?" + urllib.parse.urlencode({"query": text})
        self.conn.request("GET", path, headers={"Accept": accept})
        response = self.conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {body[:300]!r}")
        return body


def accept_for(text: str) -> str:
    return "application/n-triples" if "CONSTRUCT" in text else "application/sparql-results+json"


def measure(text: str, body: bytes) -> int:
    return int(json.loads(body)["boolean"]) if text.startswith("ASK") else len(body)


def over_http(client: Client, text: str) -> int:
    return measure(text, client.get(text, accept_for(text)))


# -- the HTTP server process -----------------------------------------------------------------------

def serve(path: Path, port: int):
    from waitress import serve as waitress_serve

    from socialrx.web import create_app

    kb = load(path)
    app = create_app(settings(), kb=kb)
    print("ready", flush=True)
    waitress_serve(app, host="127.0.0.1", port=port, threads=4, ident="socialrx-bench", _quiet=True,
                   max_request_header_size=8 * 1024 * 1024)


def pss_kib(pid: int) -> int:
    """Proportional set size of one process (shared pages split between sharers), in KiB."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    kids = [int(k) for k in fh.read().split()]
                    found += kids
                    todo += kids
        except OSError:
            pass
    return found


# -- the run -----------------------------------------------------------------------------------------

def run(size_name: str, path: Path, budget: float, max_reps: int) -> dict:
    import socket

    import requests

    from socialrx.store import open_store

    report = {"size": size_name}
    t0 = time.perf_counter()
    kb = load(path)
    report["load_s"] = time.perf_counter() - t0
    report["triples"] = len(kb)
    report["rss_after_load_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    store = open_store(kb, settings())
    report["open_store_s"] = time.perf_counter() - t0

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(path), "--port", str(port)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == "ready", "the HTTP server did not start"
        url = f"http://127.0.0.1:{port}/sparql"
        session = requests.Session()
        deadline = time.monotonic() + 60
        while True:
            try:
                session.get(url, params={"query": "ASK {}"}).raise_for_status()
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        client = Client(port)

        modes = {
            "a": lambda q: direct(kb.store, q),
            "b": lambda q: ours(store, q),
            "c": lambda q: over_http(client, q),
            "r": lambda q: measure(q, session.get(url, params={"query": q}, headers={"Accept": accept_for(q)}).content),
        }
        report["queries"] = {}
        schemes = len(list(kb.store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(SRX + "Scheme"))))
        for name, text in queries(schemes).items():
            sizes = {m: f(text) for m, f in modes.items()}  # warm-up
            assert sizes["b"] == sizes["c"] == sizes["r"], (name, sizes)  # the same answer by every path
            times = {m: [] for m in modes}
            started = time.monotonic()
            while True:
                for m, f in modes.items():
                    t = time.perf_counter()
                    f(text)
                    times[m].append((time.perf_counter() - t) * 1000)
                n = len(times["a"])
                if n >= max_reps or (n >= 5 and time.monotonic() - started > budget):
                    break
            med = {m: statistics.median(v) for m, v in times.items()}
            report["queries"][name] = {
                "a_ms": med["a"], "b_ms": med["b"], "c_ms": med["c"], "requests_ms": med["r"], "b/a": med["b"] / med["a"],
                "c/a": med["c"] / med["a"], "reps": len(times["a"]), "answer_bytes": sizes["a"],
            }
        report["rss_peak_bench_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        ours_pids = [os.getpid()] + descendants(os.getpid())
        ours_pids = [p for p in ours_pids if p != server.pid and p not in descendants(server.pid)]
        report["pss_store_and_workers_mib"] = sum(pss_kib(p) for p in ours_pids) / 1024
        report["pss_http_server_mib"] = sum(pss_kib(p) for p in [server.pid] + descendants(server.pid)) / 1024
    finally:
        server.terminate()
        server.wait(timeout=10)
        store.close()
    return report


def print_report(r: dict):
    print(f"\n## {r['size']}: {r['triples']:,} triples")
    print(f"load {r['load_s']:.2f} s (pyoxigraph parse into memory), workers forked in {r['open_store_s'] * 1000:.0f} ms; "
          f"peak RSS {r['rss_after_load_mib']:.0f} MiB after load, {r['rss_peak_bench_mib']:.0f} MiB at the end; "
          f"PSS store+workers {r['pss_store_and_workers_mib']:.0f} MiB, HTTP server process tree "
          f"{r['pss_http_server_mib']:.0f} MiB")
    print()
    print("| query | (a) pyoxigraph ms | (b) store ms | (c) HTTP ms | b/a | c/a | (c) with requests ms | reps | answer bytes |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, q in r["queries"].items():
        print(f"| {name} | {q['a_ms']:.2f} | {q['b_ms']:.2f} | {q['c_ms']:.2f} | {q['b/a']:.2f} | {q['c/a']:.2f} "
              f"| {q['requests_ms']:.2f} | {q['reps']} | {q['answer_bytes']:,} |")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", nargs="?", choices=SIZES, help="10k, 100k or 1M")
    parser.add_argument("--file", type=Path, help="TriG file to load (default: generate.py's output for the size)")
    parser.add_argument("--budget", type=float, default=2.0, help="seconds of timing per query (default 2)")
    parser.add_argument("--max-reps", type=int, default=300)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        return serve(args.serve, args.port)
    if not args.size:
        parser.error("give a size: 10k, 100k or 1M")
    path = args.file or default_out(args.size)
    if not path.exists():
        print(f"generating {path} ...", flush=True)
        generate(SIZES[args.size], path)
    report = run(args.size, path, args.budget, args.max_reps)
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
