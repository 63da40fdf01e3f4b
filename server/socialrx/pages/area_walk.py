"""Walks between areas one step at a time (srx:within up, srx:succeededBy back), with no transitive path.

A `srx:within*` path from a VALUES list, or two transitive paths in a row, are where the engines part: OpenLink
Virtuoso 7.2.5 refuses the first ("transitive start not given") and answers the second in full on some fresh
servers and partly on others (docs/scale.md). One level per query, with the areas written in, every engine
answers alike, and the cost follows the number of areas asked about, never the postcode units below them.
"""

from __future__ import annotations

from ..importers.nquads import safe_iri
from ..namespaces import sparql_prologue

PROLOGUE = sparql_prologue(["srx"])
# The areas directly above some areas (bound through VALUES).
ABOVE = PROLOGUE + "SELECT ?x ?next WHERE { VALUES ?x { %s } ?x srx:within ?next }"
# The areas some areas took over from (?next srx:succeededBy ?x: ?next is the former area).
TOOK_OVER = PROLOGUE + "SELECT ?x ?next WHERE { VALUES ?x { %s } ?next srx:succeededBy ?x }"
LEVELS = 20  # deeper than any chain of areas (postcode unit, ward, district, county, region, country)
STEP_ROWS = 100_000
BATCH = 1_000  # areas written into one query: well under the store's max_request_kb at any IRI length


def batches(items: list[str]):
    """items in slices of BATCH, each to be written into one query's VALUES."""
    for i in range(0, len(items), BATCH):
        yield items[i:i + BATCH]


def above(store, areas) -> dict[str, set[str]]:
    """Each area → itself and every area it lies within (srx:within*)."""
    return _closure(store, areas, ABOVE)


def took_over(store, area: str) -> set[str]:
    """The area and every area it took over from, directly or through others (?x srx:succeededBy* area)."""
    return _closure(store, [area], TOOK_OVER).get(area, {area})


def _closure(store, areas, step: str) -> dict[str, set[str]]:
    areas = [a for a in dict.fromkeys(areas) if a and safe_iri(a)]
    found: dict[str, set[str]] = {a: {a} for a in areas}
    nexts: dict[str, set[str]] = {}
    level = areas
    for _ in range(LEVELS):
        if not level:
            break
        for a in level:
            nexts[a] = set()
        for batch in batches(level):
            for r in store.query(step % " ".join(f"<{a}>" for a in batch), max_rows=STEP_ROWS).rows:
                nexts[r["x"]["value"]].add(r["next"]["value"])
        level = sorted({n for a in level for n in nexts[a] if n not in nexts and safe_iri(n)})
    for a in areas:
        todo = [a]
        while todo:
            for n in nexts.get(todo.pop(), ()):
                if n not in found[a]:
                    found[a].add(n)
                    todo.append(n)
    return found
