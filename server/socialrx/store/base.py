"""The store protocol and its errors: every SPARQL query in the app goes through a Store."""

from __future__ import annotations


import time

_START = int(time.time())
_VERSIONS = 0


class QueryError(Exception):
    """A query could not be answered; .message says what, where and how to fix, .status is the HTTP status."""

    status = 400

    def __init__(self, message: str, *, status: int | None = None, position: tuple[int, int] | None = None):
        super().__init__(message)
        self.message = message
        self.position = position
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return self.message


class QueryTimeout(QueryError):
    """The query ran past the time limit and was stopped."""

    status = 503


class QueryRefused(QueryError):
    """The query asks for something this endpoint never does: updates, outbound fetching, huge or deep input."""

    status = 403


LANES = ("user", "page")  # who asks: a person's own query (/sparql, catalogue) or a page being built


class Store:
    """What embedded and remote stores offer; code outside store/ depends only on this.

    `version` names the data the store answers from: it changes on every reload, so caches of pages and
    results key on it (see web/pagecache.py). Queries run in a lane: "user" (the default: /sparql and the
    catalogue, limit query_time_limit_ms) or "page" (page models, their own workers and the shorter
    page_query_time_limit_ms), so a runaway user query never makes a page wait.
    """

    settings = None
    version = "0"

    def query(self, text: str, *, bindings: dict | None = None, default_graph_uris=(), named_graph_uris=(),
              timeout_ms: int | None = None, max_rows: int | None = None, lane: str = "user", bind_as: str | None = None,
              write: dict | None = None):
        """Run one SPARQL query and return a Result (raises QueryError and subclasses).

        bind_as="values" asks for bindings as a VALUES block where the backend has a choice (embedded store).
        write={"format": "ttl"|"jsonld"|"rdf", "prefixes": {...}} asks for a CONSTRUCT's triples written in that
        syntax by the engine (no row cap: the query must bound itself); the Result's `written` says what came back.
        With "per_folder": True the prefixes are socialrx.prefixes.writer_prefixes of the triples written.
        """
        raise NotImplementedError

    def run_on_snapshot(self, function, *, timeout_ms: int):
        """Return function(store) for a module-level function of a pyoxigraph store, run in a process of its own.

        For builds over every statement (the dumps), which would stall the web server's other threads. Backends
        that hold no local copy of the data (remote) raise NotImplementedError; the caller builds from the
        knowledge base instead.
        """
        raise NotImplementedError

    def _next_version(self) -> None:
        # Unique across stores in a process and across restarts, so an ETag never names old data.
        global _VERSIONS
        _VERSIONS += 1
        self.version = f"{_START:x}{_VERSIONS:x}"

    def close(self) -> None:
        """Release processes and connections; the store answers no query afterwards."""

    def triple_count(self) -> int:
        """Return how many quads the store holds (all graphs)."""
        raise NotImplementedError

    def graph_names(self) -> list[str]:
        """Return the IRIs of the named graphs, sorted."""
        raise NotImplementedError

    def reload(self, kb) -> None:
        """Make the store answer from the knowledge base as it is now (after imports changed it)."""
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
