"""ONS imports (lookup, ONSPD): areas and bodies joined to curated IRIs, postcodes placed in their areas."""

import pyoxigraph as ox
from imports_support import ID, SRX, graph_of, import_all, import_fixture, load_kb, objects, open_test_store

ORG = "http://www.w3.org/ns/org#"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def test_lookup_links_local_authorities_to_sub_icb_locations_and_icbs(folder):
    assert import_fixture(folder, "ons", "lookup", "ons-lad-sicbl-icb.csv") == 0
    g = graph_of(folder / "ons-lookup.nq")
    # Bristol's sub-ICB and ICB geographies are both the curated BNSSG area (the bodies' one covered area).
    assert objects(g, ID + "area/bristol", SRX + "within") == [ID + "area/bnssg"]
    assert "E54000039" in objects(g, ID + "area/bnssg", SRX + "gssCode")
    # West Yorkshire's ICB covers two curated areas, so its geography is minted from the GSS code.
    wy_area = ID + "gss/E54000054"
    assert objects(g, ID + "area/wakefield", SRX + "within") == [wy_area]
    assert objects(g, wy_area, TYPE) == [SRX + "NHSArea"]
    assert objects(g, ID + "org/nhs-west-yorkshire-icb", SRX + "covers") == [wy_area]
    # 15F is only a dissolved CCG in the curated data: the 2022 sub-ICB location is minted, not confused with it.
    sub = ID + "ods/15F"
    assert objects(g, sub, TYPE) == [SRX + "SubICBLocation"]
    assert objects(g, sub, ORG + "subOrganizationOf") == [ID + "org/nhs-west-yorkshire-icb"]
    assert objects(g, ID + "org/nhs-wakefield-sub-icb-03r", ORG + "subOrganizationOf") == [ID + "org/nhs-west-yorkshire-icb"]


def test_lookup_refuses_bad_rows_by_line(folder, capsys):
    assert import_fixture(folder, "ons", "lookup", "ons-lad-sicbl-icb-broken.csv") == 1
    out = capsys.readouterr().out
    assert "line 3: LAD22CD: 'E0600002X' is not a GSS code" in out
    assert "line 4: (row): expected 9 columns, found 5" in out
    assert "line 5: ICB22CDH: 'Q!Y' is not an ODS code" in out
    assert "4 rows read, 1 imported, 3 refused" in out


def test_lookup_without_usable_columns_is_unreadable(folder, tmp_path, capsys):
    odd = tmp_path / "odd.csv"
    odd.write_text("FOO,BAR\n1,2\n")
    assert import_fixture(folder, "ons", "lookup", odd) == 2
    assert "expected an LSOA or local authority code column" in capsys.readouterr().err


def test_postcodes_are_placed_in_their_areas(folder):
    assert import_fixture(folder, "ons", "postcodes", "onspd.csv") == 0
    g = graph_of(folder / "ons-postcodes.nq")
    unit = ID + "postcode/BS11NG"
    assert objects(g, unit, TYPE) == [SRX + "PostcodeUnit"]
    assert objects(g, unit, SRX + "postcode") == ["BS1 1NG"]
    assert objects(g, unit, SRX + "within") == [ID + "area/bnssg", ID + "area/bristol"]
    assert [float(x) for x in objects(g, unit, SRX + "latitude")] == [51.4532]
    assert [float(x) for x in objects(g, unit, SRX + "longitude")] == [-2.594796]
    assert objects(g, unit, SRX + "founded") == ["2018-08"]
    gone = ID + "postcode/BS19ZZ"
    assert objects(g, gone, SRX + "dissolved") == ["2000-12"]
    assert objects(g, gone, SRX + "latitude") == []  # ONSPD's 99.999999 means no grid reference


def test_older_postcode_directory_layouts_import_too(folder):
    assert import_fixture(folder, "ons", "postcodes", "onspd-2020-layout.csv") == 0
    g = graph_of(folder / "ons-postcodes.nq")
    assert ID + "area/bristol" in objects(g, ID + "postcode/BS11NG", SRX + "within")


def test_postcode_rows_with_errors_are_refused_and_the_rest_imported(folder, capsys):
    assert import_fixture(folder, "ons", "postcodes", "onspd-broken.csv") == 1
    out = capsys.readouterr().out
    for expected in ("line 3: pcds: 'BS1 1N' is not a UK postcode", "line 4: lat: 'abc' is not a number",
                     "line 5: (row): expected 53 columns, found 40", "line 6: oslaua: 'E0600002X' is not a GSS code",
                     "line 7: dointr: '201813' is not a year and month"):
        assert expected in out
    g = graph_of(folder / "ons-postcodes.nq")
    units = {q.subject.value for q in g.quads_for_pattern(None, ox.NamedNode(TYPE), ox.NamedNode(SRX + "PostcodeUnit"), None)}
    assert units == {ID + "postcode/BS11NG", ID + "postcode/WF11LT"}


def test_reimporting_postcodes_leaves_the_triple_count_unchanged(folder):
    import_fixture(folder, "ons", "postcodes", "onspd.csv")
    kb_before = len(load_kb(folder))
    assert import_fixture(folder, "ons", "postcodes", "onspd.csv", "--force") == 0
    assert len(load_kb(folder)) == kb_before


BRISTOL_BODIES = """PREFIX srx: <https://w3id.org/socialrx/def/>
SELECT DISTINCT ?body ?ods ?gss ?founded ?dissolved WHERE {
  <https://w3id.org/socialrx/id/area/bristol> srx:within* ?area .
  ?body srx:covers ?area ; a ?type .
  VALUES ?type { srx:IntegratedCareBoard srx:ClinicalCommissioningGroup srx:SubICBLocation }
  OPTIONAL { ?body srx:odsCode ?ods } OPTIONAL { ?body srx:gssCode ?gss }
  OPTIONAL { ?body srx:founded ?founded } OPTIONAL { ?body srx:dissolved ?dissolved }
}"""


def test_bristol_shows_its_icb_now_and_the_ccgs_of_the_time(tmp_path):
    folder = tmp_path / "imports"
    import_all(folder)
    store = open_test_store(load_kb(folder))
    try:
        rows = store.query(BRISTOL_BODIES).rows
    finally:
        store.close()
    v = [{k: b["value"] for k, b in r.items()} for r in rows]
    now = {(r["ods"], r.get("gss")) for r in v if not r.get("dissolved")}
    assert ("QUY", "E54000039") in now
    in_2017 = {r["ods"] for r in v if r.get("founded", "0") <= "2017-12-31" and r.get("dissolved", "9") > "2017-12-31"}
    assert "11H" in in_2017  # NHS Bristol CCG, the CCG of the infographic's time
    assert "QUY" not in in_2017
