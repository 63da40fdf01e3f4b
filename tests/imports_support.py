"""Shared by the import, enrichment, link-report and postcode tests: import the fixture files into a
temporary imports folder, read what was imported, and open the knowledge base (with those imports) behind the
usual store. (The `folder` fixture, an imports folder under tmp_path, is in conftest.py.)"""

from __future__ import annotations

from pathlib import Path

from socialrx import cli
from socialrx.kb import KnowledgeBase, kb_files
from socialrx.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
ID = "https://w3id.org/socialrx/id/"
SRX = "https://w3id.org/socialrx/def/"
PROV = "http://www.w3.org/ns/prov#"
IMPORTS = (
    ("ods", "eccg", "eccg.csv"),
    ("ods", "epraccur", "epraccur.csv"),
    ("ons", "lookup", "ons-lad-sicbl-icb.csv"),
    ("ons", "postcodes", "onspd.csv"),
)


def run_cli(*args) -> int:
    return cli.main([str(a) for a in args])


def import_fixture(folder: Path, publisher: str, kind: str, name: str, *extra) -> int:
    return run_cli("import", publisher, kind, FIXTURES / name, "--imports-dir", folder, "--quiet", *extra)


def import_all(folder: Path) -> None:
    for publisher, kind, name in IMPORTS:
        assert import_fixture(folder, publisher, kind, name) == 0, name


def load_kb(folder: Path, extra: list[Path] = ()) -> KnowledgeBase:
    """The curated knowledge base plus every imported graph in the folder (what kb_files will list)."""
    from socialrx import paths

    imported = sorted(Path(folder).glob("*.nq"))
    local_imports = paths.kb_root() / "imports"  # a developer's own imports must not change the tests' answers
    files = [f for f in kb_files() if not f.is_relative_to(local_imports)] + imported + list(extra)
    return KnowledgeBase.load(files=files)


def open_test_store(kb: KnowledgeBase):
    from socialrx.store import open_store

    return open_store(kb, Settings({"query_workers": 1}))


def objects(store, s: str, p: str) -> list[str]:
    """The sorted values of the objects of (s, p) in a pyoxigraph store, in any graph."""
    import pyoxigraph as ox

    return sorted(q.object.value for q in store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None, None))


def graph_of(path: Path):
    """Parse one imported N-Quads file into a pyoxigraph store."""
    import pyoxigraph as ox

    store = ox.Store()
    with Path(path).open("rb") as fh:
        store.load(fh, format=ox.RdfFormat.N_QUADS)
    return store
