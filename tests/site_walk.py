"""Walk a site's links over HTTP: every same-origin link from every page must answer 200.

Shared by the live-server and static-site tests, so both pass the same walk.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

import requests

LINK = re.compile(r'<(a|link|script|img)\b[^>]*?\b(href|src)="([^"]*)"', re.I)
REL = re.compile(r'\brel="([^"]*)"', re.I)
# Pages other engineers own and test; the walk stays on the entity, index and overview pages.
SKIP = ("/sparql", "/queries")


@dataclass
class Walk:
    pages: int = 0
    checked: int = 0
    broken: list[tuple[str, int, str]] = field(default_factory=list)  # (url, status, linked from)


def walk(start: str, limit: int = 5000, twins: bool = False, session=None) -> Walk:
    """Follow <a>, <link> and <script>/<img> links from start, fetching each once; HTML pages are followed further.

    RDF twins (<link rel="alternate">) are checked only with twins=True: the entity walk tests parse them.
    """
    session = session or requests.Session()
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(start))
    result = Walk()
    queue, seen = deque([(start, "(start)")]), {start}
    while queue and result.checked < limit:
        url, source = queue.popleft()
        resp = session.get(url, timeout=30)
        result.checked += 1
        if resp.status_code != 200:
            result.broken.append((url, resp.status_code, source))
            continue
        if "text/html" not in resp.headers.get("Content-Type", ""):
            continue
        result.pages += 1
        for m in LINK.finditer(resp.text):
            tag, raw = m.group(1).lower(), html.unescape(m.group(3))
            rel = REL.search(m.group(0))
            if tag == "link" and rel and "alternate" in rel.group(1) and not twins:
                continue
            target = urldefrag(urljoin(url, raw))[0]
            parts = urlsplit(target)
            if f"{parts.scheme}://{parts.netloc}" != origin or parts.path.startswith(SKIP) or target in seen:
                continue
            seen.add(target)
            queue.append((target, url))
    return result


@contextlib.contextmanager
def serve_folder(folder):
    """Serve a folder with `python -m http.server` on 127.0.0.1 and yield its base URL; stopped by PID afterwards."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(url + "/", timeout=1)
                break
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"http.server did not answer at {url}") from None
                time.sleep(0.05)
        yield url
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
