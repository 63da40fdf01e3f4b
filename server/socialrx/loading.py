"""Assemble the knowledge base as the site and the commands use it: the curated files, the imported datasets
and the graphs other parts hand in (today the query catalogue's), so kb.py need not know those parts."""

from __future__ import annotations

import sys
from pathlib import Path

from . import paths
from .catalogue_graph import CatalogueFeed
from .importers.store_files import remove_stale_temp_files
from .kb import KnowledgeBase


def load_knowledge_base(root: Path | None = None, files: list[Path] | None = None, **kw) -> KnowledgeBase:
    """KnowledgeBase.load with the query catalogue's graph fed in (only when the whole knowledge base is loaded)."""
    root = Path(root) if root else paths.kb_root()
    feeds = [CatalogueFeed(root / "queries")] if files is None else []
    removed = remove_stale_temp_files(Path(kw.get("imports") or root / "imports")) if files is None else []
    for line in removed:  # an import killed mid-way (kill -9) left its temporary file: say what start removed
        print(f"imports: {line}", file=sys.stderr)
    kb = KnowledgeBase.load(root, files=files, feeds=feeds, **kw)
    kb.stale_temp_files_removed = removed
    return kb
