"""The link report: every external identifier in the curated data, whether an imported dataset knows it,
whether it is current or superseded, and whether it has the shape its scheme requires."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from .namespaces import GRAPH

IMPORT_PREFIX = f"{GRAPH}import/"
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"

SCHEMES = {
    # name: (pattern, link template, property that carries it)
    "ODS": (re.compile(r"^[A-Z0-9]{3,6}$"), "https://directory.spineservices.nhs.uk/ORD/2-0-0/organisations/{}", "srx:odsCode"),
    "GSS": (re.compile(r"^[EWSNK][0-9]{8}$"), "http://statistics.data.gov.uk/id/statistical-geography/{}", "srx:gssCode"),
    "SNOMED CT": (re.compile(r"^[0-9]{6,18}$"), "http://snomed.info/id/{}", "srx:snomedCode"),
    "Wikidata": (re.compile(r"^Q[0-9]+$"), "http://www.wikidata.org/entity/{}", "srx:wikidata"),
}

def query_for(scheme: str) -> str:
    """One query per scheme: its identifiers in curated graphs, and the imported graphs that state them too."""
    if scheme == "Wikidata":
        where = f"""GRAPH ?g {{ ?entity srx:wikidata ?item }}
  BIND(IF(STRSTARTS(STR(?item), "{WIKIDATA_ENTITY}"), STRAFTER(STR(?item), "{WIKIDATA_ENTITY}"), STR(?item)) AS ?value)"""
        known = "GRAPH ?knownBy { ?item ?p ?o }"
    else:
        prop = SCHEMES[scheme][2]
        where = f"GRAPH ?g {{ ?entity {prop} ?value }}"
        known = f"GRAPH ?knownBy {{ ?x {prop} ?value }}"
    return f"""PREFIX srx: <https://w3id.org/socialrx/def/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?value ?entity ?label ?dissolved ?successor ?knownBy WHERE {{
  {where}
  FILTER(!STRSTARTS(STR(?g), "{IMPORT_PREFIX}"))
  OPTIONAL {{ ?entity rdfs:label ?label }}
  OPTIONAL {{ ?entity srx:dissolved ?dissolved }}
  OPTIONAL {{ ?entity srx:succeededBy ?successor }}
  OPTIONAL {{ {known} FILTER(STRSTARTS(STR(?knownBy), "{IMPORT_PREFIX}")) }}
}}"""


@dataclass
class Identifier:
    scheme: str
    value: str
    entity: str
    label: str = ""
    link: str = ""
    pattern_ok: bool = True
    status: str = "current"  # current | superseded
    since: str = ""  # when superseded, the dissolution date
    known_by: list[str] = field(default_factory=list)  # import datasets that know the identifier

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class LinkReport:
    identifiers: list[Identifier]
    today: str

    def summary(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for scheme in SCHEMES:
            ids = [i for i in self.identifiers if i.scheme == scheme]
            out[scheme] = {
                "identifiers": len(ids),
                "known": sum(1 for i in ids if i.known_by),
                "superseded": sum(1 for i in ids if i.status == "superseded"),
                "bad_pattern": sum(1 for i in ids if not i.pattern_ok),
            }
        return out

    @property
    def bad(self) -> list[Identifier]:
        return [i for i in self.identifiers if not i.pattern_ok]

    def as_dict(self) -> dict:
        return {"today": self.today, "summary": self.summary(), "identifiers": [i.as_dict() for i in self.identifiers],
                "patterns": {k: v[0].pattern for k, v in SCHEMES.items()}}

    def text(self) -> str:
        lines = [f"Link report ({self.today})"]
        for scheme, s in self.summary().items():
            lines.append(f"  {scheme:9} {s['identifiers']:4} identifiers, {s['known']:4} known to an imported dataset, "
                         f"{s['superseded']:3} superseded, {s['bad_pattern']:3} failing the pattern {SCHEMES[scheme][0].pattern}")
        lines.append("")
        for i in self.identifiers:
            state = i.status + (f" since {i.since}" if i.since else "")
            known = ", ".join(i.known_by) if i.known_by else "no loaded dataset"
            flag = "" if i.pattern_ok else "  BAD PATTERN"
            lines.append(f"  {i.scheme:9} {i.value:16} {state:26} {known:32} {i.entity}{flag}")
        return "\n".join(lines)


def _value(row: dict, name: str) -> str:
    return row[name]["value"] if name in row else ""


def build(store, today: dt.date | None = None) -> LinkReport:
    """Ask the store for every identifier and judge each one."""
    today_s = (today or dt.date.today()).isoformat()
    found: dict[tuple[str, str, str], Identifier] = {}
    known: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    rows = ((scheme, row) for scheme in SCHEMES for row in store.query(query_for(scheme)).rows)
    for scheme, row in rows:
        value, entity = _value(row, "value"), _value(row, "entity")
        key = (scheme, value, entity)
        ident = found.get(key)
        if ident is None:
            pattern, link, _ = SCHEMES[scheme]
            ident = found[key] = Identifier(scheme, value, entity, pattern_ok=bool(pattern.match(value)),
                                            link=link.format(value) if pattern.match(value) else "")
        if _value(row, "label") and not ident.label:
            ident.label = _value(row, "label")
        dissolved = _value(row, "dissolved")
        if dissolved and dissolved[:10] <= today_s:
            ident.status, ident.since = "superseded", min(filter(None, (ident.since, dissolved)))
        elif _value(row, "successor") and ident.status == "current":
            ident.status = "superseded"
        if _value(row, "knownBy"):
            known[key].add(_value(row, "knownBy").removeprefix(IMPORT_PREFIX))
    for key, ident in found.items():
        ident.known_by = sorted(known[key])
    order = {s: n for n, s in enumerate(SCHEMES)}
    identifiers = sorted(found.values(), key=lambda i: (order[i.scheme], i.value, i.entity))
    return LinkReport(identifiers, today_s)
