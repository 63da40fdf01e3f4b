"""The remote backend against two real engines on 127.0.0.1, `oxigraph serve` and OpenLink Virtuoso: loaded
through the Graph Store Protocol, queried with SPARQLWrapper, and answering exactly as the embedded store does."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib
import requests
from rdflib.compare import isomorphic
from SPARQLWrapper import JSON, SPARQLWrapper
from store_support import ALPHA, BETA, ID, PROLOGUE, small_kb

from socialrx.settings import Settings
from socialrx.store import QueryError, QueryRefused, QueryTimeout, open_store
from socialrx.store.remote import RemoteStore, gsp_url
from socialrx.web import create_app

SAME_ANSWERS = [
    PROLOGUE + "SELECT ?s ?label WHERE { ?s a srx:Scheme ; rdfs:label ?label } ORDER BY ?s",
    PROLOGUE + "SELECT ?name WHERE { id:scheme-1 srx:providedBy/rdfs:label ?name }",
    PROLOGUE + "SELECT ?s (COUNT(?aim) AS ?aims) WHERE { ?s srx:hasAim ?aim } GROUP BY ?s ORDER BY ?s",
    PROLOGUE + "SELECT ?s WHERE { ?s srx:minimumAge ?min FILTER(?min <= 40) OPTIONAL { ?s srx:maximumAge ?max } }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    f"SELECT (COUNT(*) AS ?n) FROM <{BETA}> WHERE {{ ?s ?p ?o }}",
    f"SELECT DISTINCT ?g FROM NAMED <{ALPHA}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    PROLOGUE + "SELECT ?min WHERE { id:scheme-2 srx:minimumAge ?min }",
]


@pytest.fixture(scope="module")
def embedded():
    store = open_store(small_kb(), Settings({"query_workers": 1}))
    yield store
    store.close()


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def engine(request):
    """(name, query URL, Graph Store Protocol URL) of a real engine; every test here runs on each."""
    if request.param == "oxigraph":
        url = request.getfixturevalue("oxigraph_server")
        return "oxigraph", url + "/query", url + "/store"
    return ("virtuoso", *request.getfixturevalue("virtuoso_server"))


def engine_settings(engine, **more) -> Settings:
    return Settings({"endpoint": engine[1], "endpoint_gsp": engine[2], **more})


@pytest.fixture(scope="module")
def remote(engine):
    store = open_store(small_kb(), engine_settings(engine, max_returned_rows=1000))
    yield store
    store.close()


def count(store, text="SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") -> int:
    return int(store.query(text).rows[0]["n"]["value"])


def test_open_store_loads_every_graph_through_the_graph_store_protocol(remote, engine):
    assert isinstance(remote, RemoteStore)
    assert remote.graph_names() == [ALPHA, BETA] and remote.triple_count() == 29
    # The data really is on the server, one named graph per source (GSP GET).
    r = requests.get(engine[2], params={"graph": BETA}, headers={"Accept": "application/n-triples"})
    assert r.status_code == 200 and len(ox.Dataset(ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES))) == 10


@pytest.mark.parametrize("text", SAME_ANSWERS)
def test_same_rows_as_embedded(remote, embedded, text):
    assert remote.query(text).rows == embedded.query(text).rows


def test_same_ask_and_graph_answers_as_embedded(remote, embedded):
    for text in (PROLOGUE + "ASK { id:scheme-1 srx:minimumAge 18 }", "ASK { <http://example.org/none> ?p ?o }"):
        assert remote.query(text).boolean == embedded.query(text).boolean
    construct = PROLOGUE + "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a org:Organization ; rdfs:label ?l }"
    assert isomorphic(remote.query(construct).to_rdflib(), embedded.query(construct).to_rdflib())
    describe = "DESCRIBE <https://w3id.org/socialrx/id/org-1>"
    assert isomorphic(remote.query(describe).to_rdflib(), embedded.query(describe).to_rdflib())
    result = remote.query(construct)
    assert rdflib.Graph().parse(data=result.serialize("text/turtle"), format="turtle").__len__() == 3


def test_protocol_dataset_is_passed_on(remote):
    alpha = remote.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph_uris=[ALPHA])
    assert alpha.rows[0]["n"]["value"] == "19"
    with pytest.raises(QueryError) as unknown:
        remote.query("SELECT * WHERE { ?s ?p ?o }", named_graph_uris=["http://example.org/nowhere"])
    assert unknown.value.status == 400


@pytest.mark.parametrize("hostile", ['x" } ?s ?p ?o { "', "x' } INSERT DATA { <a> <b> <c> } #", "} UNION { ?s ?p ?o }",
                                     '"""\\" ) } # \n SELECT * {', "tab\there\r\nand \\u0022 too"])
def test_bindings_become_an_escaped_values_block(remote, hostile):
    echoed = remote.query("SELECT ?v WHERE { }", bindings={"v": rdflib.Literal(hostile)})
    assert echoed.rows == [{"v": {"type": "literal", "value": hostile}}]
    none = remote.query(PROLOGUE + "SELECT ?s WHERE { ?s rdfs:label ?label }", bindings={"label": rdflib.Literal(hostile)})
    assert none.rows == []
    assert count(remote) == 29


def test_bindings_for_iris_match_embedded(remote, embedded):
    text = PROLOGUE + "SELECT ?name WHERE { ?scheme srx:providedBy/rdfs:label ?name }"
    bindings = {"scheme": rdflib.URIRef(ID + "scheme-2")}
    assert remote.query(text, bindings=bindings).rows == embedded.query(text, bindings=bindings).rows == [
        {"name": {"type": "literal", "value": "Beta CIC"}}]
    page = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    assert len(remote.query(page, bindings={"s": rdflib.URIRef(ID + "org-1")}).triples) == 3
    typed = remote.query(PROLOGUE + "SELECT ?s WHERE { ?s srx:minimumAge ?min }", bindings={"min": rdflib.Literal(60)})
    assert typed.rows == [{"s": {"type": "uri", "value": ID + "scheme-2"}}]


def test_the_guard_applies_before_anything_is_sent(remote):
    for text in ("INSERT DATA { <http://a/> <http://b/> <http://c/> }", "DROP ALL",
                 "SELECT * WHERE { SERVICE <http://127.0.0.2:9/sparql> { ?s ?p ?o } }",
                 "SELECT * FROM <http://127.0.0.2:9/x.ttl> WHERE { ?s ?p ?o }"):
        with pytest.raises(QueryRefused):
            remote.query(text)
    with pytest.raises(QueryError) as deep:
        remote.query("SELECT * WHERE " + "{" * 5000 + "}" * 5000)
    assert deep.value.status == 400
    assert count(remote) == 29


def test_errors_from_the_remote_engine(remote, engine):
    with pytest.raises(QueryError) as bad:
        remote.query("SELECT *\nWHERE { ?s ?p }")
    assert bad.value.status == 400 and "WHERE { ?s ?p }" in bad.value.message
    if engine[0] == "oxigraph":
        assert bad.value.position == (2, 16) and "expected" in bad.value.message
    else:  # Virtuoso names the line and the token it stopped at, not the column
        assert bad.value.position[0] == 2 and "syntax error at '}'" in bad.value.message
    with pytest.raises(QueryTimeout) as slow:
        remote.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }", timeout_ms=5)
    assert slow.value.status == 503


def test_row_cap_applies_to_the_remote(remote):
    cut = remote.query("SELECT * WHERE { ?s ?p ?o }", max_rows=4)
    assert len(cut.rows) == 4 and cut.truncated
    graph = remote.query("CONSTRUCT WHERE { ?s ?p ?o }", max_rows=4)
    assert len(graph.triples) == 4 and graph.truncated


def test_reload_puts_changes_and_drops_removed_graphs(engine):
    kb = small_kb()
    store = open_store(kb, engine_settings(engine))
    try:
        extra = "https://w3id.org/socialrx/graph/source/gamma"
        kb.store.add(ox.Quad(ox.NamedNode(ID + "x"), ox.NamedNode(str(rdflib.RDFS.label)), ox.Literal("X"), ox.NamedNode(extra)))
        store.reload(kb)
        assert extra in store.graph_names() and count(store) == 30
        kb.store.remove_graph(ox.NamedNode(extra))
        store.reload(kb)
        assert extra not in store.graph_names() and count(store) == 29
    finally:
        store.close()


def test_gsp_url_is_derived_for_oxigraph_or_required():
    assert gsp_url(Settings({"endpoint": "http://127.0.0.1:7878/query"})) == "http://127.0.0.1:7878/store"
    with pytest.raises(QueryError) as unknown:
        gsp_url(Settings({"endpoint": "http://127.0.0.1:3030/ds/sparql"}))
    assert "endpoint_gsp" in unknown.value.message


def test_endpoint_over_http_with_the_remote_backend(engine, serve, embedded):
    application = create_app(engine_settings(engine), kb=small_kb())
    try:
        endpoint = serve(application) + "/sparql"
        sw = SPARQLWrapper(endpoint)
        sw.setQuery(SAME_ANSWERS[0])
        sw.setReturnFormat(JSON)
        assert sw.queryAndConvert()["results"]["bindings"] == embedded.query(SAME_ANSWERS[0]).rows
        csv_text = requests.get(endpoint, params={"query": SAME_ANSWERS[0], "format": "csv"}).text
        assert csv_text.splitlines()[0] == "s,label" and ID + "scheme-3" in csv_text
        assert requests.get(endpoint, params={"query": "CLEAR ALL"}).status_code == 403
        assert requests.get(endpoint, params={"query": "SELECT * WHERE { ?s ?p }"}).status_code == 400
    finally:
        application.extensions["socialrx.store"].close()
