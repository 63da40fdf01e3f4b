"""Check and normalise one ORUK service record (ORUK 1.0 "classic", ORUK 3.0 or HSDS 3.0) into one shape.

Real feeds are messy: a record without an id or name, or with an id seen before, is refused (BadRecord);
a bad field (an empty string where a code is expected, an invalid coordinate, a malformed URL, HTML in a
description) is dropped or cleaned and reported as a `problem` naming the record and field; unknown fields
are ignored. Nothing here writes RDF (mapping.py does).
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ..importers.nquads import safe_iri

STATUSES = {"active", "inactive", "defunct", "temporarily closed"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SPACE = re.compile(r"\s+")
TAG = re.compile(r"<[a-zA-Z/!][^>]*>")
MAX_TEXT = 20_000


class BadRecord(Exception):
    """The record cannot be imported; .id (may be empty) and .reason say which and why."""

    def __init__(self, record_id: str, reason: str):
        super().__init__(f"{record_id or '(no id)'}: {reason}")
        self.id, self.reason = record_id, reason


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "p", "li", "div", "tr"):
            self.parts.append(" ")


def plain(text) -> str | None:
    """Text without markup or surplus whitespace; None when nothing is left."""
    if text is None or isinstance(text, (dict, list, bool)):
        return None
    text = str(text)
    if "<" not in text and "&" not in text:  # the common case, kept fast
        return " ".join(text.split())[:MAX_TEXT] or None
    if TAG.search(text):
        parser = _Text()
        parser.feed(text)
        parser.close()
        text = "".join(parser.parts)
    else:
        text = html.unescape(text)
    text = SPACE.sub(" ", text).strip()
    return text[:MAX_TEXT] or None


@dataclass
class Address:
    id: str
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postcode: str | None = None
    country: str | None = None


@dataclass
class Location:
    id: str
    name: str | None = None
    description: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    addresses: list[Address] = field(default_factory=list)


@dataclass
class Contact:
    id: str
    name: str | None = None
    title: str | None = None
    email: str | None = None
    phones: list[str] = field(default_factory=list)


@dataclass
class Term:
    id: str
    name: str
    description: str | None = None
    code: str | None = None
    term_uri: str | None = None
    parent_id: str | None = None
    taxonomy_id: str | None = None
    taxonomy_name: str | None = None
    taxonomy_description: str | None = None
    taxonomy_uri: str | None = None
    link_type: str | None = None


@dataclass
class Area:
    id: str
    name: str | None = None
    description: str | None = None
    uri: str | None = None


@dataclass
class Organisation:
    id: str
    name: str | None = None
    description: str | None = None
    website: str | None = None
    email: str | None = None


@dataclass
class ServiceIn:
    id: str
    name: str
    description: str | None = None
    url: str | None = None
    email: str | None = None
    status: str | None = None
    fees: str | None = None
    application_process: str | None = None
    eligibility_description: str | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None
    assured_date: str | None = None
    socialrx_uri: str | None = None
    organisation: Organisation | None = None
    phones: list[str] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _id(value) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        value = str(int(value)) if float(value).is_integer() else str(value)
    text = str(value).strip() if isinstance(value, str) else None
    return text if text and len(text) <= 200 else None


class _Reader:
    """Reads one record, noting each dropped field in the service's problems."""

    def __init__(self, service_id: str):
        self.sid = service_id
        self.problems: list[str] = []

    def note(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def url(self, value, where: str) -> str | None:
        text = plain(value)
        if text is None:
            return None
        if not (text.startswith(("http://", "https://")) and safe_iri(text)):
            self.note(where, f"{text[:80]!r} is not an http(s) URL; left out")
            return None
        return text

    def email(self, value, where: str) -> str | None:
        text = plain(value)
        if text is None:
            return None
        if not EMAIL.match(text):
            self.note(where, f"{text[:80]!r} is not an email address; left out")
            return None
        return text

    def age(self, value, where: str) -> int | None:
        if value is None or value == "":
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.note(where, f"{str(value)[:40]!r} is not a number; left out")
            return None
        if not math.isfinite(number) or number < 0 or number > 130 or not number.is_integer():
            self.note(where, f"{value!r} is not an age in whole years; left out")
            return None
        return int(number)

    def point(self, lat, lon, where: str) -> tuple[float | None, float | None]:
        if lat in (None, "") and lon in (None, ""):
            return None, None
        try:
            la, lo = float(lat), float(lon)
        except (TypeError, ValueError):
            self.note(where, f"coordinates {lat!r}, {lon!r} are not numbers; left out")
            return None, None
        if not (math.isfinite(la) and math.isfinite(lo) and -90 <= la <= 90 and -180 <= lo <= 180) or (la == 0 and lo == 0):
            self.note(where, f"coordinates {lat!r}, {lon!r} are not a place on Earth (WGS 84); left out")
            return None, None
        return la, lo

    def status(self, value) -> str | None:
        text = plain(value)
        if text is None:
            if value is not None:
                self.note("status", "empty; left out")
            return None
        if text.lower() not in STATUSES:
            self.note("status", f"{text[:40]!r} is not an ORUK status ({', '.join(sorted(STATUSES))}); left out")
            return None
        return text.lower()

    def date(self, value, where: str) -> str | None:
        text = plain(value)
        if text is None:
            return None
        if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
            self.note(where, f"{text[:40]!r} is not a date (YYYY-MM-DD); left out")
            return None
        return text[:10]


def _list(value) -> list:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _obj(value) -> dict:
    return value if isinstance(value, dict) else {}


def read_service(record, version: str) -> ServiceIn:
    """Normalise one service; raise BadRecord when it cannot be imported at all."""
    if not isinstance(record, dict):
        raise BadRecord("", f"a service must be a JSON object, not {type(record).__name__}")
    sid = _id(record.get("id"))
    if sid is None:
        raise BadRecord("", f"no id (name {plain(record.get('name')) or 'not given'!r})")
    name = plain(record.get("name"))
    if name is None:
        raise BadRecord(sid, "no name")
    r = _Reader(sid)
    s = ServiceIn(sid, name[:500])
    s.description = plain(record.get("description"))
    s.url = r.url(record.get("url"), "url")
    s.email = r.email(record.get("email"), "email")
    s.status = r.status(record.get("status")) if "status" in record else None
    s.fees = plain(record.get("fees_description")) or plain(record.get("fees"))
    s.application_process = plain(record.get("application_process"))
    s.eligibility_description = plain(record.get("eligibility_description"))
    s.assured_date = r.date(record.get("assured_date"), "assured_date")
    uri = plain(record.get("socialrx_uri"))
    s.socialrx_uri = uri if uri and safe_iri(uri) else None
    low, high = r.age(record.get("minimum_age"), "minimum_age"), r.age(record.get("maximum_age"), "maximum_age")
    for i, e in enumerate(_list(record.get("eligibilitys"))):  # ORUK 1.0 keeps ages on eligibility records
        low = low if low is not None else r.age(e.get("minimum_age"), f"eligibilitys/{i}/minimum_age")
        high = high if high is not None else r.age(e.get("maximum_age"), f"eligibilitys/{i}/maximum_age")
        s.eligibility_description = s.eligibility_description or plain(e.get("eligibility"))
    if low is not None and high is not None and low > high:
        r.note("minimum_age", f"{low} is above maximum_age {high}; both left out")
        low = high = None
    s.minimum_age, s.maximum_age = low, high
    s.organisation = _organisation(_obj(record.get("organization")), r)
    s.phones = _phones(record.get("phones"))
    s.contacts = [x for i, c in enumerate(_list(record.get("contacts"))) if (x := _contact(c, i, r))]
    s.locations = [x for i, sal in enumerate(_list(record.get("service_at_locations"))) if (x := _location(sal, i, r))]
    s.areas = [x for i, a in enumerate(_list(record.get("service_areas"))) if (x := _area(a, i, r))]
    s.terms = _terms(record, r)
    s.problems = r.problems
    return s


def _phones(value) -> list[str]:
    numbers = []
    for p in _list(value):
        number = plain(p.get("number"))
        if number:
            number = number.strip('"')  # the HSDS 3.0 example quotes its number inside the string
            if number and number not in numbers:
                numbers.append(number)
    return numbers


def _organisation(o: dict, r: _Reader) -> Organisation | None:
    oid = _id(o.get("id"))
    if not o or oid is None:
        if o:
            r.note("organization", "no id; left out")
        return None
    return Organisation(oid, plain(o.get("name")), plain(o.get("description")),
                        r.url(o.get("website") or o.get("url"), "organization/website"), r.email(o.get("email"), "organization/email"))


def _contact(c: dict, i: int, r: _Reader) -> Contact | None:
    cid = _id(c.get("id"))
    if cid is None:
        r.note(f"contacts/{i}", "no id; left out")
        return None
    return Contact(cid, plain(c.get("name")), plain(c.get("title")), r.email(c.get("email"), f"contacts/{i}/email"),
                   _phones(c.get("phones")))


def _location(sal: dict, i: int, r: _Reader) -> Location | None:
    loc = _obj(sal.get("location")) or sal  # ORUK 1.0 and 3.0 nest the location; some feeds flatten it
    lid = _id(loc.get("id")) or _id(sal.get("location_id"))
    if lid is None:
        r.note(f"service_at_locations/{i}", "location has no id; left out")
        return None
    if loc.get("location_type") not in (None, "", "physical", "postal", "virtual"):
        r.note(f"service_at_locations/{i}/location/location_type", f"{str(loc.get('location_type'))[:40]!r} is not an ORUK location type; ignored")
    lat, lon = r.point(loc.get("latitude"), loc.get("longitude"), f"service_at_locations/{i}/location")
    out = Location(lid, plain(loc.get("name")), plain(loc.get("description")), lat, lon)
    raw = _list(loc.get("addresses")) or _list(loc.get("physical_addresses"))
    for j, a in enumerate(raw):
        aid = _id(a.get("id")) or f"{lid}-address-{j}"
        street = ", ".join(filter(None, (plain(a.get("address_1")), plain(a.get("address_2")))))
        out.addresses.append(Address(aid, street or None, plain(a.get("city")), plain(a.get("state_province")) or plain(a.get("region")),
                                     plain(a.get("postal_code")), plain(a.get("country"))))
    return out


def _area(a: dict, i: int, r: _Reader) -> Area | None:
    aid = _id(a.get("id"))
    name = plain(a.get("name")) or plain(a.get("service_area"))
    if aid is None or not (name or a.get("uri")):
        r.note(f"service_areas/{i}", "no id or no name; left out")
        return None
    uri = plain(a.get("uri"))
    return Area(aid, name, plain(a.get("description")), uri if uri and safe_iri(uri) and uri.startswith(("http://", "https://")) else None)


def _terms(record: dict, r: _Reader) -> list[Term]:
    found: dict[str, Term] = {}
    for i, a in enumerate(_list(record.get("attributes"))):  # ORUK 3.0 / HSDS 3.0
        t = _obj(a.get("taxonomy_term"))
        tid = _id(t.get("id")) or _id(a.get("taxonomy_term_id"))
        name = plain(t.get("name"))
        if tid is None or name is None:
            r.note(f"attributes/{i}", "taxonomy term without id or name; left out")
            continue
        detail = _obj(t.get("taxonomy_detail"))
        term_uri = plain(t.get("term_uri"))
        taxonomy_uri = plain(detail.get("uri"))
        found.setdefault(tid, Term(tid, name, plain(t.get("description")), plain(t.get("code")) or plain(t.get("term")),
                                   term_uri if term_uri and safe_iri(term_uri) else None, _id(t.get("parent_id")),
                                   _id(t.get("taxonomy_id")) or _id(detail.get("id")),
                                   plain(t.get("taxonomy")) or plain(detail.get("name")), plain(detail.get("description")),
                                   taxonomy_uri if taxonomy_uri and safe_iri(taxonomy_uri) else None, plain(a.get("link_type"))))
    for i, st in enumerate(_list(record.get("service_taxonomys"))):  # ORUK 1.0
        t = _obj(st.get("taxonomy"))
        tid, name = _id(t.get("id")), plain(t.get("name"))
        if tid is None or name is None:
            r.note(f"service_taxonomys/{i}", "taxonomy without id or name; left out")
            continue
        vocabulary = plain(t.get("vocabulary"))
        found.setdefault(tid, Term(tid, name, None, None, None, _id(t.get("parent")), vocabulary, vocabulary))
    return list(found.values())
