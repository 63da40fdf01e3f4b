"""OS Code-Point Open import on a real slice of bs.csv: grid references to WGS 84 with pyproj, districts and wards,
postcode districts, provenance with the OS attribution, idempotent re-import, refusals by line and column."""

import os

import pytest
from imports_support import FIXTURES, ID, SRX, graph_of, import_fixture, objects

GRAPH = "https://w3id.org/socialrx/graph/import/os-codepoint"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DCT = "http://purl.org/dc/terms/"


@pytest.fixture
def graph(folder):
    assert import_fixture(folder, "os", "codepoint", "codepoint-bs.csv") == 0
    return graph_of(folder / "os-codepoint.nq")


def test_postcode_units_are_placed_in_their_district_and_ward(graph):
    unit = ID + "postcode/BS11NG"
    assert objects(graph, unit, TYPE) == [SRX + "PostcodeUnit"]
    assert objects(graph, unit, SRX + "postcode") == ["BS1 1NG"]
    # Bristol is our curated area for E06000023; the ward is minted from its code.
    assert objects(graph, unit, SRX + "within") == [ID + "area/bristol", ID + "gss/E05010892"]
    assert objects(graph, ID + "gss/E05010892", SRX + "within") == [ID + "area/bristol"]
    assert objects(graph, ID + "postcode/BS206AQ", SRX + "within") == [ID + "area/north-somerset", ID + "gss/E05010294"]
    assert ID + "area/south-gloucestershire" in objects(graph, ID + "postcode/BS324DS", SRX + "within")


def test_grid_references_become_wgs84_points_close_to_onspd(graph):
    # ONSPD gives BS1 1NG 51.4532, -2.594796 and BS14 0AL 51.417154, -2.578321 (realdata PROVENANCE.md).
    for unit, lat, lon in (("BS11NG", 51.4532, -2.594796), ("BS140AL", 51.417154, -2.578321)):
        assert float(objects(graph, ID + "postcode/" + unit, SRX + "latitude")[0]) == pytest.approx(lat, abs=2e-5)
        assert float(objects(graph, ID + "postcode/" + unit, SRX + "longitude")[0]) == pytest.approx(lon, abs=2e-5)


def test_areas_no_shipped_source_names_are_labelled_by_their_code(graph):
    assert objects(graph, ID + "gss/E05010892", LABEL) == ["Electoral ward E05010892 (name not in the shipped data)"]
    assert objects(graph, ID + "gss/E06000022", LABEL) == ["Local authority district E06000022 (name not in the shipped data)"]
    assert objects(graph, ID + "area/bristol", LABEL) == []  # curated: its name is in data/places.trig


def test_a_postcode_without_district_or_ward_keeps_its_point(graph):
    unit = ID + "postcode/BS160GS"
    assert objects(graph, unit, SRX + "within") == []
    assert len(objects(graph, unit, SRX + "latitude")) == 1


def test_postcode_districts_lie_within_or_overlap_areas(graph):
    bs1 = ID + "postcode-district/BS1"
    assert objects(graph, bs1, TYPE) == [SRX + "PostcodeDistrict"]
    assert objects(graph, bs1, SRX + "postcodeUnits") == ["3"]
    assert objects(graph, bs1, SRX + "within") == [ID + "area/bristol"]
    assert objects(graph, bs1, SRX + "overlaps") == [ID + "gss/E05010892", ID + "gss/E05010907"]
    bs14 = ID + "postcode-district/BS14"
    assert objects(graph, bs14, SRX + "within") == []  # one unit in Bristol, one in Bath and North East Somerset
    assert ID + "area/bristol" in objects(graph, bs14, SRX + "overlaps")


def test_provenance_licence_and_attribution(graph):
    assert objects(graph, GRAPH, DCT + "publisher") == [ID + "org/ordnance-survey"]
    assert objects(graph, GRAPH, DCT + "license") == ["http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"]
    rights = objects(graph, GRAPH, DCT + "rights")[0]
    assert rights.startswith("Contains OS data © Crown copyright and database right 2025.")
    assert "Royal Mail" in rights and "National Statistics" in rights


def test_reimporting_the_same_file_changes_nothing(folder, capsys):
    assert import_fixture(folder, "os", "codepoint", "codepoint-bs.csv") == 0
    first = (folder / "os-codepoint.nq").read_bytes()
    assert import_fixture(folder, "os", "codepoint", "codepoint-bs.csv") == 0
    assert "unchanged" in capsys.readouterr().out
    assert (folder / "os-codepoint.nq").read_bytes() == first
    assert import_fixture(folder, "os", "codepoint", "codepoint-bs.csv", "--force") == 0
    assert len(graph_of(folder / "os-codepoint.nq")) == len(graph_of_bytes(first))


def graph_of_bytes(data):
    import pyoxigraph as ox

    store = ox.Store()
    store.load(data, format=ox.RdfFormat.N_QUADS)
    return store


def test_bad_rows_are_refused_by_line_and_column(folder, capsys):
    assert import_fixture(folder, "os", "codepoint", "codepoint-broken.csv") == 1
    out = capsys.readouterr().out
    assert "8 rows read, 2 imported, 6 refused" in out
    for expected in ("line 2: (row): expected 10 columns, found 9",
                     "line 3: Postcode: 'BS1 1N' is not a UK postcode",
                     "line 4: Positional_quality_indicator: '70' is not a positional quality indicator",
                     "line 5: Eastings: 'abc' is not a whole number",
                     "line 6: Northings: 9999999 is outside the British National Grid",
                     "line 7: Admin_district_code: 'E0600002X' is not a GSS code"):
        assert expected in out, expected
    g = graph_of(folder / "os-codepoint.nq")
    units = {q.subject.value for q in g if q.predicate.value == TYPE and q.object.value == SRX + "PostcodeUnit"}
    assert units == {ID + "postcode/BS11NG", ID + "postcode/BS206AQ"}


def test_unreadable_input_exits_2(folder, tmp_path, capsys):
    assert import_fixture(folder, "os", "codepoint", tmp_path / "missing.csv") == 2
    assert "nothing was imported" in capsys.readouterr().err


def test_the_fixture_is_a_verbatim_slice_of_the_real_file():
    """Every line of codepoint-bs.csv is a line of OS Code-Point Open bs.csv (when ../shared/realdata is beside the clone)."""
    real = FIXTURES.parents[3] / "shared" / "realdata" / "os-codepoint-open-bs" / "bs.csv"
    if not real.exists():
        assert not os.environ.get("CI"), f"CI lays shared/ beside the clone, but {real} is missing"
        pytest.skip(f"{real} is not beside this clone")  # a developer's checkout without shared/
    lines = set(real.read_text(encoding="utf-8").splitlines())
    assert all(line in lines for line in (FIXTURES / "codepoint-bs.csv").read_text(encoding="utf-8").splitlines())
