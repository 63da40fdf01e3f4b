"""Assemble the knowledge base as the site and the commands use it: the curated files, the imported datasets
and the graphs other parts hand in (today the query catalogue's), so kb.py need not know those parts."""

from __future__ import annotations

from pathlib import Path

from . import paths
from .catalogue_graph import CatalogueFeed
from .kb import KnowledgeBase


def load_knowledge_base(root: Path | None = None, files: list[Path] | None = None, **kw) -> KnowledgeBase:
    """KnowledgeBase.load with the query catalogue's graph fed in (only when the whole knowledge base is loaded)."""
    root = Path(root) if root else paths.kb_root()
    feeds = [CatalogueFeed(root / "queries")] if files is None else []
    return KnowledgeBase.load(root, files=files, feeds=feeds, **kw)
