"""Where the knowledge-base folders are, in a source checkout and in an installed wheel."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_INSTALLED = _PACKAGE / "_kb"
_CHECKOUT = _PACKAGE.parent.parent


def kb_root() -> Path:
    """Return the folder holding ontology/, data/, shapes/ and queries/."""
    if (_INSTALLED / "ontology").is_dir():
        return _INSTALLED
    return _CHECKOUT


def folder(name: str) -> Path:
    """Return one knowledge-base folder by name: ontology, data, shapes or queries."""
    return kb_root() / name
