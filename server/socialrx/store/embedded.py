"""The embedded store: pyoxigraph, in memory or on disk, queried in killable worker processes."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pyoxigraph as ox

from . import guard
from .base import LANES, QueryError, Store
from .results import Result, term_to_nt, term_to_ox
from .worker import Pool

_VARNAME = re.compile(r"[A-Za-z0-9_\u00B7\u00C0-\U000EFFFF]+")
_SYNTAX = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


class Checked:
    """Shared by both backends: limits from settings, the guard, and the checks on protocol graphs."""

    def __init__(self, settings):
        self.settings = settings
        self._graphs: frozenset[str] = frozenset()

    def _limits(self, timeout_ms, max_rows, lane="user"):
        if lane not in LANES:
            raise ValueError(f"lane must be one of {LANES}, not {lane!r}")
        if timeout_ms is None:
            timeout_ms = self.settings.page_query_time_limit_ms if lane == "page" else self.settings.query_time_limit_ms
        max_rows = self.settings.max_returned_rows if max_rows is None else max_rows
        return timeout_ms, max_rows

    def inspect(self, text: str, locate: bool = True) -> guard.Inspection:
        """Check a query against the guard and return what it found (raises QueryError/QueryRefused)."""
        if not isinstance(text, str) or not text.strip():
            raise QueryError("The query is empty. Send a SPARQL query (SELECT, CONSTRUCT, DESCRIBE or ASK).")
        limit = self.settings.max_request_kb * 1024
        if len(text.encode("utf-8")) > limit:
            raise QueryError(f"The query is longer than {self.settings.max_request_kb} KiB, the most this endpoint "
                             f"accepts (setting max_request_kb). Shorten it, e.g. move long VALUES lists into the data.",
                             status=413)
        return guard.inspect(text, max_depth=self.settings.max_query_depth, allow_list=self.settings.service_allow_list,
                             known_graphs=self._graphs, locate=locate)

    def _check_graphs(self, default_graph_uris, named_graph_uris):
        for param, uris in (("default-graph-uri", default_graph_uris), ("named-graph-uri", named_graph_uris)):
            unknown = [u for u in uris if u not in self._graphs]
            if unknown:
                raise QueryError(
                    f"{param}={unknown[0]} is not a graph in this knowledge base (graphs are named after their "
                    f"sources). Use a graph IRI from the service description (GET /sparql), or leave out {param} "
                    f"to query the union of all graphs.")

    @staticmethod
    def _check_bindings(bindings):
        for name in bindings or {}:
            if not _VARNAME.fullmatch(name):
                raise QueryError(f"Cannot bind {name!r}: give variable names without the leading '?', e.g. 'scheme'.")


class EmbeddedStore(Checked, Store):
    """pyoxigraph behind a pool of worker processes; the default backend."""

    def __init__(self, kb, settings, store_path: str | Path | None = None):
        super().__init__(settings)
        self._store_path = str(store_path) if store_path else None
        self._lock = threading.Lock()
        self._pool = self._page_pool = None
        self.reload(kb)

    def reload(self, kb) -> None:
        """Fork fresh workers from the knowledge base as it is now (they see a snapshot taken at fork time)."""
        with self._lock:
            store = kb.store
            if self._store_path:
                # Workers open their own read-only view. Settle the read-write instance first (flush, then a full
                # compaction) so RocksDB deletes no file that view is about to read.
                store.flush()
                store.optimize()
                path = self._store_path

                def opener():
                    return _open_read_only(path)
            else:
                def opener():
                    return store
            self._graphs = frozenset(g.value for g in store.named_graphs())
            self._count = len(store)
            old = (self._pool, self._page_pool)
            self._pool = Pool(self.settings.query_workers, opener)
            self._page_pool = Pool(self.settings.page_query_workers, opener)
            self._next_version()
        for pool in old:
            if pool is not None:
                pool.retire()  # queries already running on the old snapshot still get their answer

    def query(self, text, *, bindings=None, default_graph_uris=(), named_graph_uris=(), timeout_ms=None, max_rows=None,
              lane="user", bind_as=None, write=None):
        started = time.perf_counter()
        timeout_ms, max_rows = self._limits(timeout_ms, max_rows, lane)
        info = self.inspect(text, locate=bool(bindings))
        default_graph_uris, named_graph_uris = list(default_graph_uris or ()), list(named_graph_uris or ())
        self._check_graphs(default_graph_uris, named_graph_uris)
        self._check_bindings(bindings)
        request = {"query": text, "max_rows": max_rows}
        if default_graph_uris or named_graph_uris:
            # A protocol dataset replaces the query's: unnamed parts are empty (SPARQL 1.1 Protocol §2.1.4).
            request["default_graph"] = default_graph_uris
            request["named_graphs"] = named_graph_uris
        elif not (info.from_graphs or info.from_named):
            request["union"] = True  # the default graph is the union of the named graphs
        if bindings:
            request.update(self._bind(text, info, bindings, bind_as))
        if write and info.form in ("construct", "describe"):
            request["write"] = write
        pool = self._page_pool if lane == "page" else self._pool
        if pool is None:
            raise QueryError("The query store has been closed; no more queries can run.", status=503)
        reply = pool.run(request, timeout_ms / 1000)
        if "error" in reply:
            raise _engine_error(reply, request["query"])
        elapsed = (time.perf_counter() - started) * 1000
        return Result(kind=reply["kind"], variables=reply.get("variables", []), boolean=reply.get("boolean"),
                      truncated=reply.get("truncated", False), elapsed_ms=elapsed, payload=reply.get("payload", b""),
                      written=reply.get("format", "nt"))

    def run_on_snapshot(self, function, *, timeout_ms: int):
        pool = self._page_pool
        if pool is None:
            raise QueryError("The query store has been closed; no more queries can run.", status=503)
        reply = pool.run_alone({"call": function}, timeout_ms / 1000)
        if "error" in reply:
            raise QueryError(f"Building this failed: {reply['message']}.", status=500)
        return reply["value"]

    @staticmethod
    def _bind(text, info, bindings, bind_as=None) -> dict:
        # bind_as="values": a VALUES block opening the WHERE group, built from escaped N-Triples terms so a value
        # can never be read as query text. Faster for some queries (issue 12: schemes-in-area-by-code 493 ms
        # against 987 ms at 1M), far slower for others (nhs_cover: 5.2 s against 0.05 s), so callers opt in
        # per query (the catalogue's `#+ bind: values`). Not for variables the query assigns itself (BIND … AS).
        assigned = any(re.search(rf"\bAS\s+[?$]{re.escape(name)}\b", text, re.I) for name in bindings)
        if bind_as == "values" and info.form == "select" and info.where_open is not None and not assigned:
            try:
                terms = {k: term_to_nt(v, allow_bnode=False) for k, v in bindings.items()}
            except (TypeError, ValueError) as e:
                raise QueryError(f"Cannot bind the query's variables: {e}.") from None
            return {"query": guard.with_values(text, info, terms)}
        if info.form != "select" or info.projection is None or set(bindings) <= info.projection:
            try:
                return {"substitutions": {k: term_to_ox(v) for k, v in bindings.items()}}
            except TypeError as e:
                raise QueryError(str(e)) from None
        try:
            terms = {k: term_to_nt(v, allow_bnode=False) for k, v in bindings.items()}
        except (TypeError, ValueError) as e:
            raise QueryError(f"Cannot bind the query's variables: {e}.") from None
        return {"query": guard.with_values(text, info, terms)}

    def triple_count(self) -> int:
        return self._count

    def graph_names(self) -> list[str]:
        return sorted(self._graphs)

    def close(self) -> None:
        with self._lock:
            pools, self._pool, self._page_pool = (self._pool, self._page_pool), None, None
        for pool in pools:
            if pool is not None:
                pool.close()

    @property
    def pool(self) -> Pool:
        return self._pool

    @property
    def page_pool(self) -> Pool:
        return self._page_pool


def _open_read_only(path: str, attempts: int = 5):
    for attempt in range(attempts):
        try:
            return ox.Store.read_only(path)
        except (OSError, RuntimeError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))  # a compaction may have replaced a file between listing and opening


def _engine_error(reply: dict, text: str) -> QueryError:
    message = reply["message"]
    if reply["error"] == "syntax":
        m = _SYNTAX.match(message)
        if m:
            line, col, reason = int(m.group(1)), int(m.group(2)), m.group(3).strip()
            return QueryError(
                f"Syntax error at line {line}, column {col}: {reason}.\n{_excerpt(text, line, col)}\n"
                f"Fix the query at that point; the SPARQL grammar is at {guard.GRAMMAR}.",
                position=(line, col))
        return QueryError(f"Syntax error: {message}. Check the query against {guard.GRAMMAR}.")
    return QueryError(f"The query engine could not run this query: {message}. Check the query and try again.")


def _excerpt(text: str, line: int, col: int) -> str:
    lines = text.splitlines() or [""]
    src = lines[line - 1] if 0 < line <= len(lines) else ""
    return f"  {line} | {src}\n  {' ' * len(str(line))} | {' ' * (col - 1)}^"
