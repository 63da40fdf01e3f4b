"""Turn what graph_read found into ORUK 3.0 records (services, service-at-locations, taxonomies, terms).

Rules (docs/oruk.md has the table): a field no statement gives is left out, never filled in; ids are UUIDv5 of
our IRIs (stable, and ORUK wants UUIDs); fields the UK profile dropped but HSDS 3.0 defines (phones,
application_process, fees_description, eligibility_description) are kept, as the profile allows extra
properties; `socialrx_*` properties link every record to its IRI, its page here and its sources.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from ..importers.checks import normalise_postcode
from .graph_read import DCT, RDFS, SCHEMA, SKOS, SRX, GraphRead, Node

STATUS_SCHEME = "https://w3id.org/socialrx/id/vocab/status"
# Properties whose values are concepts, and the ORUK attribute link_type each becomes.
CONCEPT_LINKS = {
    SRX + "hasAim": "aim", SRX + "usesApproach": "approach", SRX + "usesRole": "role",
    SRX + "staffBasedAt": "staff_based_at", SRX + "takesReferralsFrom": "referral_source", DCT + "subject": "subject",
}
CLIENT_GROUP_LINK = "client_group"


def oruk_id(iri: str) -> str:
    """The ORUK id of one of our resources: a UUID derived from its IRI (RFC 9562 name-based, SHA-1)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, iri))


def _int_or_number(text: str | None):
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number == int(number) else number


def _http(text: str | None) -> str | None:
    return text if text and text.startswith(("http://", "https://")) and " " not in text else None


def _email(text: str | None) -> str | None:
    return text if text and "@" in text and " " not in text.strip() else None


@dataclass
class Address:
    id: str
    street: str | None
    locality: str | None
    postcode: str | None
    region: str | None
    country: str | None

    def as_oruk(self, location_id: str) -> dict | None:
        """An ORUK address, or None when a part ORUK requires (street, city, postcode) is not stated."""
        if not (self.street and self.locality and self.postcode):
            return None
        uk = normalise_postcode(self.postcode) is not None
        country = self.country or ("GB" if uk else None)
        if not country:
            return None
        # ORUK requires state_province; UK addresses have none and no source gives a county, so it is empty.
        return {"id": self.id, "location_id": location_id, "address_1": self.street, "city": self.locality,
                "state_province": self.region or "", "postal_code": self.postcode, "country": country,
                "address_type": "physical"}


@dataclass
class Location:
    id: str
    iri: str | None
    name: str | None
    latitude: float | None
    longitude: float | None
    addresses: list[Address] = field(default_factory=list)
    from_postcode: bool = False  # coordinates are the address postcode's centroid, not stated for the place

    def as_oruk(self) -> dict:
        out = {"id": self.id, "location_type": "physical"}
        if self.name:
            out["name"] = self.name
        if self.latitude is not None and self.longitude is not None:
            out["latitude"], out["longitude"] = self.latitude, self.longitude
            if self.from_postcode:
                out["socialrx_coordinates"] = "the centroid of the address's postcode (shipped postcode directory), not of the place"
        addresses = [a for a in (x.as_oruk(self.id) for x in self.addresses) if a]
        if addresses:
            out["addresses"] = addresses
        if self.iri:
            out["socialrx_uri"] = self.iri
        return out

    @property
    def postcodes(self) -> list[str]:
        return [pc for a in self.addresses if a.postcode and (pc := normalise_postcode(a.postcode))]


@dataclass
class Term:
    iri: str
    id: str
    name: str
    description: str | None
    scheme: str | None
    scheme_name: str | None
    parent: str | None
    notation: str | None

    def as_oruk(self) -> dict | None:
        if not self.description:
            return None  # ORUK requires a description; the term is then linked by id only
        out = {"id": self.id, "name": self.name, "description": self.description, "term_uri": self.iri}
        if self.parent:
            out["parent_id"] = oruk_id(self.parent)
        if self.scheme:
            out["taxonomy_id"] = oruk_id(self.scheme)
        if self.scheme_name:
            out["taxonomy"] = self.scheme_name
        if self.notation:
            out["term"] = self.notation
        return out


@dataclass
class Service:
    """What the list filters need, at hand; the ORUK records themselves are built on first use (`build`)."""

    iri: str
    id: str
    name: str
    status: str | None  # the ORUK status value, None when no statement gives one
    locations: list[Location]
    term_ids: set[str]
    taxonomy_ids: set[str]
    areas: set[str]
    search_text: str
    minimum_age: float | None
    maximum_age: float | None
    build: Callable[[], tuple[dict, dict]] = field(repr=False, default=None)

    @cached_property
    def _records(self) -> tuple[dict, dict]:
        return self.build()

    @property
    def record(self) -> dict:
        """The one-to-one fields of the ORUK service (list form)."""
        return self._records[0]

    @property
    def full(self) -> dict:
        """The fully nested ORUK service."""
        return self._records[1]


class RecordMaker:
    """Build ORUK records from one GraphRead; page_url(iri) gives the address of an IRI's page on this site."""

    def __init__(self, read: GraphRead, page_url, postcode_points: dict[str, tuple[float, float]] | None = None):
        self.read, self.page_url = read, page_url
        self.points = postcode_points or {}
        self.terms = {iri: self._term(iri) for iri, node in read.concepts.items() if SKOS + "Concept" in node.iris(_TYPE)}

    # -- concepts --------------------------------------------------------------------------------------
    def _term(self, iri: str) -> Term:
        node = self.read.concepts[iri]
        schemes = node.iris(SKOS + "inScheme")
        scheme = schemes[0] if schemes else None
        scheme_node = self.read.concepts.get(scheme) if scheme else None
        broader = node.iris(SKOS + "broader")
        return Term(iri, oruk_id(iri), node.first(SKOS + "prefLabel", RDFS + "label") or iri.rsplit("/", 1)[-1],
                    node.first(SKOS + "definition", DCT + "description"), scheme,
                    scheme_node.first(SKOS + "prefLabel", RDFS + "label") if scheme_node else None,
                    broader[0] if broader else None, node.first(SKOS + "notation"))

    def taxonomy(self, iri: str) -> dict | None:
        node = self.read.concepts.get(iri)
        if node is None or SKOS + "ConceptScheme" not in node.iris(_TYPE):
            return None
        description = node.first(SKOS + "definition", DCT + "description")
        if not description:
            return None  # ORUK requires a description
        return {"id": oruk_id(iri), "name": node.first(SKOS + "prefLabel", RDFS + "label") or iri, "description": description,
                "uri": iri, "socialrx_page": self.page_url(iri)}

    def taxonomies(self) -> list[str]:
        return sorted(iri for iri, n in self.read.concepts.items() if SKOS + "ConceptScheme" in n.iris(_TYPE))

    def term_record(self, term: Term) -> dict | None:
        out = term.as_oruk()
        if out is not None:
            out["socialrx_page"] = self.page_url(term.iri)
        return out

    # -- services --------------------------------------------------------------------------------------
    def node(self, iri: str) -> Node:
        return self.read.nodes.get(iri) or Node(iri)

    def service(self, iri: str) -> Service:
        """The service's filter facts now; its ORUK records when first asked for."""
        s = self.read.services[iri]
        sid = oruk_id(iri)
        name = s.first(RDFS + "label", SKOS + "prefLabel") or iri.rsplit("/", 1)[-1]
        description = s.first(DCT + "description", SKOS + "definition")
        eligibilities = [self.node(e) for e in s.iris(SRX + "eligibility")]
        low, high = _bounds(eligibilities)
        concepts = sorted({c for _, c in self._concept_links(s, eligibilities)})
        terms = [self.terms[c] for c in concepts if c in self.terms]
        search = " ".join(filter(None, [name, description, *(t.name for t in terms)])).lower()
        return Service(iri, sid, name, self._status(s), self._locations(s, sid), {t.id for t in terms},
                       {oruk_id(t.scheme) for t in terms if t.scheme}, set(s.iris(SRX + "areaServed")), search,
                       _number(low), _number(high), build=lambda: self._build_records(s, sid, name, description, eligibilities, low, high))

    def _build_records(self, s: Node, sid: str, name: str, description, eligibilities, low, high) -> tuple[dict, dict]:
        iri = s.iri
        record: dict = {"id": sid, "name": name}
        status = self._status(s)
        if status:
            record["status"] = status
        if description:
            record["description"] = description
        url = next((u for u in (_http(v.text) for v in s.all(SCHEMA + "url")) if u), None)
        if url:
            record["url"] = url
        email = _email(s.first(SCHEMA + "email"))
        if email:
            record["email"] = email
        fees = s.first(SRX + "feesDescription")
        if fees:
            record["fees"] = record["fees_description"] = fees
        how = s.first(SRX + "howToRefer")
        if how:
            record["application_process"] = how
        checked = s.first(SRX + "statusCheckedOn")
        if checked:
            record["assured_date"] = checked
        if low is not None:
            record["minimum_age"] = low
        if high is not None:
            record["maximum_age"] = high
        descriptions = sorted({d for e in eligibilities if (d := e.first(DCT + "description"))})
        if descriptions:
            record["eligibility_description"] = " ".join(descriptions)
        providers = s.iris(SRX + "providedBy")
        if providers:
            record["organization_id"] = oruk_id(providers[0])
            org = self._organisation(providers[0])
            if org:
                record["organization"] = org
        record["socialrx_uri"] = iri
        record["socialrx_page"] = self.page_url(iri)
        record["socialrx_sources"] = self._sources(s)

        full = dict(record)
        areas = [self._area(a, sid) for a in s.iris(SRX + "areaServed")]
        locations = self._locations(s, sid)
        contacts = [self._contact(c, sid) for c in s.iris(SCHEMA + "contactPoint")]
        phones = sorted({v.text for v in s.all(SCHEMA + "telephone") if not v.iri})
        attributes = self._attributes(s, sid, eligibilities)
        if areas:
            full["service_areas"] = areas
        if locations:
            full["service_at_locations"] = [self._sal_stub(sid, loc) for loc in locations]
        if contacts:
            full["contacts"] = contacts
        if phones:
            full["phones"] = [{"id": oruk_id(f"{iri}#phone-{n}"), "service_id": sid, "number": n} for n in phones]
        if attributes:
            full["attributes"] = attributes
        return record, full

    def _status(self, s: Node) -> str | None:
        for concept in s.iris(SRX + "status"):
            term = self.terms.get(concept)
            if term and term.notation in ("active", "inactive", "defunct", "temporarily closed"):
                return term.notation
        return None

    def _organisation(self, iri: str) -> dict | None:
        org = self.node(iri)
        name = org.first(RDFS + "label", SCHEMA + "name")
        description = org.first(DCT + "description", SKOS + "definition")
        if not (name and description):
            return None  # ORUK requires both; the service keeps organization_id
        out = {"id": oruk_id(iri), "name": name, "description": description}
        website = next((u for u in (_http(v.text) for v in org.all(SCHEMA + "url")) if u), None)
        if website:
            out["website"] = website
        email = _email(org.first(SCHEMA + "email"))
        if email:
            out["email"] = email
        out["uri"] = iri
        return out

    @staticmethod
    def _concept_links(s: Node, eligibilities: list[Node]) -> list[tuple[str, str]]:
        links = [(link_type, c) for prop, link_type in CONCEPT_LINKS.items() for c in s.iris(prop)]
        return links + [(CLIENT_GROUP_LINK, c) for e in eligibilities for c in e.iris(SRX + "clientGroup")]

    def _attributes(self, s: Node, sid: str, eligibilities: list[Node]) -> list[dict]:
        out = []
        for link_type, concept in sorted(set(self._concept_links(s, eligibilities))):
            term = self.terms.get(concept)
            if term is None:
                continue
            item = {"id": oruk_id(f"{s.iri}#{link_type}-{concept}"), "link_id": sid, "link_type": link_type,
                    "taxonomy_term_id": term.id}
            record = self.term_record(term)
            if record:
                item["taxonomy_term"] = record
            out.append(item)
        return out

    def _area(self, iri: str, sid: str) -> dict:
        area = self.node(iri)
        out = {"id": oruk_id(f"{sid}#area-{iri}"), "service_id": sid, "uri": iri}
        name = area.first(RDFS + "label", SKOS + "prefLabel")
        if name:
            out["name"] = name
        return out

    def address(self, iri: str, owner: str) -> Address:
        a = self.node(iri)
        key = iri if not iri.startswith("_:") and ":" in iri else f"{owner}#address-" + "|".join(
            a.first(SCHEMA + p) or "" for p in ("streetAddress", "addressLocality", "postalCode"))
        return Address(oruk_id(key), a.first(SCHEMA + "streetAddress"), a.first(SCHEMA + "addressLocality"),
                       a.first(SCHEMA + "postalCode"), a.first(SCHEMA + "addressRegion"), a.first(SCHEMA + "addressCountry"))

    def _locations(self, s: Node, sid: str) -> list[Location]:
        out = []
        for place in s.iris(SCHEMA + "location"):
            p = self.node(place)
            addresses = [self.address(a, place) for a in sorted({v.text for v in p.all(SCHEMA + "address")})]
            out.append(self._with_point(Location(oruk_id(place), place, p.first(RDFS + "label", SCHEMA + "name"),
                                                 _coordinate(p.first(SRX + "latitude"), 90), _coordinate(p.first(SRX + "longitude"), 180),
                                                 addresses)))
        placed = {a.id for loc in out for a in loc.addresses}
        # The agreed shape puts a postal address on the service itself: each becomes a location of its own.
        for value in sorted({v.text for v in s.all(SCHEMA + "address")}):
            address = self.address(value, s.iri)
            if address.id in placed:
                continue
            out.append(self._with_point(Location(oruk_id(f"{s.iri}#location-{address.id}"), None, None, None, None, [address])))
        return out

    def _with_point(self, loc: Location) -> Location:
        if loc.latitude is None and loc.postcodes and loc.postcodes[0] in self.points:
            loc.latitude, loc.longitude = self.points[loc.postcodes[0]]
            loc.from_postcode = True
        return loc

    def _contact(self, iri: str, sid: str) -> dict:
        c = self.node(iri)
        out = {"id": oruk_id(iri), "service_id": sid}
        name = c.first(SCHEMA + "name", RDFS + "label")
        if name:
            out["name"] = name
        title = c.first(SCHEMA + "jobTitle")
        if title:
            out["title"] = title
        email = _email(c.first(SCHEMA + "email"))
        if email:
            out["email"] = email
        phones = sorted({v.text for v in c.all(SCHEMA + "telephone")})
        if phones:
            out["phones"] = [{"id": oruk_id(f"{iri}#phone-{n}"), "number": n} for n in phones]
        return out

    def _sal_stub(self, sid: str, loc: Location) -> dict:
        return {"id": sal_id(sid, loc.id), "service_id": sid, "location_id": loc.id, "location": loc.as_oruk()}

    def _sources(self, s: Node) -> list[dict]:
        cited = set(s.graphs) | set(s.iris(DCT + "source"))
        out = []
        for g in sorted(cited):
            src = self.read.sources.get(g)
            item = {"uri": g, "page": self.page_url(g)}
            if src is not None:
                label = src.first(RDFS + "label", DCT + "title")
                if label:
                    item["name"] = label
                read_at = src.first("http://www.w3.org/ns/prov#generatedAtTime")
                if read_at:
                    item["read_at"] = read_at
                licence = src.iris(DCT + "license")
                if licence:
                    item["licence"] = licence[0]
            out.append(item)
        return out


_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def sal_id(service_id: str, location_id: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:uuid:{service_id}/{location_id}"))


def _number(value) -> float | None:
    return float(value) if value is not None else None


def _bounds(eligibilities: list[Node]):
    """The age bounds every eligibility states (none when one of them leaves a bound open)."""
    if not eligibilities:
        return None, None
    lows = [_int_or_number(e.first(SRX + "minimumAge")) for e in eligibilities]
    highs = [_int_or_number(e.first(SRX + "maximumAge")) for e in eligibilities]
    low = min(lows) if all(v is not None for v in lows) else None
    high = max(highs) if all(v is not None for v in highs) else None
    return low, high


def _coordinate(text: str | None, limit: float) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and -limit <= value <= limit else None
