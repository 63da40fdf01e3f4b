"""Find schemes near a postcode: postcode → the areas that contain it → the schemes that serve them.

For other code (/find, ORUK): call `find(store, text)`. It takes what a person typed — a full postcode
(`BS1 1NG`) or a postcode district (`BS1`) — and returns a PostcodeAnswer (None when the store does not know
it); it raises MalformedPostcode when the text is neither. `answer.area_iris` are every area the place lies
in (directly and through `srx:within`), the set to match against `srx:areaServed`; `answer.schemes` the
schemes that serve one of them ("covers") or part of its local authority area ("part").
`parse`, `lookup` (a full postcode) and `lookup_district` remain for callers that already know which they have.

Every query starts from the postcode's own IRI (id/postcode/BS11NG, id/postcode-district/BS1) and walks
`srx:within` upwards from it, so the cost does not grow with the number of postcodes imported (issue 12,
item 6). Answers come from the store; nothing reaches the network.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field


from .importers.checks import POSTCODE_FORMAT, normalise_postcode
from .importers.nquads import safe_iri
from .importers.vocab import postcode_district_iri, postcode_iri
from .namespaces import sparql_prologue
from .pages.attribution import attributions
from .pages.nhs_cover import NHSCover, nhs_cover
from .pages.scheme_definition import is_a_pattern, walk_up

OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


class MalformedPostcode(ValueError):
    """The text is not shaped like a UK postcode; str() says what shape is expected."""


def parse(text: str | None) -> str:
    """'bs11ng' → 'BS1 1NG', or raise MalformedPostcode."""
    text = (text or "").strip()
    if not text:
        raise MalformedPostcode("No postcode was given. Enter a full UK postcode such as BS1 1NG.")
    if len(text) > 10:
        raise MalformedPostcode(f"That is too long for a UK postcode. Expected {POSTCODE_FORMAT}.")
    clean = normalise_postcode(text)
    if clean is None:
        raise MalformedPostcode(f"'{text}' is not a full UK postcode. Expected {POSTCODE_FORMAT}.")
    return clean


def parse_outward(text: str | None) -> str | None:
    """' bs1 ' → 'BS1' when the text is a postcode district (outward code) alone, else None."""
    clean = re.sub(r"\s+", "", (text or "").upper())
    return clean if OUTWARD.match(clean) else None


QUERY_PROLOGUE = sparql_prologue(["srx", "rdfs"])

# ?unit is bound to the postcode's IRI by a VALUES block at the top (an IRI built from a checked postcode;
# pyoxigraph 0.5 substitutes only projected variables, and a VALUES block at the end of the query is joined
# last: 1 ms against minutes at 2.7 M postcodes). One triple pattern per
# OPTIONAL: pyoxigraph 0.5 answers a group OPTIONAL by a hash join over every match of the group, which
# at millions of postcodes is the whole postcode table (issue 12, item 6).
UNIT_QUERY = QUERY_PROLOGUE + """SELECT ?kind ?units ?lat ?long ?dissolved ?within ?overlaps WHERE {
  VALUES ?unit { %s }
  ?unit a ?kind . VALUES ?kind { srx:PostcodeUnit srx:PostcodeDistrict }
  OPTIONAL { ?unit srx:postcodeUnits ?units }
  OPTIONAL { ?unit srx:latitude ?lat }
  OPTIONAL { ?unit srx:longitude ?long }
  OPTIONAL { ?unit srx:dissolved ?dissolved }
  OPTIONAL { ?unit srx:within ?within }
  OPTIONAL { ?unit srx:overlaps ?overlaps }
}"""

# The areas above the postcode's own areas, walking srx:within upwards from each (one branch per area with the
# area written in: Virtuoso 7.2.5 refuses a walk started from a VALUES list, "transitive start not given").
AREAS_QUERY = QUERY_PROLOGUE + """SELECT ?direct ?area ?areaLabel ?areaType ?gss WHERE {
  %s
  OPTIONAL { ?area rdfs:label ?areaLabel }
  OPTIONAL { ?area a ?areaType }
  OPTIONAL { ?area srx:gssCode ?gss }
}"""


def areas_query(direct: list[str]) -> str:
    """AREAS_QUERY for some areas (checked with safe_iri): each of them and every area above it."""
    return AREAS_QUERY % walk_up(direct, "srx:within*", "direct", "area")


PART = """ UNION {
    VALUES ?la { %(las)s }
    ?scheme srx:areaServed ?area .
    FILTER(?area NOT IN (%(area_list)s))
    FILTER EXISTS { ?area srx:within+ ?la }
    BIND("part" AS ?how)
  }"""

# Schemes serving one of the areas (bound through VALUES), then schemes serving an area inside one of the
# local authority areas. Both start from the schemes' srx:areaServed (a few per scheme), never from postcodes.
SCHEMES_QUERY = QUERY_PROLOGUE + """SELECT DISTINCT ?scheme ?schemeLabel ?area ?areaLabel ?how WHERE {
  {
    VALUES ?area { %(areas)s }
    ?scheme srx:areaServed ?area .
    BIND("covers" AS ?how)
  }%(part)s
  %(is_scheme)s
  OPTIONAL { ?scheme rdfs:label ?schemeLabel }
  OPTIONAL { ?area rdfs:label ?areaLabel }
}
ORDER BY ?how ?schemeLabel"""

LA_TYPES = {"LocalAuthorityArea"}


@dataclass
class PostcodeAnswer:
    postcode: str
    unit: str = ""
    kind: str = "unit"  # "unit" for a full postcode, "district" for an outward code such as BS1
    units: int = 0  # postcode units in a district
    latitude: str = ""
    longitude: str = ""
    terminated: str = ""
    areas: list[dict] = field(default_factory=list)
    schemes: list[dict] = field(default_factory=list)
    attributions: list[dict] = field(default_factory=list)
    cover: NHSCover | None = None

    @property
    def area_iris(self) -> list[str]:
        """Every area the postcode lies in (directly or through srx:within): match these against srx:areaServed."""
        return [a["iri"] for a in self.areas if a["how"] == "within"]

    @property
    def bodies_now(self) -> list[dict]:
        return [asdict(b) for b in self.cover.now] if self.cover else []

    @property
    def bodies_before(self) -> list[dict]:
        return [asdict(b) for b in self.cover.then + self.cover.between if not b.current] if self.cover else []

    def as_dict(self) -> dict:
        answer = {k: v for k, v in self.__dict__.items() if k != "cover"}
        return {**answer, "area_iris": self.area_iris, "bodies_now": self.bodies_now, "bodies_before": self.bodies_before}


def _v(row: dict, name: str) -> str:
    return row[name]["value"] if name in row else ""


def find(store, text: str | None, on_areas=None) -> PostcodeAnswer | None:
    """A full postcode or a postcode district as typed → its answer, None when unknown; MalformedPostcode otherwise.

    on_areas(iris), if given, is called with the areas' IRIs as soon as they are known, beside the schemes query
    (a page reads their labels then)."""
    outward = parse_outward(text)
    if outward:
        return lookup_district(store, outward, on_areas)
    return lookup(store, parse(text), on_areas)


def lookup(store, postcode: str, on_areas=None) -> PostcodeAnswer | None:
    """What the store knows about a parsed full postcode ('BS1 1NG'), or None when no postcode unit has it."""
    return _answer(store, postcode, postcode_iri(postcode), on_areas)


def lookup_district(store, outward: str, on_areas=None) -> PostcodeAnswer | None:
    """What the store knows about a postcode district ('BS1'): the areas its postcode units lie in."""
    return _answer(store, outward, postcode_district_iri(outward), on_areas)


def _answer(store, postcode: str, iri: str, on_areas=None) -> PostcodeAnswer | None:
    if not safe_iri(iri):
        return None
    # The NHS cover and the attributions need only the IRI: asked at the same time as the postcode's areas and
    # schemes, on the store's other worker, so the answer waits for three query round trips instead of six.
    side = _SIDE.submit(_cover_and_attributions, store, iri)
    rows = store.query(UNIT_QUERY % f"<{iri}>").rows
    if not rows:
        side.cancel()
        return None
    kind = "district" if _v(rows[0], "kind").endswith("PostcodeDistrict") else "unit"
    answer = PostcodeAnswer(postcode, unit=iri, kind=kind, units=int(_v(rows[0], "units") or 0))
    how: dict[str, str] = {}
    for row in rows:
        answer.latitude = answer.latitude or _v(row, "lat")
        answer.longitude = answer.longitude or _v(row, "long")
        answer.terminated = answer.terminated or _v(row, "dissolved")
        if _v(row, "overlaps"):
            how.setdefault(_v(row, "overlaps"), "overlaps")
        if _v(row, "within"):
            how[_v(row, "within")] = "within"
    areas: dict[str, dict] = {}
    direct = [a for a in how if safe_iri(a)]
    for row in store.query(areas_query(direct)).rows if direct else []:
        # Within an area (directly or above one it is within) beats only overlapping it through another.
        area, row_how = _v(row, "area"), how[_v(row, "direct")]
        a = areas.setdefault(area, {"iri": area, "label": "", "gss": "", "types": [], "how": row_how, "direct": area in how})
        if row_how == "within":
            a["how"] = "within"
        a["label"] = a["label"] or _v(row, "areaLabel")
        a["gss"] = a["gss"] or _v(row, "gss")
        if _v(row, "areaType") and _v(row, "areaType").rsplit("/", 1)[-1] not in a["types"]:
            a["types"].append(_v(row, "areaType").rsplit("/", 1)[-1])
    answer.areas = sorted(areas.values(), key=lambda a: (a["how"] != "within", a["label"] or a["iri"]))
    early = _SIDE.submit(on_areas, [a["iri"] for a in answer.areas]) if on_areas and answer.areas else None
    answer.schemes = _schemes(store, answer.area_iris, [a["iri"] for a in answer.areas if LA_TYPES & set(a["types"])])
    answer.cover, answer.attributions = side.result()
    if early is not None:
        early.result()
    return answer


_SIDE = ThreadPoolExecutor(max_workers=4, thread_name_prefix="postcode-side")


def _cover_and_attributions(store, iri: str):
    return nhs_cover(store, iri), attributions(store, [iri])


def _schemes(store, areas: list[str], las: list[str]) -> list[dict]:
    areas = [a for a in areas if safe_iri(a)]
    if not areas:
        return []
    las = [a for a in las if safe_iri(a)]
    part = PART % {"las": " ".join(f"<{a}>" for a in las), "area_list": ", ".join(f"<{a}>" for a in areas)} if las else ""
    query = SCHEMES_QUERY % {"areas": " ".join(f"<{a}>" for a in areas), "part": part, "is_scheme": is_a_pattern(store)}
    seen, out = set(), []
    for row in store.query(query).rows:
        key = _v(row, "scheme")
        if key in seen:
            continue  # a scheme that covers the postcode is not listed again as serving part of the area
        seen.add(key)
        out.append({"iri": key, "label": _v(row, "schemeLabel"), "area": _v(row, "area"),
                    "areaLabel": _v(row, "areaLabel"), "how": _v(row, "how")})
    return out
