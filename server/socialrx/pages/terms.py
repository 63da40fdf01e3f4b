"""How one RDF term looks on a page: a labelled link, a formatted literal, or an external code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDFS, XSD

from ..namespaces import SCHEMA, SRX
from .iris import IriMap, curie, local_name

# Identifier properties shown as codes that link out: (system, link for a literal code or None to use the IRI).
CODES = {
    SRX.odsCode: ("ODS", "https://directory.spineservices.nhs.uk/ORD/2-0-0/organisations/{}"),
    SRX.gssCode: ("GSS", "http://statistics.data.gov.uk/id/statistical-geography/{}"),
    SRX.snomedCode: ("SNOMED CT", "http://snomed.info/id/{}"),
    SRX.wikidata: ("Wikidata", "https://www.wikidata.org/wiki/{}"),
    SRX.statisticalGeography: ("GSS", None),
    SRX.responsibleForGeography: ("GSS", None),
    SRX.odsRecord: ("ODS", None),
}
# Properties whose IRI values are documents elsewhere: link straight out.
LINK_OUT = {SRX.url, SCHEMA.url, RDFS.seeAlso, DCTERMS.license, OWL.versionIRI}

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
DURATION_UNITS = {"Y": "year", "M": "month", "W": "week", "D": "day"}


@dataclass
class Code:
    system: str
    code: str
    href: str


@dataclass
class TermView:
    kind: str  # "uri", "bnode" or "literal"
    value: str
    label: str
    href: str | None = None
    external: bool = False
    lang: str | None = None
    datatype: str | None = None
    machine: str | None = None  # for <time datetime>
    code: Code | None = None
    number: float | None = None  # numbers and durations (in days) sort by value


def magnitude(lit: Literal) -> float | None:
    """Return a number to sort a numeric or duration literal by, else None."""
    text = str(lit)
    if lit.datatype == XSD.duration:
        m = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?", text)
        if m and any(m.groups()):
            y, mo, w, d = (int(x or 0) for x in m.groups())
            return y * 365.25 + mo * 30.44 + w * 7 + d
        return None
    if lit.datatype in (XSD.decimal, XSD.integer, XSD.double, XSD.float, XSD.nonNegativeInteger, XSD.int, XSD.long):
        try:
            return float(text)
        except ValueError:
            return None
    return None


def bcp47(tag: str | None) -> str | None:
    """Give a language tag its usual case (rdflib lower-cases them): en-gb -> en-GB."""
    if not tag:
        return None
    parts = tag.split("-")
    return "-".join([parts[0].lower()] + [p.upper() if len(p) == 2 else p.title() if len(p) == 4 else p for p in parts[1:]])


def format_literal(lit: Literal) -> tuple[str, str | None]:
    """Return (what a reader sees, machine value for <time>) for a literal."""
    text, dt = str(lit), lit.datatype
    try:
        if dt == XSD.date:
            d = date.fromisoformat(text[:10])
            return f"{d.day} {MONTHS[d.month - 1]} {d.year}", text
        if dt == XSD.gYearMonth and re.fullmatch(r"\d{4}-\d{2}", text):
            return f"{MONTHS[int(text[5:]) - 1]} {text[:4]}", text
        if dt == XSD.gYear:
            return text, text
        if dt == XSD.duration:
            return _duration(text), None
    except (ValueError, IndexError):
        pass
    return text, None


def _duration(text: str) -> str:
    m = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?", text)
    if not m or not any(m.groups()):
        return text
    years, months, weeks, days = m.groups()
    if days and not (years or months or weeks) and int(days) % 7 == 0:
        weeks, days = str(int(days) // 7), None  # stores write P6W as P42D; give the source's weeks back
    parts = []
    for n, unit in zip((years, months, weeks, days), "YMWD"):
        if n:
            word = DURATION_UNITS[unit]
            parts.append(f"{int(n)} {word}{'' if int(n) == 1 else 's'}")
    return ", ".join(parts)


class TermMaker:
    """Build TermViews with the site's labels and IRI mapping."""

    def __init__(self, catalogue, iris: IriMap):
        self.catalogue, self.iris = catalogue, iris

    def make(self, term, prop=None) -> TermView:
        if isinstance(term, URIRef):
            iri = str(term)
            view = TermView("uri", iri, self.catalogue.label(iri), href=self.iris.path(iri))
            if prop in CODES:
                system, _ = CODES[prop]
                code = local_name(iri)
                link = CODES[prop][1].format(code) if CODES[prop][1] else iri
                view.code = Code(system, code, link)
                view.href, view.external = link, True
            elif prop in LINK_OUT and (not self.iris.is_local(iri) or prop == OWL.versionIRI):
                # The version IRI is shown as the identifier it is (on the live site it answers with a 303).
                view.href, view.external, view.label = iri, True, iri if not self.catalogue.has_label(iri) else view.label
            return view
        if isinstance(term, BNode):
            return TermView("bnode", str(term), "(unnamed node)")
        display, machine = format_literal(term)
        view = TermView("literal", str(term), display, lang=bcp47(term.language), machine=machine,
                        datatype=curie(str(term.datatype)) if term.datatype else None, number=magnitude(term))
        if prop in CODES and CODES[prop][1]:
            system, pattern = CODES[prop]
            view.code = Code(system, str(term), pattern.format(str(term)))
        return view

    def iri(self, iri: str) -> TermView:
        return self.make(URIRef(iri))
