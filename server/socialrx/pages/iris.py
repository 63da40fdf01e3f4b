"""Map IRIs to local paths and back, whatever host the site runs on."""

from __future__ import annotations

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
    return bool(IRI.fullmatch(text)) and len(text) < 4096


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
