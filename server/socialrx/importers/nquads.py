"""Fast N-Quads lines for streamed imports: terms are formatted as text, not built as objects.

Every IRI passed here is built from a validated code or checked with `safe_iri`; every literal
is escaped, so the lines always parse.
"""

from __future__ import annotations

import re

XSD = "http://www.w3.org/2001/XMLSchema#"
_UNSAFE_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def iri(value: str) -> str:
    return f"<{value}>"


def safe_iri(value: str) -> bool:
    """True when the text can stand between angle brackets as an absolute IRI."""
    return bool(value) and ":" in value and not _UNSAFE_IRI.search(value)


def literal(value: str, lang: str | None = None, datatype: str | None = None) -> str:
    text = f'"{str(value).translate(_ESCAPES)}"'
    if lang:
        return f"{text}@{lang}"
    if datatype and datatype != XSD + "string":
        return f"{text}^^<{datatype}>"
    return text


def typed(value, xsd_name: str) -> str:
    return literal(str(value), datatype=XSD + xsd_name)


class QuadWriter:
    """Writes quads of one graph to a text sink, counting them; `once` skips repeats of bounded statements."""

    def __init__(self, sink, graph_iri: str):
        self.sink = sink
        self.graph = iri(graph_iri)
        self.count = 0
        self._seen: set[tuple[str, str, str]] = set()

    def quad(self, s: str, p: str, o: str) -> None:
        self.sink.write(f"{s} {p} {o} {self.graph} .\n")
        self.count += 1

    def once(self, s: str, p: str, o: str) -> None:
        """Write a statement the first time only (for shared entities, not per-row facts)."""
        key = (s, p, o)
        if key not in self._seen:
            self._seen.add(key)
            self.quad(s, p, o)

    def comment(self, text: str) -> None:
        self.sink.write(f"# {text}\n")
