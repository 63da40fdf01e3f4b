"""Issue 11.10: the catalogue parses and runs queries; the pages present results; kb.py knows nothing of the catalogue."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "server" / "socialrx"


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, written relative to the package (`.catalogue_graph`, `..kb`) or absolute."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_kb_does_not_reach_into_the_catalogue():
    assert not {m for m in imported_modules(PACKAGE / "kb.py") if "catalogue" in m}


def test_catalogue_holds_no_presentation():
    source = (PACKAGE / "catalogue.py").read_text(encoding="utf-8")
    for name in ("def bar_chart", "def map_points", "def result_table", "class BarChart", "def count_value"):
        assert name not in source, f"{name} belongs beside the page models in pages/"


def test_results_presentation_lives_in_pages():
    from socialrx.pages import results

    for name in ("bar_chart", "map_points", "result_table", "count_value", "local_href", "compact_iri", "humanise"):
        assert callable(getattr(results, name))


def test_the_loaded_knowledge_base_still_holds_the_catalogue_graph(kb):
    from socialrx.kb import QUERIES_GRAPH

    assert kb.store.query(f"ASK {{ GRAPH <{QUERIES_GRAPH}> {{ ?q a <http://www.w3.org/ns/shacl#SPARQLExecutable> }} }}")
