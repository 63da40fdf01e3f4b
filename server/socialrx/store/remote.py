"""The remote store: any SPARQL 1.1 endpoint, queried with SPARQLWrapper and loaded by the Graph Store Protocol.

The remote endpoint must treat its default graph as the union of its named graphs (Oxigraph:
`oxigraph serve --union-default-graph`; Fuseki: `tdb2:unionDefaultGraph true`; Virtuoso does so by default);
reload() checks it. Graphs outside our base IRI are not ours: reload() never deletes them, and where an engine
joins them to the union default graph (Virtuoso's system graphs) every query is sent with our graphs as its
protocol dataset (SPARQL 1.1 Protocol §2.1.4), so counts and answers are the same as the embedded store's.
docs/scale.md lists every difference found between engines and how it is handled here.
"""

from __future__ import annotations

import ast
import json
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from . import guard
from .base import QueryError, QueryTimeout, Store
from .embedded import Checked, _engine_error
from .results import XSD_STRING, Result, term_to_nt


def gsp_url(settings) -> str:
    """Return the Graph Store Protocol URL: the endpoint_gsp setting, or Oxigraph's /store beside /query."""
    if settings.endpoint_gsp:
        return settings.endpoint_gsp
    endpoint = settings.endpoint.rstrip("/")
    if endpoint.endswith("/query"):
        return endpoint[: -len("/query")] + "/store"
    raise QueryError(f"Cannot work out the Graph Store Protocol URL for {settings.endpoint}: set the endpoint_gsp "
                     f"setting (e.g. http://host:7878/store for Oxigraph, http://host:3030/ds/data for Fuseki).",
                     status=500)


class RemoteStore(Checked, Store):
    """A SPARQL 1.1 endpoint elsewhere; the same guard and limits as the embedded store apply."""

    def __init__(self, kb, settings, load: bool = True):
        super().__init__(settings)
        self.endpoint = settings.endpoint
        self._count = 0
        self._foreign = frozenset()
        self._virtuoso = False
        if load:
            self.reload(kb)
        else:
            self._refresh()

    # -- loading ----------------------------------------------------------------------------------
    def reload(self, kb) -> None:
        """PUT every named graph of the knowledge base to the endpoint and DELETE graphs it no longer has."""
        gsp = gsp_url(self.settings)
        wanted = {g.value for g in kb.store.named_graphs()}
        for name in sorted(wanted):
            body = kb.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name))
            self._gsp(gsp, "PUT", name, body)
        for name in self._ours(self._remote_graphs()) - wanted:
            self._gsp(gsp, "DELETE", name)
        self._refresh()
        self._next_version()
        if self._count and not self._union_ok():
            raise QueryError(
                f"The endpoint {self.endpoint} does not treat its default graph as the union of its named graphs, "
                f"which this site's queries rely on. Start Oxigraph with --union-default-graph, or set "
                f"tdb2:unionDefaultGraph true in Fuseki.", status=500)

    def _gsp(self, gsp, method, graph, body=None):
        url = f"{gsp}{'&' if '?' in gsp else '?'}graph={urllib.parse.quote(graph, safe='')}"
        req = urllib.request.Request(url, data=body, method=method,
                                     headers={"Content-Type": "application/n-triples"} if body is not None else {})
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                resp.read()
        except urllib.error.HTTPError as e:
            if method == "DELETE" and e.code == 404:
                return
            raise QueryError(f"Loading graph <{graph}> into {gsp} failed: HTTP {e.code} {e.read()[:300]!r}. "
                             f"Check that endpoint_gsp points at a writable Graph Store Protocol service.",
                             status=502) from None
        except (urllib.error.URLError, OSError) as e:
            raise QueryError(f"Cannot reach the Graph Store Protocol service at {gsp}: {e}. Check the endpoint_gsp "
                             f"setting and that the server is running.", status=502) from None

    def _select(self, text) -> list[dict]:
        return self._send(self._without_foreign(text), "select", self.settings.query_time_limit_ms / 1000, None,
                          *self._dataset())[0]

    def _dataset(self):
        """Protocol dataset (default, named) naming our graphs, for engines other than Virtuoso with foreign graphs."""
        if not self._foreign or self._virtuoso:
            return (), ()
        ours = sorted(self._graphs) or [self.settings.base_iri + "graph/none"]
        return ours, ours

    def _without_foreign(self, text: str) -> str:
        """Keep foreign graphs out of the default graph and GRAPH ?g. Virtuoso echoes every protocol dataset graph
        as a response header (more than http.client's 100 for a national import), so it gets its own pragmas."""
        if not self._foreign:
            return text
        if self._virtuoso:
            return "".join(f"define input:default-graph-exclude <{g}> define input:named-graph-exclude <{g}> "
                           for g in sorted(self._foreign)) + text
        return text

    def _remote_graphs(self) -> set[str]:
        """Every graph on the endpoint, ours or not. Virtuoso answers nothing for an empty GRAPH pattern."""
        self._foreign = frozenset()
        found = {r["g"]["value"] for r in self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }") if "g" in r}
        return found or {r["g"]["value"] for r in self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
                         if "g" in r}

    def _server_name(self) -> str:
        """The endpoint's Server header (e.g. "Virtuoso/07.20.3229 (Linux)"), or "" when it cannot be read."""
        url = f"{self.endpoint}{'&' if '?' in self.endpoint else '?'}query=ASK%7B%7D"
        try:
            with urllib.request.urlopen(urllib.request.Request(url, method="GET"), timeout=10) as resp:
                resp.read()
                return resp.headers.get("Server", "")
        except (urllib.error.URLError, OSError):
            return ""

    def _ours(self, graphs) -> set[str]:
        return {g for g in graphs if g.startswith(self.settings.base_iri)}

    def _refresh(self):
        self._virtuoso = self._server_name().startswith("Virtuoso")
        every = self._remote_graphs()
        self._graphs = frozenset(self._ours(every))
        # Foreign graphs (e.g. Virtuoso's virtrdf# and DAV graphs) would join the union default graph.
        self._foreign = frozenset(every - self._graphs)
        rows = self._select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        self._count = int(rows[0]["n"]["value"]) if rows else 0

    def _union_ok(self) -> bool:
        rows = self._select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return bool(rows) and int(rows[0]["n"]["value"]) > 0

    # -- querying ---------------------------------------------------------------------------------
    def query(self, text, *, bindings=None, default_graph_uris=(), named_graph_uris=(), timeout_ms=None, max_rows=None,
              lane="user", bind_as=None, write=None):  # bindings always travel as VALUES to a remote endpoint
        started = time.perf_counter()
        timeout_ms, max_rows = self._limits(timeout_ms, max_rows, lane)
        info = self.inspect(text)
        default_graph_uris, named_graph_uris = list(default_graph_uris or ()), list(named_graph_uris or ())
        self._check_graphs(default_graph_uris, named_graph_uris)
        self._check_bindings(bindings)
        if bindings:
            try:
                terms = {k: term_to_nt(v, allow_bnode=False) for k, v in bindings.items()}
            except (TypeError, ValueError) as e:
                raise QueryError(f"Cannot bind the query's variables: {e}.") from None
            text = guard.with_values(text, info, terms)
        kind = info.kind or "select"
        if not (default_graph_uris or named_graph_uris) and (info.from_graphs or info.from_named):
            # A union-default-graph server may ignore FROM (Oxigraph does); the same dataset sent as protocol
            # parameters is honoured (SPARQL 1.1 Protocol §2.1.4: they then replace the query's own).
            default_graph_uris, named_graph_uris = list(info.from_graphs), list(info.from_named)
        if not (default_graph_uris or named_graph_uris) and self._foreign:
            text = self._without_foreign(text)
            default_graph_uris, named_graph_uris = map(list, self._dataset())
        if info.form == "describe" and self._virtuoso:
            # DESCRIBE's answer is the engine's choice (SPARQL 1.1 §16.4); ask Virtuoso for the Concise Bounded
            # Description that Oxigraph and the embedded store give.
            text = 'define sql:describe-mode "CBD" ' + text
        rows, variables, boolean, payload, truncated = self._send(
            text, kind, timeout_ms / 1000, max_rows, default_graph_uris, named_graph_uris)
        elapsed = (time.perf_counter() - started) * 1000
        if kind == "graph":
            return Result(kind="graph", payload=payload, truncated=truncated, elapsed_ms=elapsed)
        if kind == "ask":
            return Result(kind="ask", boolean=boolean, elapsed_ms=elapsed)
        return Result(kind="select", variables=variables, rows=rows, truncated=truncated, elapsed_ms=elapsed)

    def _send(self, text, kind, timeout_s, max_rows, default_graphs=(), named_graphs=()):
        sw = SPARQLWrapper(self.endpoint)
        sw.setMethod(POST)
        sw.setOnlyConneg(True)
        sw.setQuery(text)
        sw.setReturnFormat(TURTLE if kind == "graph" else JSON)
        sw.timeout = max(timeout_s, 0.001)  # setTimeout() would round down to whole seconds
        for g in default_graphs:
            sw.addDefaultGraph(g)
        for g in named_graphs:
            sw.addNamedGraph(g)
        try:
            response = sw.query().response
            data = response.read()
        except SPARQLWrapperException as e:
            raise self._remote_error(e, text) from None
        except urllib.error.HTTPError as e:
            raise QueryError(f"The endpoint {self.endpoint} answered HTTP {e.code}: {e.read()[:500]!r}.",
                             status=502) from None
        except (socket.timeout, TimeoutError):
            raise self._timeout(timeout_s) from None
        except (urllib.error.URLError, OSError) as e:
            if isinstance(getattr(e, "reason", None), (socket.timeout, TimeoutError)):
                raise self._timeout(timeout_s) from None
            raise QueryError(f"Cannot reach the SPARQL endpoint {self.endpoint}: {getattr(e, 'reason', e)}. "
                             f"Check the endpoint setting and that the server is running.", status=502) from None
        if kind == "graph":
            triples = (_canonical(t) for t in ox.parse(data, format=ox.RdfFormat.TURTLE))
            nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
            truncated = False
            if max_rows is not None and nt.count(b"\n") > max_rows:
                nt, truncated = b"".join(nt.splitlines(keepends=True)[:max_rows]), True
            return None, [], None, nt, truncated
        doc = json.loads(data)
        if "boolean" in doc:
            return None, [], bool(doc["boolean"]), b"", False
        rows = [{k: _normalise(v) for k, v in row.items()} for row in doc.get("results", {}).get("bindings", [])]
        # Virtuoso cuts every result at its ResultSetMaxRows (10,000 in the packaged virtuoso.ini) without an
        # error; it says so only in this header. Report the cut instead of passing a partial answer off as whole.
        server_cap = response.headers.get("X-SPARQL-MaxRows", "")
        truncated = (max_rows is not None and len(rows) > max_rows) or (server_cap.isdigit() and len(rows) >= int(server_cap))
        if truncated:
            rows = rows[:max_rows]
        return rows, doc.get("head", {}).get("vars", []), None, b"", truncated

    def _timeout(self, timeout_s):
        return QueryTimeout(f"The SPARQL endpoint {self.endpoint} did not answer within the time limit of "
                            f"{timeout_s:g} s. Make the query cheaper (selective patterns first, LIMIT), or try again.")

    def _remote_error(self, e, text):
        body = e.args[0] if e.args else str(e)
        body = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
        detail = re.sub(r"^.*?Response:\s*", "", body, flags=re.S).strip()
        quoted = re.fullmatch(r"b(['\"]).*\1", detail, re.S)  # SPARQLWrapper quotes the body as a bytes repr
        if quoted:
            try:
                detail = ast.literal_eval(detail).decode("utf-8", "replace")
            except (ValueError, SyntaxError):
                pass
        if "The estimated execution time" in detail:  # Virtuoso refuses before running what it predicts will overrun
            return QueryTimeout(f"The SPARQL endpoint {self.endpoint} estimated that this query would overrun its "
                                f"time limit and did not run it. Make the query cheaper (selective patterns first, "
                                f"no cross products of unrelated patterns, LIMIT).")
        if type(e).__name__ == "QueryBadFormed":
            m = re.search(r"error at \d+:\d+: .*", detail, re.S)
            if m:
                return _engine_error({"error": "syntax", "message": m.group().strip()}, text)
            m = _VIRTUOSO_SYNTAX.search(detail)
            if m:  # Virtuoso names the line and the token, not the column
                line = int(m.group(1))
                return QueryError(f"Syntax error at line {line}: {m.group(2).strip()}.\n{_line(text, line)}\n"
                                  f"Fix the query at that point; the SPARQL grammar is at {guard.GRAMMAR}.",
                                  position=(line, 1))
            return QueryError(f"The endpoint {self.endpoint} rejected the query: {detail[:500]}. Fix the query and retry.")
        return QueryError(f"The endpoint {self.endpoint} failed on this query: {detail[:500]}.", status=502)

    def triple_count(self) -> int:
        return self._count

    def graph_names(self) -> list[str]:
        return sorted(self._graphs)


_VIRTUOSO_SYNTAX = re.compile(r"SPARQL compiler, line (\d+): (syntax error[^\n]*)")
XSD_DURATION = "http://www.w3.org/2001/XMLSchema#duration"


def _line(text: str, line: int) -> str:
    lines = text.splitlines() or [""]
    return f"  {line} | {lines[line - 1] if 0 < line <= len(lines) else ''}"


def _duration(value: str) -> str:
    """Virtuoso stores a year-month xsd:duration as its months ("6" for P6M) and a day-time one as seconds
    ("5400.0" for PT1H30M); give back the XSD canonical form (XSD 1.1 Part 2 §3.3.6.2)."""
    if re.fullmatch(r"-?\d+", value):
        months = int(value)
        sign, months = ("-" if months < 0 else ""), abs(months)
        years, months = divmod(months, 12)
        return sign + "P" + (f"{years}Y" if years else "") + (f"{months}M" if months or not years else "")
    if re.fullmatch(r"-?\d+\.\d+", value):
        seconds = float(value)
        sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
        days, rest = divmod(seconds, 86400)
        hours, rest = divmod(rest, 3600)
        minutes, secs = divmod(rest, 60)
        time = (f"{int(hours)}H" if hours else "") + (f"{int(minutes)}M" if minutes else "") + (
            (f"{secs:g}S") if secs else "")
        out = sign + "P" + (f"{int(days)}D" if days else "") + (f"T{time}" if time else "")
        return out if out.rstrip("-") != "P" else "PT0S"
    return value


def _canonical(triple):
    o = triple.object
    if isinstance(o, ox.Literal) and o.datatype.value == XSD_DURATION:
        return ox.Triple(triple.subject, triple.predicate, ox.Literal(_duration(o.value), datatype=o.datatype))
    return triple


def _normalise(b: dict) -> dict:
    # SPARQL 1.0 JSON used "typed-literal"; RDF 1.1 makes xsd:string the implicit datatype.
    if b.get("type") == "typed-literal":
        b = {**b, "type": "literal"}
    if b.get("datatype") == XSD_DURATION:
        b = {**b, "value": _duration(b["value"])}
    if b.get("datatype") == XSD_STRING:
        b = {k: v for k, v in b.items() if k != "datatype"}
    return b

