"""Imported ORUK services on the maps (home page and area pages), and the official examples in search and facets.

The official ORUK 3.0 and HSDS 3.0 examples place their one location at latitude 100, longitude 101 (not on
Earth) and serve a fictional "MyCity": the importer leaves those coordinates out and reports them, so the examples
can have no point on a map and no postcode finds them in /find. The same shape with a real location (the messy
feed's good record, synthetic: see oruk_support) is drawn, linked to its page. Where each claim of issue 13 is
tested: search, facets and /find for an imported service in test_oruk_import.py
(test_imported_services_appear_in_search_and_facets); the maps and the official examples here.
"""

from __future__ import annotations

import html
import json
import re

import pytest
from oruk_support import OFFICIAL_EXAMPLES, import_examples_and_messy_page

from socialrx.kb import KnowledgeBase

ID = "https://w3id.org/socialrx/id/"
GOOD = ID + "oruk/messy/service/11111111-1111-4111-8111-111111111111"
LUNCH = ID + "oruk/messy/service/22222222-2222-4222-8222-222222222222"
EXAMPLE_ID = "ac148810-d857-441c-9679-408f346de14b"
EXAMPLES = OFFICIAL_EXAMPLES


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """Our data plus the official examples and a messy feed's page, imported: (app, import reports by name)."""
    from socialrx.settings import Settings
    from socialrx.web import create_app

    folder = tmp_path_factory.mktemp("imports")
    reports = import_examples_and_messy_page(folder)
    app = create_app(Settings({"query_workers": 1, "query_time_limit_ms": 60_000}), kb=KnowledgeBase.load(imports=folder))
    yield app, reports
    app.extensions["socialrx.store"].close()


def map_points(body: bytes) -> list[dict]:
    """The points a page hands its map (the #srx-map element's data-points)."""
    found = re.search(r"""id="srx-map"[^>]*data-points='([^']*)'""", body.decode())
    assert found, "the page has no map"
    return json.loads(html.unescape(found.group(1)))


def services_on(points: list[dict]) -> dict[str, dict]:
    return {p["iri"]: p for p in points if p.get("kind") == "service"}


def test_imported_services_are_on_the_home_map_with_a_link_to_their_page(imported):
    app, _ = imported
    client = app.test_client()
    on_map = services_on(map_points(client.get("/").data))
    good = on_map[GOOD]
    assert (good["lat"], good["lon"]) == (51.4532, -2.5948)  # the feed's coordinates, unchanged
    assert good["label"] == "Example Befriending (synthetic)" and "MyCity Civic Center" in good["note"]
    assert good["href"] == "/id/oruk/messy/service/11111111-1111-4111-8111-111111111111"
    page = client.get(good["href"])
    assert page.status_code == 200 and b"Example Befriending (synthetic)" in page.data
    # The lunch club's own coordinates (999) were refused, but it names the same location id as the befriending
    # service, whose coordinates the feed gives: one place, so both are drawn there.
    assert on_map[LUNCH]["lat"] == 51.4532
    home = client.get("/").data
    assert b"srx-map-key__service" in home


def test_an_area_map_shows_the_imported_services_that_serve_it(imported):
    app, _ = imported
    on_map = services_on(map_points(app.test_client().get("/id/area/bristol").data))
    # The befriending service's service area is Bristol (by its GSS code); the lunch club serves only "MyCity".
    assert set(on_map) == {GOOD}
    assert on_map[GOOD]["href"].endswith("/service/11111111-1111-4111-8111-111111111111")


@pytest.mark.parametrize("name", EXAMPLES)
def test_official_examples_have_no_point_because_their_coordinates_are_not_on_earth(imported, name):
    app, reports = imported
    report = reports[name]
    assert report.services_imported == 1 and report.refused_count == 0
    assert f"{EXAMPLE_ID}: service_at_locations/0/location: coordinates 100, 101 are not a place on Earth (WGS 84); left out" in report.problems
    on_map = services_on(map_points(app.test_client().get("/").data))
    assert f"{ID}oruk/{name}/service/{EXAMPLE_ID}" not in on_map


def test_official_examples_appear_in_search_and_in_the_service_facets(imported):
    app, _ = imported
    client = app.test_client()
    wanted = {f"/id/oruk/{name}/service/{EXAMPLE_ID}" for name in EXAMPLES}
    hits = client.get("/search.json", query_string={"q": "Community Counselling"}).json["results"]
    assert wanted <= {h["href"] for h in hits}
    listing = client.get("/services.json").json
    assert {ID + w[len("/id/"):] for w in wanted} <= {i["iri"] for i in listing["items"]}
    # Each example's service area ("all residents of the MyCity area") is an area of its feed, and a facet value.
    for name in EXAMPLES:
        area = next(v["iri"] for v in listing["facets"]["area"] if v["iri"].startswith(f"{ID}oruk/{name}/area/"))
        chosen = client.get("/services.json", query_string={"area": area}).json
        assert [i["iri"] for i in chosen["items"]] == [f"{ID}oruk/{name}/service/{EXAMPLE_ID}"]
    services = next(v for v in listing["facets"]["type"] if v["iri"] == "https://w3id.org/socialrx/def/Service")
    assert services["count"] >= 4  # both examples and the messy feed's two services


def test_find_cannot_place_the_official_examples_and_says_why(imported):
    """/find takes a postcode or one of our areas; the examples serve only their fictional MyCity."""
    app, _ = imported
    client = app.test_client()
    area = f"{ID}oruk/oruk-example/area/381c64f1-a724-4884-9c21-ac96c21cca3e"
    answer = client.get("/find.json", query_string={"area": area})
    assert answer.status_code == 400, answer.data
    assert "Choose an area from the list" in answer.json["message"], answer.data
    found = client.get("/find.json", query_string={"postcode": "BS1 1NG"})
    assert found.status_code == 200, found.data[:500]
    iris = [r.get("iri") for r in found.json["results"]]
    assert GOOD in iris and not any(EXAMPLE_ID in (i or "") for i in iris)
