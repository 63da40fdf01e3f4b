"""The query catalogue: every query file is well formed, parameters are checked, values stay data."""

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from socialrx import catalogue as cat
from socialrx.pages import results
from socialrx.catalogue_graph import catalogue_quads, queries_graph, query_iri

QUERIES = Path(__file__).resolve().parents[1] / "queries"
ID = "https://w3id.org/socialrx/id/"
SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

INJECTIONS = [
    '"',
    "'",
    "}",
    "{",
    "} ; DROP ALL ; {",
    '"> . ?s ?p ?o',
    '" } UNION { ?s ?p ?o } #',
    "E06000023\" . } SELECT * WHERE { ?s ?p ?o",
    "E06000023\n# } ?s ?p ?o {",
    "\\u0022) } #",
]


@pytest.fixture(scope="module")
def catalogue():
    return cat.Catalogue.load(QUERIES)


def rows(result):
    return sorted(tuple(sorted((k, v["value"]) for k, v in row.items())) for row in result.rows)


def values(result, column):
    return [row[column]["value"] for row in result.rows if column in row]


# --- Query files -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.stem)
def test_every_query_file_has_a_title_a_description_and_parses(path):
    query = cat.parse_query_file(path)
    assert query.title.strip() and query.description.strip()
    assert query.view in cat.VIEWS
    ox.Store().query(path.read_text(encoding="utf-8"))  # raises SyntaxError if it is not SPARQL 1.1


def test_the_catalogue_answers_every_question_of_the_issue(catalogue):
    names = {q.name for q in catalogue}
    assert {
        "schemes-by-aim", "schemes-by-approach", "schemes-by-role", "schemes-by-client-group", "schemes-for-age",
        "schemes-referrals-outside-general-practice", "schemes-by-funder", "schemes-by-provider", "schemes-in-area",
        "schemes-in-area-by-code", "outcomes", "statements-by-source", "count-schemes-by-aim",
        "count-schemes-by-approach", "count-schemes-by-client-group", "concepts-without-schemes",
        "schemes-lacking-data",
    } <= names


HEADER = "#+ title: T\n#+ description: D\n"
BODY = "SELECT ?s ?aim WHERE { ?s <https://w3id.org/socialrx/def/hasAim> ?aim }\n"


@pytest.mark.parametrize("text, problem", [
    ("#+ description: D\n" + BODY, "no title"),
    ("#+ title: T\n" + BODY, "no description"),
    (HEADER + "#+ colour: blue\n" + BODY, "key among"),
    (HEADER + "#+ view: pie\n" + BODY, "view 'pie'"),
    (HEADER + "#+ param: aim | colour | | | optional | Aim\n" + BODY, "type 'colour'"),
    (HEADER + "#+ param: age | integer | | | optional | Age\n" + BODY, "not used as ?age"),
    (HEADER + "#+ param: aim | iri | | scheme=nope:aims | optional | Aim\n" + BODY, "known prefix"),
    (HEADER + "#+ param: aim | iri | | | maybe | Aim\n" + BODY, "'required' or 'optional'"),
    (HEADER + "#+ param: aim | iri\n" + BODY, "needs 6 fields"),
    (HEADER + "# no query here\n", "no SELECT"),
])
def test_a_malformed_header_is_reported_with_what_is_wrong(text, problem):
    with pytest.raises(cat.CatalogueError, match=re.escape(problem)):
        cat.parse_query("example", text)


def test_a_bad_file_name_is_refused():
    with pytest.raises(cat.CatalogueError, match="lower-case words"):
        cat.parse_query("Schemes_By_Aim", HEADER + BODY)


def test_header_values_continue_on_indented_lines_and_prefixed_names_expand():
    query = cat.parse_query("example", "#+ title: T\n#+ description: one\n#+   two\n"
                            "#+ param: aim | iri | | scheme=id:vocab/aims | optional | Aim\n"
                            "#+ tags: a, b\n" + BODY)
    assert query.description == "one two"
    assert query.param("aim").allowed == cat.Allowed("scheme", (ID + "vocab/aims",))
    assert query.tags == ("a", "b")


def test_a_malformed_file_stops_the_catalogue_loading(tmp_path):
    (tmp_path / "broken.rq").write_text("#+ title: T\n" + BODY)
    with pytest.raises(cat.CatalogueError, match="broken.rq: the header has no description"):
        cat.Catalogue.load(tmp_path)


# --- Finding the WHERE clause --------------------------------------------------------------------------


@pytest.mark.parametrize("text, before", [
    ("SELECT ?s WHERE { ?s ?p ?o }", "SELECT ?s WHERE "),
    ("PREFIX a: <http://x/#a> SELECT ?s { { SELECT ?s WHERE { ?s ?p ?o } } }", "PREFIX a: <http://x/#a> SELECT ?s "),
    ("# a { comment\nSELECT (\"{\" AS ?b) WHERE { ?s ?p ?o }", "# a { comment\nSELECT (\"{\" AS ?b) WHERE "),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT { ?s ?p ?o } WHERE "),
    ("ASK { ?s ?p ?o }", "ASK "),
])
def test_where_brace_skips_comments_strings_iris_and_templates(text, before):
    assert cat.where_brace(text) == len(before)


# --- Parameters -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, raw, expected", [
    ("schemes-for-age", {}, {"age": Literal(80, datatype=XSD.integer)}),
    ("schemes-for-age", {"age": " 17 "}, {"age": Literal(17, datatype=XSD.integer)}),
    ("schemes-by-aim", {}, {"aim": None}),
    ("schemes-by-aim", {"aim": ""}, {"aim": None}),
    ("schemes-by-aim", {"aim": ID + "vocab/aims/individual-wellbeing"}, {"aim": URIRef(ID + "vocab/aims/individual-wellbeing")}),
    ("schemes-by-aim", {"aim": f"<{ID}vocab/aims/individual-wellbeing>"}, {"aim": URIRef(ID + "vocab/aims/individual-wellbeing")}),
    ("schemes-by-aim", {"aim": "individual-wellbeing"}, {"aim": URIRef(ID + "vocab/aims/individual-wellbeing")}),
    ("schemes-by-funder", {"funder": "macmillan"}, {"funder": URIRef(ID + "org/macmillan")}),
    ("schemes-lacking-data", {"lacking": "Client Group"}, {"lacking": Literal("client group")}),
    ("schemes-referrals-outside-general-practice", {}, {"basis": Literal("stated")}),
    ("schemes-referrals-outside-general-practice", {"basis": ""}, {"basis": None}),
    ("statements-by-source", {"source": "", "subject": "urn:x:y"}, {"source": None, "subject": URIRef("urn:x:y")}),
])
def test_values_become_rdf_terms(catalogue, store, name, raw, expected):
    assert catalogue.bind(catalogue.get(name), raw, store) == expected


@pytest.mark.parametrize("name, raw, param, expects", [
    ("schemes-for-age", {"age": "abc"}, "age", "a whole number from 0 to 130"),
    ("schemes-for-age", {"age": "8.5"}, "age", "a whole number"),
    ("schemes-for-age", {"age": "131"}, "age", "from 0 to 130"),
    ("schemes-for-age", {"age": "-1"}, "age", "from 0 to 130"),
    ("schemes-for-age", {"age": ""}, "age", "a whole number"),
    ("schemes-by-aim", {"aim": "nonsense"}, "aim", "a concept from the vocabulary <https://w3id.org/socialrx/id/vocab/aims>"),
    ("schemes-by-aim", {"aim": ID + "vocab/approaches/volunteer-navigators"}, "aim", "vocab/aims"),
    ("schemes-by-aim", {"colour": "blue"}, "colour", "one of this query's parameters (aim)"),
    ("schemes-by-funder", {"funder": ID + "org/bromley-by-bow"}, "funder", "a value of the property <https://w3id.org/socialrx/def/fundedBy>"),
    ("schemes-in-area", {"place": ID + "scheme/spear"}, "place", "an instance of"),
    ("schemes-lacking-data", {"lacking": "anything"}, "lacking", "one of 'source', 'area', 'client group'"),
    ("statements-by-source", {"subject": "not an iri"}, "subject", "an IRI"),
    ("statements-by-source", {"subject": 'http://x/"> . ?s ?p ?o'}, "subject", "an IRI"),
    ("schemes-in-area-by-code", {"code": "x" * 2001}, "code", "a text value"),
])
def test_a_wrong_value_names_the_parameter_and_what_it_expects(catalogue, store, name, raw, param, expects):
    with pytest.raises(cat.ParameterError) as caught:
        catalogue.bind(catalogue.get(name), raw, store)
    assert caught.value.param == param
    assert expects in caught.value.expects
    assert f"'{param}'" in str(caught.value)


def test_a_date_parameter_takes_iso_dates_only():
    param = cat.Param("when", "date", None, None, True, "When")
    assert cat.coerce(param, "2022-07-01") == Literal("2022-07-01", datatype=XSD.date)
    for wrong in ("1 July 2022", "2022-13-01", "2022-7-1"):
        with pytest.raises(cat.ParameterError, match="a date written YYYY-MM-DD"):
            cat.coerce(param, wrong)


def test_allowed_values_come_from_the_store_with_labels(catalogue, store):
    query = catalogue.get("schemes-by-aim")
    choices = catalogue.choices(query, query.param("aim"), store)
    assert cat.Choice(ID + "vocab/aims/reduce-hospital-admissions", "Reduce hospital admissions and readmissions") in choices
    assert len(choices) == 5
    assert [c.label for c in choices] == sorted((c.label for c in choices), key=str.casefold)


def test_unknown_query_names_are_reported_with_the_known_ones(catalogue):
    with pytest.raises(cat.UnknownQuery, match="no query named 'nope'; known queries: .*schemes-by-aim"):
        catalogue.get("nope")


# --- Values are data -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", INJECTIONS + ["<https://w3id.org/socialrx/id/area/bristol>"])
def test_sparql_in_a_literal_value_is_data_and_matches_nothing(catalogue, store, value):
    run = catalogue.run(store, "schemes-in-area-by-code", {"code": value})
    assert run.result.rows == []
    assert run.bindings["code"] == Literal(value.strip())


@pytest.mark.parametrize("value", INJECTIONS)
def test_sparql_in_an_iri_value_is_refused(catalogue, store, value):
    with pytest.raises(cat.ParameterError, match="'place'"):
        catalogue.run(store, "schemes-in-area", {"place": value})


@pytest.mark.parametrize("value", INJECTIONS)
def test_the_editor_text_keeps_a_value_as_one_term(catalogue, store, value):
    run = catalogue.run(store, "schemes-in-area-by-code", {"code": value})
    assert store.query(run.editor_text()).rows == []


def test_the_store_is_unchanged_after_injection_attempts(catalogue, store):
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    before = values(store.query(count), "n")
    for value in INJECTIONS:
        catalogue.run(store, "schemes-in-area-by-code", {"code": value})
    assert values(store.query(count), "n") == before
    assert len(catalogue.run(store, "schemes-for-age", {"age": "80"}).result.rows) == 3


# --- Both ways of binding agree ---------------------------------------------------------------------------------


def sample_bindings(catalogue, store, query):
    """Yield raw parameter sets: the defaults, and each listed value of each parameter in turn."""
    yield {}
    for param in query.params:
        for choice in catalogue.choices(query, param, store)[:3]:
            yield {param.name: choice.value}


@pytest.mark.parametrize("name", [p.stem for p in sorted(QUERIES.glob("*.rq"))])
def test_bound_values_and_the_editor_text_give_the_same_answers(catalogue, store, name):
    query = catalogue.get(name)
    for raw in sample_bindings(catalogue, store, query):
        run = catalogue.run(store, name, raw)
        assert rows(store.query(run.editor_text())) == rows(run.result), raw


# --- The catalogue as linked data -----------------------------------------------------------------------------------


def test_each_query_is_an_sh_sparql_executable(catalogue):
    quads = catalogue_quads(catalogue.queries)
    graph = ox.Store()
    graph.extend(quads)
    assert {q.graph_name for q in quads} == {queries_graph()}
    for query in catalogue:
        statements = list(graph.quads_for_pattern(query_iri(query.name), None, None))
        types = {q.object.value for q in statements if q.predicate.value == RDF_TYPE}
        assert {SH + "SPARQLExecutable", SH + "SPARQLSelectExecutable"} <= types
        objects = {q.predicate.value: q.object.value for q in statements if q.predicate.value != RDF_TYPE}
        assert objects["http://www.w3.org/2000/01/rdf-schema#label"] == query.title
        assert objects["http://www.w3.org/2000/01/rdf-schema#comment"] == query.description
        assert objects[SH + "select"] == query.text


def test_the_queries_graph_is_in_the_knowledge_base(store):
    result = store.query(
        "PREFIX sh: <http://www.w3.org/ns/shacl#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?query ?title WHERE { GRAPH <https://w3id.org/socialrx/graph/queries> { ?query a sh:SPARQLExecutable ; rdfs:label ?title } }")
    assert ID + "query/schemes-for-age" in values(result, "query")
    assert "Schemes whose age bounds include an age" in values(result, "title")


# --- Results for people --------------------------------------------------------------------------------------------


def test_iris_link_to_local_pages_or_to_the_resource_page():
    assert results.local_href(ID + "scheme/spear") == "/id/scheme/spear"
    assert results.local_href(ID + "scheme/spear", root="/app") == "/app/id/scheme/spear"
    assert results.local_href("http://www.wikidata.org/entity/Q23154") == "/resource?uri=http%3A%2F%2Fwww.wikidata.org%2Fentity%2FQ23154"


def test_a_label_column_names_the_link_and_is_not_shown_on_its_own():
    rows_ = [{"scheme": {"type": "uri", "value": ID + "scheme/spear"}, "schemeLabel": {"type": "literal", "value": "SPEAR"},
              "n": {"type": "literal", "value": "3", "datatype": str(XSD.integer)}}]
    table = results.result_table(["scheme", "schemeLabel", "n"], rows_)
    assert table.columns == ["scheme", "n"]
    assert table.rows[0][0] == results.Cell("SPEAR", "/id/scheme/spear", ID + "scheme/spear")
    assert table.rows[0][1].text == "3"
    assert results.humanise("clientGroupLabel") == "Client group"


def test_a_bar_chart_has_one_bar_per_row_scaled_to_the_largest():
    query = cat.parse_query("counts", "#+ title: T\n#+ description: D\n#+ view: bar\n#+ chart: label=aimLabel value=n\n" + BODY)
    data = [{"aim": {"type": "uri", "value": ID + f"vocab/aims/a{i}"}, "aimLabel": {"type": "literal", "value": f"Aim {i}"},
             "n": {"type": "literal", "value": str(n), "datatype": str(XSD.integer)}} for i, n in enumerate((10, 5, 0))]
    chart = results.bar_chart(query, ["aim", "aimLabel", "n"], data)
    assert [b.label for b in chart.bars] == ["Aim 0", "Aim 1", "Aim 2"]
    assert chart.bars[0].width == chart.plot_width
    assert chart.bars[1].width == chart.plot_width / 2
    assert chart.bars[2].width == 0
    assert [text for text, _ in chart.ticks] == ["0", "2", "4", "6", "8", "10"]


def test_map_points_and_count_values():
    data = [{"area": {"type": "uri", "value": ID + "area/bristol"}, "areaLabel": {"type": "literal", "value": "Bristol"},
             "lat": {"type": "literal", "value": "51.45"}, "long": {"type": "literal", "value": "-2.58"}}]
    (point,) = results.map_points(["area", "areaLabel", "lat", "long"], data)
    assert point.label == "Bristol" and 0 < point.x < results.MAP_WIDTH and 0 < point.y < results.MAP_HEIGHT
    assert results.count_value(["n"], [{"n": {"type": "literal", "value": "7"}}]) == "7"
