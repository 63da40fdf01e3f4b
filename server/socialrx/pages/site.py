"""The per-app page services: built once from the store on first use, shared by every request."""

from __future__ import annotations

import threading
from functools import cached_property

from flask import current_app

from .iris import IriMap
from .labels import Catalogue
from .terms import TermMaker

_LOCK = threading.RLock()  # re-entrant: one cached value may be built from another


class Site:
    """Own the caches that pages share: labels and types, the search index, the overview, the dumps."""

    def __init__(self, store, settings, kb=None):
        self.store, self.settings, self.kb = store, settings, kb
        self.iris = IriMap(settings.base_iri)
        self._cache: dict = {}

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

    def entity_builder(self):
        from .entity import EntityBuilder

        return EntityBuilder(self.store, self.catalogue, self.terms, self.settings.page_size)


def site() -> Site:
    """Return the current app's Site, creating it on first use."""
    ext = current_app.extensions
    if "socialrx.site" not in ext:
        with _LOCK:
            if "socialrx.site" not in ext:
                ext["socialrx.site"] = Site(ext["socialrx.store"], current_app.config["SOCIALRX_SETTINGS"], ext.get("socialrx.kb"))
    return ext["socialrx.site"]
