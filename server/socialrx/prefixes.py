"""Prefixes for the RDF writers, so that Turtle and TriG read well: a prefixed name never hides a '/'.

A writer given only `id:` must write <…/id/area/bristol> as `id:area\\/bristol` (the slash escaped, as Turtle
allows but people and some tools stumble over). So each folder of our IRIs gets a prefix of its own
(`area:bristol`), named after the folder and made unique.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from .namespaces import PREFIXES

_NAME = re.compile(r"[^A-Za-z0-9_-]+")


def writer_prefixes(terms) -> dict[str, str]:
    """PREFIXES plus a prefix for each folder (under a known namespace) that an IRI among terms sits in."""
    out = dict(PREFIXES)
    by_length = sorted(out.values(), key=len, reverse=True)
    for iri in sorted(set(_iris(terms))):
        ns = next((n for n in by_length if iri.startswith(n)), None)
        if ns is None or "/" not in iri[len(ns):]:
            continue
        folder = iri[: iri.rindex("/") + 1]
        if folder in out.values():
            continue
        owner = next(k for k, v in out.items() if v == ns)
        name = _unique([owner, *folder[len(ns):].strip("/").split("/")], out)
        if name:
            out[name] = folder
            by_length = sorted(out.values(), key=len, reverse=True)
    return out


def _unique(segments: list[str], taken: dict) -> str | None:
    for n in range(1, len(segments) + 1):  # the folder's own name first, then with its parents' names
        name = _NAME.sub("-", "-".join(segments[-n:])).strip("-.")
        if name and name[0].isalpha() and name not in taken:
            return name
    return None


def _iris(terms):
    """Every IRI in an iterable of pyoxigraph triples/quads (or of IRI strings)."""
    # Hot in the query workers (every Turtle twin): no getattr default per term (a raised AttributeError each time).
    for t in terms:
        if isinstance(t, str):
            yield t
            continue
        parts = (t.subject, t.predicate, t.object, t.graph_name) if isinstance(t, ox.Quad) else (t.subject, t.predicate, t.object)
        for part in parts:
            if isinstance(part, ox.NamedNode):
                yield part.value
            elif isinstance(part, ox.Triple):  # RDF-star: an embedded triple
                yield from _iris([part])
