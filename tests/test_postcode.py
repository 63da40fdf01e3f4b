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


def test_unknown_postcode_page_is_404_with_a_hint(client):
    page = client.get("/postcode?pc=ZZ1+1ZZ")
    assert page.status_code == 404
    assert "socialrx import ons postcodes" in page.get_data(as_text=True)
    assert client.get("/postcode.json?pc=ZZ1+1ZZ").status_code == 404


def test_postcode_page_without_a_postcode_shows_the_form(client):
    page = client.get("/postcode")
    assert page.status_code == 200 and 'name="pc"' in page.get_data(as_text=True)
    assert client.get("/postcode.json").status_code == 400


def test_postcode_json_twin(client):
    data = client.get("/postcode.json?pc=BS11NG").get_json()
    assert data["postcode"] == "BS1 1NG"
    assert any(s["iri"].endswith("bristol-mental-health-recovery-navigators") for s in data["schemes"])
