"""What counts as a scheme, and what "a scheme in this area" means: written once, used by the home page, the
/schemes facets and (checked by tests/test_one_answer.py) the catalogue's counting queries.

- A scheme is an instance of srx:Scheme or of a subclass (social prescribing, navigation). A service a source
  does not call a scheme (a service directory, a crisis service) is a srx:Service but is not counted as a scheme.
- A scheme is in an area when it serves that area or any area within it, or an area the area took over from
  (Cumberland counts the schemes of the former county of Cumbria), as queries/schemes-in-area.rq says.
"""

from __future__ import annotations

from rdflib import URIRef

from ..namespaces import SRX, sparql_prologue
from .iris import rows

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


SCHEMES_IN_AREA = sparql_prologue(["srx", "rdfs"]) + "SELECT DISTINCT ?scheme WHERE { %s %s }" % (scheme_pattern(), in_area_pattern())


def schemes_in_area(store, area: str, limit: int = 500) -> list[str]:
    """The schemes that count for an area (its own, those in the areas within it, those of areas it took over)."""
    return [str(x) for x, in rows(store.query(SCHEMES_IN_AREA, bindings={"area": URIRef(area)}, max_rows=limit), "scheme")]
