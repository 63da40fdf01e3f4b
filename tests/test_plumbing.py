"""Issue 11.3: no plumbing on people's pages. The query catalogue's parameters and SHACL terms are not incoming
links or statements on entity, class and area pages, and search shows schemes, organisations, places, concepts and
sources first, with the internal nodes (ontology terms, catalogue queries, detail records) only on request."""

from __future__ import annotations

import re

import pytest

PLUMBING = re.compile(r"defaultValue|“class” of|sh:|shacl|SPARQLExecutable|Parameter", re.I)


def text(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def linked_from(html: str) -> str:
    section = re.search(r'aria-labelledby="incoming-heading".*?</section>', html, re.S)
    return section.group(0) if section else ""


@pytest.mark.parametrize("path", ["/id/area/bristol", "/def/Area", "/def/Scheme", "/id/vocab/client-groups/affected-by-cancer",
                                  "/id/vocab/aims/direct-people-to-services"])
def test_pages_show_no_catalogue_or_shacl_links(client, path):
    html = text(client, path)
    assert not PLUMBING.search(linked_from(html)), PLUMBING.search(linked_from(html))
    assert "defaultValue" not in html and "“class” of" not in html


def test_a_query_page_in_the_graph_still_shows_its_parameters(client):
    html = text(client, "/id/query/schemes-in-area")
    assert "place" in html


def test_search_shows_people_things_first_and_internal_nodes_on_request(client):
    hits = client.get("/search.json?q=area").get_json()["results"]
    internal = ("http://www.w3.org/2002/07/owl#", "http://www.w3.org/ns/shacl#", "https://w3id.org/socialrx/def/Eligibility")
    assert hits, "no results for 'area'"
    for hit in hits:
        assert not any(t.startswith(internal) for t in hit["types"]), hit
    everything = client.get("/search.json?q=area&all=1").get_json()["results"]
    assert any(t.startswith("http://www.w3.org/ns/shacl#") for h in everything for t in h["types"])
    page = text(client, "/search?q=area")
    assert re.search(r'href="[^"]*/search\?q=area&amp;all=1"', page), "no link to the other matches"
