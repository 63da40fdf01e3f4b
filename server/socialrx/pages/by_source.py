"""'What the sources say', grouped by source: one heading per source (its page, web address and dates), then what
it says about the resource, with detail nodes (eligibility, outcomes, stated aims) told as one sentence each and the
source's own words beside them. Built from the entity page model, plus one small query for the sources' dates."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from ..namespaces import SCHEMA, SRX, sparql_prologue
from .entity import EntityPage, Node, Statement
from .iris import rows
from .terms import TermView

NOTES = {str(SKOS.editorialNote), str(SKOS.scopeNote), str(SKOS.note)}
# Said by the value itself or by the page around it: not repeated inside a detail sentence.
QUIET = {str(RDF.type), str(RDFS.label), str(SKOS.prefLabel), str(SRX.quote), str(DCTERMS.source)}
# The order a detail sentence tells things in; anything else follows in the page's order.
DETAIL_ORDER = tuple(str(SRX[name]) for name in ("measure", "value", "baselineValue", "unit", "timePoint", "rank", "reportedIn",
                                               "clientGroup", "minimumAge", "maximumAge", "hasAim"))
SOURCE_FACTS = sparql_prologue(["srx", "dct"]) + """SELECT ?g ?url ?issued ?read WHERE {
  VALUES ?g { %s }
  OPTIONAL { ?g srx:url|<%s> ?url } OPTIONAL { ?g dct:issued ?issued } OPTIONAL { ?g srx:readOn ?read } }"""


@dataclass
class Detail:
    prop: TermView
    values: list[TermView]


@dataclass
class Value:
    term: TermView
    details: list[Detail] = field(default_factory=list)  # the detail node's statements from this source
    quotes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Said:
    prop: TermView
    values: list[Value]


@dataclass
class SourceGroup:
    source: TermView
    url: str | None = None
    issued: TermView | None = None
    read: TermView | None = None
    quotes: list[str] = field(default_factory=list)  # the source's own words about the resource itself
    said: list[Said] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # the name it gives, when that is the page's heading


def by_source(page: EntityPage, store, terms) -> list[SourceGroup]:
    """Regroup the page's statements under the sources that make them, in the page's order of properties."""
    groups: dict[str, SourceGroup] = {}
    for group in page.node.groups:
        prop = group.prop.value
        for st in group.statements:
            for src in st.sources:
                g = groups.setdefault(src.iri, SourceGroup(terms.iri(src.iri)))
                if prop == str(SRX.quote):
                    g.quotes.append(st.value.label)
                elif prop in NOTES:
                    g.notes.append(st.value.label)
                elif prop == str(DCTERMS.source) and st.value.value == src.iri:
                    continue  # the graph citing itself
                elif prop in (str(RDFS.label), str(SKOS.prefLabel)) and st.value.label == page.label:
                    g.names.append(st.value.label)  # the page's heading: said in a line, not a row
                else:
                    _said(g, group.prop).values.append(_value(st, src.iri))
    _add_dates(list(groups.values()), store, terms)
    return list(groups.values())


def _said(group: SourceGroup, prop: TermView) -> Said:
    for said in group.said:
        if said.prop.value == prop.value:
            return said
    group.said.append(Said(prop, []))
    return group.said[-1]


def _value(st: Statement, source: str) -> Value:
    value = Value(st.value)
    if st.nested is not None:
        value.details, value.quotes, value.notes = _sentence(st.nested, source)
    return value


def _sentence(node: Node, source: str) -> tuple[list[Detail], list[str], list[str]]:
    """What one source says of a detail node, as the parts of a sentence (nested nodes below it by their names)."""
    details, quotes, notes = [], [], []
    for group in node.groups:
        mine = [st for st in group.statements if any(s.iri == source for s in st.sources)]
        if not mine:
            continue
        prop = group.prop.value
        if prop == str(SRX.quote):
            quotes += [st.value.label for st in mine]
        elif prop in NOTES:
            notes += [st.value.label for st in mine]
        elif prop not in QUIET:
            details.append(Detail(group.prop, [st.value for st in mine]))
    order = {p: i for i, p in enumerate(DETAIL_ORDER)}
    details.sort(key=lambda d: order.get(d.prop.value, len(order)))
    return details, quotes, notes


def _add_dates(groups: list[SourceGroup], store, terms) -> None:
    """Give each source its web address, publication date and the date it was read (one query for them all)."""
    if not groups:
        return
    values = " ".join(f"<{g.source.value}>" for g in groups)
    by_iri = {g.source.value: g for g in groups}
    for g, url, issued, read in rows(store.query(SOURCE_FACTS % (values, SCHEMA.url)), "g", "url", "issued", "read"):
        group = by_iri.get(str(g))
        if group is None:
            continue
        group.url = group.url or (str(url) if isinstance(url, URIRef) else None)
        group.issued = group.issued or (terms.make(issued) if issued is not None else None)
        group.read = group.read or (terms.make(read) if read is not None else None)
