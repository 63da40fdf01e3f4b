"""Issue 11.4: one answer to one question. The home page, the /schemes facets and the catalogue's counting queries
give the same number of schemes for every concept and every area, because all three take "scheme" and "in an area"
from pages/scheme_definition.py (areas include the areas within them)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from rdflib import URIRef

from socialrx.pages import scheme_definition

ID = "https://w3id.org/socialrx/id/"
COUNT_QUERIES = {"aim": ("count-schemes-by-aim", "aim"), "approach": ("count-schemes-by-approach", "approach"),
                 "client": ("count-schemes-by-client-group", "clientGroup")}
HOME_SECTIONS = {"aim": "aims", "approach": "approaches", "role": "roles", "referral": "referrals", "client": "clients", "area": "areas"}


@pytest.fixture(scope="module")
def facets(client):
    body = client.get("/schemes.json").get_json()
    return {key: {v["iri"]: v["count"] for v in values} for key, values in body["facets"].items()}, body["total"]


@pytest.fixture(scope="module")
def home(client):
    return client.get("/").get_data(as_text=True)


def home_counts(html: str, chart: str) -> dict[str, int]:
    """The numbers the home page's chart shows: bar label -> count, read from the chart's table twin."""
    figure = re.search(rf'id="{chart}-chart".*?</figure>', html, re.S)
    assert figure, f"no {chart} chart on the home page"
    rows = re.findall(r'<th scope="row"><a href="([^"]+)"[^>]*>.*?</a></th>\s*<td>(\d+)</td>', figure.group(0), re.S)
    return {unescape(href): int(n) for href, n in rows}


def href(iri: str) -> str:
    return "/" + iri[len("https://w3id.org/socialrx/"):]


def catalogue_counts(module_app, name: str, variable: str) -> dict[str, int]:
    store, query = module_app.extensions["socialrx.store"], module_app.extensions["socialrx.catalogue"].get(name)
    return {row[variable]["value"]: int(row["schemes"]["value"]) for row in store.query(query.text).rows}


def schemes_in_area(module_app, area: str) -> set[str]:
    store, query = module_app.extensions["socialrx.store"], module_app.extensions["socialrx.catalogue"].get("schemes-in-area")
    return {row["scheme"]["value"] for row in store.query(query.text, bindings={"place": URIRef(area)}).rows}


def schemes(module_app) -> set[str]:
    store = module_app.extensions["socialrx.store"]
    text = ("PREFIX srx: <https://w3id.org/socialrx/def/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            f"SELECT DISTINCT ?scheme WHERE {{ {scheme_definition.scheme_pattern()} }}")
    return {row["scheme"]["value"] for row in store.query(text).rows}


def test_schemes_page_lists_the_schemes_and_only_them(module_app, facets):
    _, total = facets
    assert total == len(schemes(module_app))


@pytest.mark.parametrize("key", sorted(COUNT_QUERIES))
def test_catalogue_counts_agree_with_the_facets_and_the_home_page(module_app, facets, home, key):
    name, variable = COUNT_QUERIES[key]
    counted = {iri: n for iri, n in catalogue_counts(module_app, name, variable).items() if n}
    assert counted == facets[0].get(key, {}), name
    shown = home_counts(home, HOME_SECTIONS[key])
    assert {href(iri): n for iri, n in counted.items()} == {h: n for h, n in shown.items() if n}, key


def test_acute_mental_health_crisis_counts_the_same_everywhere(module_app, facets, home):
    crisis = ID + "vocab/client-groups/acute-mental-health-crisis"
    by_query = catalogue_counts(module_app, "count-schemes-by-client-group", "clientGroup")[crisis]
    assert facets[0]["client"].get(crisis, 0) == by_query == home_counts(home, "clients").get(href(crisis), 0)


def test_every_area_counts_the_schemes_in_it_and_in_the_areas_within_it(module_app, facets, home):
    areas = facets[0]["area"]
    assert ID + "area/leeds" in areas
    for area, n in areas.items():
        assert n == len(schemes_in_area(module_app, area)), area
    shown = home_counts(home, "areas")
    assert {href(a): n for a, n in areas.items()} == {h: n for h, n in shown.items() if n}


@pytest.mark.parametrize("key", ["role", "referral"])
def test_home_page_and_facets_agree_on_roles_and_referrals(facets, home, key):
    shown = home_counts(home, HOME_SECTIONS[key])
    assert {href(iri): n for iri, n in facets[0].get(key, {}).items()} == {h: n for h, n in shown.items() if n}


def test_home_total_is_the_schemes_total(facets, home):
    _, total = facets
    number = re.search(r'href="[^"]*/schemes"><span class="srx-stats__n">(\d+)</span> schemes<', home)
    assert number and int(number.group(1)) == total


def test_general_practice_referrals_do_not_contradict_the_text(home):
    """The infographic's general rule (social prescribing schemes take referrals from general practice) is said
    beside the chart, which counts only what the sources say of each scheme."""
    section = re.search(r'aria-labelledby="approaches-heading".*?</section>', home, re.S).group(0)
    assert "as a general rule" in section.lower()
    assert re.search(r"social prescribing schemes?[^.]*general practice", unescape(section), re.I)


@pytest.mark.parametrize("name", ["count-schemes-by-aim", "count-schemes-by-approach", "count-schemes-by-client-group",
                                  "schemes-in-area"])
def test_the_catalogue_writes_scheme_as_the_definition_does(module_app, name):
    """The counting queries stay standalone SPARQL files, so they repeat the definition's pattern word for word."""
    text = " ".join(module_app.extensions["socialrx.catalogue"].get(name).text.split())
    assert scheme_definition.scheme_pattern("scheme").rstrip(" .") in text
    if name == "schemes-in-area":
        assert "srx:within*" in text and "srx:succeededBy*" in text
