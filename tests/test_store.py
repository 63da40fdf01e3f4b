"""The store function (embedded pyoxigraph in worker processes) on a small fixture with exact answers."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import time

import pytest
import rdflib
from rdflib.compare import isomorphic
from store_support import ALPHA, BETA, ID, PROLOGUE, small_kb
from support import idle_listener

from socialrx.settings import Settings
from socialrx.store import QueryError, QueryRefused, Result, open_store
from socialrx.store import guard

XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


@pytest.fixture(scope="module")
def store():
    opened = open_store(small_kb(), Settings({"query_workers": 2}))
    yield opened
    opened.close()


def values(result: Result, var: str) -> list[str]:
    return [row[var]["value"] for row in result.rows if var in row]


def test_select_returns_sparql_json_bindings(store):
    result = store.query(PROLOGUE + "SELECT ?s ?label WHERE { ?s a srx:Scheme ; rdfs:label ?label } ORDER BY ?s")
    assert result.kind == "select" and result.variables == ["s", "label"] and not result.truncated
    assert result.rows == [
        {"s": {"type": "uri", "value": ID + "scheme-1"}, "label": {"type": "literal", "value": "Community Links"}},
        {"s": {"type": "uri", "value": ID + "scheme-2"},
         "label": {"type": "literal", "value": 'Wellbeing "Plus"\nservice', "xml:lang": "en"}},
        {"s": {"type": "uri", "value": ID + "scheme-3"}, "label": {"type": "literal", "value": "Ffrindiau", "xml:lang": "cy"}},
    ]
    assert result.elapsed_ms > 0


def test_default_graph_is_the_union_of_the_source_graphs(store):
    # scheme-1's provider is in graph alpha, the provider's label in graph beta: one pattern joins both.
    result = store.query(PROLOGUE + "SELECT ?name WHERE { id:scheme-1 srx:providedBy/rdfs:label ?name }")
    assert values(result, "name") == ["Alpha Trust"]
    graphs = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
    assert values(graphs, "g") == [ALPHA, BETA]
    assert store.graph_names() == [ALPHA, BETA]
    assert store.triple_count() == 29


def test_ask_and_typed_and_blank_node_terms(store):
    assert store.query(PROLOGUE + "ASK { id:scheme-1 srx:minimumAge 18 }").boolean is True
    assert store.query(PROLOGUE + "ASK { id:scheme-1 srx:minimumAge 19 }").boolean is False
    row = store.query(PROLOGUE + "SELECT ?min ?e WHERE { id:scheme-3 srx:eligibility ?e . id:scheme-1 srx:minimumAge ?min }").rows[0]
    assert row["min"] == {"type": "literal", "value": "18", "datatype": XSD_INTEGER}
    assert row["e"]["type"] == "bnode"


def test_construct_gives_triples_and_an_rdflib_graph(store):
    result = store.query(PROLOGUE + "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a org:Organization ; rdfs:label ?l }")
    assert result.kind == "graph" and len(result.triples) == 3
    assert ({"type": "uri", "value": ID + "org-2"}, {"type": "uri", "value": str(rdflib.RDFS.label)},
            {"type": "literal", "value": "Beta CIC"}) in result.triples
    expected = rdflib.Graph()
    for org, name in (("org-1", "Alpha Trust"), ("org-2", "Beta CIC"), ("icb-1", "Example ICB")):
        expected.add((rdflib.URIRef(ID + org), rdflib.RDFS.label, rdflib.Literal(name)))
    assert isomorphic(result.to_rdflib(), expected)
    for mime, fmt in (("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
                      ("application/rdf+xml", "xml")):
        assert isomorphic(rdflib.Graph().parse(data=result.serialize(mime), format=fmt), expected), mime


def test_select_serialises_to_every_results_format(store):
    result = store.query(PROLOGUE + "SELECT ?s ?label WHERE { ?s a srx:Scheme ; rdfs:label ?label } ORDER BY ?s")
    doc = json.loads(result.serialize("application/sparql-results+json"))
    assert doc["head"]["vars"] == ["s", "label"] and doc["results"]["bindings"] == result.rows
    xml = rdflib.query.Result.parse(io.BytesIO(result.serialize("application/sparql-results+xml")), format="xml")
    assert [str(r.label) for r in xml] == ["Community Links", 'Wellbeing "Plus"\nservice', "Ffrindiau"]
    rows = list(csv.reader(io.StringIO(result.serialize("text/csv").decode())))
    assert rows[0] == ["s", "label"] and rows[2] == [ID + "scheme-2", 'Wellbeing "Plus"\nservice']
    tsv = result.serialize("text/tab-separated-values").decode().splitlines()
    assert tsv[0] == "?s\t?label" and tsv[2] == f'<{ID}scheme-2>\t"Wellbeing \\"Plus\\"\\nservice"@en'
    with pytest.raises(ValueError):
        result.serialize("text/turtle")


def test_ask_serialises_to_results_formats(store):
    result = store.query("ASK { ?s ?p ?o }")
    assert json.loads(result.serialize("application/sparql-results+json")) == {"head": {}, "boolean": True}
    assert b"<boolean>true</boolean>" in result.serialize("application/sparql-results+xml")


def test_row_cap_cuts_and_says_so(store):
    text = PROLOGUE + "SELECT ?s WHERE { ?s a srx:Scheme } ORDER BY ?s"
    cut = store.query(text, max_rows=2)
    assert values(cut, "s") == [ID + "scheme-1", ID + "scheme-2"] and cut.truncated
    assert json.loads(cut.serialize("application/sparql-results+json"))["truncated"] is True
    exact = store.query(text, max_rows=3)
    assert len(exact.rows) == 3 and not exact.truncated
    assert "truncated" not in json.loads(exact.serialize("application/sparql-results+json"))
    graph = store.query("CONSTRUCT WHERE { ?s ?p ?o }", max_rows=5)
    assert len(graph.triples) == 5 and graph.truncated


def test_default_row_cap_comes_from_settings():
    with open_store(small_kb(), Settings({"max_returned_rows": 4, "query_workers": 1})) as capped:
        result = capped.query("SELECT * WHERE { ?s ?p ?o }")
        assert len(result.rows) == 4 and result.truncated


@pytest.mark.parametrize("hostile", [
    'x" } ?s ?p ?o { "',
    "x' . ?s ?p ?o . FILTER('",
    '"""} } INSERT DATA { <a> <b> <c> } #',
    "} UNION { ?s ?p ?o }",
    "\\\" ) } # \n SELECT * {",
])
def test_bindings_stay_data(store, hostile):
    # Projected variable: pyoxigraph substitution.
    echoed = store.query("SELECT ?v WHERE { }", bindings={"v": rdflib.Literal(hostile)})
    assert echoed.rows == [{"v": {"type": "literal", "value": hostile}}]
    # Not projected: joined in through an escaped VALUES block.
    matched = store.query(PROLOGUE + "SELECT ?s WHERE { ?s rdfs:label ?label }", bindings={"label": rdflib.Literal(hostile)})
    assert matched.rows == []
    tagged = store.query(PROLOGUE + "SELECT ?s WHERE { ?s rdfs:label ?label }",
                         bindings={"label": rdflib.Literal('Wellbeing "Plus"\nservice', lang="en")})
    assert values(tagged, "s") == [ID + "scheme-2"]


def test_bindings_for_iris_and_in_construct(store):
    result = store.query(PROLOGUE + "SELECT ?name WHERE { ?scheme srx:providedBy/rdfs:label ?name }",
                         bindings={"scheme": rdflib.URIRef(ID + "scheme-2")})
    assert values(result, "name") == ["Beta CIC"]
    page = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", bindings={"s": rdflib.URIRef(ID + "org-1")})
    assert len(page.triples) == 3
    with pytest.raises(QueryError) as bad:
        store.query("SELECT ?x WHERE { ?s ?p ?x }", bindings={"s": rdflib.URIRef("http://x/> } ?s ?p ?o {")})
    assert bad.value.status == 400 and "not a valid IRI" in bad.value.message


@pytest.mark.parametrize("update", [
    "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }",
    "PREFIX ex: <http://example.org/>\nDELETE WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.2/data.ttl>",
    "CLEAR ALL",
    "DROP GRAPH <https://w3id.org/socialrx/graph/source/alpha>",
    "WITH <https://w3id.org/socialrx/graph/source/alpha> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
])
def test_updates_are_refused_and_the_data_is_unchanged(store, update):
    with pytest.raises(QueryRefused) as refused:
        store.query(update)
    assert refused.value.status == 403 and "read-only" in refused.value.message
    assert refused.value.position is not None
    assert store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0]["n"]["value"] == "29"


def test_service_is_refused_before_any_connection():
    with idle_listener() as listener:
        port = listener.getsockname()[1]
        with open_store(small_kb(), Settings({"query_workers": 1})) as s:
            for text in (f"SELECT * WHERE {{ SERVICE <http://127.0.0.2:{port}/sparql> {{ ?s ?p ?o }} }}",
                         f"PREFIX remote: <http://127.0.0.2:{port}/>\nSELECT * WHERE {{ SERVICE SILENT remote:sparql {{ ?s ?p ?o }} }}",
                         "SELECT * WHERE { BIND(<http://127.0.0.2/> AS ?e) SERVICE ?e { ?s ?p ?o } }",
                         f"SELECT * WHERE {{ \\u0053ERVICE <http://127.0.0.2:{port}/sparql> {{ ?s ?p ?o }} }}"):
                with pytest.raises(QueryRefused) as refused:
                    s.query(text)
                assert refused.value.status == 403 and "SERVICE" in refused.value.message
        time.sleep(0.2)
        with pytest.raises(BlockingIOError):
            listener.accept()  # nothing ever connected


def test_guard_reads_tokens_not_text():
    inspect = lambda q, **kw: guard.inspect(q, max_depth=200, **kw)  # noqa: E731
    # Keywords inside strings, comments and IRIs are data.
    assert inspect('SELECT * WHERE { ?s ?p "SERVICE <http://x/> { INSERT" } # LOAD <http://x/>').form == "select"
    assert inspect("SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }").services == []
    # An allow-listed endpoint passes.
    assert inspect("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
                   allow_list=["http://127.0.0.1:9/sparql"]).services == ["http://127.0.0.1:9/sparql"]
    # Nesting inside strings and comments is not counted; outside it is.
    assert inspect('SELECT * WHERE { BIND("' + "(" * 1000 + '" AS ?x) } #' + "{" * 1000).depth == 2
    with pytest.raises(QueryError):
        inspect("SELECT * WHERE { FILTER(?a <" + "(" * 300 + "1>) }")  # "<" may be less-than: counted
    info = inspect("PREFIX x: <http://x/>\nCONSTRUCT { ?s ?p ?o } FROM <g> WHERE { ?s ?p ?o }", known_graphs={"g"})
    assert info.form == "construct" and info.from_graphs == ["g"] and info.kind == "graph"


def test_from_clauses_name_graphs_of_this_knowledge_base(store):
    only_beta = store.query(f"SELECT (COUNT(*) AS ?n) FROM <{BETA}> WHERE {{ ?s ?p ?o }}")
    assert only_beta.rows[0]["n"]["value"] == "10"
    named = store.query(f"SELECT DISTINCT ?g FROM NAMED <{ALPHA}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}")
    assert values(named, "g") == [ALPHA]
    with pytest.raises(QueryRefused) as refused:
        store.query("SELECT * FROM <http://127.0.0.2/remote.ttl> WHERE { ?s ?p ?o }")
    assert refused.value.status == 403 and "does not fetch" in refused.value.message


def test_protocol_dataset_replaces_the_union(store):
    alpha = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph_uris=[ALPHA])
    assert alpha.rows[0]["n"]["value"] == "19"
    named = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", named_graph_uris=[BETA])
    assert values(named, "g") == [BETA]
    with pytest.raises(QueryError) as unknown:
        store.query("SELECT * WHERE { ?s ?p ?o }", default_graph_uris=["http://example.org/nowhere"])
    assert unknown.value.status == 400 and "default-graph-uri" in unknown.value.message


def test_deep_nesting_is_refused_before_the_engine(store):
    deep = "SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }"
    with pytest.raises(QueryError) as refused:
        store.query(deep)
    assert refused.value.status == 400 and refused.value.position == (1, 223)  # the 201st level: "{", "FILTER(" and 199 more "("
    assert "200 levels" in refused.value.message
    assert store.query("ASK { }").boolean is True
    fine = "SELECT * WHERE { FILTER(" + "(" * 150 + "1" + ")" * 150 + ") }"
    assert len(store.query(fine).rows) == 1


def test_syntax_errors_carry_the_parser_message_and_position(store):
    with pytest.raises(QueryError) as bad:
        store.query("SELECT *\nWHERE { ?s ?p }")
    assert bad.value.status == 400 and bad.value.position == (2, 16)
    assert "line 2, column 16" in bad.value.message and "expected" in bad.value.message
    with pytest.raises(QueryError) as empty:
        store.query("  ")
    assert empty.value.status == 400


def test_a_killed_worker_is_replaced(store):
    before = store.pool.worker_pids()
    os.kill(before[0], signal.SIGKILL)
    time.sleep(0.05)
    assert store.query("ASK { ?s ?p ?o }").boolean is True
    assert store.query("ASK { ?s ?p ?o }").boolean is True
    assert len(store.pool.worker_pids()) == 2 and before[0] not in store.pool.worker_pids()


def test_on_disk_store_answers_the_same(tmp_path):
    kb = small_kb(store_path=tmp_path / "db")
    with open_store(kb, Settings({"store_path": str(tmp_path / "db"), "query_workers": 1})) as disk:
        result = disk.query(PROLOGUE + "SELECT ?s WHERE { ?s a srx:Scheme } ORDER BY ?s")
        assert values(result, "s") == [ID + "scheme-1", ID + "scheme-2", ID + "scheme-3"]
        assert disk.triple_count() == 29


def test_reload_sees_changes_to_the_knowledge_base():
    import pyoxigraph as ox

    kb = small_kb()
    with open_store(kb, Settings({"query_workers": 1})) as s:
        kb.store.add(ox.Quad(ox.NamedNode(ID + "scheme-9"), ox.NamedNode(str(rdflib.RDF.type)),
                             ox.NamedNode("https://w3id.org/socialrx/def/Scheme"), ox.NamedNode(ALPHA)))
        text = PROLOGUE + "SELECT (COUNT(*) AS ?n) WHERE { ?s a srx:Scheme }"
        assert s.query(text).rows[0]["n"]["value"] == "3"  # workers answer from their snapshot
        s.reload(kb)
        assert s.query(text).rows[0]["n"]["value"] == "4" and s.triple_count() == 30


def test_close_stops_every_process():
    s = open_store(small_kb(), Settings({"query_workers": 2}))
    pids = s.pool.worker_pids() + [s.pool.zygote_pid]
    s.close()
    deadline = time.monotonic() + 5
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(p) for p in pids)
    with pytest.raises(QueryError) as closed:
        s.query("ASK {}")
    assert closed.value.status == 503


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_a_query_with_no_time_left_is_not_started(store):
    """With its whole limit spent before a worker is free (here a limit of 0), the query is refused before it reaches
    a worker: no race between the answer and the deadline, and no worker killed for it."""
    from socialrx.store.base import QueryTimeout

    before = store.pool.worker_pids()
    with pytest.raises(QueryTimeout, match="did not start"):
        store.query("ASK { ?s ?p ?o }", timeout_ms=0)
    assert store.pool.worker_pids() == before
    assert store.query("ASK { ?s ?p ?o }").boolean is True
