"""Load a served site with wrk: many connections over a mix of pages, search, small SPARQL queries and CSV.

    python bench/bench_load.py --tree after=.                              # this tree, 200 connections, 60 s
    python bench/bench_load.py --tree before=/tmp/before --tree after=/tmp/after --runs 2
    python bench/bench_load.py --tree after=. --duration 10 --connections 50   # a short try

For each run and each tree (interleaved: before, after, before, after, so drift in the machine's load hits both
alike) it starts `python -m socialrx serve --host 127.0.0.1 --port FREE` from that tree's own `server/` folder
(PYTHONPATH, working directory the tree: nothing needs installing), waits until the home page answers (any status), asks
every request of the mix once (each must answer 2xx/3xx in every tree, which also warms both alike), runs
Debian's `wrk` on loopback (`apt-get install wrk`) with bench/load_mix.lua rotating through the mix, stops the
server by its PID and prints one line per run: requests/s, p50, p99, errors (socket errors: connect, read,
write, timeout; plus answers outside 2xx/3xx, counted by the Lua `response` hook).

The mix uses routes that every tree since 2e076c3 (27 November) has, so a before/after pair asks for the same
thing; newer routes (/find, /oruk, /postcode lookups) are left out on purpose.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import load_profile  # noqa: E402

LUA = HERE / "load_mix.lua"
SPARQL_JSON = "application/sparql-results+json"
PREFIXES = "PREFIX srx: <https://w3id.org/socialrx/def/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "

# (kind, path, Accept). wrk asks for them in turn, round and round, so each is one share of the load.
MIX = [
    ("page", "/", ""),
    ("page", "/schemes", ""),
    ("page", "/id/scheme/bristol-open-place-directory", ""),
    ("page", "/id/scheme/bromley-by-bow-macmillan-service", ""),
    ("page", "/id/scheme/brighton-and-hove-community-navigation-pilot", ""),
    ("page", "/places", ""),
    ("page", "/id/area/bristol", ""),
    ("search", "/search?q=walking", ""),
    ("search", "/search?q=community", ""),
    ("sparql", "/sparql?" + urlencode({"query": PREFIXES + "SELECT ?scheme ?label WHERE { ?scheme srx:hasAim ?aim ; rdfs:label ?label } ORDER BY ?label LIMIT 10"}), SPARQL_JSON),
    ("sparql", "/sparql?" + urlencode({"query": PREFIXES + "SELECT ?aim (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s srx:hasAim ?aim } GROUP BY ?aim ORDER BY DESC(?n)"}), SPARQL_JSON),
    ("csv", "/queries/schemes-by-aim.csv", ""),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def revision(tree: Path) -> str:
    """Short commit of the tree, with +dirty when files differ from it (what serves is the files)."""
    try:
        rev = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(tree), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return rev + ("+dirty" if dirty else "")


def get(port: int, path: str, accept: str = "", timeout: float = 30, encoding: str = "") -> tuple[int, float]:
    """GET with the headers wrk sends (Host, and Accept and Accept-Encoding if given): a page cache keyed on them
    then holds what the load asks for. Returns (status, milliseconds)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        t0 = time.perf_counter()
        conn.putrequest("GET", path, skip_accept_encoding=True)
        if accept:
            conn.putheader("Accept", accept)
        if encoding:
            conn.putheader("Accept-Encoding", encoding)
        conn.endheaders()
        response = conn.getresponse()
        response.read()
        return response.status, (time.perf_counter() - t0) * 1000
    finally:
        conn.close()


def _stat(pid) -> list[str]:
    """Fields of /proc/PID/stat after the command name: [0] state, [1] parent PID, [19] start time."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def descendants(root: int) -> list[tuple[int, str]]:
    """(PID, start time) of every process below root (the query workers the server forked), read from /proc."""
    children: dict[int, list[tuple[int, str]]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = _stat(entry)
                children.setdefault(int(fields[1]), []).append((int(entry), fields[19]))
            except (OSError, IndexError, ValueError):
                continue
    out, todo = [], list(children.get(root, []))
    while todo:
        pid, started = todo.pop()
        out.append((pid, started))
        todo += children.get(pid, [])
    return out


class Server:
    """`python -m socialrx serve` from one tree's own source, on a free loopback port."""

    def __init__(self, tree: Path, log: Path, extra: list[str], start_timeout: float, connection_limit: int | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, PYTHONPATH=str(tree / "server"), PYTHONUNBUFFERED="1")
        check = subprocess.run([sys.executable, "-c", "import socialrx; print(socialrx.__file__)"], env=env, cwd=tree, capture_output=True, text=True)
        if not check.stdout.strip().startswith(str(tree / "server")):
            raise SystemExit(f"{tree}: python imports socialrx from {check.stdout.strip() or check.stderr.strip()}, not from the tree")
        self.log = log
        if connection_limit is None:
            launcher = ["-m", "socialrx"]
        else:  # what-if only: waitress's default (100) raised for this process, the tree's code unchanged
            launcher = ["-c", f"import waitress.adjustments, runpy; waitress.adjustments.Adjustments.connection_limit = {connection_limit:d}; "
                              "runpy.run_module('socialrx', run_name='__main__', alter_sys=True)"]
        cmd = [sys.executable, *launcher, "serve", "--host", "127.0.0.1", "--port", str(self.port), *extra]
        with open(log, "w") as out:
            # SIGINT back to its default: a shell without job control starts background jobs with it ignored,
            # and then Python would not turn it into KeyboardInterrupt and stop() could not stop the server.
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tree,
                                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        t0 = time.monotonic()
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"{tree}: the server stopped with {self.proc.returncode}:\n" + log.read_text()[-3000:])
            try:
                get(self.port, "/", timeout=5)  # any answer means it is up; preflight() judges the status
                break
            except (OSError, http.client.HTTPException):
                pass
            if time.monotonic() - t0 > start_timeout:
                self.stop()
                raise SystemExit(f"{tree}: no answer after {start_timeout:.0f} s; log in {log}")
            time.sleep(0.5)
        self.startup_s = time.monotonic() - t0

    def stop(self):
        """SIGINT (what Ctrl-C sends) to the server's PID, then SIGKILL to it and to any worker left behind."""
        workers = descendants(self.proc.pid)
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for pid, started in workers:
            try:
                if _stat(pid)[19] == started:  # still the worker, not a new process that reuses its PID
                    os.kill(pid, signal.SIGKILL)
            except (OSError, IndexError):
                pass


def preflight(port: int, mix, encoding: str = "") -> tuple[list[str], list[dict]]:
    """Ask for every request of the mix twice (first and second answer timed, one at a time); return those not
    answered 2xx/3xx and the timings."""
    bad, timings = [], []
    for kind, path, accept in mix:
        status, first_ms = get(port, path, accept, timeout=60, encoding=encoding)
        again, second_ms = get(port, path, accept, timeout=60, encoding=encoding)
        timings.append({"kind": kind, "path": path, "status": status, "first_ms": first_ms, "second_ms": second_ms})
        if not (200 <= status < 400 and 200 <= again < 400):
            bad.append(f"{status}/{again} {kind} {path}")
    return bad, timings


def accept_queue(port: int) -> int:
    """Connections the kernel has completed but the server has not accepted yet: the listening socket's rx_queue
    in /proc/net/tcp (`ss -ltn` shows it as Recv-Q). wrk 4.1 never counts a request on such a connection, not even
    as a timeout, so this is the only sign of connections the server leaves waiting."""
    local = f"0100007F:{port:04X}"
    try:
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[1] == local and fields[3] == "0A":  # 0A: LISTEN
                return int(fields[4].split(":")[1], 16)
    except (OSError, IndexError, ValueError):
        pass
    return 0


class QueueWatch(threading.Thread):
    """Samples accept_queue(port) every 0.5 s while the load runs; keeps the largest and the mean."""

    def __init__(self, port: int):
        super().__init__(daemon=True)
        self.port, self.samples, self.stopping = port, [], threading.Event()

    def run(self):
        while not self.stopping.wait(0.5):
            self.samples.append(accept_queue(self.port))

    def stop(self) -> dict:
        self.stopping.set()
        self.join()
        return {"unaccepted_max": max(self.samples, default=0),
                "unaccepted_mean": sum(self.samples) / len(self.samples) if self.samples else 0.0}


def start_profile(pid: int, args, out: Path) -> subprocess.Popen:
    """py-spy (pip install py-spy) samples the server and its query workers while the load runs, as collapsed
    stacks (one line a stack with its sample count; flamegraph.pl or speedscope read them)."""
    cmd = ["py-spy", "record", "--pid", str(pid), "--subprocesses", "--nonblocking", "--rate", "50",
           "--duration", str(args.duration), "--format", "raw", "--output", str(out)]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run_wrk(url: str, requests_file: Path, args) -> tuple[dict, str]:
    cmd = [args.wrk, "--threads", str(args.threads), "--connections", str(args.connections), "--duration", f"{args.duration}s",
           "--timeout", f"{args.timeout}s", "--latency", "--script", str(LUA), url, "--", str(requests_file)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=args.duration + args.timeout + 60)
    if done.returncode != 0:
        raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    line = next((x for x in done.stdout.splitlines() if x.startswith("LOAD_JSON ")), None)
    if line is None:
        raise SystemExit("wrk printed no LOAD_JSON line:\n" + done.stdout + done.stderr)
    return json.loads(line[len("LOAD_JSON "):]), done.stdout


def figures(raw: dict) -> dict:
    socket_errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p75_ms": raw["p75_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "socket_errors": socket_errors,
        "non_2xx_3xx": raw["non_2xx_3xx_lua"],
        "errors": socket_errors + raw["non_2xx_3xx_lua"],
        "bad_statuses": raw["bad_statuses"],
        "wrk": raw,
    }


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tree", action="append", required=True, metavar="LABEL=PATH",
                    help="a source tree to serve (its server/ folder and data); repeat for a before/after pair")
    ap.add_argument("--runs", type=int, default=1, help="runs per tree, interleaved (default 1)")
    ap.add_argument("--duration", type=int, default=60, help="seconds of load per run (default 60)")
    ap.add_argument("--connections", type=int, default=200, help="open connections (default 200)")
    ap.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    ap.add_argument("--timeout", type=int, default=10, help="wrk's per-request timeout in seconds (default 10)")
    ap.add_argument("--server-arg", action="append", default=[], metavar="ARG",
                    help="extra argument for `socialrx serve`, e.g. --server-arg=--threads=16 (default: none, the tree's defaults)")
    ap.add_argument("--connection-limit", type=int, metavar="N",
                    help="what-if: start the server with waitress's connection_limit raised to N (default: the tree's own, "
                         "waitress's 100), without changing the tree")
    ap.add_argument("--start-timeout", type=float, default=300, help="seconds to wait for a server to answer (default 300)")
    ap.add_argument("--wrk", default=shutil.which("wrk") or "/usr/bin/wrk", help="the wrk binary (Debian: apt-get install wrk)")
    ap.add_argument("--accept-encoding", default="", metavar="VALUE",
                    help="send this Accept-Encoding with every request, e.g. 'gzip, br' as browsers do (default: none, "
                         "like plain wrk; then every answer travels uncompressed)")
    ap.add_argument("--only", choices=sorted({kind for kind, _, _ in MIX}), action="append",
                    help="load only the requests of this kind (repeatable), to see which part of the mix is slow")
    ap.add_argument("--verbose", "-v", action="store_true", help="also print each request's time alone, before the load")
    ap.add_argument("--profile", action="store_true",
                    help="sample the server with py-spy during the load; collapsed stacks go to the --keep folder")
    ap.add_argument("--json", type=Path, help="write every run's figures here as JSON")
    ap.add_argument("--keep", type=Path, help="keep server logs and wrk's own output in this folder")
    args = ap.parse_args(argv)

    trees = []
    for item in args.tree:
        label, sep, path = item.partition("=")
        tree = Path(path).resolve()
        if not sep or not label or not (tree / "server" / "socialrx").is_dir():
            raise SystemExit(f"--tree {item!r}: use LABEL=PATH with PATH a socialrx source tree (it has server/socialrx)")
        trees.append((label, tree, revision(tree)))
    if not Path(args.wrk).exists():
        raise SystemExit(f"no wrk at {args.wrk}: apt-get install wrk")

    if args.profile and not (args.keep and shutil.which("py-spy")):
        raise SystemExit("--profile needs --keep DIR (where the stacks go) and py-spy (pip install py-spy)")
    mix = [item for item in MIX if not args.only or item[0] in args.only]
    work = args.keep or Path(tempfile.mkdtemp(prefix="socialrx-load-"))
    work.mkdir(parents=True, exist_ok=True)
    requests_file = work / "requests.tsv"
    requests_file.write_text("".join(f"{path}\t{accept}\t{args.accept_encoding}\n" for _, path, accept in mix))
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, wrk {args.threads} threads, "
          f"{args.connections} connections, {args.duration} s, timeout {args.timeout} s, "
          f"Accept-Encoding {args.accept_encoding or '(none)'}; mix of {len(mix)} requests: "
          + ", ".join(f"{sum(k == kind for k, _, _ in mix)} {kind}" for kind in dict.fromkeys(k for k, _, _ in mix)), flush=True)

    results = []
    try:
        for run in range(1, args.runs + 1):
            for label, tree, rev in trees:
                log = work / f"serve-{label}-{run}.log"
                server = Server(tree, log, args.server_arg, args.start_timeout, args.connection_limit)
                try:
                    bad, timings = preflight(server.port, mix, args.accept_encoding)
                    if bad:
                        raise SystemExit(f"{label} ({tree}): these requests of the mix do not answer 2xx/3xx:\n  " + "\n  ".join(bad))
                    load_before = load_average()
                    watch = QueueWatch(server.port)
                    watch.start()
                    spy = start_profile(server.proc.pid, args, work / f"profile-{label}-{run}.txt") if args.profile else None
                    try:
                        raw, text = run_wrk(server.url, requests_file, args)
                    finally:
                        queue = watch.stop()
                        if spy is not None:
                            spy.wait(timeout=60)
                finally:
                    server.stop()
                (work / f"wrk-{label}-{run}.txt").write_text(text)
                row = {"tree": label, "path": str(tree), "rev": rev, "run": run, "startup_s": server.startup_s,
                       "loadavg_before": load_before, "loadavg_after": load_average(), **figures(raw), **queue, "single": timings}
                results.append(row)
                print(f"{label:<8} {rev:<14} run {run}: {row['rps']:7.1f} req/s  p50 {row['p50_ms']:7.1f} ms  "
                      f"p99 {row['p99_ms']:7.1f} ms  errors {row['errors']} (socket {row['socket_errors']}, "
                      f"non-2xx/3xx {row['non_2xx_3xx']}{' ' + row['bad_statuses'] if row['bad_statuses'] else ''})  "
                      f"{row['requests']} requests  not accepted: up to {row['unaccepted_max']} connections "
                      f"(mean {row['unaccepted_mean']:.0f})  load avg {load_before} -> {row['loadavg_after']}", flush=True)
                if args.profile:
                    stacks = work / f"profile-{label}-{run}.txt"
                    if stacks.exists():
                        summary = load_profile.summarise(stacks, server_pid=server.proc.pid)
                        row["profile"] = {"samples": summary["samples"], "layers": dict(summary["layers"]),
                                          "processes": dict(summary["processes"]), "functions": summary["functions"]}
                        print("  py-spy " + load_profile.text(summary).replace("\n", "\n  "), flush=True)
                    else:
                        print(f"  py-spy wrote nothing to {stacks}", flush=True)
                if args.verbose:
                    for t in timings:
                        print(f"    alone: first {t['first_ms']:8.1f} ms, again {t['second_ms']:8.1f} ms  "
                              f"{t['status']} {t['kind']:<6} {t['path'][:90]}", flush=True)
    finally:
        if args.json:
            args.json.write_text(json.dumps({"mix": mix, "argv": sys.argv, "runs": results}, indent=1))
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
