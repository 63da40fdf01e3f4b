"""The one path by which SPARQL runs: `open_store(kb, settings).query(text, ...)` returns a Result.

Every backend applies the same guard (read-only, no outbound fetching, nesting limit), time limit and
row cap; see guard.py, worker.py and results.py for how each is enforced.
"""

from __future__ import annotations

from .base import QueryError, QueryRefused, QueryTimeout, Store
from .results import GRAPH_FORMATS, RESULTS_FORMATS, Result

__all__ = ["QueryError", "QueryTimeout", "QueryRefused", "Result", "Store", "open_store",
           "RESULTS_FORMATS", "GRAPH_FORMATS"]


def open_store(kb, settings) -> Store:
    """Open the store for a knowledge base: embedded pyoxigraph unless settings.endpoint names a remote one."""
    if settings.endpoint:
        from .remote import RemoteStore

        return RemoteStore(kb, settings)
    from .embedded import EmbeddedStore

    return EmbeddedStore(kb, settings, store_path=settings.store_path or getattr(kb, "store_path", None))
