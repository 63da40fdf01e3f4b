"""Which NHS bodies and councils cover an area (or a scheme's areas): at the infographic's time, since, and now.

The infographic speaks of about 2017, when clinical commissioning groups commissioned care; they closed on
1 July 2022 and integrated care boards took over. A body covers an area when it `srx:covers` the area or an
area that contains it or replaced it (`(srx:within|srx:succeededBy)*`), or succeeded (`srx:succeededBy+`) a body
that did: a successor takes over its predecessor's duties even where no source lists the successor's areas (the
Cumbria ICBs succeed the CCGs whose localities a source names). "now" is a body with no `srx:dissolved` date. A
council that existed in 2017 and still does is listed both then and now.
"""

from __future__ import annotations

from dataclasses import dataclass


from ..importers.nquads import safe_iri
from ..namespaces import sparql_prologue

INFOGRAPHIC_YEAR = "2017"

# Two steps, so the cost never grows with the postcodes imported: the areas above the resource (walking up from
# its IRI), then the bodies covering those areas, bound through VALUES. In one query the engine walked srx:within
# down from every covered area through all the postcode units in it (333 ms at 2.7 M postcodes; 2.6 + 4.3 ms so).
# The resource's IRI is written in (checked by safe_iri), not bound through VALUES: Virtuoso 7.2.5 refuses a
# transitive path whose start comes from VALUES ("neither end of it is bound", docs/scale.md).
UP = sparql_prologue(["srx"]) + """SELECT ?via WHERE { %s srx:areaServed? ?area . ?area (srx:within|srx:succeededBy)* ?via . }"""

QUERY = sparql_prologue(["srx", "rdfs"]) + """
SELECT ?x ?body ?label ?kind ?ods ?gss ?founded ?dissolved ?via ?viaLabel WHERE {
  VALUES ?via { %s }
  { ?body srx:covers ?via } UNION { ?earlier srx:covers ?via ; srx:succeededBy+ ?body }
  ?body rdfs:label ?label ; a ?kind .
  VALUES ?kind { srx:ClinicalCommissioningGroup srx:IntegratedCareBoard srx:SubICBLocation srx:HealthBoard srx:LocalAuthority }
  ?via rdfs:label ?viaLabel .
  OPTIONAL { ?body srx:odsCode ?ods }
  OPTIONAL { ?body srx:gssCode ?gss }
  OPTIONAL { ?body srx:founded ?founded }
  OPTIONAL { ?body srx:dissolved ?dissolved }
}
"""

# GP practices each body commissions itself or through its sub-ICB locations (from an imported ODS epraccur
# file). A separate query: pyoxigraph 0.5 leaves the aggregate unbound when it sits in an OPTIONAL above.
PRACTICES = sparql_prologue(["srx", "org"]) + """
SELECT ?body (COUNT(DISTINCT ?practice) AS ?practices) WHERE {
  ?practice a srx:GPPractice ; srx:commissionedBy/org:subOrganizationOf? ?body .
} GROUP BY ?body
"""

KINDS = {
    "ClinicalCommissioningGroup": "Clinical commissioning group",
    "IntegratedCareBoard": "Integrated care board",
    "SubICBLocation": "Sub-ICB location",
    "HealthBoard": "Health board",
    "LocalAuthority": "Local authority",
}


@dataclass(frozen=True)
class CoveringBody:
    iri: str
    label: str
    kind: str
    ods: str | None
    gss: str | None
    founded: str | None
    dissolved: str | None
    via: str
    via_label: str
    practices: int = 0

    @property
    def current(self) -> bool:
        return self.dissolved is None

    @property
    def at_infographic_time(self) -> bool:
        """Existed at some time in 2017 (xsd:date, gYearMonth and gYear values all start with the year)."""
        started = self.founded is None or self.founded[:4] <= INFOGRAPHIC_YEAR
        return started and (self.dissolved is None or self.dissolved[:4] >= INFOGRAPHIC_YEAR)


@dataclass
class NHSCover:
    now: list[CoveringBody]
    then: list[CoveringBody]
    between: list[CoveringBody]

    def __bool__(self) -> bool:
        return bool(self.now or self.then or self.between)


def nhs_cover(store, iri: str) -> NHSCover:
    """Return the bodies covering the resource's area(s), grouped into now, about 2017 and in between."""
    up = store.query(UP % f"<{iri}>").rows if safe_iri(iri) else []
    vias = sorted({r["via"]["value"] for r in up if "via" in r})
    vias = [v for v in vias if safe_iri(v)]
    rows = store.query(QUERY % " ".join(f"<{v}>" for v in vias)).rows if vias else []
    practices = _practices(store) if rows else {}
    found = {
            CoveringBody(
                iri=r["body"]["value"], label=r["label"]["value"], kind=KINDS[r["kind"]["value"].rsplit("/", 1)[-1]],
                ods=_value(r, "ods"), gss=_value(r, "gss"), founded=_value(r, "founded"), dissolved=_value(r, "dissolved"),
                via=r["via"]["value"], via_label=r["viaLabel"]["value"], practices=practices.get(r["body"]["value"], 0),
            )
            for r in rows
        }
    # One entry per body, even when it is reached directly and through a predecessor.
    bodies = sorted({b.iri: b for b in sorted(found, key=lambda b: b.via, reverse=True)}.values(),
                    key=lambda b: (b.founded or "", b.label))
    then = [b for b in bodies if b.at_infographic_time]
    now = [b for b in bodies if b.current]
    between = [b for b in bodies if not b.at_infographic_time and not b.current]
    return NHSCover(now=now, then=then, between=between)


_PRACTICES: dict = {}  # graph version -> {body: practices}: one aggregate over every practice, read once per version
_PRACTICES_KEPT = 4


def _practices(store) -> dict[str, int]:
    """GP practices per commissioning body, for the store's current data (its `version` changes on every reload)."""
    version = getattr(store, "version", None)
    version = None if version in (None, "0") else version  # "0": a store that never loaded names no data
    found = _PRACTICES.get(version) if version is not None else None
    if found is None:
        found = {r["body"]["value"]: int(r["practices"]["value"]) for r in store.query(PRACTICES).rows}
        if version is not None:
            while len(_PRACTICES) >= _PRACTICES_KEPT:
                _PRACTICES.pop(next(iter(_PRACTICES)))
            _PRACTICES[version] = found
    return found


def _value(row, name):
    return row[name]["value"] if name in row else None
