"""Read what the ORUK export needs from the store: services with their facts, nodes one and two hops away,
concepts and concept schemes, sources. Every read is a SPARQL query through socialrx.store.

The result is plain Python (`Node`: IRI → property → values), grouped once per app by `directory`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import sparql_prologue
from ..pages.iris import ox_rows
from ..pages.scheme_definition import is_a_pattern

BULK_ROWS = 5_000_000  # internal reads want every row, not the public row cap
# Read once per app, not per request: a directory of tens of thousands of imported services needs more than the
# public time limit on a busy machine (30 s for 10,000 services at load average 10 on 2 cores).
BULK_MS = 120_000
SRX = "https://w3id.org/socialrx/def/"
SCHEMA = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCT = "http://purl.org/dc/terms/"
PROLOGUE = sparql_prologue(["srx", "rdfs", "skos", "dct", "schema", "prov", "rdf"])

# The links from a service to the nodes whose facts an ORUK record nests.
HOPS = ("srx:eligibility", "schema:address", "srx:providedBy", "srx:areaServed", "schema:location", "schema:contactPoint")
NODE_FACTS = ("rdfs:label", "skos:prefLabel", "dct:description", "skos:definition", "srx:minimumAge", "srx:maximumAge",
              "srx:clientGroup", "schema:streetAddress", "schema:addressLocality", "schema:postalCode", "schema:addressRegion",
              "schema:addressCountry", "schema:url", "schema:email", "schema:telephone", "srx:latitude", "srx:longitude",
              "schema:address", "srx:statisticalGeography", "srx:gssCode", "schema:jobTitle", "schema:name")
ADDRESS_FACTS = ("schema:streetAddress", "schema:addressLocality", "schema:postalCode", "schema:addressRegion", "schema:addressCountry")

# IS_SERVICE is replaced by scheme_definition.is_a_pattern (the service classes as VALUES): with
# `?t rdfs:subClassOf* srx:Service` here Virtuoso 7.2.5 found 2 of the 434 facts (docs/scale.md).
IS_SERVICE = "#is-service#"
SERVICE_FACTS = PROLOGUE + """SELECT ?s ?p ?o ?g WHERE {
  #is-service# FILTER(isIRI(?s))
  GRAPH ?g { ?s ?p ?o }
}"""

ONE_HOP = PROLOGUE + f"""SELECT ?n ?p ?o WHERE {{
  {IS_SERVICE}
  VALUES ?link {{ {' '.join(HOPS)} }}
  ?s ?link ?n .
  VALUES ?p {{ {' '.join(NODE_FACTS)} }}
  ?n ?p ?o .
}}"""

TWO_HOPS = PROLOGUE + f"""SELECT ?n ?p ?o WHERE {{
  {IS_SERVICE}
  ?s schema:location/schema:address ?n .
  VALUES ?p {{ {' '.join(ADDRESS_FACTS)} }}
  ?n ?p ?o .
}}"""

CONCEPTS = PROLOGUE + """SELECT DISTINCT ?c ?p ?o WHERE {
  { ?c a skos:Concept } UNION { ?c a skos:ConceptScheme }
  VALUES ?p { skos:prefLabel rdfs:label skos:definition dct:description skos:inScheme skos:broader skos:notation
              skos:exactMatch skos:closeMatch rdf:type }
  ?c ?p ?o .
}"""

SOURCES = PROLOGUE + """SELECT DISTINCT ?g ?p ?o WHERE {
  ?g a srx:Source .
  VALUES ?p { rdfs:label dct:title dct:license dct:rights prov:generatedAtTime prov:wasDerivedFrom }
  ?g ?p ?o .
}"""


@dataclass
class Value:
    """One RDF term as the export needs it: the text, whether it is an IRI, its language and datatype."""

    text: str
    iri: bool = False
    lang: str = ""
    datatype: str = ""


@dataclass
class Node:
    iri: str
    facts: dict[str, list[Value]] = field(default_factory=lambda: defaultdict(list))
    graphs: set[str] = field(default_factory=set)

    def all(self, prop: str) -> list[Value]:
        return self.facts.get(prop, [])

    def iris(self, prop: str) -> list[str]:
        return sorted({v.text for v in self.all(prop) if v.iri})

    def first(self, *props: str) -> str | None:
        """The best literal for the first property that has one (English first, then shortest language tag)."""
        for prop in props:
            values = [v for v in self.all(prop) if not v.iri]
            if values:
                values.sort(key=lambda v: (not v.lang.startswith("en"), v.lang != "en-GB", v.text))
                return values[0].text
        return None


def _value(term) -> Value:
    if isinstance(term, ox.NamedNode):
        return Value(term.value, True)
    if isinstance(term, ox.BlankNode):
        return Value("_:" + term.value, True)
    return Value(term.value, False, term.language or "", term.datatype.value if term.datatype else "")


def _collect(result, subject: str, into: dict[str, Node], graph: str | None = None) -> None:
    # pages.iris.ox_rows: pyoxigraph terms from the embedded engine's own TSV (3-5x faster than SPARQL JSON rows),
    # or from the JSON rows a remote endpoint answers (it has no TSV payload; reading only that gave no services).
    for terms in ox_rows(result, subject, "p", "o", *((graph,) if graph else ())):
        row = dict(zip((subject, "p", "o", graph), terms))
        s, p, o = row[subject], row["p"], row["o"]
        if s is None or p is None or o is None:
            continue
        key = s.value if isinstance(s, ox.NamedNode) else "_:" + s.value
        node = into.get(key)
        if node is None:
            node = into[key] = Node(key)
        value = _value(o)
        values = node.facts[p.value]
        if value not in values:
            values.append(value)
        if graph is not None and row[graph] is not None:
            node.graphs.add(row[graph].value)


@dataclass
class GraphRead:
    services: dict[str, Node]
    nodes: dict[str, Node]  # eligibility, addresses, organisations, areas, locations, contact points
    concepts: dict[str, Node]  # concepts and concept schemes
    sources: dict[str, Node]


def read(store) -> GraphRead:
    """Everything the ORUK export shows, in five queries."""
    is_service = is_a_pattern(store, "s", SRX + "Service")
    services: dict[str, Node] = {}
    _collect(store.query(SERVICE_FACTS.replace(IS_SERVICE, is_service), max_rows=BULK_ROWS, timeout_ms=BULK_MS), "s", services, graph="g")
    nodes: dict[str, Node] = {}
    _collect(store.query(ONE_HOP.replace(IS_SERVICE, is_service), max_rows=BULK_ROWS, timeout_ms=BULK_MS), "n", nodes)
    _collect(store.query(TWO_HOPS.replace(IS_SERVICE, is_service), max_rows=BULK_ROWS, timeout_ms=BULK_MS), "n", nodes)
    concepts: dict[str, Node] = {}
    _collect(store.query(CONCEPTS, max_rows=BULK_ROWS, timeout_ms=BULK_MS), "c", concepts)
    sources: dict[str, Node] = {}
    _collect(store.query(SOURCES, max_rows=BULK_ROWS, timeout_ms=BULK_MS), "g", sources)
    return GraphRead(services, nodes, concepts, sources)
