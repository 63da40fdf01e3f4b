"""`socialrx enrich wikidata` against a real local SPARQL server (oxigraph, started and stopped by PID by conftest's start_oxigraph)."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from imports_support import FIXTURES, ID, PROV, SRX, graph_of, objects, run_cli
from support import free_port

GRAPH = "https://w3id.org/socialrx/graph/import/wikidata"


@pytest.fixture(scope="module")
def wikidata_like(start_oxigraph):
    """A local oxigraph server holding a fixture in Wikidata's shape; its query endpoint."""
    return start_oxigraph(files=[FIXTURES / "wikidata.ttl"]) + "/query"


def test_enrich_stores_coordinates_population_websites_and_labels(wikidata_like, tmp_path):
    folder = tmp_path / "imports"
    assert run_cli("enrich", "wikidata", "--endpoint", wikidata_like, "--imports-dir", folder) == 0
    g = graph_of(folder / "wikidata.nq")
    assert {q.graph_name.value for q in g} == {GRAPH}
    bristol = ID + "area/bristol"
    assert [float(x) for x in objects(g, bristol, SRX + "latitude")] == [51.45]
    assert [float(x) for x in objects(g, bristol, SRX + "longitude")] == [-2.58]  # WKT gives longitude first
    assert objects(g, bristol, SRX + "population") == ["400000"]
    assert objects(g, bristol, "https://schema.org/url") == ["https://www.bristol.gov.uk/"]
    labels = list(g.quads_for_pattern(ox.NamedNode("http://www.wikidata.org/entity/Q23154"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), None, None))
    assert [(q.object.value, q.object.language) for q in labels] == [("Bristol", "en")]
    assert objects(g, ID + "area/leeds", SRX + "population") == ["800000"]


def test_enrich_records_endpoint_query_and_fetch_time(wikidata_like, tmp_path):
    folder = tmp_path / "imports"
    run_cli("enrich", "wikidata", "--endpoint", wikidata_like, "--imports-dir", folder)
    g = graph_of(folder / "wikidata.nq")
    assert objects(g, GRAPH, PROV + "wasDerivedFrom") == [wikidata_like]
    assert len(objects(g, GRAPH, PROV + "generatedAtTime")) == 1
    activity = objects(g, GRAPH, PROV + "wasGeneratedBy")[0]
    assert wikidata_like in objects(g, activity, PROV + "used")
    query = objects(g, GRAPH + "#query", PROV + "value")[0]
    assert "wdt:P625" in query and "wdt:P1082" in query


def test_enrich_with_a_query_file_and_again_leaves_the_count_unchanged(wikidata_like, tmp_path):
    folder = tmp_path / "imports"
    query = tmp_path / "population-only.rq"
    query.write_text("PREFIX wdt: <http://www.wikidata.org/prop/direct/>\n"
                     "SELECT ?item ?population WHERE { VALUES ?item { {{items}} } ?item wdt:P1082 ?population }\n")
    assert run_cli("enrich", "wikidata", "--endpoint", wikidata_like, "--query", query, "--imports-dir", folder) == 0
    first = len(graph_of(folder / "wikidata.nq"))
    g = graph_of(folder / "wikidata.nq")
    assert objects(g, ID + "area/bristol", SRX + "latitude") == []
    assert objects(g, ID + "area/bristol", SRX + "population") == ["400000"]
    assert run_cli("enrich", "wikidata", "--endpoint", wikidata_like, "--query", query, "--imports-dir", folder) == 0
    assert len(graph_of(folder / "wikidata.nq")) == first


def test_an_unreachable_endpoint_exits_2_and_keeps_the_graph(wikidata_like, tmp_path, capsys):
    folder = tmp_path / "imports"
    run_cli("enrich", "wikidata", "--endpoint", wikidata_like, "--imports-dir", folder)
    before = (folder / "wikidata.nq").read_bytes()
    dead = f"http://127.0.0.1:{free_port()}/query"
    assert run_cli("enrich", "wikidata", "--endpoint", dead, "--imports-dir", folder, "--timeout", "5") == 2
    assert "nothing was written" in capsys.readouterr().err
    assert (folder / "wikidata.nq").read_bytes() == before


def test_the_default_endpoint_is_wikidata_but_nothing_is_fetched_unless_asked():
    from socialrx.importers import enrich

    assert enrich.WIKIDATA_ENDPOINT == "https://query.wikidata.org/sparql"
    # The app, the link report, the postcode finder and the importers never load the SPARQL client.
    code = ("import sys, socialrx.web, socialrx.web.links, socialrx.web.postcode, socialrx.importers.run, "
            "socialrx.commands.importer, socialrx.commands.links; print('SPARQLWrapper' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def html_pages(imports: Path, *paths: str) -> list[str]:
    """The HTML of each path, from an app over the shipped data plus the imports folder (closed afterwards)."""
    from socialrx.settings import Settings
    from socialrx.web import create_app

    app = create_app(Settings({"query_workers": 1, "imports_path": str(imports)}))
    try:
        client = app.test_client()
        return [client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True) for path in paths]
    finally:
        app.extensions["socialrx.store"].close()


def map_points(html: str) -> list[dict]:
    """The points a page's map draws (its data-points attribute)."""
    return json.loads(re.search(r"data-points='([^']*)'", html).group(1).replace("&#34;", '"'))


def test_enriched_coordinates_put_areas_on_the_home_map(wikidata_like, tmp_path):
    """After `socialrx enrich wikidata`, the overview map draws the areas from coordinates in the data."""
    folder = tmp_path / "imports"
    assert run_cli("enrich", "wikidata", "--endpoint", wikidata_like, "--imports-dir", folder) == 0
    (html,) = html_pages(folder, "/")
    points = map_points(html)
    bristol = next(p for p in points if p["iri"] == ID + "area/bristol")
    # Schemes only, sub-areas included (pages/scheme_definition.py): the two Bristol services are not schemes.
    assert (bristol["lat"], bristol["lon"], bristol["label"], bristol["count"]) == (51.45, -2.58, "Bristol", 6)
    assert "There are no coordinates in the data yet" not in html


def test_enriched_area_page_shows_population_and_a_map(wikidata_like, tmp_path):
    """An area's page shows what enrichment fetched, and draws the area on its own map."""
    folder = tmp_path / "imports"
    assert run_cli("enrich", "wikidata", "--endpoint", wikidata_like, "--imports-dir", folder) == 0
    html, plain = html_pages(folder, "/id/area/bristol", "/id/area/cumbria")
    point = next(p for p in map_points(html) if p.get("iri") == ID + "area/bristol")  # practices are on the map too
    # The shipped postcodes place Bristol at the mean of its postcodes, ahead of Wikidata's point.
    assert point["label"] == "Bristol" and 51.4 < point["lat"] < 51.5 and -2.7 < point["lon"] < -2.5 and point["count"] >= 6
    assert re.search(r"vendor/leaflet/leaflet\.[0-9a-f]{12}\.js", html)
    assert "400000" in html  # population, with its source beside it
    assert 'id="srx-map"' not in plain  # no coordinates for Cumbria in the fixture: no map
