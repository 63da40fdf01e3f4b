"""Map IRIs to local paths and back, whatever host the site runs on."""

from __future__ import annotations

import pyoxigraph as ox

import re
from urllib.parse import quote, unquote

from rdflib import BNode, Literal, URIRef

from ..namespaces import PREFIXES

# Only these first segments under the base IRI get entity pages at their own paths; any other IRI
# (ours or not) is shown at /resource?uri=. Under DOCUMENT_ROOTS the IRIs name pages other parts
# of the site serve (the query catalogue), so links go there.
LOCAL_ROOTS = ("id/", "def/", "graph/")
DOCUMENT_ROOTS = ("queries/",)
SAFE = "/:@!$&'()*+,;=-._~"
IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|\\^`]*")


def valid_iri(text: str) -> bool:
    """Say whether text is an absolute IRI that a store will accept (no spaces, brackets or quotes)."""
    if not (IRI.fullmatch(text) and len(text) < 4096):
        return False
    try:  # the engine's own IRI parser: malformed %-escapes, code points outside Unicode (issue 14)
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


class IriMap:
    """Translate between our IRIs (under base_iri) and the paths this server answers."""

    def __init__(self, base_iri: str):
        self.base = base_iri

    def is_local(self, iri: str) -> bool:
        rest = iri[len(self.base):] if iri.startswith(self.base) else None
        return rest is not None and rest.startswith(LOCAL_ROOTS) and "#" not in rest and "?" not in rest

    def document(self, iri: str) -> str | None:
        """Return the local IRI whose page describes a hash IRI (x#y -> x), or None."""
        doc, sep, _ = iri.partition("#")
        return doc if sep and self.is_local(doc) else None

    def path(self, iri: str) -> str:
        """Return the root-relative path of the page for an IRI (with #fragment for hash IRIs of our documents)."""
        if self.is_local(iri):
            return "/" + quote(iri[len(self.base):], safe=SAFE)
        doc = self.document(iri)
        if doc:
            return self.path(doc) + "#" + quote(iri.partition("#")[2], safe=SAFE)
        rest = iri[len(self.base):] if iri.startswith(self.base) else ""
        if rest.startswith(DOCUMENT_ROOTS) and "#" not in rest and "?" not in rest:
            return "/" + quote(rest, safe=SAFE)
        return "/resource?uri=" + quote(iri, safe="")

    def data_path(self, iri: str) -> str:
        """Return the path its RDF twins hang off: the page of the IRI, or of its document, or /resource."""
        target = self.document(iri) or iri
        if self.is_local(target):
            return self.path(target)
        return "/resource?uri=" + quote(iri, safe="")

    def iri(self, path: str) -> str:
        """Return the IRI a local path (such as 'id/scheme/x') names."""
        return self.base + unquote(path.lstrip("/"))


def term_from_binding(b: dict | None):
    """Turn one SPARQL-JSON binding into an rdflib term (None stays None)."""
    if b is None:
        return None
    kind = b["type"]
    if kind == "uri":
        return URIRef(b["value"])
    if kind == "bnode":
        return BNode(b["value"])
    # Keep the lexical form as written (rdflib would turn "P6W" into "P42D").
    return Literal(b["value"], lang=b.get("xml:lang"), datatype=b.get("datatype"), normalize=False)


def ox_rows(result, *names):
    """Yield tuples of pyoxigraph terms (or None) for the named variables: the fast path for bulk reads.

    Parses the engine's own TSV in Rust instead of building SPARQL JSON and rdflib terms (5-10x fewer
    Python objects per row); use .value and .language on the terms.
    """
    if result.kind == "select" and result.payload:
        variables = [ox.Variable(n) for n in names]
        for solution in ox.parse_query_results(result.payload, format=ox.QueryResultsFormat.TSV):
            yield tuple(solution[v] for v in variables)
        return
    for row in result.rows:
        yield tuple(_ox_term(row.get(n)) for n in names)


def value_rows(result, *names):
    """Yield tuples of plain strings (IRI, blank node id or literal value; None if unbound) per row.

    For bulk reads of IRIs (members, facets, types): IRIs are cut out of the engine's TSV directly, and only
    rows with a literal or a blank node go through the parser.
    """
    if not (result.kind == "select" and result.payload):
        for terms in ox_rows(result, *names):
            yield tuple(None if t is None else t.value for t in terms)
        return
    lines = result.payload.decode("utf-8").split("\n")
    header = [v.lstrip("?") for v in lines[0].split("\t")]
    index = [header.index(n) for n in names]
    slow = []
    for line in lines[1:]:
        if not line:
            continue
        cells = line.split("\t")
        if all(cells[i].startswith("<") for i in index):
            yield tuple(cells[i][1:-1] for i in index)
        elif all(not cells[i] or cells[i].startswith("<") for i in index):
            yield tuple(cells[i][1:-1] if cells[i] else None for i in index)
        else:
            slow.append(line)
    if slow:  # literals and blank nodes: let the engine's parser unescape them
        text = ("\t".join("?" + v for v in header) + "\n" + "\n".join(slow) + "\n").encode("utf-8")
        variables = [ox.Variable(n) for n in names]
        for solution in ox.parse_query_results(text, format=ox.QueryResultsFormat.TSV):
            yield tuple(None if solution[v] is None else solution[v].value for v in variables)


def _ox_term(b):
    if b is None:
        return None
    if b["type"] == "uri":
        return ox.NamedNode(b["value"])
    if b["type"] == "bnode":
        return ox.BlankNode(b["value"])
    if b.get("xml:lang"):
        return ox.Literal(b["value"], language=b["xml:lang"])
    return ox.Literal(b["value"], datatype=ox.NamedNode(b["datatype"]) if b.get("datatype") else None)


def rows(result, *names):
    """Yield tuples of rdflib terms for the named variables of each result row."""
    for row in result.rows:
        yield tuple(term_from_binding(row.get(n)) for n in names)


def curie(iri: str) -> str:
    """Return prefix:local for a known namespace, else the IRI itself."""
    best = None
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and (best is None or len(ns) > len(PREFIXES[best])):
            best = prefix
    if best is None:
        return iri
    local = iri[len(PREFIXES[best]):]
    return f"{best}:{local}" if local and "/" not in local and "#" not in local else iri


def local_name(iri: str) -> str:
    """Return the last path or fragment segment of an IRI, for fallback labels."""
    tail = iri.rstrip("/#")
    for sep in ("#", "/"):
        if sep in tail:
            tail = tail.rsplit(sep, 1)[1]
    return unquote(tail) or iri
