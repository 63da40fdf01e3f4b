"""Rendered responses kept per graph version: a hit or a 304 never reaches Flask.

Every page, twin and query result is a pure function of the graph (which changes only on load, import or
an accepted change) and of the request's URL, host and negotiation headers. So the key is the store's
`version` plus those, the ETag is derived from the key alone (a conditional request is answered 304 before
anything is rendered), and the bytes of a 200 are kept in a least-recently-used map bounded in memory
(setting page_cache_mb). RFC 9110 §8.8.3 (weak ETags: a compressing layer may change the bytes),
RFC 9111 §5.2 (Cache-Control).

Not cached: anything but GET/HEAD, requests with cookies or credentials, /static/ (Flask serves those with
its own validators), the static-site builder's requests, non-200 answers, and answers that say
`Cache-Control: private` / `no-store` / `no-cache` themselves (editor and review pages).
"""

from __future__ import annotations

import hashlib

from ..lru import ByteCache
from ..pages.navigation import STATIC_FLAG

SKIP_PREFIXES = ("/static/",)
# Request headers a response may depend on besides the URL (Vary: Accept, and compression, if any).
KEY_HEADERS = ("HTTP_HOST", "HTTP_ACCEPT", "HTTP_ACCEPT_ENCODING", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")
NOT_SHARED = ("private", "no-store", "no-cache")


class PageCache:
    """WSGI middleware around the Flask app: answers hits and 304s itself, keeps the 200s it passes on."""

    def __init__(self, app, wsgi_app):
        settings = app.config["SOCIALRX_SETTINGS"]
        self.app, self.wsgi_app = app, wsgi_app
        self.cache = ByteCache(int(settings.page_cache_mb) * 1024 * 1024)
        self.cache_control = f"public, max-age={int(settings.cache_max_age_s)}"
        self.body_limit = self.cache.max_bytes // 4
        self._version = None

    def version(self) -> str:
        version = self.app.extensions["socialrx.store"].version
        if version != self._version:  # older versions' pages can never be asked for again
            self.cache.clear()
            self._version = version
        return version

    def key(self, environ) -> tuple:
        return (environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""),
                environ.get("wsgi.url_scheme", "")) + tuple(environ.get(h, "") for h in KEY_HEADERS)

    def etag(self, version: str, key: tuple) -> str:
        digest = hashlib.blake2b(repr(key).encode("utf-8", "surrogatepass"), digest_size=9).hexdigest()
        return f'W/"{version}.{digest}"'

    def __call__(self, environ, start_response):
        if not self._cacheable_request(environ):
            return self.wsgi_app(environ, start_response)
        version = self.version()
        key = self.key(environ)
        etag = self.etag(version, key)
        if _matches(environ.get("HTTP_IF_NONE_MATCH"), etag):
            entry = self.cache.get((version,) + key)
            headers = [("ETag", etag), ("Cache-Control", self.cache_control)]
            if entry is not None:  # 304 repeats the validators and Vary of the 200 (RFC 9110 §15.4.5)
                headers += [(k, v) for k, v in entry[1] if k.lower() in ("vary", "content-location", "expires")]
            else:
                headers.append(("Vary", "Accept"))
            start_response("304 Not Modified", headers)
            return []
        entry = self.cache.get((version,) + key)
        if entry is not None:
            status, headers, body = entry
            start_response(status, list(headers))
            return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]
        return self._miss(environ, start_response, (version,) + key, etag)

    def _miss(self, environ, start_response, full_key, etag):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            if exc_info is not None:
                return start_response(status, headers, exc_info)
            return lambda data: None  # nothing of ours writes through the legacy write() callable

        body_iter = self.wsgi_app(environ, capture)
        status, headers = captured["status"], captured["headers"]
        if not status.startswith("200") or not self._shareable(headers) or environ["REQUEST_METHOD"] == "HEAD":
            if status.startswith("200") and self._shareable(headers):
                headers = self._validators(headers, etag)
            start_response(status, headers)
            return body_iter
        headers = self._validators(headers, etag)
        chunks, size = [], 0
        iterator = iter(body_iter)
        try:
            for chunk in iterator:
                chunks.append(chunk)
                size += len(chunk)
                if size > self.body_limit:  # too big to keep (a dump): stream the rest as it comes
                    start_response(status, headers)
                    return _chain(chunks, iterator, body_iter)
        except BaseException:
            _close(body_iter)
            raise
        _close(body_iter)
        body = b"".join(chunks)
        self.cache.put(full_key, (status, tuple(headers), body), len(body))
        start_response(status, headers)
        return [body]

    def _validators(self, headers, etag):
        out = [(k, v) for k, v in headers if k.lower() not in ("etag", "cache-control", "last-modified")]
        out += [("ETag", etag), ("Cache-Control", self.cache_control)]
        return out

    @staticmethod
    def _shareable(headers) -> bool:
        for k, v in headers:
            lower = k.lower()
            if lower == "set-cookie":
                return False
            if lower == "cache-control" and any(word in v.lower() for word in NOT_SHARED):
                return False
            if lower == "vary" and ("cookie" in v.lower() or "*" in v):
                return False
        return True

    @staticmethod
    def _cacheable_request(environ) -> bool:
        return (environ.get("REQUEST_METHOD") in ("GET", "HEAD")
                and not environ.get("HTTP_COOKIE") and not environ.get("HTTP_AUTHORIZATION")
                and not environ.get(STATIC_FLAG)
                and not environ.get("PATH_INFO", "").startswith(SKIP_PREFIXES))


def _matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return False  # "*" means "any current representation"; we do not know there is one without rendering
    opaque = etag[2:]  # weak comparison (RFC 9110 §8.8.3.2): W/ prefixes are ignored
    return any(tag.strip().removeprefix("W/") == opaque for tag in header.split(","))


def _chain(first, rest, original):
    try:
        yield from first
        yield from rest
    finally:
        _close(original)


def _close(body_iter):
    close = getattr(body_iter, "close", None)
    if close is not None:
        close()


SWITCH_INTERVAL_S = 0.001


def install(app) -> PageCache:
    """Wrap the app's WSGI callable with the page cache and return it (kept in app.extensions too).

    Also shortens the interpreter's thread switch interval (5 ms by default) so that a hit, which needs the GIL
    a few times, waits less behind a thread that builds a large page in Python (issue 12).
    """
    import sys

    if sys.getswitchinterval() > SWITCH_INTERVAL_S:
        sys.setswitchinterval(SWITCH_INTERVAL_S)
    cache = PageCache(app, app.wsgi_app)
    app.wsgi_app = cache
    app.extensions["socialrx.pagecache"] = cache
    return cache


def bump(app) -> None:
    """Forget every kept page (the store's version is unchanged): for changes the version cannot see."""
    cache = app.extensions.get("socialrx.pagecache")
    if cache is not None:
        cache.cache.clear()


def data_changed(app, kb=None) -> str:
    """After an import or an accepted change: reload the store from the knowledge base; return the new version.

    The store's version changes, so the site's page models, labels and every kept page are rebuilt on demand.
    """
    store = app.extensions["socialrx.store"]
    store.reload(kb if kb is not None else app.extensions["socialrx.kb"])
    bump(app)
    return store.version
