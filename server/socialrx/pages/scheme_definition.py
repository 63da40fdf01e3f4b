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
a walk from a few known areas as one branch per constant start for the same reason.
"""

from __future__ import annotations

from rdflib import URIRef

from ..namespaces import SRX, sparql_prologue
from .iris import rows
from .labels import BULK_ROWS

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
    key = (id(store), str(getattr(store, "version", "")), cls)
    if key not in _CLASSES:
        if len(_CLASSES) > 32:
            _CLASSES.clear()
        text = sparql_prologue(["rdfs"]) + f"SELECT DISTINCT ?c WHERE {{ ?c rdfs:subClassOf* <{cls}> FILTER(isIRI(?c)) }}"
        _CLASSES[key] = sorted(str(c) for c, in rows(store.query(text, max_rows=BULK_ROWS), "c"))
    return _CLASSES[key]


def is_a_pattern(store, var: str = "scheme", cls: str = SCHEME_CLASS) -> str:
    """The graph pattern that holds when ?var is an instance of cls or of a class below it (scheme_pattern() for
    srx:Scheme), with the classes as VALUES so that no transitive path is left for the engine to walk."""
    values = " ".join(f"<{c}>" for c in classes_below(store, cls))
    return f"VALUES ?{var}Class {{ {values} }} ?{var} a ?{var}Class ."


def walk_up(starts, path: str, start_var: str, end_var: str) -> str:
    """?start_var path ?end_var for each IRI in starts, one UNION branch per start with the start written in."""
    return " UNION ".join(f"{{ BIND(<{a}> AS ?{start_var}) <{a}> {path} ?{end_var} }}" for a in starts)


SCHEMES_IN_AREA = sparql_prologue(["srx", "rdfs"]) + "SELECT DISTINCT ?scheme WHERE { %s %s }"


def schemes_in_area(store, area: str, limit: int = 500) -> list[str]:
    """The schemes that count for an area (its own, those in the areas within it, those of areas it took over)."""
    text = SCHEMES_IN_AREA % (is_a_pattern(store), in_area_pattern())
    return [str(x) for x, in rows(store.query(text, bindings={"area": URIRef(area)}, max_rows=limit), "scheme")]
