"""ODS imports (epraccur legacy and current export, eccg) and list sizes, on real slices of the published files
(tests/fixtures/imports/README.md): named graph with provenance, curated IRIs reused, idempotent, refusals by line."""

import hashlib

import pyoxigraph as ox
from imports_support import FIXTURES, ID, PROV, SRX, graph_of, import_fixture, load_kb, objects

GRAPH = "https://w3id.org/socialrx/graph/import/ods-epraccur"


def test_epraccur_imports_practices_into_their_own_graph(folder):
    assert import_fixture(folder, "ods", "epraccur", "epraccur.csv") == 0
    g = graph_of(folder / "ods-epraccur.nq")
    assert {q.graph_name.value for q in g} == {GRAPH}
    practice = ID + "practice/L81004"
    assert objects(g, practice, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == [SRX + "GPPractice"]
    assert objects(g, practice, SRX + "odsCode") == ["L81004"]
    assert objects(g, practice, "http://www.w3.org/2000/01/rdf-schema#label") == ["PORTISHEAD MEDICAL GROUP"]
    assert objects(g, practice, SRX + "postcode") == ["BS20 6AQ"]
    assert objects(g, practice, SRX + "founded") == ["1974-04-01"]
    assert objects(g, practice, SRX + "odsStatus") == ["A"]
    assert objects(g, practice, SRX + "prescribingSetting") == ["4"]
    assert objects(g, practice, SRX + "odsRecord") == ["https://directory.spineservices.nhs.uk/ORD/2-0-0/organisations/L81004"]
    assert objects(g, ID + "practice/L81006", SRX + "dissolved") == ["2017-04-30"]


def test_the_current_export_format_imports_beside_the_legacy_one(folder):
    """ODS Data Search and Export: status ACTIVE/INACTIVE and role codes (RO76 GP practice, RO72 other) in column 26."""
    assert import_fixture(folder, "ods", "epraccur", "epraccur-dse.csv") == 0
    g = graph_of(folder / "ods-epraccur.nq")
    practice = ID + "practice/L81004"
    assert objects(g, practice, SRX + "odsStatus") == ["ACTIVE"]
    assert objects(g, practice, SRX + "odsRole") == ["RO76"]
    assert objects(g, practice, SRX + "prescribingSetting") == []
    assert objects(g, practice, SRX + "commissionedBy") == [ID + "org/nhs-bnssg-sub-icb-15c"]
    assert objects(g, ID + "practice/L81028", SRX + "odsStatus") == ["INACTIVE"]
    assert objects(g, ID + "practice/L81028", SRX + "dissolved") == ["2020-11-30"]
    assert objects(g, ID + "practice/A99931", SRX + "odsRole") == ["RO72"]


def test_list_sizes_attach_to_practices_with_their_date(folder):
    assert import_fixture(folder, "nhs", "patients", "gp-reg-pat-prac-all.csv") == 0
    g = graph_of(folder / "nhs-gp-registered-patients.nq")
    assert objects(g, ID + "practice/L81007", SRX + "registeredPatients") == ["39363"]
    assert objects(g, ID + "practice/L81007", SRX + "registeredPatientsOn") == ["2026-04-01"]
    assert objects(g, ID + "practice/Y02873", SRX + "registeredPatients") == ["94"]
    graph = "https://w3id.org/socialrx/graph/import/nhs-gp-registered-patients"
    assert objects(g, graph, "http://purl.org/dc/terms/license") == ["http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"]
    assert "Contains information from NHS England" in objects(g, graph, "http://purl.org/dc/terms/rights")[0]


def test_list_sizes_by_age_or_sex_are_refused_by_line(folder, tmp_path, capsys):
    rows = (FIXTURES / "gp-reg-pat-prac-all.csv").read_text().splitlines()
    broken = tmp_path / "by-sex.csv"
    broken.write_text("\n".join([rows[0], rows[1], rows[2].replace(",ALL,ALL,", ",MALE,ALL,"), rows[3].replace(",94", ",lots")]) + "\n")
    assert import_fixture(folder, "nhs", "patients", broken) == 1
    out = capsys.readouterr().out
    assert "line 3: SEX: 'MALE': only the totals file" in out
    assert "line 4: NUMBER_OF_PATIENTS: 'lots' is not a number of patients" in out


def test_commissioners_map_to_curated_bodies_or_minted_ods_iris(folder):
    import_fixture(folder, "ods", "epraccur", "epraccur.csv")
    g = graph_of(folder / "ods-epraccur.nq")
    # 15C today is the sub-ICB location, not the CCG of 2018-2022 that had the same code.
    assert objects(g, ID + "practice/L81004", SRX + "commissionedBy") == [ID + "org/nhs-bnssg-sub-icb-15c"]
    assert objects(g, ID + "practice/L81006", SRX + "commissionedBy") == [ID + "org/nhs-bristol-ccg"]
    assert objects(g, ID + "practice/B87001", SRX + "commissionedBy") == [ID + "org/nhs-wakefield-sub-icb-03r"]
    assert objects(g, ID + "practice/J83001", SRX + "commissionedBy") == [ID + "ods/92G"]


def test_provenance_names_file_size_checksum_time_and_publisher(folder):
    import_fixture(folder, "ods", "epraccur", "epraccur.csv")
    g = graph_of(folder / "ods-epraccur.nq")
    data = (FIXTURES / "epraccur.csv").read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    source = ID + f"file/sha256-{digest}"
    assert objects(g, GRAPH, PROV + "wasDerivedFrom") == [source]
    assert len(objects(g, GRAPH, PROV + "generatedAtTime")) == 1
    assert objects(g, GRAPH, "http://purl.org/dc/terms/publisher") == [ID + "org/nhs-england"]
    assert objects(g, source, "http://purl.org/dc/terms/title") == ["epraccur.csv"]
    assert objects(g, source, "http://www.w3.org/ns/dcat#byteSize") == [str(len(data))]
    assert objects(g, source + "#sha256", "http://spdx.org/rdf/terms#checksumValue") == [digest]


def test_reimporting_the_same_file_changes_nothing(folder, capsys):
    import_fixture(folder, "ods", "epraccur", "epraccur.csv")
    target = folder / "ods-epraccur.nq"
    first = target.read_bytes()
    assert import_fixture(folder, "ods", "epraccur", "epraccur.csv") == 0
    assert "unchanged" in capsys.readouterr().out
    assert target.read_bytes() == first
    # Forced, it is written again: only the import time differs, the triple count does not.
    assert import_fixture(folder, "ods", "epraccur", "epraccur.csv", "--force") == 0
    assert len(graph_of(target)) == len(graph_of_bytes(first))


def graph_of_bytes(data):
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.N_QUADS)
    return store


def test_broken_rows_are_refused_by_line_and_column_and_the_good_rows_import(folder, capsys):
    assert import_fixture(folder, "ods", "epraccur", "epraccur-broken.csv") == 1
    out = capsys.readouterr().out
    assert "7 rows read, 2 imported, 5 refused" in out
    assert "line 2: (row): expected 27 columns, found 26" in out
    assert "line 3: PracticeOdsCode: 'L8!001' is not an ODS code" in out
    assert "line 4: OpenDate: '20221345' is not a date" in out
    assert "line 5: Postcode: 'NOT A PC' is not a UK postcode" in out
    assert "line 6: StatusCode: 'OPEN' is not an ODS status" in out
    g = graph_of(folder / "ods-epraccur.nq")
    subjects = {q.subject.value for q in g if q.subject.value.startswith(ID + "practice/") and "#" not in q.subject.value}
    assert subjects == {ID + "practice/L81004", ID + "practice/L81007"}


def test_a_file_with_no_good_row_keeps_the_existing_graph(folder, tmp_path):
    import_fixture(folder, "ods", "epraccur", "epraccur.csv")
    before = (folder / "ods-epraccur.nq").read_bytes()
    bad = tmp_path / "all-bad.csv"
    bad.write_text('"L81004","ONLY TWO COLUMNS"\n')
    assert import_fixture(folder, "ods", "epraccur", bad) == 1
    assert (folder / "ods-epraccur.nq").read_bytes() == before


def test_unreadable_input_exits_2_and_keeps_the_existing_graph(folder, tmp_path, capsys):
    import_fixture(folder, "ods", "epraccur", "epraccur.csv")
    before = (folder / "ods-epraccur.nq").read_bytes()
    assert import_fixture(folder, "ods", "epraccur", tmp_path / "missing.csv") == 2
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b'"L81004","\xff\xfe\x00 NOT TEXT"\n')
    assert import_fixture(folder, "ods", "epraccur", binary) == 2
    assert "nothing was imported" in capsys.readouterr().err
    assert (folder / "ods-epraccur.nq").read_bytes() == before
    assert not list(folder.glob(".*.tmp"))


def test_eccg_adds_ods_facts_to_curated_bodies_and_mints_the_rest(folder):
    assert import_fixture(folder, "ods", "eccg", "eccg.csv") == 0
    g = graph_of(folder / "ods-eccg.nq")
    icb = ID + "org/nhs-bnssg-icb"
    sub = ID + "org/nhs-bnssg-sub-icb-15c"
    assert "NHS BRISTOL, NORTH SOMERSET AND SOUTH GLOUCESTERSHIRE ICB - 15C" in objects(g, sub, "http://www.w3.org/2004/02/skos/core#altLabel")
    assert objects(g, sub, "http://www.w3.org/ns/org#subOrganizationOf") == [icb]
    # 92G (Bath and North East Somerset, Swindon and Wiltshire) and its ICB QOX are not curated: minted from ODS codes.
    minted = ID + "ods/92G"
    assert objects(g, minted, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == [SRX + "SubICBLocation"]
    assert objects(g, minted, SRX + "founded") == ["2020-04-01"]
    assert objects(g, minted, "http://www.w3.org/ns/org#subOrganizationOf") == [ID + "ods/QOX"]
    assert objects(g, ID + "ods/QOX", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == [SRX + "IntegratedCareBoard"]
    # Curated bodies keep their own dates: ODS open/close dates belong to the code's record.
    assert objects(g, ID + "org/nhs-bristol-ccg", SRX + "dissolved") == []


def test_imported_graphs_load_into_the_knowledge_base(folder):
    import_fixture(folder, "ods", "eccg", "eccg.csv")
    import_fixture(folder, "ods", "epraccur", "epraccur.csv")
    kb = load_kb(folder)
    assert "https://w3id.org/socialrx/graph/import/ods-epraccur" in kb.graph_names()
    assert "https://w3id.org/socialrx/graph/import/ods-eccg" in kb.graph_names()
