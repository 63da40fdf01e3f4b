"""Area walks one step at a time (pages/area_walk.py) give what the transitive paths give on the embedded engine.

schemes_in_area answers `?scheme srx:areaServed/srx:within*/srx:succeededBy* ?area` without a transitive path, so
that OpenLink Virtuoso gives the same list (tests/test_engines_agree_pages.py); here, for every area of the shipped
data that any scheme counts for, the list equals the one the path gives in pyoxigraph. Real store, shipped data.
"""

from __future__ import annotations

from rdflib import URIRef

from socialrx.namespaces import sparql_prologue
from socialrx.pages import area_walk
from socialrx.pages.iris import rows
from socialrx.pages.scheme_definition import in_area_pattern, is_a_pattern, schemes_in_area

AREA = "https://w3id.org/socialrx/id/area/"
BY_PATH = sparql_prologue(["srx", "rdfs"]) + "SELECT DISTINCT ?scheme ?area WHERE { %s %s }"


def test_schemes_in_every_area_match_the_transitive_path(store):
    expected: dict[str, set[str]] = {}
    for scheme, area in rows(store.query(BY_PATH % (is_a_pattern(store), in_area_pattern()), max_rows=100_000), "scheme", "area"):
        expected.setdefault(str(area), set()).add(str(scheme))
    assert len(expected) >= 16 and len(expected[AREA + "bristol"]) >= 6
    for area, schemes in expected.items():
        assert set(schemes_in_area(store, area)) == schemes, area
    assert schemes_in_area(store, AREA + "no-such-area") == []


def test_cumberland_counts_the_schemes_of_the_county_it_took_over_from(store):
    assert AREA + "cumbria" in area_walk.took_over(store, AREA + "cumberland")
    assert set(schemes_in_area(store, AREA + "cumbria")) <= set(schemes_in_area(store, AREA + "cumberland"))


def test_above_is_reflexive_and_transitive(store):
    up = area_walk.above(store, [AREA + "bristol", "not an iri"])
    assert set(up) == {AREA + "bristol"}  # what is not an IRI is left out, never sent to the engine
    text = sparql_prologue(["srx"]) + "SELECT ?up WHERE { ?area srx:within* ?up }"
    by_path = {str(u) for u, in rows(store.query(text, bindings={"area": URIRef(AREA + "bristol")}), "up")}
    assert up[AREA + "bristol"] == by_path and AREA + "bristol" in by_path and len(by_path) > 1


def test_an_area_page_says_which_areas_its_schemes_come_from(client):
    """Cumberland's one scheme is Cumbria's: the page says the list includes the area it took over from."""
    import re

    cumberland = client.get("/id/area/cumberland").get_data(as_text=True)
    said = re.sub(r"<[^>]+>", "", re.search(r"<p>Schemes that serve .*?</p>", cumberland, re.S).group(0))
    assert said == "Schemes that serve Cumberland, an area within it, or the area it took over from (Cumbria)."
    assert 'href="/id/area/cumbria"' in cumberland
    bristol = client.get("/id/area/bristol").get_data(as_text=True)
    said = re.sub(r"<[^>]+>", "", re.search(r"<p>Schemes that serve .*?</p>", bristol, re.S).group(0))
    assert said == "Schemes that serve Bristol or an area within it. Filter them on the schemes page."
