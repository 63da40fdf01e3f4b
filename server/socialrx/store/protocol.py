"""The SPARQL 1.1 Protocol, framework-free: read a request, pick a result format, describe the service.

https://www.w3.org/TR/sparql11-protocol/ (query operation, §2.1) and
https://www.w3.org/TR/sparql11-service-description/ (the description answered to GET without a query).
The Flask view in web/sparql.py only moves values between HTTP and these functions.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib.namespace import RDF, XSD
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from ..namespaces import sparql_prologue
from .base import QueryError, QueryRefused

HTML = "text/html"
JSON_RESULTS = "application/sparql-results+json"
XML_RESULTS = "application/sparql-results+xml"
TURTLE = "text/turtle"

# ?format= values (a common extension the protocol leaves open; SPARQLWrapper sends format=json|xml|turtle|...).
# "json" and "xml" mean the results formats for SELECT/ASK and JSON-LD / RDF/XML for graphs.
FORMAT_PARAM = {
    "select": {"json": JSON_RESULTS, "srj": JSON_RESULTS, "xml": XML_RESULTS, "srx": XML_RESULTS,
               "csv": "text/csv", "tsv": "text/tab-separated-values", "html": HTML},
    "graph": {"ttl": TURTLE, "turtle": TURTLE, "n3": TURTLE, "nt": "application/n-triples",
              "ntriples": "application/n-triples", "n-triples": "application/n-triples", "jsonld": "application/ld+json",
              "json-ld": "application/ld+json", "json": "application/ld+json", "rdf": "application/rdf+xml",
              "rdfxml": "application/rdf+xml", "rdf+xml": "application/rdf+xml", "xml": "application/rdf+xml",
              "html": HTML},
}
FORMAT_PARAM["ask"] = FORMAT_PARAM["select"]

# (media type a client may ask for, media type we answer with), in order of preference for */*.
SELECT_OFFERS = [
    (JSON_RESULTS, JSON_RESULTS), (XML_RESULTS, XML_RESULTS), ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"), ("application/json", JSON_RESULTS),
    ("application/xml", XML_RESULTS), ("text/xml", XML_RESULTS), (HTML, HTML),
]
GRAPH_OFFERS = [
    (TURTLE, TURTLE), ("application/n-triples", "application/n-triples"), ("application/ld+json", "application/ld+json"),
    ("application/rdf+xml", "application/rdf+xml"), ("application/x-turtle", TURTLE), ("text/n3", TURTLE),
    ("text/plain", "application/n-triples"), ("application/json", "application/ld+json"),
    ("application/xml", "application/rdf+xml"), (HTML, HTML),
]
OFFERS = {"select": SELECT_OFFERS, "ask": SELECT_OFFERS, "graph": GRAPH_OFFERS}


@dataclass
class ProtocolRequest:
    query: str | None
    default_graph_uris: list[str] = field(default_factory=list)
    named_graph_uris: list[str] = field(default_factory=list)


def read_request(method: str, mimetype: str, args, form, body: bytes | None) -> ProtocolRequest:
    """Extract the query and dataset from a protocol request (args/form are werkzeug MultiDicts)."""
    queries = list(args.getlist("query"))
    if "update" in args or "update" in form or mimetype == "application/sparql-update":
        raise QueryRefused("This endpoint is read-only: SPARQL Update requests (the 'update' parameter or an "
                           "application/sparql-update body) are refused. Send a query with the 'query' parameter.")
    dgs, ngs = list(args.getlist("default-graph-uri")), list(args.getlist("named-graph-uri"))
    if method == "POST":
        if mimetype == "application/x-www-form-urlencoded":
            queries += form.getlist("query")
            dgs += form.getlist("default-graph-uri")
            ngs += form.getlist("named-graph-uri")
        elif mimetype == "application/sparql-query":
            try:
                queries.append((body or b"").decode("utf-8"))
            except UnicodeDecodeError as e:
                raise QueryError(f"The request body is not valid UTF-8 (byte {e.start}). Send the query as UTF-8 "
                                 f"text with Content-Type: application/sparql-query.") from None
        else:
            raise QueryError(f"POST requests must be application/x-www-form-urlencoded (with a 'query' field) or "
                             f"application/sparql-query (the query as the body), not {mimetype or 'untyped'}.",
                             status=415)
    if len(queries) > 1:
        raise QueryError(f"The request carries {len(queries)} queries (the 'query' parameter, and/or a query body); "
                         f"the SPARQL protocol allows exactly one. Send one query per request.")
    if method == "POST" and not queries:
        raise QueryError("The POST request carries no query. Put it in a 'query' form field, or send it as the body "
                         "with Content-Type: application/sparql-query.")
    for uri in dgs + ngs:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]*:[^<>\"{}|^`\\\x00-\x20]*", uri):
            raise QueryError(f"{uri!r} is not an absolute IRI; default-graph-uri and named-graph-uri must be graph IRIs.")
    return ProtocolRequest(queries[0] if queries else None, dgs, ngs)


@functools.lru_cache(maxsize=512)  # clients repeat the same few Accept headers; parsing them is not free
def negotiate(kind: str | None, accept: str, format_param: str | None) -> str | None:
    """Return the media type to answer with, or None when none of the acceptable ones fits (406).

    kind None means "any result kind", for the check made before the query runs.
    """
    if format_param:
        if kind is None:
            return negotiate("select", accept, format_param) or negotiate("graph", accept, format_param)
        wanted = format_param.strip().lower()
        wanted = FORMAT_PARAM[kind].get(wanted, wanted)
        return wanted if any(answer == wanted for _, answer in OFFERS[kind]) else None
    offers = OFFERS[kind] if kind else SELECT_OFFERS + GRAPH_OFFERS
    if not accept or not accept.strip():
        return offers[0][1]
    accepted = parse_accept_header(accept, MIMEAccept)
    best = accepted.best_match([asked for asked, _ in offers])
    return dict(offers)[best] if best else None


def not_acceptable(kind: str | None, accept: str, format_param: str | None) -> QueryError:
    offers = OFFERS[kind] if kind else SELECT_OFFERS + GRAPH_OFFERS
    what = {"select": "SELECT results", "ask": "ASK results", "graph": "CONSTRUCT/DESCRIBE results"}.get(kind, "results")
    types = ", ".join(dict.fromkeys(answer for _, answer in offers if answer != HTML))
    names = ", ".join(k for k, v in FORMAT_PARAM.get(kind or "select", {}).items() if v != HTML)
    asked = f"format={format_param}" if format_param else f"Accept: {accept}"
    return QueryError(f"Cannot answer {what} as {asked}. Ask for one of {types} (or use ?format= with one of {names}).",
                      status=406)


# -- Service Description ------------------------------------------------------------------------------

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = rdflib.Namespace("http://www.w3.org/ns/formats/")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
ENT = rdflib.Namespace("http://www.w3.org/ns/entailment/")
DESCRIPTION_FORMATS = {TURTLE: "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
                       "application/rdf+xml": "xml"}


def service_description(endpoint: str, graphs: dict[str, int], triples: int, settings) -> rdflib.Graph:
    """Describe the endpoint: languages, formats, features and the dataset (one named graph per source)."""
    g = rdflib.Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    g.bind("formats", FORMATS)
    svc = rdflib.URIRef(endpoint + "#service")  # the node the VoID description points at
    g.add((svc, RDF.type, SD.Service))
    g.add((svc, SD.endpoint, rdflib.URIRef(endpoint)))
    g.add((svc, SD.supportedLanguage, SD.SPARQL11Query))
    # The default graph is the union of all named graphs (every statement sits in the graph of its source).
    g.add((svc, SD.feature, SD.UnionDefaultGraph))
    if settings.service_allow_list:
        g.add((svc, SD.feature, SD.BasicFederatedQuery))
    g.add((svc, SD.defaultEntailmentRegime, ENT.Simple))
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                 "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        g.add((svc, SD.resultFormat, FORMATS[name]))
    dataset = rdflib.BNode("dataset")
    g.add((svc, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default = rdflib.BNode("default")
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, rdflib.Literal(triples, datatype=XSD.integer)))
    for i, (iri, count) in enumerate(sorted(graphs.items())):
        named, graph = rdflib.BNode(f"ng{i}"), rdflib.BNode(f"g{i}")
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, rdflib.URIRef(iri)))
        g.add((named, SD.graph, graph))
        g.add((graph, RDF.type, SD.Graph))
        g.add((graph, VOID.triples, rdflib.Literal(count, datatype=XSD.integer)))
    return g


GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def graph_sizes(store) -> dict[str, int]:
    """Count the triples in each named graph (through the store, like every other query)."""
    result = store.query(GRAPH_SIZES, max_rows=1_000_000)
    return {r["g"]["value"]: int(r["n"]["value"]) for r in result.rows if "g" in r}


# -- the editor's examples ------------------------------------------------------------------------

@dataclass
class Example:
    title: str
    query: str
    name: str


def load_examples(folder: Path) -> list[Example]:
    """Read queries/*.rq as editor examples; a '#+ title: ...' header line names the tab (else the file name)."""
    examples = []
    for path in sorted(Path(folder).glob("*.rq")) if Path(folder).is_dir() else []:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        title = None
        for line in text.splitlines():
            m = re.match(r"\s*#\+\s*title\s*:\s*(.+?)\s*$", line)
            if m:
                title = m.group(1)
                break
        body = text if re.search(r"^\s*PREFIX\s", text, re.I | re.M) else sparql_prologue() + "\n" + text
        examples.append(Example(title or path.stem.replace("-", " ").replace("_", " "), body, path.stem))
    return examples


def default_query() -> str:
    return sparql_prologue() + "\nSELECT ?s ?p ?o\nWHERE {\n  ?s ?p ?o .\n}\nLIMIT 25\n"


__all__ = ["read_request", "negotiate", "not_acceptable", "service_description", "graph_sizes", "load_examples",
           "default_query", "DESCRIPTION_FORMATS", "HTML"]
