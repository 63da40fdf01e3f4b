"""The facts a person acts on for one scheme or service: status, how to refer, contact and cost, each with its source.

Every statement sits in the named graph of the source that makes it (data/current/ holds the check of
2026-11-29), so each value here carries that source, its web address and the date it was read. A row
no source fills says "not stated by any source", never blank and never guessed. The class-level rule
(`srx:typicalReferralSource`: social prescribing refers from general practice, navigators from a range
of sources) is kept apart as a general rule, not a fact about the scheme.
Fields follow Open Referral UK 3.0 (service.status, application_process, url, email, phones,
locations, fees_description) so the ORUK feed can map them one to one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef

from ..namespaces import SCHEMA, SKOS, SRX, sparql_prologue

NOT_STATED = "not stated by any source"

IS_SERVICE = sparql_prologue(["srx", "rdfs"]) + """
ASK { ?x a/rdfs:subClassOf* srx:Service }
"""

# One row per (source graph, property, value); the source's own description sits in its graph too.
FACTS = sparql_prologue(["srx", "rdfs", "skos", "dct", "schema"]) + """
SELECT ?g ?p ?o ?oLabel ?street ?locality ?postcode ?gLabel ?gUrl ?gRead ?gIssued WHERE {
  VALUES ?p { srx:status srx:statusCheckedOn srx:howToRefer srx:takesReferralsFrom srx:feesDescription
              schema:url schema:email schema:telephone schema:address srx:quote skos:note skos:editorialNote }
  GRAPH ?g { ?x ?p ?o }
  OPTIONAL { ?o skos:prefLabel ?oLabel }
  OPTIONAL { ?o schema:streetAddress ?street }
  OPTIONAL { ?o schema:addressLocality ?locality }
  OPTIONAL { ?o schema:postalCode ?postcode }
  OPTIONAL { ?g rdfs:label ?gLabel }
  OPTIONAL { ?g srx:url ?gUrl }
  OPTIONAL { ?g srx:readOn ?gRead }
  OPTIONAL { ?g dct:issued ?gIssued }
}
"""

# The general rule for the scheme's kinds, and the source of the referral-sources vocabulary that states it.
RULES = sparql_prologue(["srx", "rdfs", "skos", "dct"]) + """
SELECT DISTINCT ?cls ?clsLabel ?ref ?refLabel ?rule ?source ?sourceLabel WHERE {
  ?x a ?cls .
  ?cls srx:typicalReferralSource ?ref ; rdfs:label ?clsLabel .
  ?ref skos:prefLabel ?refLabel .
  OPTIONAL { ?ref skos:inScheme ?vocab . ?vocab skos:definition ?rule .
             OPTIONAL { ?vocab dct:source ?source . OPTIONAL { ?source rdfs:label ?sourceLabel } } }
}
"""

STATUS_LABELS = {"running": "Running", "ended": "Ended", "not-known": "Not known"}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


@dataclass(frozen=True)
class Source:
    iri: str
    label: str
    url: str | None
    read_on: str | None
    issued: str | None

    @property
    def read_on_text(self) -> str | None:
        return long_date(self.read_on)

    @property
    def issued_text(self) -> str | None:
        return long_date(self.issued)


@dataclass(frozen=True)
class Fact:
    """One value as one source states it."""

    value: str
    source: Source
    iri: str | None = None  # the value's IRI when it is a resource (a concept, a web page)


@dataclass
class Item:
    """One value and every source that states it."""

    value: str
    iri: str | None
    sources: list[Source]


@dataclass
class Status:
    key: str  # running, ended or not-known
    label: str
    checked_on: str | None
    source: Source
    quotes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def checked_on_text(self) -> str | None:
        return long_date(self.checked_on)


@dataclass(frozen=True)
class GeneralRule:
    kind: str
    kind_iri: str
    refers_from: str
    refers_from_iri: str
    rule: str | None  # the referral-sources vocabulary's own statement of the rule
    source: str | None
    source_label: str | None


@dataclass
class Access:
    """What the "Using this scheme" section shows; empty lists mean no source states it."""

    status: Status | None
    how_to_refer: list[Item]
    who_can_refer: list[Item]
    general_rules: list[GeneralRule]
    website: list[Item]
    phone: list[Item]
    email: list[Item]
    address: list[Item]
    cost: list[Item]
    not_stated: str = NOT_STATED

    @property
    def contact_rows(self) -> list[tuple[str, list[Item]]]:
        return [("Website", self.website), ("Phone", self.phone), ("Email", self.email), ("Address", self.address), ("Cost", self.cost)]

    @property
    def rows(self) -> list[tuple[str, list[Item]]]:
        """Every row after the status, in the order people read them."""
        return [("How to refer", self.how_to_refer), ("Who can refer", self.who_can_refer), *self.contact_rows]

    @property
    def stated_rows(self) -> list[tuple[str, list[Item]]]:
        return [(label, items) for label, items in self.rows if items]

    @property
    def unstated(self) -> list[str]:
        """The rows no source fills: shown together on one line, so a scheme we know little about stays short."""
        return [label for label, items in self.rows if not items]


def scheme_access(store, iri: str) -> Access | None:
    """Return the facts people act on for a scheme or service, or None when the resource is not a service."""
    subject = {"x": URIRef(iri)}
    if not store.query(IS_SERVICE, bindings=subject).boolean:
        return None
    by_prop: dict[str, list[Fact]] = {}
    for row in store.query(FACTS, bindings=subject).rows:
        fact = _fact(row)
        by_prop.setdefault(row["p"]["value"], []).append(fact)
    rules = [
        GeneralRule(kind=r["clsLabel"]["value"], kind_iri=r["cls"]["value"], refers_from=r["refLabel"]["value"],
                    refers_from_iri=r["ref"]["value"], rule=_value(r, "rule"), source=_value(r, "source"),
                    source_label=_value(r, "sourceLabel"))
        for r in store.query(RULES, bindings=subject).rows
    ]
    items = lambda prop: _items(by_prop.get(str(prop), []))  # noqa: E731
    return Access(
        status=_status(by_prop),
        how_to_refer=items(SRX.howToRefer),
        who_can_refer=items(SRX.takesReferralsFrom),
        general_rules=sorted(rules, key=lambda r: r.kind),
        website=items(SCHEMA.url),
        phone=items(SCHEMA.telephone),
        email=items(SCHEMA.email),
        address=items(SCHEMA.address),
        cost=items(SRX.feesDescription),
    )


def long_date(value: str | None) -> str | None:
    """Write an xsd:date as people read it: 2026-11-29 -> 29 November 2026 (other forms unchanged)."""
    if not value or len(value) != 10 or value[4] != "-" or value[7] != "-":
        return value
    year, month, day = value.split("-")
    return f"{int(day)} {MONTHS[int(month) - 1]} {year}" if month.isdigit() and 1 <= int(month) <= 12 else value


def _status(by_prop: dict[str, list[Fact]]) -> Status | None:
    """The status and, from the same source graph, the date it was checked, the quotes and the notes."""
    statuses = _sorted(by_prop.get(str(SRX.status), []))
    if not statuses:
        return None
    fact = statuses[0]  # the shapes allow one status per scheme
    graph = fact.source.iri
    key = (fact.iri or "").rsplit("/", 1)[-1]
    checked = [f.value for f in by_prop.get(str(SRX.statusCheckedOn), []) if f.source.iri == graph]
    same = lambda prop: sorted(f.value for f in by_prop.get(prop, []) if f.source.iri == graph)  # noqa: E731
    return Status(
        key=key, label=fact.value if fact.value != fact.iri else STATUS_LABELS.get(key, key),
        checked_on=max(checked) if checked else None, source=fact.source,
        quotes=same(str(SRX.quote)), notes=same(str(SKOS.editorialNote)) + same(str(SKOS.note)),
    )


def _fact(row) -> Fact:
    source = Source(
        iri=row["g"]["value"], label=_value(row, "gLabel") or row["g"]["value"], url=_value(row, "gUrl"),
        read_on=_value(row, "gRead"), issued=_value(row, "gIssued"),
    )
    obj = row["o"]
    if obj["type"] == "literal":
        return Fact(value=obj["value"], source=source)
    if "street" in row or "locality" in row or "postcode" in row:
        parts = [_value(row, k) for k in ("street", "locality", "postcode")]
        return Fact(value=", ".join(p for p in parts if p), source=source, iri=obj["value"])
    return Fact(value=_value(row, "oLabel") or obj["value"], source=source, iri=obj["value"])


def _items(facts: list[Fact]) -> list[Item]:
    """Group equal values, each with the sources that state it, newest-read source first."""
    grouped: dict[tuple[str, str | None], Item] = {}
    for f in _sorted(facts):
        item = grouped.setdefault((f.value, f.iri), Item(f.value, f.iri, []))
        item.sources.append(f.source)
    return list(grouped.values())


def _sorted(facts: list[Fact]) -> list[Fact]:
    """Newest-read first, then by source and value, with duplicates (one value from one source) dropped."""
    unique = {(f.source.iri, f.value): f for f in facts}
    return sorted(unique.values(), key=lambda f: (-(int((f.source.read_on or "0").replace("-", "")) ), f.source.label, f.value))


def _value(row, name):
    return row[name]["value"] if name in row else None
