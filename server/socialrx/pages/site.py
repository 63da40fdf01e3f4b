"""The per-app page services: built once from the store on first use, shared by every request."""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import cached_property

from flask import current_app

from .iris import IriMap
from .labels import Catalogue
from .terms import TermMaker

_LOCK = threading.RLock()  # re-entrant: one cached value may be built from another
ENTITY_CACHE = 512


class Site:
    """Own the caches that pages share: labels and types, the search index, the overview, the dumps."""

    def __init__(self, store, settings, kb=None):
        self.store, self.settings, self.kb = store, settings, kb
        self.iris = IriMap(settings.base_iri)
        self.version = data_version(store)
        self._cache: dict = {}
        self._entities: OrderedDict = OrderedDict()

    @cached_property
    def catalogue(self) -> Catalogue:
        return Catalogue(self.store)

    @cached_property
    def terms(self) -> TermMaker:
        return TermMaker(self.catalogue, self.iris)

    def cached(self, key, build):
        """Return a value built once per app (such as the search index or the overview)."""
        if key not in self._cache:
            with _LOCK:
                if key not in self._cache:
                    self._cache[key] = build()
        return self._cache[key]

    def entity(self, iri: str, incoming: str | None, page: int):
        """Return the page model of a resource, kept for its RDF twins and repeat visits."""
        key = (iri, incoming, page)
        with _LOCK:
            if key in self._entities:
                self._entities.move_to_end(key)
                return self._entities[key]
        from .entity import EntityBuilder

        model = EntityBuilder(self.store, self.catalogue, self.terms, self.settings.page_size).build(iri, incoming, page)
        with _LOCK:
            self._entities[key] = model
            while len(self._entities) > ENTITY_CACHE:
                self._entities.popitem(last=False)
        return model


def data_version(store):
    """Say which data the store answers from; it changes when the store is reloaded with other data."""
    count = getattr(store, "triple_count", None)
    graphs = getattr(store, "graph_names", None)
    try:
        return (id(store), count() if count else None, len(graphs()) if graphs else None)
    except NotImplementedError:
        return (id(store), None, None)


def site() -> Site:
    """Return the current app's Site, building a fresh one on first use or when the store's data changed."""
    ext = current_app.extensions
    current = ext.get("socialrx.site")
    store = ext["socialrx.store"]
    if current is None or current.store is not store or current.version != data_version(store):
        with _LOCK:
            current = ext.get("socialrx.site")
            if current is None or current.store is not store or current.version != data_version(store):
                current = ext["socialrx.site"] = Site(store, current_app.config["SOCIALRX_SETTINGS"], ext.get("socialrx.kb"))
    return current
