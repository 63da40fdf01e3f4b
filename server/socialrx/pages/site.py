"""The per-app page services: built once per graph version from the store on first use, shared by every request.

Each cached value is built under its own lock, so a slow build (a dump, an index at a million triples) never
makes a request for another page wait; page queries run in the store's "page" lane (own workers, shorter limit).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import current_app

from .iris import IriMap
from .labels import Catalogue
from .terms import TermMaker

_SITE_LOCK = threading.Lock()  # only guards swapping the Site when the graph version changes
ENTITY_CACHE = 512


class PageStore:
    """The store as pages see it: every query runs in the page lane unless it says otherwise."""

    def __init__(self, store):
        self._store = store

    def query(self, text, **kwargs):
        kwargs.setdefault("lane", "page")
        return self._store.query(text, **kwargs)

    def __getattr__(self, name):
        return getattr(self._store, name)


class Site:
    """Own the caches that pages share: labels and types, the search index, the overview, the dumps."""

    def __init__(self, store, settings, kb=None):
        self.raw_store = store
        self.store = PageStore(store)
        self.settings, self.kb = settings, kb
        self.iris = IriMap(settings.base_iri)
        self.version = data_version(store)
        self._cache: dict = {}
        self._locks: dict = {}
        self._locks_lock = threading.Lock()
        self._entities: OrderedDict = OrderedDict()
        self._entities_lock = threading.Lock()

    @property
    def catalogue(self) -> Catalogue:
        return self.cached("catalogue", lambda: Catalogue(self.store))

    @property
    def terms(self) -> TermMaker:
        return self.cached("terms", lambda: TermMaker(self.catalogue, self.iris))

    def _lock_for(self, key) -> threading.Lock:
        with self._locks_lock:
            lock = self._locks.get(key)
            if lock is None:
                lock = self._locks[key] = threading.RLock()  # re-entrant: one value may be built from another
            return lock

    def cached(self, key, build):
        """Return a value built once per graph version (such as the search index or the overview).

        Concurrent requests for the same key wait for one build; requests for other keys do not wait. A build
        that fails (a query past its time limit) is not kept, so the next request tries again.
        """
        try:
            return self._cache[key]
        except KeyError:
            pass
        with self._lock_for(key):
            if key not in self._cache:
                self._cache[key] = build()
        return self._cache[key]

    def entity(self, iri: str, incoming: str | None, page: int):
        """Return the page model of a resource, kept for its RDF twins and repeat visits."""
        key = (iri, incoming, page)
        with self._entities_lock:
            if key in self._entities:
                self._entities.move_to_end(key)
                return self._entities[key]
        from .entity import EntityBuilder

        with self._lock_for(("entity",) + key):
            with self._entities_lock:
                if key in self._entities:
                    return self._entities[key]
            model = EntityBuilder(self.store, self.catalogue, self.terms, self.settings.page_size).build(iri, incoming, page)
            with self._entities_lock:
                self._entities[key] = model
                while len(self._entities) > ENTITY_CACHE:
                    self._entities.popitem(last=False)
        with self._locks_lock:
            self._locks.pop(("entity",) + key, None)
        return model


def data_version(store):
    """Say which data the store answers from: its version, which changes whenever it is reloaded."""
    return (id(store), getattr(store, "version", None))


def site() -> Site:
    """Return the current app's Site, building a fresh one on first use or when the store's data changed."""
    ext = current_app.extensions
    current = ext.get("socialrx.site")
    store = ext["socialrx.store"]
    if current is None or current.version != data_version(store):
        with _SITE_LOCK:
            current = ext.get("socialrx.site")
            if current is None or current.version != data_version(store):
                current = ext["socialrx.site"] = Site(store, current_app.config["SOCIALRX_SETTINGS"], ext.get("socialrx.kb"))
    return current
