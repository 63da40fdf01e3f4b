"""The ontology as one document, as linked-data tools expect to fetch it from its namespace IRI: the ontology
header and every class and property under <base>def/ with its labels, definitions and axioms (blank nodes
included), plus an rdfs:comment for each term from its skos:definition, since rdfs:comment is what most tools
(Protégé, LOV, WIDOCO) show. Written by the engine (no rdflib), with prefixes that keep slashes out of names.
"""

from __future__ import annotations

import pyoxigraph as ox

from ..prefixes import writer_prefixes

RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
SKOS_DEFINITION = ox.NamedNode("http://www.w3.org/2004/02/skos/core#definition")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
OWL_VERSION_IRI = "http://www.w3.org/2002/07/owl#versionIRI"
WRITERS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
           "rdf": ox.RdfFormat.RDF_XML}


def document_query(base: str) -> str:
    ns = base + "def/"
    return f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  GRAPH <{base}graph/ontology> {{
    {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{ns}")) }}
    UNION
    {{ ?root (<urn:x-socialrx:any>|!<urn:x-socialrx:any>)+ ?s . FILTER(isBlank(?s) && isIRI(?root) && STRSTARTS(STR(?root), "{ns}")) ?s ?p ?o }}
  }}
}}"""


def triples(store, base: str) -> list[ox.Triple]:
    """The ontology document's triples, with rdfs:comment added from skos:definition where a term has none."""
    result = store.query(document_query(base), max_rows=None)
    found = list(ox.parse(result.payload, format=ox.RdfFormat.N_TRIPLES)) if result.payload else []
    commented = {t.subject for t in found if t.predicate == RDFS_COMMENT}
    extra = [ox.Triple(t.subject, RDFS_COMMENT, t.object) for t in found
             if t.predicate == SKOS_DEFINITION and t.subject not in commented]
    ontology = ox.NamedNode(base + "def/")
    return sorted(found + extra, key=lambda t: (isinstance(t.subject, ox.BlankNode), t.subject != ontology, str(t.subject),
                                                t.predicate.value != RDF_TYPE, str(t.predicate), str(t.object)))


def version_iris(found: list[ox.Triple]) -> set[str]:
    return {t.object.value for t in found if t.predicate.value == OWL_VERSION_IRI and isinstance(t.object, ox.NamedNode)}


def write(found: list[ox.Triple], key: str) -> bytes:
    return ox.serialize(found, format=WRITERS[key], prefixes=writer_prefixes(found))
