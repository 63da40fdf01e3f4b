"""RDF twins of a resource's page: one CONSTRUCT in the store, written by the engine's own serialisers.

The twin holds what the page shows: every statement about the resource (with the detail nodes it inlines:
blank nodes, outcomes, stated aims, eligibility, its own hash IRIs) and the statements pointing at it. A
resource with more than TWIN_INCOMING incoming statements is paged: page n holds the outgoing statements and
the n-th slice of incoming ones, and the response links the next and previous slices (Link rel="next"/"prev",
RFC 8288), as the HTML page does with ?incoming=…&page=….
No rdflib here: N-Triples from the query worker are re-written by pyoxigraph (Turtle, JSON-LD, RDF/XML).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from math import ceil

import pyoxigraph as ox

from ..namespaces import PREFIXES
from .entity import INLINE
from ..prefixes import writer_prefixes

TWIN_INCOMING = 1000  # incoming statements per twin page
_SIDE = ThreadPoolExecutor(max_workers=4, thread_name_prefix="twin-count")
WRITERS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
           "rdf": ox.RdfFormat.RDF_XML}
_INLINE = ", ".join(f"<{p}>" for p in INLINE)


@dataclass
class Twin:
    data: bytes
    page: int
    pages: int
    incoming: int  # incoming statements in all, on every page
    written: str = "nt"  # the syntax of data: a key of WRITERS


def twin_query(iri: str, page: int, per_page: int = TWIN_INCOMING) -> str:
    """The CONSTRUCT for one twin page; the IRI goes in as an N-Triples term (it has passed ox.NamedNode)."""
    s = str(ox.NamedNode(iri))
    offset = (max(page, 1) - 1) * per_page
    return f"""CONSTRUCT {{ {s} ?p ?o . ?node ?np ?no . ?x ?ip {s} }} WHERE {{
  {{ {s} ?p ?o }}
  UNION
  {{ {s} ?via ?node . FILTER(isBlank(?node) || ?via IN ({_INLINE}) || STRSTARTS(STR(?node), CONCAT(STR({s}), "#"))) ?node ?np ?no }}
  UNION
  {{ {s} ?via ?b . FILTER(isBlank(?b)) ?b ?via2 ?node . FILTER(isBlank(?node)) ?node ?np ?no }}
  UNION
  {{ SELECT ?x ?ip WHERE {{ ?x ?ip {s} }} ORDER BY ?ip ?x LIMIT {per_page} OFFSET {offset} }}
}}"""


def incoming_count_query(iri: str) -> str:
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?x ?ip WHERE {{ ?x ?ip {ox.NamedNode(iri)} }} }}"


def build(store, iri: str, page: int = 1, key: str = "nt", per_page: int = TWIN_INCOMING) -> Twin:
    """Read one twin page from the store (two queries at once: the statements, written by the query worker in the
    format asked for, and how many statements point at the resource)."""
    # Turtle with a prefix per folder of our IRIs (issue 11.8), chosen by the worker as it writes, so no second
    # parse and write here (issue 12: 4.5 of the hub twin's 10.7 ms at 100k).
    write_as = None if key == "nt" else {"format": key, "prefixes": PREFIXES, "per_folder": key == "ttl"}
    counting = _SIDE.submit(store.query, incoming_count_query(iri))  # on the lane's other worker, meanwhile
    result = store.query(twin_query(iri, page, per_page), write=write_as)
    counted = counting.result()
    total = int(counted.rows[0]["n"]["value"]) if counted.rows else 0
    pages = max(1, ceil(total / per_page))
    return Twin(result.payload, min(max(page, 1), pages), pages, total, result.written)


def write(twin: Twin, key: str) -> bytes:
    """The twin in a format of pages.negotiation (ttl, nt, jsonld, rdf) with the site's prefixes."""
    if twin.written == key:
        data = twin.data
    else:
        triples = ox.parse(twin.data, format=WRITERS[twin.written])
        data = ox.serialize(triples, format=WRITERS[key], prefixes=PREFIXES)
    if key == "ttl" and b"\\/" in data:  # not written by our worker (a remote engine): give each folder its prefix here
        triples = list(ox.parse(data, format=ox.RdfFormat.TURTLE))
        data = ox.serialize(triples, format=WRITERS[key], prefixes=writer_prefixes(triples))
    return data


def is_empty(twin: Twin) -> bool:
    """Say whether the twin holds no statement (a graph name or a property only)."""
    data = twin.data.strip()
    if twin.written == "ttl":  # only the prefix lines
        return all(line.startswith(b"@prefix") for line in data.splitlines() if line.strip())
    if twin.written == "jsonld":
        return b'"@id"' not in data and b'"@value"' not in data
    if twin.written == "rdf":
        return not any(marker in data for marker in (b"rdf:about=", b"rdf:nodeID=", b"<rdf:Description"))
    return not data
