"""HTTP as a well-run site speaks it: compression, CORS, security headers (with a CSP that needs no
'unsafe-inline') and fingerprinted static files with a long max-age.

Hook order matters (Flask runs after_request hooks in reverse order of registration): the views set ETag and
Cache-Control on the uncompressed bytes; then the headers below are added; Flask-Compress runs last, compresses,
appends ":br"/":gzip" to a strong ETag, adds Vary: Accept-Encoding and answers If-None-Match itself.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
from collections import OrderedDict
from pathlib import Path

from flask import Flask, Response, abort, current_app, has_request_context, request
from flask_compress import Compress
from flask_cors import CORS

from ..pages.navigation import STATIC_FLAG

# Every text format the site writes (pages, styles, scripts, RDF, query results, CSV, dumps).
COMPRESSED_TYPES = [
    "text/html", "text/css", "text/javascript", "application/javascript", "text/plain", "text/csv",
    "text/tab-separated-values", "text/turtle", "application/trig", "application/n-triples", "application/n-quads",
    "application/ld+json", "application/json", "application/rdf+xml", "application/xml", "image/svg+xml",
    "application/sparql-results+json", "application/sparql-results+xml", "application/geo+json",
    "application/manifest+json",
]
YEAR = 365 * 24 * 3600
FINGERPRINT = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{12})(?P<ext>\.[A-Za-z0-9]+)$")
# Inline <script> (not data blocks) and <style> elements written literally in a template; their hashes go into
# the CSP so that they run while injected markup does not (CSP 3, "hash-source").
INLINE = re.compile(r"<(script|style)(\s[^>]*)?>(.*?)</\1>", re.S | re.I)
DATA_BLOCK = re.compile(r"type\s*=\s*[\"']application/(ld\+)?json[\"']", re.I)


def install(app: Flask) -> None:
    """Add compression, CORS, security headers and fingerprinted static files to the app."""
    app.config.update(
        COMPRESS_MIMETYPES=COMPRESSED_TYPES,
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_ALGORITHM_STREAMING=["br", "deflate"],
        COMPRESS_MIN_SIZE=500,
        COMPRESS_LEVEL=6,
        COMPRESS_BR_LEVEL=5,
        COMPRESS_CACHE_BACKEND=lambda: CompressedCache(),
        COMPRESS_CACHE_KEY=_compress_key,
    )
    Compress(app)  # registered first, so its after_request hook runs last
    app.after_request(_remember_etag)  # runs just before compression: the key of the compressed-bytes cache
    CORS(app, resources={r"/*": {"origins": "*"}}, methods=["GET", "HEAD", "OPTIONS"],
         expose_headers=["ETag", "Link", "Content-Length", "Content-Encoding"], send_wildcard=True, max_age=86400)
    app.extensions["socialrx.csp"] = content_security_policy(app)
    app.after_request(_security_headers)
    _fingerprint_static(app)


# -- compression -----------------------------------------------------------------------------------------

class CompressedCache:
    """A bounded cache of compressed bodies keyed by algorithm and the strong ETag of the uncompressed body,
    so a repeat download of a dump is not compressed again. Bodies without an ETag are not kept."""

    LIMIT = 64 * 1024 * 1024

    def __init__(self):
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def set(self, key: str, value: bytes) -> None:
        if key.endswith(";") or len(value) > self.LIMIT // 4:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = value
            self._size += len(value)
            while self._size > self.LIMIT:
                _, old = self._items.popitem(last=False)
                self._size -= len(old)


def _remember_etag(response: Response) -> Response:
    etag, weak = response.get_etag()
    request.environ["socialrx.etag"] = "" if weak or not etag else f"{response.mimetype}|{etag}"
    return response


def _compress_key(req) -> str:
    return req.environ.get("socialrx.etag", "")


# -- security headers ------------------------------------------------------------------------------------

# <style> elements that vendored scripts add at run time with fixed text: YASGUI's table column resizer. The text
# is read from the vendored file (so an update keeps the hash right); the drag cursor style is its default option.
VENDOR_STYLES = (("vendor/yasgui/yasgui.min.js", re.compile(r"r\.createStyle\(a,`( \.grip-resizable\{[^`]*)`\)")),)
VENDOR_STYLE_TEXTS = ("*{cursor:col-resize!important}",)


def content_security_policy(app: Flask) -> str:
    """The site's CSP: only its own origin, plus the hashes of the inline scripts and styles its templates hold
    and of the fixed styles vendored scripts insert."""
    scripts, styles = inline_hashes(app)
    styles |= {_hash(text) for text in vendor_style_texts(Path(app.static_folder))}
    script_src = " ".join(["'self'", *sorted(scripts)])
    style_src = " ".join(["'self'", *sorted(styles)])
    return ("default-src 'self'; "
            f"script-src {script_src}; style-src {style_src}; "
            "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def inline_hashes(app: Flask) -> tuple[set[str], set[str]]:
    """Hash every literal inline script and style in the templates (those holding template code are skipped:
    their text is only known per request)."""
    scripts, styles = set(), set()
    for name in app.jinja_env.list_templates(extensions=["html"]):
        source, _, _ = app.jinja_env.loader.get_source(app.jinja_env, name)
        for m in INLINE.finditer(source):
            tag, attrs, body = m.group(1).lower(), m.group(2) or "", m.group(3)
            if "{{" in body or "{%" in body or "src=" in attrs or DATA_BLOCK.search(attrs):
                continue
            (scripts if tag == "script" else styles).add(_hash(body))
    return scripts, styles


def vendor_style_texts(static: Path) -> list[str]:
    texts = list(VENDOR_STYLE_TEXTS)
    for name, pattern in VENDOR_STYLES:
        path = static / name
        if path.is_file():
            texts += pattern.findall(path.read_text(encoding="utf-8"))
    return texts


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", current_app.extensions["socialrx.csp"])
    return response


# -- fingerprinted static files --------------------------------------------------------------------------

def _fingerprint_static(app: Flask) -> None:
    """url_for('static', filename='x.css') gives /static/x.<hash>.css, served for a year as immutable; the plain
    name still answers, revalidated by ETag."""
    folder = Path(app.static_folder)
    digests: dict[str, str] = {}
    lock = threading.Lock()

    def digest(filename: str) -> str | None:
        with lock:
            if filename not in digests:
                path = _safe(folder, filename)
                digests[filename] = hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path else None
            return digests[filename]

    @app.url_defaults
    def fingerprinted(endpoint, values):
        # The static copy (socialrx build-site) copies the folder as it is: plain names there.
        if endpoint == "static" and "filename" in values and not (has_request_context() and request.environ.get(STATIC_FLAG)):
            name = values["filename"]
            h = digest(name)
            if h:
                stem, dot, ext = name.rpartition(".")
                values["filename"] = f"{stem}.{h}.{ext}" if dot else name

    def static(filename):
        immutable = False
        path = _safe(folder, filename)
        m = FINGERPRINT.match(filename)
        if path is None and m:
            plain = m["stem"] + m["ext"]
            if digest(plain) != m["hash"]:
                abort(404)
            path, immutable = _safe(folder, plain), True
        if path is None:
            abort(404)
        resp = Response(path.read_bytes(), mimetype=_mimetype(path.name))
        if immutable:
            resp.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        else:
            resp.headers["Cache-Control"] = "public, no-cache"
        resp.add_etag()
        return resp.make_conditional(request)

    app.view_functions["static"] = static


def _safe(folder: Path, filename: str) -> Path | None:
    """The file under folder that filename names, or None (no escaping the folder, no folders)."""
    try:
        path = (folder / filename).resolve()
        path.relative_to(folder.resolve())
    except (ValueError, OSError):
        return None
    return path if path.is_file() else None


def _mimetype(name: str) -> str:
    import mimetypes

    if name.endswith((".js", ".mjs")):
        return "text/javascript"
    return mimetypes.guess_type(name)[0] or "application/octet-stream"
