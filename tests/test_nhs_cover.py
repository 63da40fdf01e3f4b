"""Area and scheme pages say which NHS body covered the area at the infographic's time and which covers it now."""

import html as html_lib
import re

import pytest


def cover_text(client, path):
    html = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    section = html[html.index('id="nhs-cover"'):]
    section = section[: section.index("</section>")]
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section)))


@pytest.fixture
def client(app):
    return app.test_client()


def test_bristol_page_shows_its_icb_now_and_the_ccg_of_the_time(client):
    text = cover_text(client, "/id/area/bristol")
    now, then = text.split("At the infographic's time (2017)")
    assert "NHS Bristol, North Somerset and South Gloucestershire Integrated Care Board" in now
    assert "ODS QUY, GSS E54000039, from 2022-07-01" in now
    assert "NHS Bristol CCG Clinical commissioning group, ODS 11H, GSS E38000022, until 2018-04-01" in then.split("In between")[0]
    assert "ODS 15C" in then.split("In between")[1]  # the merged BNSSG CCG, 2018 to 2022


def test_scheme_page_follows_its_area_served(client):
    text = cover_text(client, "/id/scheme/north-somerset-care-navigator")
    assert "ODS QUY" in text.split("At the infographic's time")[0]
    assert "NHS North Somerset CCG" in text.split("At the infographic's time")[1]


def test_cumbria_follows_the_2023_council_reorganisation_to_both_icbs(client):
    text = cover_text(client, "/id/scheme/cumbria-care-navigators-pilot")
    now = text.split("At the infographic's time")[0]
    assert "ODS QHM" in now and "ODS QE1" in now
    assert "NHS Cumbria CCG" in text.split("At the infographic's time")[1]


def test_pages_without_an_area_have_no_cover_section(client):
    html = client.get("/id/source/five-year-forward-view", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'id="nhs-cover"' not in html


def test_area_page_counts_the_practices_each_body_commissions(tmp_path):
    """With the ODS epraccur fixture imported, the Bristol page counts the ICB's GP practices (via its sub-ICB location)."""
    from imports_support import FIXTURES, run_cli

    from socialrx.settings import Settings
    from socialrx.web import create_app

    imports = tmp_path / "imports"
    assert run_cli("import", "ods", "epraccur", str(FIXTURES / "epraccur.csv"), "--imports-dir", str(imports), "--quiet") == 0
    app = create_app(Settings({"query_workers": 1, "imports_path": str(imports)}))
    try:
        text = cover_text(app.test_client(), "/id/area/bristol")
    finally:
        app.extensions["socialrx.store"].close()
    assert ("NHS Bristol, North Somerset and South Gloucestershire Integrated Care Board Integrated care board, ODS QUY, "
            "GSS E54000039, from 2022-07-01; commissions 1 GP practice") in text
