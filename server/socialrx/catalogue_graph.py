"""The query catalogue as linked data: each query is an sh:SPARQLExecutable in the `queries` graph.

SPARQL editors and crawlers discover the questions this site answers by asking the store, e.g.
`SELECT ?q ?title WHERE { GRAPH <https://w3id.org/socialrx/graph/queries> { ?q rdfs:label ?title } }`.
The catalogue hands this graph to the knowledge base as a feed (CatalogueFeed, see socialrx.loading);
the knowledge base knows nothing of the catalogue.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from .catalogue import CatalogueError, Param, Query, load_queries
from .kb import KBError
from .namespaces import BASE, SRX

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
RDFS_SEE_ALSO = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")
DCT_IDENTIFIER = ox.NamedNode("http://purl.org/dc/terms/identifier")
DCT_SOURCE = ox.NamedNode("http://purl.org/dc/terms/source")
DCT_DESCRIPTION = ox.NamedNode("http://purl.org/dc/terms/description")
SCHEMA_KEYWORDS = ox.NamedNode("https://schema.org/keywords")
XSD = "http://www.w3.org/2001/XMLSchema#"

# The SHACL-AF class and property for each query form (DESCRIBE has no class of its own).
FORMS = {
    "select": ("SPARQLSelectExecutable", "select"),
    "construct": ("SPARQLConstructExecutable", "construct"),
    "ask": ("SPARQLAskExecutable", "ask"),
    "describe": (None, "describe"),
}
DATATYPES = {"literal": XSD + "string", "integer": XSD + "integer", "date": XSD + "date"}


def queries_graph(base_iri: str = BASE) -> ox.NamedNode:
    return ox.NamedNode(base_iri + "graph/queries")


def query_iri(name: str, base_iri: str = BASE) -> ox.NamedNode:
    return ox.NamedNode(f"{base_iri}id/query/{name}")


def catalogue_quads(queries: Iterable[Query], base_iri: str = BASE) -> list[ox.Quad]:
    """Describe each query as an sh:SPARQLExecutable with label, comment and text, in the queries graph.

    Like every data graph, the queries graph is a described source and each resource in it cites it.
    """
    graph = queries_graph(base_iri)
    triples = [t for query in queries for t in _query_triples(query, base_iri)]
    if triples:
        triples += _graph_triples(graph)
    return [ox.Quad(s, p, o, graph) for s, p, o in triples]


def catalogue_quads_from_folder(folder: Path | str | None = None, base_iri: str = BASE) -> list[ox.Quad]:
    """Read the query files (default: the knowledge base's queries/) and describe them.

    A malformed file is raised as KBError, like a malformed data file.
    """
    try:
        return catalogue_quads(load_queries(folder), base_iri)
    except CatalogueError as e:
        raise KBError(e.path or folder or "queries", e.message) from None


class CatalogueFeed:
    """The query catalogue's graph, read from a queries folder when the knowledge base loads."""

    def __init__(self, folder: Path | str):
        self.path = Path(folder)

    def quads(self) -> list[ox.Quad]:
        return catalogue_quads_from_folder(self.path)


def _graph_triples(graph: ox.NamedNode):
    yield graph, RDF_TYPE, ox.NamedNode(str(SRX["Source"]))
    yield graph, RDFS_LABEL, ox.Literal("The socialrx query catalogue (queries/*.rq)", language="en-GB")
    yield graph, DCT_DESCRIPTION, ox.Literal("The named questions this site answers, each a SPARQL query file in the project's queries folder.", language="en-GB")
    yield graph, DCT_SOURCE, graph


def _query_triples(query: Query, base_iri: str):
    subject = query_iri(query.name, base_iri)
    cls, prop = FORMS[query.kind]
    yield subject, RDF_TYPE, ox.NamedNode(SH + "SPARQLExecutable")
    if cls:
        yield subject, RDF_TYPE, ox.NamedNode(SH + cls)
    yield subject, RDFS_LABEL, ox.Literal(query.title, language="en-GB")
    yield subject, RDFS_COMMENT, ox.Literal(query.description, language="en-GB")
    yield subject, ox.NamedNode(SH + prop), ox.Literal(query.text)
    yield subject, DCT_IDENTIFIER, ox.Literal(query.name)
    yield subject, RDFS_SEE_ALSO, ox.NamedNode(f"{base_iri}queries/{query.name}")
    yield subject, DCT_SOURCE, queries_graph(base_iri)
    for tag in query.tags:
        yield subject, SCHEMA_KEYWORDS, ox.Literal(tag, language="en-GB")
    for param in query.params:
        node = ox.NamedNode(f"{subject.value}#{param.name}")
        yield subject, ox.NamedNode(SH + "parameter"), node
        yield from _param_triples(node, param, queries_graph(base_iri))


def _param_triples(node: ox.NamedNode, param: Param, graph: ox.NamedNode):
    yield node, RDF_TYPE, ox.NamedNode(SH + "Parameter")
    yield node, DCT_SOURCE, graph
    yield node, ox.NamedNode(SH + "name"), ox.Literal(param.name)
    yield node, ox.NamedNode(SH + "description"), ox.Literal(param.label, language="en-GB")
    yield node, ox.NamedNode(SH + "optional"), ox.Literal("false" if param.required else "true", datatype=ox.NamedNode(XSD + "boolean"))
    if param.type == "iri":
        yield node, ox.NamedNode(SH + "nodeKind"), ox.NamedNode(SH + "IRI")
    else:
        yield node, ox.NamedNode(SH + "datatype"), ox.NamedNode(DATATYPES[param.type])
    if param.default:
        value = ox.NamedNode(param.default) if param.type == "iri" else ox.Literal(param.default, datatype=ox.NamedNode(DATATYPES[param.type]))
        yield node, ox.NamedNode(SH + "defaultValue"), value
    if param.allowed and param.allowed.kind == "class":
        for cls in param.allowed.values:
            yield node, ox.NamedNode(SH + "class"), ox.NamedNode(cls)
