"""Write the site as static files: crawl the app through Flask's test client, then rewrite links to relative ones.

Every resource page and its RDF twins, the class indexes (with single-facet and paged views), the vocabulary
and ontology pages, the sitemap, the VoID description, the dumps and the assets are written so that any
static file server can serve the folder from any path. Pages with a query string get a file name of their own
(`schemes--page-2.html`, `resource/<hash>.html` for /resource?uri=); search runs in the browser over
`search-index.json`. The SPARQL endpoint and the query catalogue need the live server and are left out.
"""

from __future__ import annotations

import hashlib
import html
import json
import posixpath
import re
import shutil
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from .pages.dataset import all_iris
from .pages.facets import INDEXES
from .pages.navigation import ABSOLUTE_FLAG, LIVE_ONLY, STATIC_FLAG
from .pages.negotiation import FORMATS

ATTRIBUTE = re.compile(r'\b(href|src|action|data-index|data-root)="([^"]*)"')
KNOWN_SUFFIXES = tuple(f.suffix for f in FORMATS) + (".json",)
# Postcode units (27,410 shipped) and the change history are answered by the live site only: a static copy that
# followed every link to them rendered 20,000 pages more and took the better part of an hour.
LIVE_ONLY_DATA = ("/id/postcode/", "/-/changes")
SKIP_PREFIXES = tuple(LIVE_ONLY) + LIVE_ONLY_DATA + ("/static/", "/search-index.json")
STATIC_EXCLUDE = ("axe-core",)  # vendored for the browser tests only


@dataclass
class Report:
    pages: int = 0
    skipped: list = field(default_factory=list)  # (url, status): redirects and outside IRIs without a page
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, int]] = field(default_factory=list)
    unresolved: set[str] = field(default_factory=set)

    def summary(self) -> str:
        text = f"{self.files} files ({self.pages} HTML pages, {self.bytes / 1e6:.1f} MB) written in {self.seconds:.1f} s"
        if self.failures:
            text += f"; {len(self.failures)} addresses failed: " + ", ".join(f"{u} ({s})" for u, s in self.failures[:5])
        if self.unresolved:
            text += f"; {len(self.unresolved)} links left as they were (live-server pages): " + ", ".join(sorted(self.unresolved)[:5])
        return text


def static_path(url: str, is_html: bool) -> str:
    """Return the file (relative to the output folder) that holds the answer to a root-relative URL."""
    path, _, query = url.partition("?")
    if path == "/resource" or path.startswith("/resource."):
        suffix = path[len("/resource"):] or ".html"
        uri = (parse_qs(query).get("uri") or [""])[0]
        return f"resource/{hashlib.sha1(uri.encode()).hexdigest()[:16]}{suffix}"
    rel = unquote(path.lstrip("/"))
    if query:
        base, suffix = rel, ""
        for known in KNOWN_SUFFIXES:
            if rel.endswith(known):
                base, suffix = rel[: -len(known)], known
        # Readable names: an IRI value contributes its last segment (aim=.../reduce-hospital-admissions).
        pairs = [(k, v.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]) for k, vs in parse_qs(query).items() for v in vs]
        slug = re.sub(r"[^A-Za-z0-9]+", "-", "-".join(f"{k}-{v}" for k, v in pairs)).strip("-")
        if len(slug) > 80 or not slug:
            slug = slug[:60] + "-" + hashlib.sha1(query.encode()).hexdigest()[:10]
        return f"{base or 'index'}--{slug}{suffix or ('.html' if is_html else '')}"
    if rel == "" or rel.endswith("/"):
        return rel + "index.html"
    if is_html and not rel.endswith(".html"):
        return rel + ".html"
    return rel


def seeds(app) -> list[str]:
    """Return the addresses the crawl starts from: the fixed pages and a page for every IRI in the graph."""
    with app.app_context():
        from .pages.site import site

        s = site()
        iris = all_iris(s.store)
        # Postcode units are looked up on the live site (/postcode), never linked from a page: not written out.
        paths = [s.iris.path(i) for i in iris if "/id/postcode/" not in i]
    fixed = ["/", "/search", "/vocab", "/ontology", "/sitemap.xml", "/.well-known/void", "/.well-known/void.jsonld",
             "/-/dump.ttl", "/-/dump.nq", "/-/settings", "/-/settings.json"]
    fixed += ["/" + name for name in INDEXES] + ["/" + name + ".json" for name in INDEXES]
    return fixed + paths


def crawl(app, base_url: str | None, progress=print) -> tuple[dict[str, tuple[str, bytes]], Report]:
    """Fetch every reachable local address through the test client; return url -> (mimetype, body)."""
    report = Report()
    client = app.test_client()
    environ = {STATIC_FLAG: True, ABSOLUTE_FLAG: bool(base_url)}
    root = urlsplit(base_url).path.rstrip("/") if base_url else ""  # the test client's script root
    queue, seen, answers = deque(seeds(app)), set(), {}
    while queue:
        url = _html_twin(queue.popleft())
        if url in seen:
            continue
        seen.add(url)
        resp = client.get(url, base_url=base_url or "http://localhost/", environ_overrides=environ)
        if resp.status_code in (301, 302, 303, 307, 308) or (resp.status_code == 404 and url.startswith("/resource?")):
            # A static copy cannot redirect (the ontology's version IRI), and an outside IRI that the graph
            # only uses in the query catalogue's plumbing has no page: not written, and not a failure.
            report.skipped.append((url, resp.status_code))
            continue
        if resp.status_code != 200:
            report.failures.append((url, resp.status_code))
            continue
        answers[url] = (resp.mimetype, resp.get_data())
        if resp.mimetype == "text/html":
            report.pages += 1
            for link in local_links(resp.get_data(as_text=True), root, base_url):
                if link not in seen:
                    queue.append(link)
            if report.pages % 100 == 0:
                progress(f"  {report.pages} pages rendered, {len(queue)} addresses queued")
    return answers, report


def _html_twin(url: str) -> str:
    """Fold /x.html into /x: the same page, rendered and written once."""
    path, sep, query = url.partition("?")
    if path.endswith(".html") and len(path) > 6:
        return path[:-5] + sep + query
    return url


def local_links(text: str, root: str, base_url: str | None):
    """Yield the root-relative addresses (fragment dropped) that a page links to on this site."""
    for attr, value in ATTRIBUTE.findall(text):
        if attr == "data-root":
            continue
        url = _local(html.unescape(value), root, base_url)
        if url and not url.startswith(SKIP_PREFIXES) and url != "/resource" and not (url.startswith("/search?")):
            yield url


def _local(value: str, root: str, base_url: str | None) -> str | None:
    if base_url and value.startswith(base_url.rstrip("/") + "/"):
        value = value[len(base_url.rstrip("/")):]
    elif value.startswith("http://localhost/"):
        value = value[len("http://localhost"):]
    if not value.startswith("/") or value.startswith("//"):
        return None
    if root and value.startswith(root + "/"):
        value = value[len(root):]
    return value.split("#", 1)[0] or None


def rewrite(text: str, here: str, files: dict[str, str], root: str, base_url: str | None, report: Report) -> str:
    """Make every local link in a page relative to the page's own file."""
    folder = posixpath.dirname(here) or "."

    def relative(target: str) -> str:
        return quote(posixpath.relpath(target, folder), safe="/-._~")

    def replace(m):
        attr, raw = m.group(1), html.unescape(m.group(2))
        if attr == "data-root":
            up = posixpath.relpath(".", folder)
            return f'{attr}="{"" if up == "." else up + "/"}"'
        url = _local(raw, root, base_url)
        if url is None:
            return m.group(0)
        fragment = raw.split("#", 1)[1] if "#" in raw else None
        if url.startswith("/static/"):
            new = relative(unquote(url.lstrip("/")))
        elif url.startswith("/search?") or url == "/search":
            new = relative(files.get("/search", "search.html")) + ("?" + url.split("?", 1)[1] if "?" in url else "")
        elif url == "/search-index.json":
            new = relative("search-index.json")
        elif _html_twin(url) in files:
            new = relative(files[_html_twin(url)])
        else:
            report.unresolved.add(url)
            return m.group(0)
        if fragment is not None:
            new += "#" + fragment
        return f'{attr}="{html.escape(new, quote=True)}"'

    return ATTRIBUTE.sub(replace, text)


def build_site(app, out: Path, base_url: str | None = None, progress=print) -> Report:
    """Write the static site into out/ (replacing what our previous build wrote) and return what was done."""
    started = time.perf_counter()
    out = Path(out)
    progress(f"Rendering pages into {out}/ …")
    answers, report = crawl(app, base_url, progress)
    root = urlsplit(base_url).path.rstrip("/") if base_url else ""
    files, taken = {}, {}
    for url, (mimetype, _) in sorted(answers.items()):
        name = static_path(url, mimetype == "text/html")
        if name in taken:  # two addresses with the same readable name: tell them apart by a hash
            stem, dot, ext = name.rpartition(".")
            name = f"{stem}-{hashlib.sha1(url.encode()).hexdigest()[:8]}{dot}{ext}"
        taken[name] = url
        files[url] = name
    out.mkdir(parents=True, exist_ok=True)
    for url, (mimetype, body) in answers.items():
        target = out / files[url]
        target.parent.mkdir(parents=True, exist_ok=True)
        if mimetype == "text/html":
            body = rewrite(body.decode("utf-8"), files[url], files, root, base_url, report).encode("utf-8")
        target.write_bytes(body)
        report.files += 1
        report.bytes += len(body)
    report.files += _search_index(app, out, files, base_url, report)
    report.files += _copy_static(app, out)
    report.seconds = time.perf_counter() - started
    progress(report.summary())
    return report


def _search_index(app, out: Path, files: dict[str, str], base_url, report: Report) -> int:
    """Write the in-browser search index, each entry pointing at its page's file."""
    client = app.test_client()
    resp = client.get("/search-index.json", base_url=base_url or "http://localhost/", environ_overrides={STATIC_FLAG: True})
    entries = []
    for entry in json.loads(resp.get_data(as_text=True)):
        page = files.get(entry["href"])
        if page:
            entries.append({**entry, "page": page})
    body = json.dumps(entries, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    (out / "search-index.json").write_bytes(body)
    report.bytes += len(body)
    return 1


def _copy_static(app, out: Path) -> int:
    source = Path(app.static_folder)
    target = out / "static"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(*STATIC_EXCLUDE))
    return sum(1 for p in target.rglob("*") if p.is_file())
