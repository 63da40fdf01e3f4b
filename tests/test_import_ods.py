"""ODS imports (epraccur, eccg): named graph with provenance, curated IRIs reused, idempotent, refusals by line."""

import hashlib

import pyoxigraph as ox
from imports_support import FIXTURES, ID, PROV, SRX, graph_of, import_fixture, load_kb, objects

GRAPH = "https://w3id.org/socialrx/graph/import/ods-epraccur"


def test_epraccur_imports_practices_into_their_own_graph(folder):
    assert import_fixture(folder, "ods", "epraccur", "epraccur.csv") == 0
    g = graph_of(folder / "ods-epraccur.nq")
    assert {q.graph_name.value for q in g} == {GRAPH}
    practice = ID + "practice/L99001"
    assert objects(g, practice, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == [SRX + "GPPractice"]
    assert objects(g, practice, SRX + "odsCode") == ["L99001"]
    assert objects(g, practice, SRX + "postcode") == ["BS1 1NG"]
    assert objects(g, practice, SRX + "founded") == ["2000-04-01"]
    assert objects(g, practice, SRX + "odsRecord") == ["https://directory.spineservices.nhs.uk/ORD/2-0-0/organisations/L99001"]
    assert objects(g, ID + "practice/L99002", SRX + "dissolved") == ["2015-03-31"]


def test_commissioners_map_to_curated_bodies_or_minted_ods_iris(folder):
    import_fixture(folder, "ods", "epraccur", "epraccur.csv")
    g = graph_of(folder / "ods-epraccur.nq")
    # 15C today is the sub-ICB location, not the CCG of 2018-2022 that had the same code.
    assert objects(g, ID + "practice/L99001", SRX + "commissionedBy") == [ID + "org/nhs-bnssg-sub-icb-15c"]
    assert objects(g, ID + "practice/L99002", SRX + "commissionedBy") == [ID + "org/nhs-bristol-ccg"]
    assert objects(g, ID + "practice/Y99004", SRX + "commissionedBy") == [ID + "ods/Z9Z"]


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
    assert "6 rows read, 2 imported, 4 refused" in out
    assert "line 2: (row): expected 27 columns, found 26" in out
    assert "line 3: PracticeOdsCode: 'L8!001' is not an ODS code" in out
    assert "line 4: OpenDate: '20221345' is not a date" in out
    assert "line 5: Postcode: 'NOT A PC' is not a UK postcode" in out
    g = graph_of(folder / "ods-epraccur.nq")
    subjects = {q.subject.value for q in g if q.subject.value.startswith(ID + "practice/") and "#" not in q.subject.value}
    assert subjects == {ID + "practice/L99001", ID + "practice/Y99004"}


def test_a_file_with_no_good_row_keeps_the_existing_graph(folder, tmp_path):
    import_fixture(folder, "ods", "epraccur", "epraccur.csv")
    before = (folder / "ods-epraccur.nq").read_bytes()
    bad = tmp_path / "all-bad.csv"
    bad.write_text('"L99001","ONLY TWO COLUMNS"\n')
    assert import_fixture(folder, "ods", "epraccur", bad) == 1
    assert (folder / "ods-epraccur.nq").read_bytes() == before


def test_unreadable_input_exits_2_and_keeps_the_existing_graph(folder, tmp_path, capsys):
    import_fixture(folder, "ods", "epraccur", "epraccur.csv")
    before = (folder / "ods-epraccur.nq").read_bytes()
    assert import_fixture(folder, "ods", "epraccur", tmp_path / "missing.csv") == 2
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b'"L99001","\xff\xfe\x00 NOT TEXT"\n')
    assert import_fixture(folder, "ods", "epraccur", binary) == 2
    assert "nothing was imported" in capsys.readouterr().err
    assert (folder / "ods-epraccur.nq").read_bytes() == before
    assert not list(folder.glob(".*.tmp"))


def test_eccg_adds_ods_facts_to_curated_bodies_and_mints_the_rest(folder):
    assert import_fixture(folder, "ods", "eccg", "eccg.csv") == 0
    g = graph_of(folder / "ods-eccg.nq")
    icb = ID + "org/nhs-bnssg-icb"
    assert "NHS BRISTOL, NORTH SOMERSET AND SOUTH GLOUCESTERSHIRE INTEGRATED CARE BOARD" in objects(g, icb, "http://www.w3.org/2004/02/skos/core#altLabel")
    assert objects(g, ID + "org/nhs-bnssg-sub-icb-15c", "http://www.w3.org/ns/org#subOrganizationOf") == [icb]
    minted = ID + "ods/Z9Z"
    assert objects(g, minted, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == [SRX + "SubICBLocation"]
    assert objects(g, minted, SRX + "founded") == ["2022-07-01"]
    assert objects(g, minted, "http://www.w3.org/ns/org#subOrganizationOf") == [icb]
    # Curated bodies keep their own dates: ODS open/close dates belong to the code's record.
    assert objects(g, ID + "org/nhs-bristol-ccg", SRX + "dissolved") == []


def test_imported_graphs_load_into_the_knowledge_base(folder):
    import_fixture(folder, "ods", "eccg", "eccg.csv")
    import_fixture(folder, "ods", "epraccur", "epraccur.csv")
    kb = load_kb(folder)
    assert "https://w3id.org/socialrx/graph/import/ods-epraccur" in kb.graph_names()
    assert "https://w3id.org/socialrx/graph/import/ods-eccg" in kb.graph_names()
