"""ONS column names: a geography, a two-digit year and a suffix (LAD22CD, SICBL22CDH, ICB23NM …).

ONS renames columns every year, so importers find columns by pattern rather than by exact name.
"""

from __future__ import annotations

import re

COLUMN = re.compile(r"^(?P<geo>[A-Z]+?)(?P<year>\d{2})(?P<kind>CDH|CD|NMW|NM)$", re.I)


def find_columns(header: list[str]) -> dict[tuple[str, str], int]:
    """Map (geography, kind) → column index, choosing the latest year when a geography appears twice."""
    best: dict[tuple[str, str], tuple[int, int]] = {}
    for i, name in enumerate(header):
        m = COLUMN.match(name.strip())
        if not m:
            continue
        key = (m["geo"].upper(), m["kind"].upper())
        year = int(m["year"])
        if key not in best or year > best[key][0]:
            best[key] = (year, i)
    return {key: i for key, (year, i) in best.items()}


def first_present(columns: dict, geos: tuple[str, ...], kind: str) -> tuple[str, int] | None:
    """The first geography of `geos` that has a `kind` column, with its index."""
    for geo in geos:
        if (geo, kind) in columns:
            return geo, columns[(geo, kind)]
    return None


def by_name(header: list[str], *candidates: str, pattern: str | None = None) -> int | None:
    """Index of the first column named like a candidate (case-insensitive), or matching a pattern."""
    lowered = [h.strip().lower() for h in header]
    for name in candidates:
        if name.lower() in lowered:
            return lowered.index(name.lower())
    if pattern:
        rx = re.compile(pattern, re.I)
        for i, h in enumerate(lowered):
            if rx.match(h):
                return i
    return None
