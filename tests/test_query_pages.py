"""The query pages: list, form, results, twins, content negotiation and clear 400s."""

import csv
import io
import json
import re
from html import unescape
from urllib.parse import unquote

import pytest

from socialrx.catalogue import Catalogue
from socialrx.web import create_app

ID = "https://w3id.org/socialrx/id/"
TWINS = {"csv": "text/csv", "tsv": "text/tab-separated-values", "json": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def catalogue(module_app):
    return module_app.extensions["socialrx.catalogue"]


@pytest.fixture(scope="module")
def names(catalogue):
    return [q.name for q in catalogue]


def text_of(response) -> str:
    return response.get_data(as_text=True)


def links(response) -> dict[str, str]:
    """Map each alternate's type to its URL in the Link header."""
    return {m.group(2): m.group(1) for m in re.finditer(r'<([^>]+)>; rel="alternate"; type="([^"]+)"', response.headers["Link"])}


def csv_rows(body: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body)))


# --- The list ------------------------------------------------------------------------------------------


def test_the_list_shows_every_query_with_title_description_and_tags(client, catalogue):
    response = client.get("/queries")
    assert response.status_code == 200
    page = unescape(text_of(response))
    for query in catalogue:
        assert f'href="/queries/{query.name}"' in page
        assert query.title in page
        assert query.description in page
        assert all(tag in page for tag in query.tags)
    assert links(response) == {"application/json": "/queries.json"}


def test_the_list_as_json(client, names):
    for response in (client.get("/queries.json"), client.get("/queries", headers={"Accept": "application/json"})):
        assert response.status_code == 200
        body = response.get_json()
        assert [q["name"] for q in body["queries"]] == names
        age = next(q for q in body["queries"] if q["name"] == "schemes-for-age")
        assert age["url"] == "/queries/schemes-for-age"
        assert age["params"][0] == {"name": "age", "type": "integer", "label": "Age in years", "default": "80",
                                    "required": True, "expects": "a whole number from 0 to 130"}


# --- One query's page -------------------------------------------------------------------------------------


def test_every_query_has_a_page_with_its_form_sparql_and_results(client, catalogue):
    for query in catalogue:
        response = client.get(f"/queries/{query.name}")
        assert response.status_code == 200, query.name
        page = text_of(response)
        assert f"<h1>{query.title}</h1>".replace("'", "&#39;") in page
        assert 'class="nhsuk-details srx-query-sparql"' in page
        assert 'id="run-info"' in page
        for param in query.params:
            assert f'name="{param.name}"' in page


def test_a_parameter_with_allowed_values_is_a_select_list_with_labels(client):
    page = text_of(client.get("/queries/schemes-by-aim?aim=individual-wellbeing"))
    select = re.search(r'<select[^>]*name="aim".*?</select>', page, re.S).group(0)
    assert '<option value="">(any)</option>' in select.replace(' selected', '')
    assert f'<option value="{ID}vocab/aims/individual-wellbeing" selected>Individual wellbeing</option>' in select
    assert "Reduce hospital admissions and readmissions</option>" in select


def test_results_link_iris_to_entity_pages_named_by_their_labels(client):
    page = text_of(client.get("/queries/schemes-for-age?age=80"))
    assert re.search(r'<a href="/id/scheme/cumbria-care-navigators-pilot" title="[^"]+">NHS Cumbria CCG Care Navigators Pilot</a>', page)
    assert '<a href="/id/source/care-forum-infographic"' in page
    assert "schemeLabel" not in re.search(r"<thead.*?</thead>", page, re.S).group(0)


def test_iris_outside_this_site_link_to_the_resource_page(client):
    page = text_of(client.get(f"/queries/statements-by-source?source=&subject={ID}area/bristol"))
    assert '<a href="/resource?uri=http%3A%2F%2Fwww.wikidata.org%2Fentity%2FQ23154"' in page


def test_the_page_shows_the_run_time_and_a_shareable_url(client):
    page = text_of(client.get("/queries/schemes-for-age?age=17"))
    assert re.search(r"1 row in \d+ ms", page)
    assert 'class="srx-share-link" href="http://localhost/queries/schemes-for-age?age=17"' in page


def test_defaults_are_carried_into_the_shareable_url_and_cleared_ones_stay_cleared(client):
    assert 'href="http://localhost/queries/schemes-for-age?age=80"' in text_of(client.get("/queries/schemes-for-age"))
    page = text_of(client.get("/queries/schemes-referrals-outside-general-practice?basis="))
    assert 'href="http://localhost/queries/schemes-referrals-outside-general-practice?basis="' in page


def test_the_form_changes_the_results(client):
    all_aims = text_of(client.get("/queries/schemes-by-aim"))
    one_aim = text_of(client.get("/queries/schemes-by-aim?aim=individual-wellbeing"))
    assert "Connect for Health</a>" in one_aim and "The Camden Stroke Navigation Service</a>" not in one_aim
    assert "The Camden Stroke Navigation Service</a>" in all_aims


def test_the_editor_link_carries_the_query_with_its_values(client):
    page = text_of(client.get("/queries/schemes-for-age?age=17"))
    href = unescape(re.search(r'class="srx-editor-link" href="([^"]+)"', page).group(1))
    path, _, fragment = href.partition("#")
    assert path == "/sparql"
    assert fragment.startswith("query=")
    text = unquote(fragment[len("query="):])
    assert "VALUES (?age) { (\"17\"^^<http://www.w3.org/2001/XMLSchema#integer>) }" in text
    assert "SELECT DISTINCT ?scheme ?schemeLabel" in text


def test_a_bar_chart_is_drawn_on_the_server(client):
    page = text_of(client.get("/queries/count-schemes-by-aim"))
    chart = re.search(r'<figure class="srx-chart srx-bar-chart">.*?</figure>', page, re.S).group(0)
    assert chart.count("<rect ") == 5  # one bar per aim
    assert '<span class="srx-bar-chart__label">Direct people to services</span>' in chart  # text, not SVG: readable on a phone
    assert "<a " not in chart  # the table below links each aim


# --- Twins and negotiation ------------------------------------------------------------------------------------


@pytest.mark.parametrize("ext", TWINS)
def test_twins_and_accept_negotiation_give_the_same_results(client, ext):
    twin = client.get(f"/queries/schemes-for-age.{ext}?age=80")
    negotiated = client.get("/queries/schemes-for-age?age=80", headers={"Accept": TWINS[ext]})
    assert twin.status_code == negotiated.status_code == 200
    assert twin.mimetype == negotiated.mimetype == TWINS[ext]
    assert twin.data == negotiated.data
    assert "Accept" in negotiated.headers["Vary"]


def test_csv_tsv_and_json_hold_the_same_rows(client):
    json_rows = client.get("/queries/outcomes.json").get_json()["results"]["bindings"]
    csv_body = csv_rows(text_of(client.get("/queries/outcomes.csv")))
    tsv_lines = text_of(client.get("/queries/outcomes.tsv")).strip("\n").split("\n")
    assert len(json_rows) == len(csv_body) - 1 == len(tsv_lines) - 1
    header = csv_body[0]
    assert tsv_lines[0].split("\t") == [f"?{v}" for v in header]
    for row, line in zip(json_rows, csv_body[1:]):
        assert [row.get(v, {}).get("value", "") for v in header] == line


def test_application_json_is_answered_with_sparql_results(client):
    response = client.get("/queries/schemes-for-age?age=80", headers={"Accept": "application/json"})
    assert response.mimetype == "application/json"
    assert len(json.loads(response.data)["results"]["bindings"]) == 3


def test_browsers_get_the_page(client):
    response = client.get("/queries/schemes-for-age", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.mimetype == "text/html"


def test_every_answer_links_its_alternates(client):
    for url in ("/queries/schemes-for-age?age=75", "/queries/schemes-for-age.csv?age=75"):
        alternates = links(client.get(url))
        assert alternates == {
            "text/csv": "/queries/schemes-for-age.csv?age=75",
            "text/tab-separated-values": "/queries/schemes-for-age.tsv?age=75",
            "application/sparql-results+json": "/queries/schemes-for-age.json?age=75",
            "text/html": "/queries/schemes-for-age?age=75",
        }


# --- Errors -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url, param, expects", [
    ("/queries/schemes-for-age?age=abc", "age", "a whole number from 0 to 130"),
    ("/queries/schemes-for-age?age=200", "age", "a whole number from 0 to 130"),
    ("/queries/schemes-by-aim?aim=nonsense", "aim", "a concept from the vocabulary"),
    ("/queries/schemes-lacking-data?lacking=everything", "lacking", "one of 'source', 'area', 'client group'"),
    ("/queries/schemes-by-aim?colour=blue", "colour", "one of this query's parameters"),
    ("/queries/statements-by-source?subject=%22%3E%20.%20%3Fs%20%3Fp%20%3Fo", "subject", "an IRI"),
])
def test_a_wrong_parameter_is_a_400_that_names_it(client, url, param, expects):
    page = client.get(url)
    assert page.status_code == 400
    assert page.mimetype == "text/html"
    html = unescape(text_of(page))
    assert f"parameter '{param}'" in html and expects in html
    assert 'role="alert"' in html

    as_json = client.get(url.replace("?", ".json?", 1))
    assert as_json.status_code == 400
    body = as_json.get_json()
    assert body["parameter"] == param and expects in body["expects"] and body["status"] == 400

    negotiated = client.get(url, headers={"Accept": "application/json"})
    assert negotiated.status_code == 400 and negotiated.get_json()["parameter"] == param

    as_csv = client.get(url.replace("?", ".csv?", 1))
    assert as_csv.status_code == 400 and f"parameter '{param}'" in text_of(as_csv)


def test_the_form_keeps_the_wrong_value_so_it_can_be_corrected(client):
    page = text_of(client.get("/queries/schemes-for-age?age=abc"))
    assert re.search(r'<input[^>]*name="age"[^>]*value="abc"', page)
    assert "nhsuk-form-group--error" in page


def test_an_unknown_query_is_a_404(client):
    response = client.get("/queries/no-such-query")
    assert response.status_code == 404
    assert "no query named 'no-such-query'" in text_of(response)
    assert client.get("/queries/no-such-query.csv").status_code == 404


def test_sparql_in_a_value_is_data(client):
    response = client.get("/queries/schemes-in-area-by-code?code=%22%20%7D%20UNION%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20%23")
    assert response.status_code == 200
    assert "No results." in text_of(response)
    assert csv_rows(text_of(client.get("/queries/schemes-in-area-by-code.csv?code=%7D%20%3B%20DROP%20ALL%20%3B%20%7B")))[1:] == []


# --- The catalogue as linked data, and the other views ------------------------------------------------------------


def test_each_query_has_an_entity_page_that_links_to_its_query_page(client):
    response = client.get("/id/query/schemes-for-age")
    assert response.status_code == 200
    page = text_of(response)
    assert "Schemes whose age bounds include an age" in page
    assert re.search(r'href="[^"]*/queries/schemes-for-age"', page)  # rdfs:seeAlso, the page of the query


COUNT_AND_MAP = {
    "how-many-schemes": """#+ title: How many schemes
#+ description: The number of schemes.
#+ view: count
PREFIX srx: <https://w3id.org/socialrx/def/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT (COUNT(DISTINCT ?scheme) AS ?schemes) WHERE { ?scheme a/rdfs:subClassOf* srx:Scheme }
""",
    "two-places": """#+ title: Two places
#+ description: Two places on a map.
#+ view: map
SELECT ?place ?placeLabel ?lat ?long WHERE {
  VALUES (?place ?placeLabel ?lat ?long) {
    (<https://w3id.org/socialrx/id/area/bristol> "Bristol" 51.45 -2.58)
    (<https://w3id.org/socialrx/id/area/camden> "Camden" 51.54 -0.14)
  }
}
""",
}


def test_count_and_map_views(kb, tmp_path):
    for name, text in COUNT_AND_MAP.items():
        (tmp_path / f"{name}.rq").write_text(text)
    app = create_app({"query_workers": 1}, kb=kb)
    app.extensions["socialrx.catalogue"] = Catalogue.load(tmp_path)
    try:
        client = app.test_client()
        count = text_of(client.get("/queries/how-many-schemes"))
        assert re.search(r'<p class="srx-count" id="count">\d+</p>', count)
        map_page = text_of(client.get("/queries/two-places"))
        svg = re.search(r'<svg class="srx-map".*?</svg>', map_page, re.S).group(0)
        assert svg.count("<circle") == 2
        assert ">Bristol</text>" in svg and ">Camden</text>" in svg
        assert '<a href="/id/area/bristol"' in map_page  # in the table under the map
    finally:
        app.extensions["socialrx.store"].close()
