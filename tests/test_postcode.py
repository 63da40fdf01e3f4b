"""Find schemes near a postcode: postcode → areas → schemes, and clear answers for malformed or unknown postcodes."""

import pytest
from imports_support import import_all, load_kb, open_test_store
from test_links import make_app

from socialrx import postcodes

ID = "https://w3id.org/socialrx/id/"


@pytest.fixture(scope="module")
def kb_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("postcode") / "imports"
    import_all(folder)
    kb = load_kb(folder)
    store = open_test_store(kb)
    yield kb, store
    store.close()


@pytest.mark.parametrize("text, expected", [("BS1 1NG", "BS1 1NG"), ("bs11ng", "BS1 1NG"), (" bs1  1ng ", "BS1 1NG"),
                                            ("SW1A 1AA", "SW1A 1AA"), ("m1 1ae", "M1 1AE")])
def test_postcodes_are_normalised(text, expected):
    assert postcodes.parse(text) == expected


@pytest.mark.parametrize("text", ["", "BS1", "BS1 1N", "1BS 1NG", "BS1 1NG!", "BS1 1NGX", "not a postcode at all"])
def test_malformed_postcodes_are_refused_with_the_expected_format(text):
    with pytest.raises(postcodes.MalformedPostcode) as e:
        postcodes.parse(text)
    assert "postcode" in str(e.value)


def test_a_bristol_postcode_finds_the_bristol_schemes_and_its_nhs_bodies(kb_store):
    _, store = kb_store
    answer = postcodes.lookup(store, "BS1 1NG")
    assert {a["iri"] for a in answer.areas} == {ID + "area/bristol", ID + "area/bnssg"}
    schemes = {s["iri"] for s in answer.schemes}
    assert ID + "scheme/bristol-mental-health-recovery-navigators" in schemes
    assert all(s["how"] == "covers" for s in answer.schemes if s["iri"].endswith("bristol-mental-health-recovery-navigators"))
    now = {b["iri"]: b for b in answer.bodies_now}
    assert "QUY" in now[ID + "org/nhs-bnssg-icb"]["ods"]
    assert "E54000039" in now[ID + "org/nhs-bnssg-icb"]["gss"]
    before = {b["iri"] for b in answer.bodies_before}
    assert {ID + "org/nhs-bristol-ccg", ID + "org/nhs-bnssg-ccg"} <= before
    assert float(answer.latitude) == pytest.approx(51.4532)


def test_an_unknown_postcode_has_no_answer(kb_store):
    assert postcodes.lookup(kb_store[1], "ZZ1 1ZZ") is None


@pytest.fixture(scope="module")
def client(kb_store):
    return make_app(*kb_store).test_client()


def test_postcode_page_lists_schemes_and_the_icb(client):
    page = client.get("/postcode?pc=bs1+1ng")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Bristol Mental Health recovery navigators" in html
    assert "QUY" in html and "E54000039" in html


def test_malformed_postcode_page_says_what_is_expected(client):
    page = client.get("/postcode?pc=BS1+1N")
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "not in the expected format" in html and "inward code" in html
    data = client.get("/postcode.json?pc=BS1+1N").get_json()
    assert data["status"] == 400 and "inward code" in data["expected"]


def test_unknown_postcode_page_is_404_in_plain_words(client):
    page = client.get("/postcode?pc=ZZ1+1ZZ")
    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert "We could not find ZZ1 1ZZ" in html and "nhsuk-error-summary" in html and "nhsuk-error-message" in html
    assert "socialrx import" not in html  # how an administrator adds postcodes is in docs/imports.md
    assert client.get("/postcode.json?pc=ZZ1+1ZZ").status_code == 404


def test_postcode_page_without_a_postcode_shows_the_form(client):
    page = client.get("/postcode")
    assert page.status_code == 200 and 'name="pc"' in page.get_data(as_text=True)
    assert client.get("/postcode.json").status_code == 400


def test_postcode_json_twin(client):
    data = client.get("/postcode.json?pc=BS11NG").get_json()
    assert data["postcode"] == "BS1 1NG"
    assert any(s["iri"].endswith("bristol-mental-health-recovery-navigators") for s in data["schemes"])


# -- the shipped geography: what a fresh install answers (OS Code-Point Open, ODS, NHS England; data/imports/) ---

@pytest.fixture(scope="module")
def shipped(make_app):
    """A client of the app over the knowledge base as shipped, shipped imports included."""
    return make_app().test_client()


def test_shipped_bs1_1ng_resolves_to_its_district_ward_icb_and_schemes(shipped):
    page = shipped.get("/postcode?pc=BS1+1NG")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "E06000023" in html and "E05010892" in html and "name not in the shipped data" in html
    assert "QUY" in html and "E54000039" in html
    assert "Bristol Mental Health recovery navigators" in html
    assert "Contains OS data © Crown copyright and database right 2025" in html  # the licence's attribution
    data = shipped.get("/postcode.json?pc=BS1+1NG").get_json()
    assert {ID + "area/bristol", ID + "gss/E05010892", ID + "area/bnssg"} <= set(data["area_iris"])
    assert abs(float(data["latitude"]) - 51.4532) < 1e-4 and abs(float(data["longitude"]) + 2.594796) < 1e-4


def test_shipped_postcode_district_resolves_to_the_areas_it_falls_in(shipped):
    page = shipped.get("/postcode?pc=BS1")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Postcode district BS1" in html and "808 postcodes" in html
    data = shipped.get("/postcode.json?pc=bs1").get_json()
    assert data["kind"] == "district" and ID + "area/bristol" in data["area_iris"]
    wards = {a["iri"] for a in data["areas"] if a["how"] == "overlaps"}
    assert ID + "gss/E05010892" in wards  # BS1 1NG's ward holds some of BS1
    assert any(s["iri"].endswith("bristol-mental-health-recovery-navigators") for s in data["schemes"])


def test_shipped_north_somerset_postcode(shipped):
    # BS20 6AQ (Portishead Medical Group's postcode) lies in E06000024 in bs.csv.
    data = shipped.get("/postcode.json?pc=BS20+6AQ").get_json()
    assert ID + "area/north-somerset" in data["area_iris"]
    assert any(s["iri"].endswith("north-somerset-care-navigator") for s in data["schemes"])
    assert not any(s["iri"].endswith("bristol-mental-health-recovery-navigators") and s["how"] == "covers" for s in data["schemes"])
    assert "QUY" in {o for b in data["bodies_now"] for o in (b["ods"] or "").split()}


def test_shipped_malformed_postcode_is_400(shipped):
    page = shipped.get("/postcode?pc=BS1+1N")
    assert page.status_code == 400
    assert "not in the expected format" in page.get_data(as_text=True)


def test_postcodes_find_is_the_function_other_code_calls(store):
    """/find and ORUK call socialrx.postcodes.find: a full postcode or a district, by IRI."""
    unit = postcodes.find(store, "bs1 1ng")
    assert unit.kind == "unit" and unit.unit == ID + "postcode/BS11NG"
    district = postcodes.find(store, "BS1")
    assert district.kind == "district" and district.units == 808
    assert postcodes.find(store, "ZZ1 1ZZ") is None
    with pytest.raises(postcodes.MalformedPostcode):
        postcodes.find(store, "BS1 1N")


def test_area_pages_list_the_71_active_bnssg_practices_with_list_sizes(shipped):
    counts = {}
    for area in ("bristol", "north-somerset", "south-gloucestershire"):
        html = shipped.get(f"/id/area/{area}", headers={"Accept": "text/html"}).get_data(as_text=True)
        heading = html.split('id="practices-heading">', 1)[1].split("</h2>", 1)[0]
        counts[area] = int(heading.rsplit("(", 1)[1].rstrip(")"))
        assert 'id="srx-map"' in html and '"kind": "practice"' in html
        assert "Contains information from NHS England" in html
    assert counts == {"bristol": 37, "north-somerset": 14, "south-gloucestershire": 20}
    assert sum(counts.values()) == 71
    html = shipped.get("/id/area/north-somerset", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "PORTISHEAD MEDICAL GROUP" in html and "17,354" in html and "2026-04-01" in html


def test_home_map_places_practices_and_postcode_districts_not_every_postcode(shipped):
    html = shipped.get("/").get_data(as_text=True)
    points = html.split("data-points='", 1)[1].split("'", 1)[0]
    assert points.count('"kind": "practice"') == 71
    assert 30 < points.count('"kind": "district"') < 100
    assert "/postcode/BS" not in points
