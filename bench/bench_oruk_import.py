"""Benchmark `socialrx import oruk` on a live-feed-shaped source: N services in pages of 100, each service the
official ORUK 3.0 example (tests/fixtures/oruk/oruk-3.0/service_full.json) with its ids made unique, served by a
separate HTTP server process on 127.0.0.1. Each import runs in its own child process, which reports services/s
and peak memory (ru_maxrss), so two sizes show whether memory stays flat as the feed grows.

    python bench/bench_oruk_import.py                  # 2,000 and 10,000 services; prints a Markdown table
    python bench/bench_oruk_import.py --sizes 10000

The pages are synthetic because no real feed of that size ships with the project; they keep the official
example's shape (nested organisation, location with address, contact, service area, taxonomy term) so every
mapping path runs. Everything is written to a temporary folder that is removed afterwards.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXAMPLE = ROOT / "tests" / "fixtures" / "oruk" / "oruk-3.0" / "service_full.json"
PER_PAGE = 100

SERVER = r'''
import sys, re
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
from pathlib import Path
folder = Path(sys.argv[1])
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        m = re.search(r"[?&]page=(\d+)", self.path)
        f = folder / (f"page-{m.group(1)}.json" if "/services" in self.path and m else "root.json")
        body = f.read_bytes() if f.exists() else b'{"error": "not found"}'
        self.send_response(200 if f.exists() else 404)
        self.send_header("Content-Type", "application/json"); self.send_header("Content-Length", str(len(body)))
        self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
s = ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
'''

CHILD = r'''
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from socialrx.oruk.load import run_oruk_import
from socialrx.oruk.ours import Ours
ours = Ours.load()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t, cpu = time.perf_counter(), time.process_time()
r = run_oruk_import(sys.argv[2], Path(sys.argv[3]), name="bench", ours=ours, show_progress=False)
seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
print(json.dumps({"services": r.services_imported, "refused": r.refused_count, "pages": r.pages, "triples": r.triples,
                  "seconds": seconds, "cpu": cpu, "bytes": Path(r.target).stat().st_size,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "before_mib": before / 1024}))
'''


def write_pages(folder: Path, total: int) -> int:
    base = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    pages = (total + PER_PAGE - 1) // PER_PAGE
    size = 0
    (folder / "root.json").write_text(json.dumps({"version": "3.0", "profile": "https://github.com/OpenReferralUK/uk-profile"}))
    for p in range(1, pages + 1):
        items = []
        for i in range((p - 1) * PER_PAGE, min(p * PER_PAGE, total)):
            s = copy.deepcopy(base)
            s["id"] = str(uuid.UUID(int=i + 1))
            s["name"] = f"{base['name']} {i + 1}"
            s["organization"]["id"] = str(uuid.UUID(int=10**9 + i % 500))  # 500 organisations, shared as in real feeds
            s["service_at_locations"][0]["location"]["id"] = str(uuid.UUID(int=2 * 10**9 + i))
            s["service_at_locations"][0]["location"]["addresses"][0]["id"] = str(uuid.UUID(int=3 * 10**9 + i))
            s["contacts"][0]["id"] = str(uuid.UUID(int=4 * 10**9 + i))
            s["service_areas"][0]["id"] = str(uuid.UUID(int=5 * 10**9 + i))
            s["attributes"][0]["taxonomy_term"]["id"] = str(uuid.UUID(int=6 * 10**9 + i % 200))  # 200 terms
            items.append(s)
        body = json.dumps({"total_items": total, "total_pages": pages, "page_number": p, "size": len(items),
                           "first_page": p == 1, "last_page": p == pages, "empty": False, "contents": items})
        (folder / f"page-{p}.json").write_text(body)
        size += len(body)
    return size


def run(total: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="socialrx-oruk-bench-") as tmp:
        folder = Path(tmp)
        (folder / "pages").mkdir()
        size = write_pages(folder / "pages", total)
        server = subprocess.Popen([sys.executable, "-c", SERVER, str(folder / "pages")], stdout=subprocess.PIPE, text=True)
        try:
            port = int(server.stdout.readline())
            url = f"http://127.0.0.1:{port}/feed"
            out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT / "server"), url, str(folder / "imports")],
                                 capture_output=True, text=True, check=True)
        finally:
            server.terminate()  # the server this run started, by its own handle
            server.wait(timeout=10)
        result = json.loads(out.stdout)
        result["input_mib"] = size / 2**20
        result["total"] = total
        return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    args = parser.parse_args(argv)
    print(f"# {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M')}, "
          f"pages of {PER_PAGE} over HTTP on 127.0.0.1, load average {os.getloadavg()[0]:.1f} at the start")
    print("| services | pages | input | triples | N-Quads | wall time | services/s (wall) | CPU time | services per CPU-second | peak RSS | RSS before import |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for total in args.sizes:
        r = run(total)
        assert r["services"] == total and r["refused"] == 0, r
        print(f"| {total:,} | {r['pages']:,} | {r['input_mib']:.0f} MiB | {r['triples']:,} | {r['bytes'] / 2**20:.0f} MiB | "
              f"{r['seconds']:.1f} s | {total / r['seconds']:,.0f} | {r['cpu']:.1f} s | {total / r['cpu']:,.0f} | "
              f"{r['peak_mib']:.0f} MiB | {r['before_mib']:.0f} MiB |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
