"""Where a served site spends its time: py-spy's collapsed stacks (`py-spy record --format raw`) by layer.

    python bench/load_profile.py /tmp/load/profile-after-1.txt [--top 15]

Each sample is put in the first layer that matches, looking from the innermost frame outwards (so a page
query waiting on the store counts as "store", its template as "templates"). Layers: logging, the SPARQL store
(socialrx.store and the query worker processes), templates (Jinja2), page models (socialrx.pages), socialrx.web
(blueprints, page cache), Flask/Werkzeug, waitress socket I/O (send/recv), waitress threads waiting (for a task
or the GIL), the rest of waitress (parsing, queueing), other. Then the socialrx functions with the most samples
below them. py-spy samples threads that are not idle (without --idle), so the shares are of busy time.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^():]*?):\d+\)$")

# (layer, test on a frame's file and function), first match from the innermost frame wins.
LAYERS = [
    ("logging", lambda f, fn: f.startswith("logging/")),
    ("store (SPARQL)", lambda f, fn: "socialrx/store" in f or "pyoxigraph" in f),
    ("templates (Jinja2)", lambda f, fn: f.startswith("jinja2/")),
    ("page models (socialrx.pages)", lambda f, fn: "socialrx/pages" in f),
    ("socialrx.web", lambda f, fn: "socialrx/web" in f),
    ("Flask/Werkzeug", lambda f, fn: f.startswith(("flask/", "werkzeug/", "flask_"))),
    ("waitress socket I/O", lambda f, fn: f == "waitress/wasyncore.py" and fn.endswith((".send", ".recv"))),
    ("waitress threads waiting", lambda f, fn: f == "threading.py" and fn.startswith("Condition.")),
    ("waitress (parse, queue, other)", lambda f, fn: f.startswith("waitress/")),
]


def frames(stack: str) -> tuple[str, list[tuple[str, str]]]:
    """Split one collapsed line's stack into its process label and (file, function) frames, outermost first."""
    parts = stack.split(";")
    out = []
    for part in parts[1:]:
        m = FRAME.match(part.strip())
        if m:
            out.append((m["file"], m["func"]))
    return parts[0], out


def summarise(path: Path, top: int = 15, server_pid: int | None = None) -> dict:
    """Samples by layer and by process; with server_pid, every other process (forked query workers share its
    command line) counts as a query worker."""
    layers, functions, processes = Counter(), Counter(), Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        process, stack_frames = frames(stack)
        if server_pid is not None:
            worker = not process.startswith(f"process {server_pid}:")
        else:
            worker = "socialrx/store/worker" in stack or "zygote" in stack
        processes["query workers" if worker else "server process"] += n
        layer = "other"
        for file, func in reversed(stack_frames):
            layer = next((name for name, test in LAYERS if test(file, func)), None)
            if layer:
                break
        layers[layer or "other"] += n
        for file, func in set(stack_frames):
            if file.startswith("socialrx/") and not file.endswith(("cli.py", "__main__.py", "commands/serve.py")):
                functions[f"{func} ({file})"] += n
    return {"samples": total, "layers": layers, "functions": functions.most_common(top), "processes": processes}


def text(summary: dict) -> str:
    total = summary["samples"] or 1
    lines = [f"{summary['samples']} samples: " + ", ".join(f"{name} {n / total:.0%}" for name, n in summary["processes"].most_common())]
    lines += [f"  {n / total:6.1%}  {name}" for name, n in summary["layers"].most_common()]
    if summary["functions"]:
        lines.append("  socialrx functions (samples below them):")
        lines += [f"  {n / total:6.1%}  {name}" for name, n in summary["functions"]]
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("profile", type=Path, nargs="+", help="collapsed stacks from py-spy record --format raw")
    ap.add_argument("--server-pid", type=int, help="the server's PID (other processes are its query workers)")
    ap.add_argument("--top", type=int, default=15, help="socialrx functions to list (default 15)")
    args = ap.parse_args(argv)
    for path in args.profile:
        print(f"# {path}\n{text(summarise(path, args.top, args.server_pid))}")


if __name__ == "__main__":
    main()
