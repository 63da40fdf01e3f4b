"""The dataset as a whole: its VoID + DCAT description, the list of our IRIs, and the full dumps."""

from __future__ import annotations

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from ..namespaces import PREFIXES
from .iris import rows
from .labels import BULK_ROWS
from ..prefixes import writer_prefixes

VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
IANA = "https://www.iana.org/assignments/media-types/"

GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
TOTALS = """SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects) (COUNT(DISTINCT ?p) AS ?properties)
WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"""
CLASSES = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?c)) } GROUP BY ?c"
PROPERTIES = "SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } } GROUP BY ?p"
# Every IRI in one graph (as subject, property or object), the graph written in as VALUES. One query per graph:
# OpenLink Virtuoso 7.2.5 takes 23-30 s for the shipped data's IRIs with 5 or more graphs in one VALUES (45-53 s as
# one query over the union), 0.45 s for its 55 graphs one at a time; pyoxigraph answers any way (docs/scale.md).
IRIS_IN_GRAPH = """SELECT DISTINCT ?x WHERE {
  VALUES ?g { %s } GRAPH ?g { { ?x ?p ?o } UNION { ?s ?x ?o } UNION { ?s ?p ?x } }
  FILTER(%s)
}"""
LOCAL = "isIRI(?x) && STRSTARTS(STR(?x), ?base)"

# Postcode datasets are lookup data (27,410 shipped units, 2.7 million with the ONSPD): their units have no place
# in the sitemap or the static copy, and scanning them made the sitemap overrun its time limit.
LOOKUP_GRAPHS = tuple(f"https://w3id.org/socialrx/graph/import/{d}" for d in ("os-codepoint", "ons-postcodes"))


def _iris(store, keep: str, base: str = "") -> list[str]:
    """The IRIs under base (graph names included) that pass the filter keep, read graph by graph, the postcode
    datasets aside."""
    graphs = [g for g in store.graph_names() if g not in LOOKUP_GRAPHS and "<" not in g and ">" not in g]
    bindings = {"base": Literal(base)} if "?base" in keep else None
    found = {g for g in graphs if g.startswith(base)}
    for g in graphs:
        found.update(str(x) for x, in rows(store.query(IRIS_IN_GRAPH % (f"<{g}>", keep), bindings=bindings, max_rows=BULK_ROWS), "x"))
    return sorted(found)


def local_iris(store, base: str) -> list[str]:
    """Return every IRI under the base that occurs in the graph (as subject, property, object or graph name)."""
    return _iris(store, LOCAL, base)


def all_iris(store) -> list[str]:
    """Return every IRI that occurs anywhere in the graph (the postcode datasets' own IRIs aside)."""
    return _iris(store, "isIRI(?x)")


def void(store, catalogue, urls: dict[str, str], example: str | None) -> rdflib.Graph:
    """Describe the dataset with VoID and DCAT: counts, licence, sources, endpoint and dumps.

    urls holds absolute addresses on this host: void (the document), home, sparql, dump_ttl, dump_nq.
    """
    g = rdflib.Graph()
    for prefix, ns in {**PREFIXES, "void": str(VOID), "dcat": str(DCAT), "sd": str(SD), "foaf": str(FOAF), "vcard": str(VCARD)}.items():
        g.bind(prefix, ns, override=True, replace=True)
    # The dataset's own IRIs come from base_iri, not from the host that happens to serve this copy.
    described = urls.get("described", urls["void"])
    ds = URIRef(described + "#dataset")
    service = URIRef(urls["sparql"] + "#service")
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal("socialrx: UK social prescribing and navigation schemes", lang="en-GB")))
    g.add((ds, DCTERMS.description, Literal("An open knowledge graph of UK social prescribing and navigation schemes: their aims, approaches, client groups, organisations, areas and reported outcomes, with every statement in a named graph whose name is its source.", lang="en-GB")))
    g.add((ds, DCTERMS.license, CC_BY))
    g.add((ds, DCAT.landingPage, URIRef(urls["home"])))
    # Who publishes it and whom to tell: the same words the ontology uses for its creators, and where the site
    # takes corrections; no name, address or telephone number that no source gives.
    publisher = URIRef(described + "#publisher")
    g.add((ds, DCTERMS.publisher, publisher))
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal("socialrx contributors", lang="en-GB")))
    contact = URIRef(described + "#contact")
    g.add((ds, DCAT.contactPoint, contact))
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, VCARD.fn, Literal("socialrx contributors", lang="en-GB")))
    g.add((contact, VCARD.hasURL, URIRef(urls.get("contact", urls["home"]))))
    modified = last_modified(store)
    if modified:
        g.add((ds, DCTERMS.modified, Literal(modified, datatype=XSD.date)))
    g.add((ds, VOID.uriSpace, Literal(urls["base_iri"])))
    g.add((ds, VOID.sparqlEndpoint, URIRef(urls["sparql"])))
    if example:
        g.add((ds, VOID.exampleResource, URIRef(example)))
    for key, mimetype, title in (("dump_ttl", "text/turtle", "Every statement, without sources (Turtle)"),
                                 ("dump_nq", "application/n-quads", "Every statement in the named graph of its source (N-Quads)")):
        g.add((ds, VOID.dataDump, URIRef(urls[key])))
        dist = URIRef(described + "#distribution-" + key.removeprefix("dump_"))
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(title, lang="en-GB")))
        g.add((dist, DCAT.downloadURL, URIRef(urls[key])))
        g.add((dist, DCAT.mediaType, URIRef(IANA + mimetype)))
        g.add((dist, DCTERMS.license, CC_BY))
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, RDF.type, SD.Service))
    g.add((service, DCAT.endpointURL, URIRef(urls["sparql"])))
    g.add((service, SD.endpoint, URIRef(urls["sparql"])))
    g.add((service, DCAT.servesDataset, ds))
    endpoint_dist = URIRef(described + "#distribution-sparql")
    g.add((ds, DCAT.distribution, endpoint_dist))
    g.add((endpoint_dist, RDF.type, DCAT.Distribution))
    g.add((endpoint_dist, DCAT.accessURL, URIRef(urls["sparql"])))
    g.add((endpoint_dist, DCAT.accessService, service))

    (t,) = list(rows(store.query(TOTALS), "triples", "subjects", "objects", "properties"))
    for prop, value in zip((VOID.triples, VOID.distinctSubjects, VOID.distinctObjects, VOID.properties), t):
        g.add((ds, prop, Literal(int(value), datatype=XSD.integer)))
    classes = list(rows(store.query(CLASSES, max_rows=BULK_ROWS), "c", "n"))
    g.add((ds, VOID.classes, Literal(len(classes), datatype=XSD.integer)))
    for c, n in classes:
        part = BNode()
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], c))
        g.add((part, VOID.entities, Literal(int(n), datatype=XSD.integer)))
    for p, n in rows(store.query(PROPERTIES, max_rows=BULK_ROWS), "p", "n"):
        part = BNode()
        g.add((ds, VOID.propertyPartition, part))
        g.add((part, VOID.property, p))
        g.add((part, VOID.triples, Literal(int(n), datatype=XSD.integer)))
    for graph, n in rows(store.query(GRAPH_SIZES, max_rows=BULK_ROWS), "g", "n"):
        sub = URIRef(described + "#graph-" + hash_iri(str(graph)))
        g.add((ds, VOID.subset, sub))
        g.add((sub, RDF.type, VOID.Dataset))
        g.add((sub, DCTERMS.source, graph))
        g.add((sub, DCTERMS.title, Literal(f"Statements from {catalogue.label(str(graph))}", lang="en-GB")))
        g.add((sub, VOID.triples, Literal(int(n), datatype=XSD.integer)))
        g.add((ds, DCTERMS.source, graph))
    for prefix in ("srx", "skos", "dct", "prov", "org", "schema"):
        g.add((ds, VOID.vocabulary, URIRef(PREFIXES[prefix])))
    return g


LAST_MODIFIED = """SELECT (MAX(?day) AS ?last) WHERE {
  GRAPH ?g { ?s ?p ?value }
  VALUES ?p { <http://purl.org/dc/terms/modified> <http://www.w3.org/ns/prov#generatedAtTime>
              <https://w3id.org/socialrx/def/statusCheckedOn> <https://w3id.org/socialrx/def/readOn> }
  BIND(SUBSTR(STR(?value), 1, 10) AS ?day)
  FILTER(REGEX(?day, "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))
}"""


def last_modified(store) -> str | None:
    """The newest day the data records a change, a check of a source or an import (YYYY-MM-DD), if any."""
    found = [str(day) for day, in rows(store.query(LAST_MODIFIED), "last") if day]
    return found[0] if found else None


def hash_iri(iri: str) -> str:
    import hashlib

    return hashlib.sha1(iri.encode()).hexdigest()[:10]


# A whole-store build runs in a process of its own with no one waiting on a tight deadline; this only stops a
# build that would never end (1M statements take seconds).
BUILD_TIME_LIMIT_MS = 600_000


def dump_nquads(store, kb) -> bytes:
    """Every quad, each in the named graph of its source."""
    return _on_snapshot(store, kb, nquads_of)


def dump_turtle(store, kb) -> bytes:
    """Every distinct statement as Turtle, sources dropped (the N-Quads dump keeps them)."""
    return _on_snapshot(store, kb, turtle_of)


def _on_snapshot(store, kb, function):
    try:
        return store.run_on_snapshot(function, timeout_ms=BUILD_TIME_LIMIT_MS)
    except NotImplementedError:  # a remote store: the knowledge base loaded here holds the same statements
        return function(kb.store)


def nquads_of(oxstore: ox.Store) -> bytes:
    return oxstore.dump(format=ox.RdfFormat.N_QUADS)


def turtle_of(oxstore: ox.Store) -> bytes:
    triples = sorted({q.triple for q in oxstore}, key=str)
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=writer_prefixes(triples))


def void_summary(g: rdflib.Graph, dataset_iri: str) -> dict:
    """What the HTML view of the dataset description shows, read back from its graph."""
    ds = URIRef(dataset_iri)
    one = lambda s, p: g.value(s, p)  # noqa: E731
    publisher, contact = one(ds, DCTERMS.publisher), one(ds, DCAT.contactPoint)
    dists = []
    for dist in g.objects(ds, DCAT.distribution):
        url = one(dist, DCAT.downloadURL) or one(dist, DCAT.accessURL)
        media = one(dist, DCAT.mediaType)
        dists.append({"title": str(one(dist, DCTERMS.title) or "SPARQL endpoint"), "url": str(url),
                      "media": str(media).removeprefix(IANA) if media else "SPARQL 1.1 Protocol"})
    subsets = sorted(({"title": str(one(sub, DCTERMS.title)), "source": str(one(sub, DCTERMS.source)),
                       "triples": int(one(sub, VOID.triples))} for sub in g.objects(ds, VOID.subset)),
                     key=lambda x: -x["triples"])
    return {
        "iri": dataset_iri, "title": str(one(ds, DCTERMS.title)), "description": str(one(ds, DCTERMS.description)),
        "license": str(one(ds, DCTERMS.license)), "modified": str(one(ds, DCTERMS.modified) or ""),
        "publisher": str(one(publisher, FOAF.name)) if publisher else "", "contact": str(one(contact, VCARD.hasURL)) if contact else "",
        "triples": int(one(ds, VOID.triples)), "subjects": int(one(ds, VOID.distinctSubjects)),
        "sparql": str(one(ds, VOID.sparqlEndpoint)), "distributions": sorted(dists, key=lambda d: d["title"]), "subsets": subsets,
    }
