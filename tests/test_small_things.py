"""Issue 11.9: small things. A syntax error says in words what was expected; a query that needs an import says which;
/schemes has a "clear all filters" link; facet URLs are short (local names) and full IRIs still work."""

from __future__ import annotations

import re
from urllib.parse import quote

ID = "https://w3id.org/socialrx/id/"


def test_a_misspelt_query_form_is_named_in_words(client):
    response = client.get("/sparql", query_string={"query": "SELEC * WHERE { ?s ?p ?o }"}, headers={"Accept": "text/plain"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "SELEC" in text and "SELECT, CONSTRUCT, ASK or DESCRIBE" in text and "Did you mean SELECT?" in text
    assert "line 1, column 1" in text


def test_valid_queries_still_run(client):
    for query in ("PREFIX ex: <http://example.org/>\n# a comment\nselect * WHERE { ?s ?p ?o } LIMIT 1", "ASK {}",
                  "BASE <http://example.org/> DESCRIBE <x>"):
        assert client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json, text/turtle;q=0.9"}).status_code == 200, query


def test_a_query_that_needs_an_import_says_which(client, module_app):
    query = module_app.extensions["socialrx.catalogue"].get("schemes-per-100k-population")
    assert any("socialrx enrich wikidata" in n for n in query.needs)
    html = client.get("/queries/schemes-per-100k-population").get_data(as_text=True)
    if "srx-no-results" in html:
        assert "socialrx enrich wikidata" in html.split("srx-no-results", 1)[1].split("</p>", 1)[0]


def test_facet_links_are_short_and_stable(client):
    html = client.get("/schemes").get_data(as_text=True)
    assert 'href="/schemes?aim=direct-people-to-services"' in html
    assert "%3A%2F%2F" not in html.split('class="srx-facets"', 1)[1]
    short = client.get("/schemes.json?area=leeds").get_json()
    full = client.get("/schemes.json?area=" + quote(ID + "area/leeds", safe="")).get_json()
    assert short["total"] == full["total"] >= 1
    assert [i["iri"] for i in short["items"]] == [i["iri"] for i in full["items"]]


def test_clear_all_filters(client):
    html = client.get("/schemes?area=leeds&type=NavigationScheme").get_data(as_text=True)
    assert re.search(r'<a[^>]+href="/schemes"[^>]*>Clear all filters</a>', html)
    assert "Clear all filters" not in client.get("/schemes").get_data(as_text=True)
