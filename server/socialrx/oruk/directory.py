"""The /oruk/ API as a page model (no Flask here): services, service-at-locations, taxonomies and terms,
filtered by the published query parameters and wrapped in the published paged envelope.

Built once per app from the store; services with no ORUK status (our 'not known', or none stated) are left
out, as ORUK requires service.status and our status vocabulary says 'not known' has no ORUK value.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .. import postcodes
from ..importers.checks import normalise_postcode
from ..importers.nquads import safe_iri
from ..importers.vocab import postcode_iri
from ..namespaces import sparql_prologue
from .graph_read import BULK_ROWS, read
from .records import RecordMaker, Service, sal_id

VERSION = "3.0"
PROFILE = "https://github.com/OpenReferralUK/uk-profile"
MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50
POINTS = sparql_prologue(["srx"]) + """SELECT ?pc ?lat ?long WHERE {
  VALUES ?pc { %s }
  ?unit a srx:PostcodeUnit ; srx:postcode ?pc ; srx:latitude ?lat ; srx:longitude ?long .
}"""
# The unit's IRI written in (it follows from the postcode, as every postcode importer mints it): Virtuoso 7.2.5
# walks srx:within* only from a constant, not from a unit found by its srx:postcode value (docs/scale.md).
AREAS_OF = sparql_prologue(["srx"]) + """SELECT DISTINCT ?area WHERE {
  %s a srx:PostcodeUnit ; srx:within/srx:within* ?area .
}"""
POSTCODE_TEXT = re.compile(r"^[A-Z0-9 ]{5,8}$")


class ParamError(ValueError):
    """A query parameter is malformed or names nothing known; .status is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


class NotFound(LookupError):
    pass


@dataclass
class Query:
    search: str = ""
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    taxonomy_term_id: str = ""
    taxonomy_id: str = ""
    minimum_age: float | None = None
    maximum_age: float | None = None
    postcode: str = ""
    proximity: float | None = None
    schedule: bool = False  # day, start_time or end_time given: no service here states a schedule to match


def parse_query(args, allowed: set[str]) -> Query:
    """Read the query parameters an endpoint accepts; unknown values of known parameters are a 400."""
    q = Query()
    q.page = _int(args, "page", 1, 1)
    q.per_page = _int(args, "per_page", DEFAULT_PER_PAGE, 1)
    if q.per_page > MAX_PER_PAGE:
        raise ParamError(f"per_page={q.per_page} is more than this API gives in one page ({MAX_PER_PAGE}); ask for "
                         f"per_page={MAX_PER_PAGE} or fewer and follow the pages.")
    for name in ("search", "taxonomy_term_id", "taxonomy_id", "postcode"):
        if name in allowed:
            setattr(q, name, (args.get(name) or "").strip())
    for name in ("minimum_age", "maximum_age", "proximity"):
        if name in allowed and (args.get(name) or "").strip():
            setattr(q, name, _number(args, name))
    q.schedule = any((args.get(p) or "").strip() for p in ("day", "start_time", "end_time") if p in allowed)
    if q.proximity is not None and not q.postcode:
        raise ParamError("proximity needs a postcode to measure from, e.g. ?postcode=BS1+1NG&proximity=2000 (metres).")
    return q


def _int(args, name: str, default: int, least: int) -> int:
    text = (args.get(name) or "").strip()
    if not text:
        return default
    # ASCII digits only, and few enough for int() (Python refuses over 4,300 digits; "²" is a digit to isdigit()).
    if not (text.isascii() and text.isdigit()) or len(text) > 9 or int(text) < least:
        raise ParamError(f"{name}={text[:20]!r} is not a whole number of at least {least} (at most 9 digits).")
    return int(text)


def _number(args, name: str) -> float:
    text = args.get(name).strip()
    try:
        value = float(text)
    except ValueError:
        raise ParamError(f"{name}={text!r} is not a number.") from None
    if not math.isfinite(value) or value < 0:
        raise ParamError(f"{name}={text!r} must be a number of 0 or more.")
    return value


def envelope(items: list, page: int, per_page: int) -> dict:
    """The published page: total_items, total_pages, page_number, size, first_page, last_page, empty, contents."""
    total = len(items)
    pages = max(1, math.ceil(total / per_page))
    start = (page - 1) * per_page
    contents = items[start:start + per_page]
    return {"total_items": total, "total_pages": pages, "page_number": page, "size": len(contents),
            "first_page": page == 1, "last_page": page >= pages, "empty": total == 0, "contents": contents}


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


class Directory:
    """Every ORUK record this site publishes, with lookups by id."""

    def __init__(self, store, page_url):
        self.store = store
        graph = read(store)
        maker = RecordMaker(graph, page_url)
        maker.points = self._postcode_points(maker, graph)
        built = [maker.service(iri) for iri in graph.services]
        self.left_out = sorted(s.iri for s in built if s.status is None)
        self.services: list[Service] = sorted((s for s in built if s.status), key=lambda s: (s.name.lower(), s.iri))
        self.by_id = {s.id: s for s in self.services}
        self.sals = {sal_id(s.id, loc.id): (s, loc) for s in self.services for loc in s.locations}
        self.taxonomies = [t for t in (maker.taxonomy(i) for i in maker.taxonomies()) if t]
        self.taxonomy_by_id = {t["id"]: t for t in self.taxonomies}
        published = {t["uri"] for t in self.taxonomies}
        self.terms = sorted((r for r in (maker.term_record(t) for t in maker.terms.values())
                             if r and maker.terms[r["term_uri"]].scheme in published), key=lambda r: (r.get("taxonomy", ""), r["name"].lower(), r["id"]))
        self.term_by_id = {t["id"]: t for t in self.terms}

    def _postcode_points(self, maker: RecordMaker, graph) -> dict[str, tuple[float, float]]:
        """Centroids of the postcodes our addresses give (from the shipped postcode directory), for maps and proximity."""
        wanted = set()
        for iri in graph.services:
            s = graph.services[iri]
            for v in s.all("https://schema.org/address"):
                pc = maker.address(v.text, iri).postcode
                if pc and (clean := normalise_postcode(pc)):
                    wanted.add(clean)
        for node in graph.nodes.values():
            for v in node.all("https://schema.org/postalCode"):
                if (clean := normalise_postcode(v.text)):
                    wanted.add(clean)
        wanted = {w for w in wanted if POSTCODE_TEXT.match(w)}
        if not wanted:
            return {}
        values = " ".join(f'"{w}"' for w in sorted(wanted))
        points = {}
        for row in self.store.query(POINTS % values, max_rows=BULK_ROWS).rows:
            try:
                points[row["pc"]["value"]] = (float(row["lat"]["value"]), float(row["long"]["value"]))
            except ValueError:
                continue
        return points

    # -- services ------------------------------------------------------------------------------------
    def _matching(self, q: Query) -> list[Service]:
        words = q.search.lower().split()
        if q.taxonomy_term_id and q.taxonomy_term_id not in self.term_by_id:
            raise ParamError(f"taxonomy_term_id={q.taxonomy_term_id} is not a taxonomy term here; /oruk/taxonomy_terms lists them.", 404)
        if q.taxonomy_id and q.taxonomy_id not in self.taxonomy_by_id:
            raise ParamError(f"taxonomy_id={q.taxonomy_id} is not a taxonomy here; /oruk/taxonomies lists them.", 404)
        out = []
        for s in ([] if q.schedule else self.services):
            if words and not all(w in s.search_text for w in words):
                continue
            if q.taxonomy_term_id and q.taxonomy_term_id not in s.term_ids:
                continue
            if q.taxonomy_id and q.taxonomy_id not in s.taxonomy_ids:
                continue
            # ORUK: "a minimum age of at least" / "a maximum age equal to or below" the value given.
            if q.minimum_age is not None and (s.minimum_age is None or s.minimum_age < q.minimum_age):
                continue
            if q.maximum_age is not None and (s.maximum_age is None or s.maximum_age > q.maximum_age):
                continue
            out.append(s)
        return out

    def list_services(self, q: Query) -> dict:
        page = envelope(self._matching(q), q.page, q.per_page)
        page["contents"] = [s.record for s in page["contents"]]  # records are built for the page shown only
        return page

    def service(self, sid: str) -> dict:
        s = self.by_id.get(sid)
        if s is None:
            raise NotFound(f"No service has the id {sid} here; /oruk/services lists them.")
        return s.full

    # -- service at location -------------------------------------------------------------------------
    def list_sals(self, q: Query) -> dict:
        services = {s.id for s in self._matching(q)}
        items = [(s, loc) for key, (s, loc) in sorted(self.sals.items(), key=lambda kv: (kv[1][0].name.lower(), kv[0])) if s.id in services]
        if q.postcode:
            items = self._near(items, q)
        page = envelope(items, q.page, q.per_page)
        page["contents"] = [self._sal(s, loc) for s, loc in page["contents"]]
        return page

    def _near(self, items, q: Query):
        try:
            pc = postcodes.parse(q.postcode)
        except postcodes.MalformedPostcode as e:
            raise ParamError(f"postcode: {e}") from None
        answer = postcodes.lookup(self.store, pc)
        if answer is None:
            raise ParamError(f"No postcode {pc} is known here, so nothing can be measured from it.", 404)
        if q.proximity is not None:
            if not (answer.latitude and answer.longitude):
                raise ParamError(f"The postcode {pc} has no coordinates here, so proximity cannot be measured.", 404)
            centre = (float(answer.latitude), float(answer.longitude))
            return [(s, loc) for s, loc in items if loc.latitude is not None
                    and haversine_m(centre, (loc.latitude, loc.longitude)) <= q.proximity]
        unit = postcode_iri(pc)
        areas_of = self.store.query(AREAS_OF % f"<{unit}>", max_rows=BULK_ROWS).rows if safe_iri(unit) else []
        within = {row["area"]["value"] for row in areas_of}
        # ORUK: "if service_area is available, only return results where the postcode exists within the service_area".
        return [(s, loc) for s, loc in items if not s.areas or s.areas & within]

    def _sal(self, s: Service, loc) -> dict:
        return {"id": sal_id(s.id, loc.id), "service_id": s.id, "location_id": loc.id, "location": loc.as_oruk(),
                "service": s.record, "socialrx_page": s.record["socialrx_page"]}

    def sal(self, key: str) -> dict:
        found = self.sals.get(key)
        if found is None:
            raise NotFound(f"No service_at_location has the id {key} here; /oruk/service_at_locations lists them.")
        return self._sal(*found)

    # -- taxonomies ------------------------------------------------------------------------------------
    def list_taxonomies(self, q: Query) -> dict:
        return envelope(self.taxonomies, q.page, q.per_page)

    def taxonomy(self, tid: str) -> dict:
        if tid not in self.taxonomy_by_id:
            raise NotFound(f"No taxonomy has the id {tid} here; /oruk/taxonomies lists them.")
        return self.taxonomy_by_id[tid]

    def list_terms(self, q: Query) -> dict:
        terms = self.terms
        if q.taxonomy_id:
            if q.taxonomy_id not in self.taxonomy_by_id:
                raise ParamError(f"taxonomy_id={q.taxonomy_id} is not a taxonomy here; /oruk/taxonomies lists them.", 404)
            terms = [t for t in terms if t.get("taxonomy_id") == q.taxonomy_id]
        return envelope(terms, q.page, q.per_page)

    def term(self, tid: str) -> dict:
        if tid not in self.term_by_id:
            raise NotFound(f"No taxonomy term has the id {tid} here; /oruk/taxonomy_terms lists them.")
        return self.term_by_id[tid]

