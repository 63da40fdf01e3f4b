"""Walk a site's links over HTTP: every same-origin link from every page must answer 200.

Shared by the live-server and static-site tests, so both pass the same walk.
"""

from __future__ import annotations

import html
import re
import sys
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

import requests
from support import running_server

LINK = re.compile(r'<(a|link|script|img)\b[^>]*?\b(href|src)="([^"]*)"', re.I)
REL = re.compile(r'\brel="([^"]*)"', re.I)
# Pages other engineers own and test; the walk stays on the entity, index and overview pages.
# Live-only (socialrx.sitebuild.LIVE_ONLY_DATA), the version IRI (a 303 on the live site) and pages of outside IRIs
# the static copy leaves out when the graph has nothing to show about them (sitebuild Report.skipped).
SKIP = ("/sparql", "/queries", "/id/postcode/", "/-/changes", "/def/0.", "/resource")


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


def serve_folder(folder):
    """Serve a folder with `python -m http.server` on 127.0.0.1; a context manager that yields its base URL and
    stops the server by PID afterwards."""
    return running_server(lambda port: [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                                        "--directory", str(folder)])
