"""Every page and catalogue query of a served site at 10k, 100k or 1M triples: start-up, memory, latency, throughput.

    python bench/bench_pages.py 100k                 # generates the graph first if it is missing
    python bench/bench_pages.py 1M --json /tmp/pages-1M.json
    python bench/bench_pages.py --markdown /tmp/pages-10k.json /tmp/pages-100k.json /tmp/pages-1M.json

The synthetic graph (bench/generate.py) is written as N-Quads into an imports folder and served by a real
`socialrx serve` process on 127.0.0.1 (so it loads like an imported dataset: not SHACL-validated at start).
Then, over keep-alive http.client connections:

- start-up: seconds from spawning the process to "Serving on", and the PSS/RSS of its process tree;
- every page (home, each index, each index filtered by the top value of each facet, vocab, ontology, search,
  an entity page, the hub node's page and twin) and every catalogue query (/queries/<name>, default values):
  the first request ("cold": builds the per-version aggregates), the median of requests that miss the page
  cache ("render": a different Accept-Encoding each time, so the view and its queries run again but the
  per-version aggregates are reused) and the median of cache hits;
- warm entity pages: median and p99 latency on one connection, median of 304 answers, and requests/s with
  16 connections (asyncio, one client process);
- the hub node's Turtle twin (the node with most incoming links) against the engine itself: the same CONSTRUCT in
  pyoxigraph in this process, serialised to Turtle.

Absolute times drift by up to ~30% on shared machines; run it when nothing else runs, or repeat.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "server"))

import generate  # noqa: E402

SRX = "https://w3id.org/socialrx/def/"


def ensure_imports(size: str) -> Path:
    """Write the synthetic graph as N-Quads into its own imports folder (once) and return the folder."""
    import pyoxigraph as ox

    trig = generate.default_out(size)
    if not trig.exists():
        trig.parent.mkdir(parents=True, exist_ok=True)
        generate.generate(generate.SIZES[size], trig)
    folder = trig.parent / f"imports-{size}"
    nq = folder / f"synthetic-{size}.nq"
    if not nq.exists():
        folder.mkdir(exist_ok=True)
        ox.serialize(ox.parse(path=str(trig), format=ox.RdfFormat.TRIG), output=str(nq), format=ox.RdfFormat.N_QUADS)
    return folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_pids(root: int) -> list[int]:
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def tree_memory(root: int) -> tuple[float, float, int]:
    rss = pss = 0
    pids = tree_pids(root)
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            pass
    return pss / 1024, rss / 1024, len(pids)


class Server:
    """`python -m socialrx serve` in a child process on a free loopback port."""

    def __init__(self, imports: Path, extra=()):
        self.port = free_port()
        cmd = [sys.executable, "-m", "socialrx", "serve", "--port", str(self.port), "--threads", "16",
               "-s", f"imports_path={imports}", *extra]
        env = dict(os.environ, PYTHONPATH=str(HERE.parent / "server"))
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.log = []
        for line in self.proc.stdout:
            self.log.append(line.rstrip())
            if line.startswith("Serving on"):
                break
        else:
            raise SystemExit("server did not start:\n" + "\n".join(self.log[-20:]))
        self.startup = time.perf_counter() - t0
        self.pss, self.rss, self.processes = tree_memory(self.proc.pid)

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Client:
    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(self, path: str, headers=None) -> tuple[int, float, bytes, dict]:
        t0 = time.perf_counter()
        try:
            self.conn.request("GET", path, headers=headers or {})
            resp = self.conn.getresponse()
            body = resp.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            raise
        return resp.status, (time.perf_counter() - t0) * 1000, body, {k.lower(): v for k, v in resp.getheaders()}


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def discover(client: Client) -> tuple[list[tuple[str, str]], list[str], str]:
    """Return (name, path) of every page to time, some entity paths, and the hub node's path."""
    pages = [("home", "/")]
    for name in ("schemes", "organisations", "places", "programmes", "sources", "concepts"):
        pages.append((f"/{name}", f"/{name}"))
        status, _, body, _ = client.get(f"/{name}.json")
        if status != 200:
            continue
        for key, values in json.loads(body).get("facets", {}).items():
            if values:
                pages.append((f"/{name}?{key}=top", f"/{name}?" + urlencode({key: values[0]["iri"]})))
    pages += [("/vocab", "/vocab"), ("/ontology", "/ontology"), ("/search?q=community", "/search?q=community"),
              ("/queries", "/queries"), ("/sparql (editor)", "/sparql")]
    entities = []
    for n in range(1, 5):
        status, _, body, _ = client.get(f"/schemes.json?page={n}")
        if status == 200:
            entities += [item["href"] for item in json.loads(body)["items"]]
    hub_query = ("PREFIX srx: <%s> SELECT ?o (COUNT(*) AS ?n) WHERE { ?s srx:hasAim ?o } GROUP BY ?o ORDER BY DESC(?n) LIMIT 1" % SRX)
    status, _, body, _ = client.get("/sparql?" + urlencode({"query": hub_query}), {"Accept": "application/sparql-results+json"})
    hub = json.loads(body)["results"]["bindings"][0]["o"]["value"]
    hub_path = "/" + hub.split("https://w3id.org/socialrx/", 1)[1] if hub.startswith("https://w3id.org/socialrx/") else "/resource?uri=" + quote(hub, safe="")
    if entities:
        pages.append(("entity page (a scheme)", entities[0]))
    pages += [("hub node page", hub_path), ("hub node .ttl", _suffix(hub_path, ".ttl"))]
    status, _, body, _ = client.get("/queries.json")
    for q in json.loads(body)["queries"]:
        pages.append((f"query {q['name']}", q["url"]))
    return pages, entities, hub


def _suffix(path: str, suffix: str) -> str:
    return "/resource" + suffix + path[len("/resource"):] if path.startswith("/resource?") else path + suffix


def time_pages(client: Client, pages, repeat: int) -> list[dict]:
    rows = []
    for n, (name, path) in enumerate(pages):
        status, cold, body, _ = client.get(path)
        render = []
        for i in range(repeat):
            st, ms, _, _ = client.get(path, {"Accept-Encoding": f"identity, x-bench-{n}-{i}"})
            render.append(ms)
            status = status if st == 200 else st
        hits = [client.get(path)[1] for _ in range(max(repeat, 5))]
        rows.append({"page": name, "path": path, "status": status, "bytes": len(body), "cold_ms": cold,
                     "render_p50_ms": statistics.median(render), "hit_p50_ms": statistics.median(hits)})
        print(f"  {status} cold {cold:9.1f}  render p50 {rows[-1]['render_p50_ms']:8.1f}  hit p50 {rows[-1]['hit_p50_ms']:6.2f} ms  {name}", flush=True)
    return rows


def warm_entities(client: Client, entities, n: int = 400) -> dict:
    for path in entities:
        client.get(path)
    path = entities[0]
    lat = [client.get(path)[1] for _ in range(n)]
    _, _, _, headers = client.get(path)
    not_modified = [client.get(path, {"If-None-Match": headers["etag"]})[1] for _ in range(n)]
    return {"p50_ms": statistics.median(lat), "p99_ms": pct(lat, 0.99), "304_p50_ms": statistics.median(not_modified)}


async def _load(port: int, paths, connections: int, seconds: float) -> tuple[int, list[float], int]:
    done, latencies, errors = 0, [], 0
    stop = time.perf_counter() + seconds

    async def one(k):
        nonlocal done, errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        i = k
        while True:
            path = paths[i % len(paths)]
            i += connections
            t0 = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/html\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
            await reader.readexactly(length)
            latencies.append((time.perf_counter() - t0) * 1000)
            if not head.startswith(b"HTTP/1.1 200"):
                errors += 1
            done += 1
            if time.perf_counter() >= stop:
                break
        writer.close()

    await asyncio.gather(*(one(k) for k in range(connections)))
    return done, latencies, errors


def throughput(port: int, paths, connections: int, seconds: float) -> dict:
    asyncio.run(_load(port, paths, 1, 0.0001 + 0 * len(paths)))  # open and close one connection first
    for path in paths:  # the same request headers as the load below, so every timed request is a warm page
        asyncio.run(_load(port, [path], 1, 0.0))
    t0 = time.perf_counter()
    done, latencies, errors = asyncio.run(_load(port, paths, connections, seconds))
    elapsed = time.perf_counter() - t0
    return {"connections": connections, "requests": done, "per_s": done / elapsed, "p50_ms": statistics.median(latencies),
            "p99_ms": pct(latencies, 0.99), "errors": errors}


def engine_twin(imports: Path, hub: str, repeat: int) -> dict:
    """Time the hub's twin CONSTRUCT in pyoxigraph itself (+ Turtle), with the site's own query text."""
    import pyoxigraph as ox

    from socialrx.namespaces import PREFIXES
    from socialrx.pages.twins import twin_query

    store = ox.Store()
    for path in sorted(imports.glob("*.nq")):
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    text = twin_query(hub, 1)
    times = []
    for _ in range(repeat + 1):
        t0 = time.perf_counter()
        triples = store.query(text, use_default_graph_as_union=True)
        ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
        times.append((time.perf_counter() - t0) * 1000)
    return {"engine_construct_ttl_p50_ms": statistics.median(times[1:])}


def markdown(files: list[Path]) -> str:
    """One table of render p50 (ms) per page and size, from the JSON files of earlier runs, plus the summary lines."""
    runs = [json.loads(Path(f).read_text()) for f in files]
    names = []
    for run in runs:
        names += [r["page"] for r in run["pages"] if r["page"] not in names]
    head = "| page | " + " | ".join(f"{r['size']} cold | {r['size']} p50" for r in runs) + " |"
    lines = [head, "|---|" + "---:|---:|" * len(runs)]
    for name in names:
        cells = []
        for run in runs:
            row = next((r for r in run["pages"] if r["page"] == name), None)
            if row is None:
                cells += ["", ""]
            else:
                mark = "" if row["status"] == 200 else f" ({row['status']})"
                cells += [f"{row['cold_ms']:.0f}", f"{row['render_p50_ms']:.0f}{mark}"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("")
    for run in runs:
        e, t, h = run.get("entity", {}), run.get("throughput", {}), run.get("hub", {})
        lines.append(f"- **{run['size']}** ({run['date']}): start-up {run['startup_s']:.1f} s, process tree PSS {run['pss_mib']:.0f} MiB "
                     f"at start, {run.get('pss_end_mib', 0):.0f} MiB after the run; warm entity page p50 {e.get('p50_ms', 0):.2f} ms "
                     f"(p99 {e.get('p99_ms', 0):.1f}), 304 p50 {e.get('304_p50_ms', 0):.2f} ms; {t.get('per_s', 0):.0f} warm entity pages/s "
                     f"at {t.get('connections', 0)} connections (p99 {t.get('p99_ms', 0):.0f} ms, {t.get('errors', 0)} errors); hub twin "
                     f"{h.get('site_ttl_render_p50_ms', 0):.1f} ms over HTTP vs engine CONSTRUCT+Turtle {h.get('engine_construct_ttl_p50_ms', 0):.1f} ms "
                     f"(goal {h.get('goal_ms', 0):.1f} ms).")
    return "\n".join(lines)


def main(argv=None):
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "--markdown":
        print(markdown([Path(f) for f in sys.argv[2:]]))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("size", choices=list(generate.SIZES))
    ap.add_argument("--repeat", type=int, default=5, help="requests per page that miss the page cache (default 5)")
    ap.add_argument("--seconds", type=float, default=5.0, help="length of the throughput run (default 5 s)")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = ap.parse_args(argv)

    imports = ensure_imports(args.size)
    print(f"# {args.size}: serving {imports}", flush=True)
    server = Server(imports)
    out = {"size": args.size, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpus": os.cpu_count()}
    try:
        out["startup_s"], out["pss_mib"], out["rss_mib"], out["processes"] = server.startup, server.pss, server.rss, server.processes
        out["serve_report"] = [line for line in server.log if line.startswith(("Started", "The data")) or "triples in" in line or "synthetic-" in line]
        print(f"start-up {server.startup:.1f} s; process tree PSS {server.pss:.0f} MiB (RSS {server.rss:.0f} MiB summed, {server.processes} processes)")
        print("\n".join("  serve: " + line for line in out["serve_report"]), flush=True)
        client = Client(server.port)
        pages, entities, hub = discover(client)
        out["pages"] = time_pages(client, pages, args.repeat)
        out["pss_after_pages_mib"], out["rss_after_pages_mib"], _ = tree_memory(server.proc.pid)
        if not entities:  # /schemes.json did not answer: take schemes from the engine instead
            status, _, body, _ = client.get("/sparql?" + urlencode({"query": "SELECT ?s WHERE { ?s a <%sScheme> } LIMIT 200" % SRX}),
                                            {"Accept": "application/sparql-results+json"})
            entities = ["/" + b["s"]["value"].split("https://w3id.org/socialrx/", 1)[1] for b in json.loads(body)["results"]["bindings"]]
        out["entity"] = warm_entities(client, entities)
        print(f"warm entity page: p50 {out['entity']['p50_ms']:.2f} ms, p99 {out['entity']['p99_ms']:.2f} ms; 304 p50 {out['entity']['304_p50_ms']:.2f} ms", flush=True)
        out["throughput"] = throughput(server.port, entities, args.connections, args.seconds)
        t = out["throughput"]
        print(f"throughput: {t['per_s']:.0f} entity pages/s at {t['connections']} connections (p50 {t['p50_ms']:.1f} ms, p99 {t['p99_ms']:.1f} ms, {t['errors']} errors)", flush=True)
        hub_ttl = next(r for r in out["pages"] if r["page"] == "hub node .ttl")
        out["hub"] = {"iri": hub, "site_ttl_render_p50_ms": hub_ttl["render_p50_ms"]}
        out["pss_end_mib"], out["rss_end_mib"], _ = tree_memory(server.proc.pid)
    finally:
        server.stop()
    out["hub"].update(engine_twin(imports, hub, args.repeat))
    h = out["hub"]
    h["ratio"] = h["site_ttl_render_p50_ms"] / h["engine_construct_ttl_p50_ms"]
    h["goal_ms"] = 1.5 * h["engine_construct_ttl_p50_ms"] + 1
    print(f"hub twin: site {h['site_ttl_render_p50_ms']:.1f} ms (uncached, over HTTP) vs engine CONSTRUCT+Turtle "
          f"{h['engine_construct_ttl_p50_ms']:.1f} ms -> goal {h['goal_ms']:.1f} ms")
    slow = [r for r in out["pages"] if r["status"] != 200 or r["render_p50_ms"] > 1000]
    print(f"pages over 1 s (render p50) or failing: {len(slow)}" + "".join(f"\n  {r['status']} {r['render_p50_ms']:.0f} ms {r['page']}" for r in slow))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
