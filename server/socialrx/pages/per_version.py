"""Values read from the data and kept until the store's data changes (its `version` changes on every reload)."""

from __future__ import annotations


def kept(cache: dict, store, build, *extra, versions: int = 8):
    """build() for this store and data version (and extra key parts), kept in cache; the cache forgets everything
    once it holds more than `versions` entries, since older versions are never asked for again."""
    key = (id(store), str(getattr(store, "version", "")), *extra)
    if key not in cache:
        if len(cache) > versions:
            cache.clear()
        cache[key] = build()
    return cache[key]
