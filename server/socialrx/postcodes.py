"""Find schemes near a postcode: postcode → the areas that contain it → the schemes that serve them.

Answers come from the store (the ONSPD import gives postcodes their areas); nothing reaches the network.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .importers.checks import POSTCODE_FORMAT, normalise_postcode


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


PREFIXES = """PREFIX srx: <https://w3id.org/socialrx/def/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

UNIT_QUERY = PREFIXES + """SELECT ?unit ?lat ?long ?dissolved ?area ?areaLabel ?areaType ?gss WHERE {
  ?unit a srx:PostcodeUnit ; srx:postcode %(pc)s .
  OPTIONAL { ?unit srx:latitude ?lat ; srx:longitude ?long }
  OPTIONAL { ?unit srx:dissolved ?dissolved }
  OPTIONAL { ?unit srx:within ?area .
             OPTIONAL { ?area rdfs:label ?areaLabel }
             OPTIONAL { ?area a ?areaType }
             OPTIONAL { ?area srx:gssCode ?gss } }
}"""

SCHEMES_QUERY = PREFIXES + """SELECT DISTINCT ?scheme ?schemeLabel ?area ?areaLabel ?how WHERE {
  ?unit a srx:PostcodeUnit ; srx:postcode %(pc)s .
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

BODIES_QUERY = PREFIXES + """PREFIX org: <http://www.w3.org/ns/org#>
SELECT DISTINCT ?body ?bodyLabel ?ods ?gss ?type ?founded ?dissolved WHERE {
  ?unit a srx:PostcodeUnit ; srx:postcode %(pc)s ; srx:within ?direct .
  ?direct srx:within* ?area .
  ?body srx:covers ?area ; a ?type .
  VALUES ?type { srx:IntegratedCareBoard srx:SubICBLocation srx:ClinicalCommissioningGroup srx:HealthBoard srx:LocalAuthority }
  OPTIONAL { ?body rdfs:label ?bodyLabel }
  OPTIONAL { ?body srx:odsCode ?ods }
  OPTIONAL { ?body srx:gssCode ?gss }
  OPTIONAL { ?body srx:founded ?founded }
  OPTIONAL { ?body srx:dissolved ?dissolved }
}
ORDER BY ?dissolved ?bodyLabel"""


@dataclass
class PostcodeAnswer:
    postcode: str
    unit: str = ""
    latitude: str = ""
    longitude: str = ""
    terminated: str = ""
    areas: list[dict] = field(default_factory=list)
    schemes: list[dict] = field(default_factory=list)
    bodies_now: list[dict] = field(default_factory=list)
    bodies_before: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def _v(row: dict, name: str) -> str:
    return row[name]["value"] if name in row else ""


def _literal(text: str) -> str:
    # Only called with a parsed postcode (letters, digits, one space), so no escaping is needed.
    return f'"{text}"'


def lookup(store, postcode: str, today: str | None = None) -> PostcodeAnswer | None:
    """What the store knows about a parsed postcode, or None when no postcode unit has it."""
    import datetime as dt

    today = today or dt.date.today().isoformat()
    args = {"pc": _literal(postcode)}
    rows = store.query(UNIT_QUERY % args).rows
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
    for row in store.query(SCHEMES_QUERY % args).rows:
        key = _v(row, "scheme")
        if key in seen:
            continue  # a scheme that covers the postcode is not listed again as serving part of the area
        seen.add(key)
        answer.schemes.append({"iri": key, "label": _v(row, "schemeLabel"), "area": _v(row, "area"),
                               "areaLabel": _v(row, "areaLabel"), "how": _v(row, "how")})
    bodies: dict[str, dict] = {}
    for row in store.query(BODIES_QUERY % args).rows:
        b = bodies.setdefault(_v(row, "body"), {"iri": _v(row, "body"), "label": _v(row, "bodyLabel"), "ods": set(), "gss": set(),
                                                "type": _v(row, "type").rsplit("/", 1)[-1], "founded": _v(row, "founded"),
                                                "dissolved": _v(row, "dissolved")})
        for key in ("ods", "gss"):
            if _v(row, key):
                b[key].add(_v(row, key))
    for b in bodies.values():
        b["ods"], b["gss"] = sorted(b["ods"]), sorted(b["gss"])
        gone = b["dissolved"] and b["dissolved"][:10] <= today
        (answer.bodies_before if gone else answer.bodies_now).append(b)
    return answer
