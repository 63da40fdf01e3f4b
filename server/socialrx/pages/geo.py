"""GP practices and map points from the shipped geography: practices placed by their postcode's unit,
postcode districts by the mean point of their units, areas by theirs (see socialrx.importers.os_codepoint).

A point is {"iri", "label", "lat", "lon", "kind", "note"}; kind is "area" (sized by its scheme count, as the
overview draws it), "practice", "district", "postcode" or "service" (a service at one of its locations). Every
query starts from the practices, the postcode districts or the services' locations (a few thousand at most), never
from the postcode units, so pages stay fast however many are imported.
"""

from __future__ import annotations

from rdflib import URIRef

from ..importers.checks import normalise_postcode
from ..importers.nquads import safe_iri
from ..importers.vocab import postcode_iri
from ..namespaces import sparql_prologue
from .area_walk import above as _above
from .attribution import attributions

PROLOGUE = sparql_prologue(["srx", "rdfs"])
MAX_POINTS = 5000  # markers per map; more would make the page heavy without telling anyone more

PRACTICES = PROLOGUE + """SELECT ?p ?label ?code ?pc ?n ?on WHERE {
  ?p a srx:GPPractice ; srx:postcode ?pc .
  FILTER NOT EXISTS { ?p srx:dissolved ?closed }
  OPTIONAL { ?p rdfs:label ?label }
  OPTIONAL { ?p srx:odsCode ?code }
  OPTIONAL { ?p srx:registeredPatients ?n ; srx:registeredPatientsOn ?on }
} ORDER BY ?label LIMIT %d"""

# The postcode units of these postcodes, by their IRIs (bound through VALUES): their point and areas. One
# triple pattern per OPTIONAL: pyoxigraph 0.5 answers a group OPTIONAL by a hash join over every unit.
UNITS = PROLOGUE + """SELECT ?u ?lat ?lon ?area WHERE {
  VALUES ?u { %s }
  ?u a srx:PostcodeUnit .
  OPTIONAL { ?u srx:latitude ?lat }
  OPTIONAL { ?u srx:longitude ?lon }
  OPTIONAL { ?u srx:within ?area }
}"""

DISTRICTS = PROLOGUE + """SELECT ?d ?code ?units ?lat ?lon ?area WHERE {
  ?d a srx:PostcodeDistrict ; srx:postcode ?code ; srx:latitude ?lat ; srx:longitude ?lon .
  OPTIONAL { ?d srx:postcodeUnits ?units }
  OPTIONAL { ?d srx:within|srx:overlaps ?area }
} ORDER BY ?code LIMIT %d"""

# Services at their locations (imported ORUK directories give schema:location places with coordinates; the
# importer keeps only points on Earth). For an area page, first the areas such services serve (a few hundred at
# most), kept when the area is one of them or above one (area_walk.above: no `srx:within*` path); then only the
# services serving those, so the row cap never cuts an area's own services, and nothing walks down from the area
# through its postcode units.
SERVED_WITH_LOCATIONS = sparql_prologue(["srx", "schema"]) + """SELECT DISTINCT ?served WHERE {
  ?s schema:location ?l . ?l srx:latitude ?lat . ?s srx:areaServed ?served }"""
SERVICE_LOCATIONS = sparql_prologue(["srx", "rdfs", "schema"]) + """SELECT DISTINCT ?s ?label ?place ?lat ?lon WHERE {
  %s?s schema:location ?l . ?l srx:latitude ?lat ; srx:longitude ?lon .
  OPTIONAL { ?s rdfs:label ?label } OPTIONAL { ?l rdfs:label ?place }
} ORDER BY ?s ?l LIMIT %d"""


def _v(row, name):
    return row[name]["value"] if name in row else ""


def practices(store, area: str | None = None) -> list[dict]:
    """Open GP practices (no close date), with list size and point: in the area when one is given, else all.

    Three bounded steps (practices; the units of their postcodes; the areas above those units' areas), so the
    cost follows the number of practices, never the number of postcode units.
    """
    rows = store.query(PRACTICES % MAX_POINTS, max_rows=MAX_POINTS).rows
    # A unit's IRI follows from its postcode (as every postcode importer mints it), so no lookup by value.
    unit_iris = sorted({postcode_iri(pc) for pc in (normalise_postcode(_v(r, "pc")) for r in rows) if pc})
    units: dict[str, dict] = {}
    for r in store.query(UNITS % " ".join(f"<{u}>" for u in unit_iris), max_rows=100_000).rows if unit_iris else []:
        u = units.setdefault(_v(r, "u"), {"lat": _v(r, "lat"), "lon": _v(r, "lon"), "areas": set()})
        if _v(r, "area"):
            u["areas"].add(_v(r, "area"))
    above = _above(store, [a for u in units.values() for a in u["areas"]]) if area else {}
    out = []
    for r in rows:
        pc = normalise_postcode(_v(r, "pc"))
        unit = units.get(postcode_iri(pc) if pc else "", {"lat": "", "lon": "", "areas": set()})
        if area and not any(area in above.get(a, {a}) for a in unit["areas"]):
            continue
        out.append({"iri": _v(r, "p"), "label": _v(r, "label") or _v(r, "code"), "code": _v(r, "code"), "postcode": _v(r, "pc"),
                    "patients": int(_v(r, "n")) if _v(r, "n") else None, "on": _v(r, "on"),
                    "lat": float(unit["lat"]) if unit["lat"] else None, "lon": float(unit["lon"]) if unit["lon"] else None})
    return out


def districts(store, area: str | None = None) -> list[dict]:
    """Postcode districts with their mean point: those within or overlapping the area when one is given, else all."""
    found: dict[str, dict] = {}
    for r in store.query(DISTRICTS % MAX_POINTS, max_rows=100_000).rows:
        d = found.setdefault(_v(r, "d"), {"iri": _v(r, "d"), "code": _v(r, "code"), "units": int(_v(r, "units") or 0),
                                          "lat": float(_v(r, "lat")), "lon": float(_v(r, "lon")), "areas": set()})
        if _v(r, "area"):
            d["areas"].add(_v(r, "area"))
    if area:
        above = _above(store, [a for d in found.values() for a in d["areas"]])
        found = {k: d for k, d in found.items() if any(area in above.get(a, {a}) for a in d["areas"])}
    return [{k: v for k, v in d.items() if k != "areas"} for d in found.values()]


def practice_points(rows: list[dict]) -> list[dict]:
    points = []
    for p in rows:
        if p["lat"] is None:
            continue
        size = f"{p['patients']:,} registered patients on {p['on']}" if p["patients"] is not None else "list size not stated by any source"
        points.append({"iri": p["iri"], "label": p["label"], "lat": p["lat"], "lon": p["lon"], "kind": "practice",
                       "note": f"GP practice {p['label']} ({p['code']}), {p['postcode']}: {size}"})
    return points


def district_points(rows: list[dict]) -> list[dict]:
    return [{"iri": d["iri"], "label": d["code"], "lat": d["lat"], "lon": d["lon"], "kind": "district",
             "note": f"Postcode district {d['code']}: {d['units']:,} postcodes (point: their mean)"} for d in rows]


def answer_points(answer) -> list[dict]:
    """The point of a looked-up postcode or postcode district."""
    if not answer.latitude:
        return []
    what = "Postcode district" if answer.kind == "district" else "Postcode"
    return [{"iri": answer.unit, "label": answer.postcode, "lat": float(answer.latitude), "lon": float(answer.longitude),
             "kind": "district" if answer.kind == "district" else "postcode", "note": f"{what} {answer.postcode}"}]


def service_points(store, area: str | None = None) -> list[dict]:
    """Services at their locations (kind "service"): every one, or those serving the area (or an area within it)."""
    serving = ""
    if area:
        served = [_v(r, "served") for r in store.query(SERVED_WITH_LOCATIONS, max_rows=100_000).rows]
        above = _above(store, served)
        inside = [a for a in served if area in above.get(a, {a}) and safe_iri(a)]
        if not inside:
            return []
        serving = "VALUES ?served { %s } ?s srx:areaServed ?served .\n  " % " ".join(f"<{a}>" for a in inside)
    points: dict[tuple, dict] = {}  # one per service and point, whatever labels the service or place has
    for r in store.query(SERVICE_LOCATIONS % (serving, MAX_POINTS), max_rows=MAX_POINTS).rows:
        try:
            lat, lon = float(_v(r, "lat")), float(_v(r, "lon"))
        except ValueError:
            continue
        label, place = _v(r, "label") or _v(r, "s"), _v(r, "place")
        points.setdefault((_v(r, "s"), lat, lon), {"iri": _v(r, "s"), "label": label, "lat": lat, "lon": lon, "kind": "service",
                                                   "place": place, "note": f"{label} at {place}" if place else label})
    return list(points.values())


POSTCODES_IN = PROLOGUE + "SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE { ?u srx:within ?area ; a srx:PostcodeUnit }"


def postcode_count(store, area: str) -> int:
    """How many postcode units lie directly within the area (its own postcodes, not those of areas inside it)."""
    rows = store.query(POSTCODES_IN, bindings={"area": URIRef(area)}).rows
    return int(_v(rows[0], "n") or 0) if rows else 0


class Geo:
    """What templates ask for (as `geo`): bound to the app's store, computed only when a template calls it."""

    def __init__(self, store_fn):
        self._store = store_fn

    def practices(self, area: str) -> list[dict]:
        return practices(self._store(), area)

    def area_points(self, area: str, practice_rows: list[dict]) -> list[dict]:
        store = self._store()
        return district_points(districts(store, area)) + practice_points(practice_rows) + service_points(store, area)

    def postcode_count(self, area: str) -> int:
        return postcode_count(self._store(), area)

    def home_points(self) -> list[dict]:
        store = self._store()
        return district_points(districts(store)) + practice_points(practices(store)) + service_points(store)

    def attributions(self, iris) -> list[dict]:
        return attributions(self._store(), iris)
