"""/sparql per the SPARQL 1.1 Protocol, over a real waitress server on 127.0.0.1, with real clients:
SPARQLWrapper, rdflib's SPARQLStore and requests. One test per protocol case."""

from __future__ import annotations

import csv
import io
import json
from html import unescape
import re
import time

import pytest
import rdflib
import requests
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper
from store_support import ALPHA, BETA, ID, PROLOGUE, small_kb
from support import idle_listener

from socialrx.settings import Settings
from socialrx.web import create_app

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
SCHEMES = PROLOGUE + "SELECT ?s ?label WHERE { ?s a srx:Scheme ; rdfs:label ?label } ORDER BY ?s"
SCHEME_IRIS = [ID + "scheme-1", ID + "scheme-2", ID + "scheme-3"]
LABELS = PROLOGUE + "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a org:Organization ; rdfs:label ?l }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def make_app(**settings):
    return create_app(Settings({"query_workers": 2, **settings}), kb=small_kb())


@pytest.fixture(scope="module")
def apps():
    made = {"main": make_app(), "small": make_app(max_returned_rows=3, max_request_kb=4)}
    yield made
    for application in made.values():
        application.extensions["socialrx.store"].close()


@pytest.fixture(scope="module")
def base(apps, serve):
    return serve(apps["main"])


@pytest.fixture(scope="module")
def small(apps, serve):
    return serve(apps["small"])


@pytest.fixture(scope="module")
def endpoint(base):
    return base + "/sparql"


def labels_graph() -> rdflib.Graph:
    g = rdflib.Graph()
    for org, name in (("org-1", "Alpha Trust"), ("org-2", "Beta CIC"), ("icb-1", "Example ICB")):
        g.add((rdflib.URIRef(ID + org), rdflib.RDFS.label, rdflib.Literal(name)))
    return g


def uris(doc: dict, var: str = "s") -> list[str]:
    return [row[var]["value"] for row in doc["results"]["bindings"]]


def count(endpoint: str) -> str:
    return requests.get(endpoint, params={"query": COUNT}).json()["results"]["bindings"][0]["n"]["value"]


# -- the three ways to send a query (§2.1) ------------------------------------------------------------

def test_get_with_query_parameter(endpoint):
    r = requests.get(endpoint, params={"query": SCHEMES})
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/sparql-results+json"
    assert uris(r.json()) == SCHEME_IRIS
    assert r.json()["results"]["bindings"][1]["label"] == {"type": "literal", "value": 'Wellbeing "Plus"\nservice', "xml:lang": "en"}


def test_post_form_encoded(endpoint):
    r = requests.post(endpoint, data={"query": SCHEMES})
    assert r.status_code == 200 and uris(r.json()) == SCHEME_IRIS


def test_post_sparql_query_body(endpoint):
    r = requests.post(endpoint, data=SCHEMES.encode(), headers={"Content-Type": "application/sparql-query; charset=utf-8"})
    assert r.status_code == 200 and uris(r.json()) == SCHEME_IRIS


# -- real clients ------------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_json(endpoint, method):
    sw = SPARQLWrapper(endpoint)
    sw.setMethod(method)
    sw.setQuery(SCHEMES)
    sw.setReturnFormat(JSON)
    assert uris(sw.queryAndConvert()) == SCHEME_IRIS


def test_sparqlwrapper_xml(endpoint):
    sw = SPARQLWrapper(endpoint)
    sw.setQuery(SCHEMES)
    sw.setReturnFormat(XML)
    doc = sw.queryAndConvert()  # a minidom Document
    assert [u.firstChild.data for u in doc.getElementsByTagName("uri")] == SCHEME_IRIS


def test_sparqlwrapper_csv(endpoint):
    sw = SPARQLWrapper(endpoint)
    sw.setQuery(SCHEMES)
    sw.setReturnFormat(CSV)
    rows = list(csv.reader(io.StringIO(sw.queryAndConvert().decode())))
    assert rows[0] == ["s", "label"] and [r[0] for r in rows[1:]] == SCHEME_IRIS


def test_sparqlwrapper_construct_into_rdflib(endpoint):
    sw = SPARQLWrapper(endpoint)
    sw.setQuery(LABELS)
    sw.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=sw.queryAndConvert(), format="turtle")
    assert isomorphic(graph, labels_graph())
    sw.setReturnFormat(XML)  # SPARQLWrapper's own conversion to an rdflib Graph (RDF/XML)
    assert isomorphic(sw.queryAndConvert(), labels_graph())


def test_rdflib_sparqlstore(endpoint):
    graph = rdflib.Graph(store=SPARQLStore(endpoint, returnFormat="json"))
    assert [str(r.s) for r in graph.query(SCHEMES)] == SCHEME_IRIS
    assert graph.query(PROLOGUE + "ASK { id:scheme-1 srx:minimumAge 18 }").askAnswer is True
    # The default returnFormat asks for XML results and RDF/XML graphs (JSON has no graph format).
    xml_graph = rdflib.Graph(store=SPARQLStore(endpoint))
    assert [str(r.s) for r in xml_graph.query(SCHEMES)] == SCHEME_IRIS
    assert xml_graph.query(PROLOGUE + "ASK { id:scheme-9 ?p ?o }").askAnswer is False
    assert isomorphic(xml_graph.query(LABELS).graph, labels_graph())
    post = rdflib.Graph(store=SPARQLStore(endpoint, method="POST"))
    assert [str(r.s) for r in post.query(SCHEMES)] == SCHEME_IRIS


# -- content negotiation -----------------------------------------------------------------------------

@pytest.mark.parametrize("accept, expected", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv; charset=utf-8"),
    ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("image/png, text/tab-separated-values;q=0.2, */*;q=0.1", "text/tab-separated-values; charset=utf-8"),
    ("*/*", "application/sparql-results+json"),
    ("", "application/sparql-results+json"),
    ("application/json", "application/sparql-results+json"),
])
def test_select_results_by_accept(endpoint, accept, expected):
    r = requests.get(endpoint, params={"query": SCHEMES}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["Content-Type"] == expected
    assert "Accept" in r.headers["Vary"]
    assert all(iri in r.text for iri in SCHEME_IRIS)


@pytest.mark.parametrize("fmt, expected", [("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"),
                                           ("csv", "text/csv; charset=utf-8"), ("tsv", "text/tab-separated-values; charset=utf-8")])
def test_format_parameter_overrides_accept(endpoint, fmt, expected):
    r = requests.get(endpoint, params={"query": SCHEMES, "format": fmt}, headers={"Accept": "application/sparql-results+xml"})
    assert r.status_code == 200 and r.headers["Content-Type"] == expected


@pytest.mark.parametrize("accept, fmt, rdflib_format", [
    ("text/turtle", None, "turtle"), ("application/n-triples", None, "nt"), ("application/ld+json", None, "json-ld"),
    ("application/rdf+xml", None, "xml"), ("application/rdf+xml;q=0.5, text/turtle", None, "turtle"),
    ("", "ttl", "turtle"), ("", "nt", "nt"), ("", "jsonld", "json-ld"), ("", "rdf", "xml"),
])
def test_graph_results_by_accept_and_format(endpoint, accept, fmt, rdflib_format):
    params = {"query": LABELS, **({"format": fmt} if fmt else {})}
    r = requests.get(endpoint, params=params, headers={"Accept": accept})
    assert r.status_code == 200
    assert isomorphic(rdflib.Graph().parse(data=r.content, format=rdflib_format), labels_graph())


def test_ask_results(endpoint):
    assert requests.get(endpoint, params={"query": "ASK { ?s ?p ?o }"}).json() == {"head": {}, "boolean": True}
    xml = requests.get(endpoint, params={"query": "ASK { <http://x/> ?p ?o }"}, headers={"Accept": "application/sparql-results+xml"})
    assert "<boolean>false</boolean>" in xml.text


def test_unsupported_accept_is_406(endpoint):
    r = requests.get(endpoint, params={"query": SCHEMES}, headers={"Accept": "image/png"})
    assert r.status_code == 406 and "application/sparql-results+json" in r.text
    graph = requests.get(endpoint, params={"query": LABELS, "format": "csv"})
    assert graph.status_code == 406 and "CONSTRUCT" in graph.text and "text/turtle" in graph.text


# -- without a query: the editor or the service description -----------------------------------------

def test_browser_gets_the_editor_page_offline(base, endpoint):
    r = requests.get(endpoint, headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    html = r.text
    # Static files carry a fingerprint in their names (web/http.py): yasgui.min.<hash>.js
    assert re.search(r"yasgui\.min\.[0-9a-f]{12}\.js", html) and re.search(r"yasgui\.min\.[0-9a-f]{12}\.css", html)
    assert "PREFIX srx: <https://w3id.org/socialrx/def/>" in json.loads(
        re.search(r'<script type="application/json" id="sparql-config">(.*?)</script>', html, re.S).group(1))["defaultQuery"]
    # Everything the page loads comes from this server.
    for src in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html):
        assert not src.startswith(("http:", "https:", "//")), src
    for asset in ("vendor/yasgui/yasgui.min.js", "vendor/yasgui/yasgui.min.css"):
        assert requests.get(f"{base}/static/{asset}").status_code == 200


def test_editor_offers_the_catalogue_queries_as_examples(tmp_path, endpoint):
    from socialrx import paths
    from socialrx.store import protocol

    (tmp_path / "schemes-by-aim.rq").write_text("#+ title: Schemes by aim\nSELECT * WHERE { ?s ?p ?o }\n")
    (tmp_path / "untitled.rq").write_text("SELECT ?x WHERE { ?x ?y ?z }\n")
    (tmp_path / "broken.rq").write_bytes(b"\xff\xfe not utf-8")
    examples = protocol.load_examples(tmp_path)
    assert [e.title for e in examples] == ["Schemes by aim", "untitled"]
    assert examples[0].query.startswith("PREFIX srx:") and examples[0].query.rstrip().endswith("SELECT * WHERE { ?s ?p ?o }")
    assert protocol.load_examples(tmp_path / "missing") == []
    # The catalogue's queries are a menu of examples that open in the one editor tab (issue 11 item 6).
    html = requests.get(endpoint, headers={"Accept": "text/html"}).text
    menu = re.search(r'id="sparql-examples">(.*?)</details>', html, re.S).group(1)
    shipped = protocol.load_examples(paths.folder("queries"))
    assert [unescape(t) for t in re.findall(r"<li><a [^>]+>(.*?)</a></li>", menu)] == [e.title for e in shipped]


@pytest.mark.parametrize("accept, rdflib_format", [("", "turtle"), ("*/*", "turtle"), ("text/turtle", "turtle"),
                                                    ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")])
def test_service_description(endpoint, accept, rdflib_format):
    r = requests.get(endpoint, headers={"Accept": accept})
    assert r.status_code == 200
    g = rdflib.Graph().parse(data=r.content, format=rdflib_format)
    service = g.value(predicate=rdflib.RDF.type, object=SD.Service)
    assert (service, SD.endpoint, rdflib.URIRef(endpoint)) in g
    assert (service, SD.feature, SD.UnionDefaultGraph) in g
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert {str(n) for n in g.objects(None, SD.name)} == {ALPHA, BETA}


# -- errors ------------------------------------------------------------------------------------------

def test_syntax_error_is_400_with_message_and_position(endpoint):
    r = requests.get(endpoint, params={"query": "SELECT *\nWHERE { ?s ?p }"})
    assert r.status_code == 400 and r.headers["Content-Type"].startswith("text/plain")
    assert "Syntax error at line 2, column 16" in r.text and "expected" in r.text and "grammar" in r.text


@pytest.mark.parametrize("send", [
    lambda e: requests.get(e, params={"update": "INSERT DATA { <http://a/> <http://b/> <http://c/> }"}),
    lambda e: requests.post(e, data={"update": "CLEAR ALL"}),
    lambda e: requests.post(e, data=b"DROP ALL", headers={"Content-Type": "application/sparql-update"}),
    lambda e: requests.get(e, params={"query": "INSERT DATA { <http://a/> <http://b/> <http://c/> }"}),
    lambda e: requests.post(e, data={"query": "DELETE WHERE { ?s ?p ?o }"}),
    lambda e: requests.get(e, params={"query": "LOAD <http://127.0.0.2/x.ttl>"}),
])
def test_updates_are_refused_and_data_unchanged(endpoint, send):
    before = count(endpoint)
    r = send(endpoint)
    assert r.status_code in (400, 403) and "read-only" in r.text
    assert count(endpoint) == before == "29"


def test_two_queries_are_400(endpoint):
    r = requests.get(endpoint + "?query=ASK%7B%7D&query=ASK%7B%7D")
    assert r.status_code == 400 and "exactly one" in r.text
    both = requests.post(endpoint + "?query=ASK%7B%7D", data=b"ASK {}", headers={"Content-Type": "application/sparql-query"})
    assert both.status_code == 400
    form = requests.post(endpoint + "?query=ASK%7B%7D", data={"query": "ASK {}"})
    assert form.status_code == 400


def test_post_without_query_or_with_another_type(endpoint):
    assert requests.post(endpoint, data={"nothing": "here"}).status_code == 400
    assert requests.post(endpoint, data=b"ASK {}", headers={"Content-Type": "text/plain"}).status_code == 415


def test_default_and_named_graph_uris_are_honoured(endpoint):
    alpha = requests.get(endpoint, params={"query": COUNT, "default-graph-uri": ALPHA}).json()
    assert alpha["results"]["bindings"][0]["n"]["value"] == "19"
    both = requests.post(endpoint, data={"query": COUNT, "default-graph-uri": [ALPHA, BETA]}).json()
    assert both["results"]["bindings"][0]["n"]["value"] == "29"
    named = requests.get(endpoint, params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                                           "named-graph-uri": BETA}).json()
    assert uris(named, "g") == [BETA]
    sw = SPARQLWrapper(endpoint)  # SPARQLWrapper sends them as protocol parameters too
    sw.addDefaultGraph(BETA)
    sw.setQuery(COUNT)
    sw.setReturnFormat(JSON)
    assert sw.queryAndConvert()["results"]["bindings"][0]["n"]["value"] == "10"


@pytest.mark.parametrize("params", [{"default-graph-uri": "http://example.org/nowhere"},
                                    {"named-graph-uri": "http://example.org/nowhere"},
                                    {"default-graph-uri": "not an iri"}])
def test_unknown_graph_uris_are_400_not_500(endpoint, params):
    r = requests.get(endpoint, params={"query": COUNT, **params})
    assert r.status_code == 400 and ("graph" in r.text)


def test_oversized_requests_are_413(small):
    huge = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 5000
    assert requests.get(small + "/sparql", params={"query": huge}).status_code == 413
    r = requests.post(small + "/sparql", data=huge.encode(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413 and "max_request_kb" in r.text
    assert requests.post(small + "/sparql", data={"query": huge}).status_code == 413
    assert requests.get(small + "/sparql", params={"query": "ASK {}"}).status_code == 200


def test_cors_on_get_and_preflight(endpoint):
    r = requests.get(endpoint, params={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    pre = requests.options(endpoint, headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST",
                                              "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 204 and pre.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in pre.headers["Access-Control-Allow-Methods"] and "Content-Type" in pre.headers["Access-Control-Allow-Headers"]
    error = requests.get(endpoint, params={"query": "SELECT"})
    assert error.headers["Access-Control-Allow-Origin"] == "*" and "Accept" in error.headers["Vary"]


def test_truncation_is_reported_never_silent(small):
    r = requests.get(small + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.headers["X-SPARQL-Truncated"] == "true" and r.json()["truncated"] is True
    assert len(r.json()["results"]["bindings"]) == 3
    csv_r = requests.get(small + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }", "format": "csv"})
    assert csv_r.headers["X-SPARQL-Truncated"] == "true" and len(csv_r.text.strip().splitlines()) == 4
    page = requests.get(small + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Truncated" in page.text and "3 rows" in page.text
    whole = requests.get(small + "/sparql", params={"query": "SELECT * WHERE { ?s a <https://w3id.org/socialrx/def/Scheme> }"})
    assert "X-SPARQL-Truncated" not in whole.headers and "truncated" not in whole.json()


def test_browser_query_gets_a_results_page(endpoint):
    r = requests.get(endpoint, params={"query": SCHEMES}, headers={"Accept": "text/html"})
    assert r.status_code == 200 and "Community Links" in r.text and "3 rows" in r.text
    bad = requests.get(endpoint, params={"query": "SELECT * WHERE {"}, headers={"Accept": "text/html"})
    assert bad.status_code == 400 and "Syntax error" in bad.text and "yasgui" in bad.text


def test_service_call_is_refused_without_a_connection(endpoint):
    with idle_listener() as listener:
        port = listener.getsockname()[1]
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.2:{port}/sparql> {{ ?s ?p ?o }} }}"
        r = requests.get(endpoint, params={"query": query})
        assert r.status_code == 403 and "service_allow_list" in r.text
        remote_from = requests.get(endpoint, params={"query": f"SELECT * FROM <http://127.0.0.2:{port}/x.ttl> WHERE {{ ?s ?p ?o }}"})
        assert remote_from.status_code == 403
        time.sleep(0.2)
        with pytest.raises(BlockingIOError):
            listener.accept()


def test_ten_thousand_deep_query_is_4xx_and_the_server_goes_on(endpoint):
    deep = "SELECT * WHERE " + "{" * 10_000 + "}" * 10_000
    r = requests.post(endpoint, data={"query": deep})
    assert 400 <= r.status_code < 500 and "levels deep" in r.text
    brackets = "SELECT * WHERE { ?s <http://p> " + "[ <http://p> " * 10_000 + "1" + " ]" * 10_000 + " }"
    r = requests.post(endpoint, data=brackets.encode(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 400 and "line 1, column" in r.text
    assert requests.get(endpoint, params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True


def test_the_kept_service_description_follows_a_reload():
    """The description is written once per graph version; after a reload it names the new graph."""
    import pyoxigraph as ox

    app = make_app()
    try:
        client = app.test_client()
        first = client.get("/sparql", headers={"Accept": "text/turtle"}).data
        assert client.get("/sparql", headers={"Accept": "text/turtle"}).data == first
        gamma = "https://example.org/graph/gamma"
        kb = app.extensions["socialrx.kb"]
        kb.store.add(ox.Quad(ox.NamedNode(ID + "org-9"), ox.NamedNode(str(rdflib.RDFS.label)), ox.Literal("Gamma"), ox.NamedNode(gamma)))
        app.extensions["socialrx.store"].reload(kb)
        g = rdflib.Graph().parse(data=client.get("/sparql", headers={"Accept": "text/turtle"}).data, format="turtle")
        assert {str(n) for n in g.objects(None, SD.name)} == {ALPHA, BETA, gamma}
    finally:
        app.extensions["socialrx.store"].close()
