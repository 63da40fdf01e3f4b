"""Query results and their formats (SPARQL 1.1 Query Results JSON/XML/CSV/TSV, and RDF syntaxes).

A Result keeps the engine's own serialisation (TSV results, N-Triples) and converts it in Rust only when
asked for another format; rows and triples are decoded into SPARQL JSON binding dicts on first access.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib

from ..namespaces import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# Media type -> pyoxigraph format, for each result kind (https://www.w3.org/TR/sparql11-protocol/#query-success).
RESULTS_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


class _Lazy:
    """A dataclass field decoded from the payload on first read (a descriptor-typed field)."""

    def __set_name__(self, owner, name):
        self.slot = "_" + name
        self.decoder = "_decode_" + name

    def __get__(self, obj, owner=None):
        if obj is None:
            return None  # the field's default
        value = obj.__dict__.get(self.slot)
        if value is None:
            value = obj.__dict__[self.slot] = getattr(obj, self.decoder)()
        return value

    def __set__(self, obj, value):
        obj.__dict__[self.slot] = value


@dataclass(eq=False)
class Result:
    """One query's answer: bindings (select), a boolean (ask) or triples (graph)."""

    kind: str  # "select" | "ask" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[dict] = _Lazy()  # SPARQL 1.1 JSON binding dicts
    boolean: bool | None = None
    triples: list[tuple] = _Lazy()  # (s, p, o), each a binding dict
    truncated: bool = False
    elapsed_ms: float = 0.0
    payload: bytes = field(default=b"", repr=False)  # TSV results (select) or N-Triples (graph), as the engine wrote them
    written: str = "nt"  # a graph payload's syntax: "nt", or the one the caller asked the worker for (store.query write=)

    # -- decoding ---------------------------------------------------------------------------------
    def _decode_rows(self) -> list[dict]:
        if self.kind != "select" or not self.payload:
            return []
        return json.loads(self._results_bytes(ox.QueryResultsFormat.JSON))["results"]["bindings"]

    def _decode_triples(self) -> list[tuple]:
        if self.kind != "graph" or not self.payload:
            return []
        return [(term_to_binding(t.subject), term_to_binding(t.predicate), term_to_binding(t.object))
                for t in ox.parse(self.payload, format=ox.RdfFormat.N_TRIPLES)]

    # -- encoding ---------------------------------------------------------------------------------
    def serialize(self, mime: str) -> bytes:
        """Return the result in the given media type (one of RESULTS_FORMATS for select/ask, GRAPH_FORMATS for graph)."""
        mime = mime.split(";")[0].strip().lower()
        if self.kind == "graph":
            if mime not in GRAPH_FORMATS:
                raise ValueError(f"{mime} cannot carry a graph; use one of {', '.join(GRAPH_FORMATS)}")
            return self._graph_bytes(GRAPH_FORMATS[mime])
        if mime not in RESULTS_FORMATS:
            raise ValueError(f"{mime} cannot carry {self.kind.upper()} results; use one of {', '.join(RESULTS_FORMATS)}")
        fmt = RESULTS_FORMATS[mime]
        if self.kind == "ask":
            return _boolean_bytes(bool(self.boolean), fmt)
        data = self._results_bytes(fmt)
        if fmt == ox.QueryResultsFormat.JSON and self.truncated:
            # An extra top-level member; SPARQL JSON readers ignore members they do not know.
            data = b'{"truncated":true,' + data[1:]
        return data

    def _results_bytes(self, fmt) -> bytes:
        if self.payload:
            if fmt == ox.QueryResultsFormat.TSV:
                return self.payload
            return ox.parse_query_results(self.payload, format=ox.QueryResultsFormat.TSV).serialize(format=fmt)
        source = json.dumps({"head": {"vars": list(self.variables)}, "results": {"bindings": self.rows}}).encode()
        if fmt == ox.QueryResultsFormat.JSON:
            return source
        return ox.parse_query_results(source, format=ox.QueryResultsFormat.JSON).serialize(format=fmt)

    def _graph_bytes(self, fmt) -> bytes:
        nt = self.payload if self.payload or not self.__dict__.get("_triples") else _triples_to_nt(self.triples)
        if fmt == ox.RdfFormat.N_TRIPLES:
            return nt
        triples = ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)
        if fmt == ox.RdfFormat.JSON_LD:
            return ox.serialize(triples, format=fmt)
        return ox.serialize(triples, format=fmt, prefixes=PREFIXES)

    def to_rdflib(self) -> rdflib.Graph:
        """Return a graph result as an rdflib Graph with the project's prefixes bound."""
        g = rdflib.Graph()
        for prefix, iri in PREFIXES.items():
            g.bind(prefix, iri)
        if self.kind == "graph":
            g.parse(data=self._graph_bytes(ox.RdfFormat.N_TRIPLES).decode("utf-8"), format="nt")
        return g

    def __len__(self) -> int:
        return len(self.triples) if self.kind == "graph" else len(self.rows) if self.kind == "select" else 1


def _boolean_bytes(value: bool, fmt) -> bytes:
    word = b"true" if value else b"false"
    if fmt == ox.QueryResultsFormat.JSON:
        return b'{"head":{},"boolean":' + word + b"}"
    if fmt == ox.QueryResultsFormat.XML:
        return (b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head></head><boolean>'
                + word + b"</boolean></sparql>")
    return word


# -- terms ----------------------------------------------------------------------------------------

def term_to_binding(term) -> dict:
    """Convert a pyoxigraph term to a SPARQL JSON binding dict."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def binding_to_rdflib(b: dict):
    """Convert a SPARQL JSON binding dict to an rdflib term."""
    if b["type"] == "uri":
        return rdflib.URIRef(b["value"])
    if b["type"] == "bnode":
        return rdflib.BNode(b["value"])
    return rdflib.Literal(b["value"], lang=b.get("xml:lang"), datatype=b.get("datatype"))


_IRI_OK = re.compile(r'[^<>"{}|^`\\\x00-\x20]*')
_LANG_OK = re.compile(r"[A-Za-z]+(-[A-Za-z0-9]+)*")
_BNODE_OK = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_\-.]*")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _escape(value: str) -> str:
    return "".join(_ESCAPES.get(c, c if c >= " " and c != "\x7f" else f"\\u{ord(c):04X}") for c in value)


def term_to_nt(term, *, allow_bnode: bool = True) -> str:
    """Write an rdflib term in N-Triples syntax, checked and escaped so it can only ever be read as one term."""
    if isinstance(term, rdflib.URIRef):
        if not _IRI_OK.fullmatch(str(term)):
            raise ValueError(f"{str(term)!r} is not a valid IRI (it contains a space or one of <>\"{{}}|^`\\)")
        return f"<{term}>"
    if isinstance(term, rdflib.BNode):
        if not allow_bnode:
            raise ValueError("a blank node cannot be bound here: blank nodes are not allowed in VALUES blocks")
        if not _BNODE_OK.fullmatch(str(term)):
            raise ValueError(f"{str(term)!r} is not a valid blank node label")
        return f"_:{term}"
    if isinstance(term, rdflib.Literal):
        text = f'"{_escape(str(term))}"'
        if term.language:
            if not _LANG_OK.fullmatch(term.language):
                raise ValueError(f"{term.language!r} is not a valid language tag")
            return f"{text}@{term.language}"
        if term.datatype and str(term.datatype) != XSD_STRING:
            return f"{text}^^{term_to_nt(rdflib.URIRef(term.datatype))}"
        return text
    raise TypeError(f"cannot bind {type(term).__name__} {term!r}: give an rdflib URIRef, Literal or BNode")


def term_to_ox(term):
    """Convert an rdflib term to a pyoxigraph term (for substitutions)."""
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot bind {type(term).__name__} {term!r}: give an rdflib URIRef, Literal or BNode")


def _triples_to_nt(triples) -> bytes:
    def nt(b):
        return term_to_nt(binding_to_rdflib(b))

    return "".join(f"{nt(s)} {nt(p)} {nt(o)} .\n" for s, p, o in triples).encode("utf-8")


# -- CSV for spreadsheets ------------------------------------------------------------------------------
# A cell a spreadsheet would run as a formula: one starting with = + - @, a tab or a carriage return
# (OWASP, "CSV Injection": https://owasp.org/www-community/attacks/CSV_Injection). Plain numbers such as -5
# stay numbers.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def spreadsheet_safe_csv(data: bytes) -> bytes:
    """Rewrite SPARQL 1.1 CSV results so no cell runs as a formula: prefix a single quote to each such cell
    (as OWASP advises). Only for the download link people open in a spreadsheet; a client that asks for
    text/csv by media type gets the exact SPARQL 1.1 CSV (https://www.w3.org/TR/sparql11-results-csv-tsv/)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in csv.reader(io.StringIO(data.decode("utf-8"), newline="")):
        writer.writerow([_neutralise(cell) for cell in row])
    return out.getvalue().encode("utf-8")


def _neutralise(cell: str) -> str:
    if cell.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell
