"""Pick a representation by suffix or Accept header, and write RDF in each format."""

from __future__ import annotations

from dataclasses import dataclass

import rdflib

from ..namespaces import PREFIXES


@dataclass(frozen=True)
class Format:
    key: str
    suffix: str
    mimetype: str
    rdflib_name: str | None
    title: str


FORMATS = (
    Format("html", ".html", "text/html", None, "HTML"),
    Format("ttl", ".ttl", "text/turtle", "turtle", "Turtle"),
    Format("jsonld", ".jsonld", "application/ld+json", "json-ld", "JSON-LD"),
    Format("nt", ".nt", "application/n-triples", "nt", "N-Triples"),
    Format("rdf", ".rdf", "application/rdf+xml", "xml", "RDF/XML"),
    # Quads: each statement in the named graph of its source (written by pages.quad_twins, not rdflib).
    Format("trig", ".trig", "application/trig", None, "TriG"),
    Format("nq", ".nq", "application/n-quads", None, "N-Quads"),
)
BY_SUFFIX = {f.suffix: f for f in FORMATS}
BY_KEY = {f.key: f for f in FORMATS}
# Other names clients use for the same formats.
ALIASES = {
    "application/xhtml+xml": "html", "application/x-turtle": "ttl", "application/json": "jsonld",
    "text/plain": "nt", "application/xml": "rdf", "text/xml": "rdf",
}
RDF_FORMATS = tuple(f for f in FORMATS if f.rdflib_name)


def split_suffix(path: str) -> tuple[str, Format | None]:
    """Split a known format suffix off a path: ('id/x.ttl') -> ('id/x', Turtle)."""
    for suffix, fmt in BY_SUFFIX.items():
        if path.endswith(suffix) and len(path) > len(suffix):
            return path[: -len(suffix)], fmt
    return path, None


def choose(accept, formats=FORMATS) -> Format | None:
    """Return the format the Accept header prefers among formats, HTML when it says nothing; None if none fits."""
    offered = {f.mimetype: f for f in formats}
    for alias, key in ALIASES.items():
        if key in {f.key for f in formats}:
            offered.setdefault(alias, BY_KEY[key])
    if not accept or not list(accept.values()):
        return formats[0]
    # Ties (as under */*) go to the earliest offer, so HTML wins for browsers.
    match = accept.best_match(list(offered), default=None)
    return offered[match] if match else None


def bind_prefixes(graph: rdflib.Graph) -> rdflib.Graph:
    if not getattr(graph, "_srx_bound", False):  # page models are cached and written in several formats
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns, override=True, replace=True)
        graph._srx_bound = True
    return graph


def serialise(graph: rdflib.Graph, fmt: Format) -> bytes:
    """Write the graph in an RDF format, with our prefixes (and as a JSON-LD context)."""
    bind_prefixes(graph)
    if fmt.key == "jsonld":
        used = {p: ns for p, ns in PREFIXES.items() if any(str(t).startswith(ns) for trip in graph for t in trip)}
        return graph.serialize(format="json-ld", context=used, auto_compact=True, indent=2).encode("utf-8")
    out = graph.serialize(format=fmt.rdflib_name)
    return out if isinstance(out, bytes) else out.encode("utf-8")
