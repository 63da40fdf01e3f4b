"""Read an ORUK source page by page: a file (one service, a paged list, an array, a tabular data package) or
the base URL of a live feed (ORUK 3.0 `/services?page=N`, or ORUK 1.0 "classic" with `content`/`totalPages`).

This and `enrich` are the only places the project reaches the network, and only when a person runs the
import: every request has a timeout and a size limit, and any failure raises FeedError with a clear message.
"""

from __future__ import annotations

import hashlib
import json
import re
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode, urljoin

from .tabular import TabularError, read_package

try:  # orjson parses a feed page 3-5x faster than the standard library (bench/bench_oruk_import.py)
    from orjson import loads as _loads
except ImportError:  # pragma: no cover - the standard library gives the same answers, slower
    _loads = json.loads

USER_AGENT = "socialrx-oruk-import/0.1 (https://w3id.org/socialrx/; knowledge graph of UK social prescribing schemes)"
NESTED = ("service_at_locations", "contacts", "service_areas", "attributes", "eligibilitys", "service_taxonomys", "phones")
MAX_PAGES = 100_000


class FeedError(Exception):
    """The source could not be read; nothing was written."""


@dataclass
class Page:
    where: str  # URL or file path
    sha256: str
    size: int
    services: list
    total_pages: int | None = None


@dataclass
class FeedInfo:
    source: str
    is_url: bool
    version: str = ""  # "3.0" (ORUK 3.0 / HSDS 3.0) or "1.0" (ORUK classic)
    licence: str = ""
    meta: dict = field(default_factory=dict)


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def fetch(url: str, timeout: float, max_bytes: int) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) only, checked above)
            body = response.read(max_bytes + 1)
    except urllib.error.HTTPError as e:
        raise FeedError(f"{url} answered HTTP {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        raise FeedError(f"{url} could not be reached: {e.reason}") from None
    except TimeoutError:
        raise FeedError(f"{url} did not answer within {timeout:g} s (--timeout)") from None
    except OSError as e:
        raise FeedError(f"{url} could not be read: {e}") from None
    if len(body) > max_bytes:
        raise FeedError(f"{url} sent more than {max_bytes // (1024 * 1024)} MiB in one response (--max-mb); nothing was imported")
    return body


def parse_json(body: bytes, where: str):
    try:
        return _loads(body)
    except (UnicodeDecodeError, ValueError) as e:
        raise FeedError(f"{where} is not JSON: {e}") from None


def version_of(doc) -> str:
    """'3.0' for an ORUK/HSDS 3.0 paged list (contents), '1.0' for ORUK classic (content)."""
    if isinstance(doc, dict):
        if "contents" in doc:
            return "3.0"
        if "content" in doc:
            return "1.0"
        if "eligibilitys" in doc or "service_taxonomys" in doc or "regular_schedules" in doc:
            return "1.0"
    return "3.0"


def licence_of(doc) -> str:
    if isinstance(doc, dict):
        for key in ("license", "licence"):
            value = doc.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
            if isinstance(value, dict):
                return str(value.get("url") or value.get("path") or value.get("name") or value.get("title") or "").strip()
    return ""


def _items(doc) -> tuple[list, int | None]:
    if isinstance(doc, list):
        return doc, None
    if not isinstance(doc, dict):
        raise FeedError("expected a JSON object or array of services")
    for key, pages in (("contents", "total_pages"), ("content", "totalPages")):
        if key in doc:
            items = doc[key] if isinstance(doc[key], list) else []
            total = doc.get(pages)
            return items, total if isinstance(total, int) and not isinstance(total, bool) else None
    if "id" in doc or "name" in doc:
        return [doc], None  # one service
    raise FeedError("no services found: expected a service, a paged list (contents or content) or an array")


class FileSource:
    """One file: a service, a paged list or an array of services, or a tabular data package (datapackage.json)."""

    def __init__(self, path: str, max_bytes: int):
        self.path = Path(path)
        self.max_bytes = max_bytes
        if not self.path.exists():
            raise FeedError(f"{path}: no such file")
        self.info = FeedInfo(str(self.path.resolve()), False)

    def pages(self):
        target = self.path / "datapackage.json" if self.path.is_dir() else self.path
        if not target.is_file():
            raise FeedError(f"{self.path}: not a file, and no datapackage.json in it")
        if target.stat().st_size > self.max_bytes:
            raise FeedError(f"{target} is larger than {self.max_bytes // (1024 * 1024)} MiB (--max-mb)")
        body = target.read_bytes()
        doc = parse_json(body, str(target))
        if isinstance(doc, dict) and isinstance(doc.get("resources"), list):
            try:
                services, digest, size, licence = read_package(target, doc, self.max_bytes)
            except TabularError as e:
                raise FeedError(str(e)) from None
            self.info.version, self.info.licence = "3.0", licence
            yield Page(str(target.parent), digest, size, services)
            return
        self.info.version = version_of(doc if not isinstance(doc, list) or not doc else doc[0])
        self.info.licence = licence_of(doc)
        items, total = _items(doc)
        yield Page(str(target), hashlib.sha256(body).hexdigest(), len(body), items, total)


class UrlSource:
    """A live feed: its root (for version and licence), then /services page by page, details where a list is thin."""

    def __init__(self, base: str, timeout: float, max_bytes: int, per_page: int = 100):
        self.base = base.rstrip("/") + "/"
        self.timeout, self.max_bytes, self.per_page = timeout, max_bytes, per_page
        self.info = FeedInfo(base.rstrip("/"), True)
        self.extra_pages: list[Page] = []  # detail pages fetched for thin list items

    def _get(self, url: str):
        body = fetch(url, self.timeout, self.max_bytes)
        return body, parse_json(body, url)

    def pages(self):
        try:
            _, meta = self._get(self.base)
            if isinstance(meta, dict):
                self.info.meta = {k: v for k, v in meta.items() if isinstance(v, (str, int, float))}
                self.info.licence = licence_of(meta)
                if isinstance(meta.get("version"), str) and re.match(r"^\d", meta["version"]):
                    self.info.version = "3.0" if meta["version"].startswith("3") else meta["version"][:8]
        except FeedError:
            pass  # many ORUK 1.0 feeds have no root document; the list tells the version
        # The next page is fetched while the current one is mapped, so waiting on the network overlaps the work.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="oruk-fetch") as pool:
            page, url = 1, self._page_url(1)
            body, doc = self._get(url)
            while True:
                version = version_of(doc)
                if not self.info.version or self.info.version not in ("3.0", "1.0"):
                    self.info.version = version
                if not self.info.licence:
                    self.info.licence = licence_of(doc)
                try:
                    items, total = _items(doc)
                except FeedError as e:
                    raise FeedError(f"{url}: {e}") from None
                last = doc.get("last_page", doc.get("last")) if isinstance(doc, dict) else True
                done = (not items or last is True or (total is not None and page >= total)
                        or (total is None and last is None) or page >= MAX_PAGES)
                ahead = None if done else pool.submit(self._get, self._page_url(page + 1))
                items = [self._detail(item) for item in items]
                yield Page(url, hashlib.sha256(body).hexdigest(), len(body), items, total)
                if done:
                    break
                page, url = page + 1, self._page_url(page + 1)
                body, doc = ahead.result()

    def _page_url(self, page: int) -> str:
        return urljoin(self.base, "services") + "?" + urlencode({"page": page, "per_page": self.per_page})

    def _detail(self, item):
        """A list item without nested records (ORUK 3.0 lists give one-to-one fields only): fetch /services/{id}."""
        if not isinstance(item, dict) or any(k in item for k in NESTED) or not isinstance(item.get("id"), str) or not item["id"].strip():
            return item
        url = urljoin(self.base, "services/") + quote(item["id"].strip(), safe="")
        try:
            body, doc = self._get(url)
        except FeedError:
            return item  # keep what the list gave
        if isinstance(doc, dict) and doc.get("id") == item["id"]:
            self.extra_pages.append(Page(url, hashlib.sha256(body).hexdigest(), len(body), []))
            return doc
        return item


def open_source(source: str, timeout: float = 30.0, max_mb: int = 50, per_page: int = 100):
    max_bytes = max_mb * 1024 * 1024
    if is_url(source):
        return UrlSource(source, timeout, max_bytes, per_page)
    if re.match(r"^[a-z]+://", source):
        raise FeedError(f"{source}: only http(s) URLs and files can be imported")
    return FileSource(source, max_bytes)
