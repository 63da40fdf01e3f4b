"""TriG and N-Quads twins of a resource: its statements in the named graph of the source that states each
one, with the detail nodes its page inlines, the statements pointing at it (the first TWIN_INCOMING), and
the labels of the things it links to (so a reader of the twin alone knows what `area:bristol` is called).
Written by the engine; prefixes keep slashes out of prefixed names.
"""

from __future__ import annotations

import pyoxigraph as ox

from .entity import INLINE
from ..prefixes import writer_prefixes

TWIN_INCOMING = 1000
WRITERS = {"trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS}
LABELS = ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel",
          "http://purl.org/dc/terms/title")
_INLINE = ", ".join(f"<{p}>" for p in INLINE)
_LABELS = " ".join(f"<{p}>" for p in LABELS)


def quads_query(iri: str, per_page: int = TWIN_INCOMING) -> str:
    s = str(ox.NamedNode(iri))
    return f"""SELECT ?s ?p ?o ?g WHERE {{
  {{ GRAPH ?g {{ {s} ?p ?o }} BIND({s} AS ?s) }}
  UNION
  {{ GRAPH ?g0 {{ {s} ?via ?s }} FILTER(isBlank(?s) || ?via IN ({_INLINE}) || STRSTARTS(STR(?s), CONCAT(STR({s}), "#")))
     GRAPH ?g {{ ?s ?p ?o }} }}
  UNION
  {{ {{ SELECT ?s ?p ?g WHERE {{ GRAPH ?g {{ ?s ?p {s} }} }} ORDER BY ?p ?s LIMIT {per_page} }} BIND({s} AS ?o) }}
  UNION
  {{ {{ SELECT DISTINCT ?s WHERE {{
       {{ GRAPH ?a {{ {s} ?x ?s }} }} UNION {{ SELECT ?s WHERE {{ GRAPH ?b {{ ?s ?y {s} }} }} ORDER BY ?y ?s LIMIT {per_page} }}
       FILTER(isIRI(?s) && ?s != {s}) }} }}
     VALUES ?p {{ {_LABELS} }}
     GRAPH ?g {{ ?s ?p ?o }} }}
}}"""


def build(store, iri: str) -> list[ox.Quad]:
    result = store.query(quads_query(iri), max_rows=None)
    seen, out = set(), []
    for row in result.rows:
        quad = ox.Quad(_term(row["s"]), _term(row["p"]), _term(row["o"]), _term(row["g"]))
        if quad not in seen:
            seen.add(quad)
            out.append(quad)
    out.sort(key=lambda q: (str(q.graph_name), q.subject.value != iri, str(q.subject), str(q.predicate), str(q.object)))
    return out


def write(quads: list[ox.Quad], key: str) -> bytes:
    return ox.serialize(quads, format=WRITERS[key], prefixes=writer_prefixes(quads) if key == "trig" else None)


def _term(b: dict):
    kind, value = b["type"], b["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if "xml:lang" in b:
        return ox.Literal(value, language=b["xml:lang"])
    return ox.Literal(value, datatype=ox.NamedNode(b["datatype"])) if "datatype" in b else ox.Literal(value)
