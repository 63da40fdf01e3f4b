"""What counts as a scheme, and what "a scheme in this area" means: written once, used by the home page, the
/schemes facets and (checked by tests/test_one_answer.py) the catalogue's counting queries.

- A scheme is an instance of srx:Scheme or of a subclass (social prescribing, navigation). A service a source
  does not call a scheme (a service directory, a crisis service) is a srx:Service but is not counted as a scheme.
- A scheme is in an area when it serves that area or any area within it, or an area the area took over from
  (Cumberland counts the schemes of the former county of Cumbria), as queries/schemes-in-area.rq says.

scheme_pattern() is the definition as SPARQL text (the catalogue repeats it word for word). The page queries
use is_a_pattern() instead: the same classes, read once per store version with the transitive path anchored on
a constant (`?c rdfs:subClassOf* srx:Scheme`) and handed to the query as VALUES. OpenLink Virtuoso 7.2.5
evaluates a transitive path only from a bound end: joined with a second one (srx:within*), or started from a
VALUES list, it answers fewer rows, nothing, or "transitive start not given" (docs/scale.md). walk_up() writes
a walk from a few known areas as one branch per constant start for the same reason, and schemes_in_area() walks
one step at a time (pages/area_walk.py).
"""

from __future__ import annotations

from ..namespaces import SRX, sparql_prologue
from .area_walk import above, batches, took_over
from .iris import rows
from .labels import BULK_ROWS
from .per_version import kept

SCHEME_CLASS = str(SRX.Scheme)
SERVICE_CLASS = str(SRX.Service)
# Property path from a scheme to every area it counts for (prefix srx: declared by the caller).
AREA_PATH = "srx:areaServed/srx:within*/srx:succeededBy*"
# An aim counts whether the source gives it to the scheme or to the scheme's stated aim (count-schemes-by-aim.rq).
AIM_PATH = "srx:hasAim|srx:statedAim/srx:hasAim"


def scheme_pattern(var: str = "scheme") -> str:
    """The graph pattern that holds when ?var is a scheme."""
    return f"?{var} a/rdfs:subClassOf* srx:Scheme ."


def in_area_pattern(scheme_var: str = "scheme", area_var: str = "area") -> str:
    """The graph pattern that holds when the scheme counts for the area (sub-areas and predecessors included)."""
    return f"?{scheme_var} {AREA_PATH} ?{area_var} ."


_CLASSES: dict[tuple, list[str]] = {}


def classes_below(store, cls: str) -> list[str]:
    """cls and every class below it (rdfs:subClassOf*), read once per store version (the ontology changes only
    with the data)."""
    text = sparql_prologue(["rdfs"]) + f"SELECT DISTINCT ?c WHERE {{ ?c rdfs:subClassOf* <{cls}> FILTER(isIRI(?c)) }}"
    return kept(_CLASSES, store, lambda: sorted(str(c) for c, in rows(store.query(text, max_rows=BULK_ROWS), "c")),
                cls, versions=32)


def is_a_pattern(store, var: str = "scheme", cls: str = SCHEME_CLASS) -> str:
    """The graph pattern that holds when ?var is an instance of cls or of a class below it (scheme_pattern() for
    srx:Scheme), with the classes as VALUES so that no transitive path is left for the engine to walk."""
    values = " ".join(f"<{c}>" for c in classes_below(store, cls))
    return f"VALUES ?{var}Class {{ {values} }} ?{var} a ?{var}Class ."


def walk_up(starts, path: str, start_var: str, end_var: str) -> str:
    """?start_var path ?end_var for each IRI in starts, one UNION branch per start with the start written in."""
    return " UNION ".join(f"{{ BIND(<{a}> AS ?{start_var}) <{a}> {path} ?{end_var} }}" for a in starts)


# The areas schemes serve, and the schemes serving some of them (bound through VALUES).
SERVED_BY_SCHEMES = sparql_prologue(["srx", "rdfs"]) + "SELECT DISTINCT ?served WHERE { %s ?scheme srx:areaServed ?served }"
SCHEMES_SERVING = sparql_prologue(["srx", "rdfs"]) + """SELECT DISTINCT ?scheme WHERE {
  VALUES ?served { %s } ?scheme srx:areaServed ?served . %s
} ORDER BY ?scheme"""
_SERVED: dict[tuple, dict[str, set[str]]] = {}


def schemes_in_area(store, area: str, limit: int = 500) -> list[str]:
    """The schemes that count for an area (its own, those in the areas within it, those of areas it took over):
    in_area_pattern() answered one step at a time (pages/area_walk.py), so every engine gives the same list."""
    counted = took_over(store, area)
    inside = sorted(a for a, up in served_areas_above(store).items() if up & counted)
    if not inside:
        return []
    found: set[str] = set()
    for batch in batches(inside):  # each batch's first `limit` in order: together they hold the first `limit` of all
        text = SCHEMES_SERVING % (" ".join(f"<{a}>" for a in batch), is_a_pattern(store))
        found.update(str(x) for x, in rows(store.query(text, max_rows=limit), "scheme"))
    return sorted(found)[:limit]


def served_areas_above(store) -> dict[str, set[str]]:
    """Every area a scheme serves → itself and the areas it lies within, read once per store version."""
    def build():
        served = [str(a) for a, in rows(store.query(SERVED_BY_SCHEMES % is_a_pattern(store), max_rows=BULK_ROWS), "served")]
        return above(store, served)

    return kept(_SERVED, store, build)
