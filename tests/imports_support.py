"""Shared by the import, enrichment, link-report and postcode tests: import the fixture files into a
temporary imports folder and open the knowledge base (with those imports) behind the usual store."""

from __future__ import annotations

from pathlib import Path

from socialrx import cli
from socialrx.kb import KnowledgeBase, kb_files
from socialrx.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
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


def graph_of(path: Path):
    """Parse one imported N-Quads file into a pyoxigraph store."""
    import pyoxigraph as ox

    store = ox.Store()
    with Path(path).open("rb") as fh:
        store.load(fh, format=ox.RdfFormat.N_QUADS)
    return store
