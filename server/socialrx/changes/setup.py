"""Where the workflow keeps its state, and a review desk over the knowledge-base files (for the command line)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from .. import paths
from .queue import Queue
from .review import Desk


def db_path(settings, root: Path | None = None) -> Path:
    return Path(settings.changes_db) if settings.changes_db else Path(root or paths.kb_root()) / ".socialrx" / "changes.sqlite"


def open_queue(settings, root: Path | None = None) -> Queue:
    return Queue(db_path(settings, root))


def secret_key(settings, root: Path | None = None) -> bytes:
    """The key that signs session cookies and CSRF tokens: made once, kept beside the database (mode 0600)."""
    path = db_path(settings, root).with_name("secret_key")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
        return key
    except FileExistsError:
        return path.read_bytes()


def file_desk(settings, root: Path | None = None) -> Desk:
    """A desk that reads the knowledge base afresh from the files for every decision (the CLI's)."""
    from ..loading import load_knowledge_base
    from ..store import open_store
    from ..validate import shapes_graph

    root = Path(root or paths.kb_root())
    state: dict = {}

    def reload():
        old = state.pop("store", None)
        if old is not None:
            old.close()
        state["kb"] = load_knowledge_base(root)
        state["store"] = open_store(state["kb"], settings)

    def kb():
        if "kb" not in state:
            reload()
        return state["kb"]

    def store():
        kb()
        return state["store"]

    desk = Desk(queue=open_queue(settings, root), root=root, kb=kb, store=store, shapes=lambda: shapes_graph(root),
                on_change=lambda: None, refresh=reload)
    desk.close = lambda: state.get("store") and state["store"].close()
    return desk
