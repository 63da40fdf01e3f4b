"""Find schemes near a postcode: postcode → the areas that contain it → the schemes that serve them.

Answers come from the store (the ONSPD import gives postcodes their areas); nothing reaches the network.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from rdflib import Literal

from .importers.checks import POSTCODE_FORMAT, normalise_postcode
from .namespaces import sparql_prologue
from .pages.nhs_cover import NHSCover, nhs_cover


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


QUERY_PROLOGUE = sparql_prologue(["srx", "rdfs"])

# ?pc is bound by the store (never pasted into the text).
UNIT_QUERY = QUERY_PROLOGUE + """SELECT ?unit ?lat ?long ?dissolved ?area ?areaLabel ?areaType ?gss WHERE {
  ?unit a srx:PostcodeUnit ; srx:postcode ?pc .
  OPTIONAL { ?unit srx:latitude ?lat ; srx:longitude ?long }
  OPTIONAL { ?unit srx:dissolved ?dissolved }
  OPTIONAL { ?unit srx:within ?area .
             OPTIONAL { ?area rdfs:label ?areaLabel }
             OPTIONAL { ?area a ?areaType }
             OPTIONAL { ?area srx:gssCode ?gss } }
}"""

SCHEMES_QUERY = QUERY_PROLOGUE + """SELECT DISTINCT ?scheme ?schemeLabel ?area ?areaLabel ?how WHERE {
  ?unit a srx:PostcodeUnit ; srx:postcode ?pc .
  {
    ?unit srx:within ?direct . ?direct srx:within* ?area .
    BIND("covers" AS ?how)
  } UNION {
    # Schemes serving part of the postcode's local authority area: near, but maybe not covering it.
    ?unit srx:within ?la . ?la a srx:LocalAuthorityArea . ?area srx:within+ ?la .
    BIND("part" AS ?how)
  }
  ?scheme srx:areaServed ?area ; a/rdfs:subClassOf* srx:Scheme .
  OPTIONAL { ?scheme rdfs:label ?schemeLabel }
  OPTIONAL { ?area rdfs:label ?areaLabel }
}
ORDER BY ?how ?schemeLabel"""


@dataclass
class PostcodeAnswer:
    postcode: str
    unit: str = ""
    latitude: str = ""
    longitude: str = ""
    terminated: str = ""
    areas: list[dict] = field(default_factory=list)
    schemes: list[dict] = field(default_factory=list)
    cover: NHSCover | None = None

    @property
    def bodies_now(self) -> list[dict]:
        return [asdict(b) for b in self.cover.now] if self.cover else []

    @property
    def bodies_before(self) -> list[dict]:
        return [asdict(b) for b in self.cover.then + self.cover.between if not b.current] if self.cover else []

    def as_dict(self) -> dict:
        answer = {k: v for k, v in self.__dict__.items() if k != "cover"}
        return {**answer, "bodies_now": self.bodies_now, "bodies_before": self.bodies_before}


def _v(row: dict, name: str) -> str:
    return row[name]["value"] if name in row else ""


def lookup(store, postcode: str) -> PostcodeAnswer | None:
    """What the store knows about a parsed postcode, or None when no postcode unit has it."""
    args = {"pc": Literal(postcode)}
    rows = store.query(UNIT_QUERY, bindings=args).rows
    if not rows:
        return None
    answer = PostcodeAnswer(postcode, unit=_v(rows[0], "unit"))
    areas: dict[str, dict] = {}
    for row in rows:
        answer.latitude = answer.latitude or _v(row, "lat")
        answer.longitude = answer.longitude or _v(row, "long")
        answer.terminated = answer.terminated or _v(row, "dissolved")
        if _v(row, "area"):
            a = areas.setdefault(_v(row, "area"), {"iri": _v(row, "area"), "label": "", "gss": "", "types": []})
            a["label"] = a["label"] or _v(row, "areaLabel")
            a["gss"] = a["gss"] or _v(row, "gss")
            if _v(row, "areaType") and _v(row, "areaType").rsplit("/", 1)[-1] not in a["types"]:
                a["types"].append(_v(row, "areaType").rsplit("/", 1)[-1])
    answer.areas = sorted(areas.values(), key=lambda a: (a["label"] or a["iri"]))
    seen = set()
    for row in store.query(SCHEMES_QUERY, bindings=args).rows:
        key = _v(row, "scheme")
        if key in seen:
            continue  # a scheme that covers the postcode is not listed again as serving part of the area
        seen.add(key)
        answer.schemes.append({"iri": key, "label": _v(row, "schemeLabel"), "area": _v(row, "area"),
                               "areaLabel": _v(row, "areaLabel"), "how": _v(row, "how")})
    answer.cover = nhs_cover(store, answer.unit)
    return answer
