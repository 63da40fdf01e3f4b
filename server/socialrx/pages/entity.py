"""The model of one resource's page: outgoing statements with their sources, incoming links, graph contents.

Three queries build it: outgoing statements (with the detail nodes they point to, such as an outcome or a
stated aim, inlined), incoming statements, and what the resource holds as a named graph or uses as a property.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from math import ceil

import rdflib
from rdflib import BNode, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from ..kb import QUERIES_GRAPH
from ..namespaces import SCHEMA, SRX
from .iris import local_name, rows
from .terms import TermView

# Nodes that exist to qualify the resource pointing at them: shown inside its page.
INLINE = (SRX.reportedOutcome, SRX.statedAim, SRX.eligibility, SRX.proposesVision)
FIRST = (RDF.type, SKOS.prefLabel, RDFS.label, DCTERMS.title, SKOS.altLabel, SKOS.definition, DCTERMS.description, SRX.quote)
LAST = (SKOS.scopeNote, SKOS.note, SKOS.editorialNote, RDFS.seeAlso, DCTERMS.source)
# How an incoming link reads from the object's side.
INVERSE = {
    RDF.type: "Instances", RDFS.subClassOf: "Subclasses", RDFS.subPropertyOf: "Subproperties",
    RDFS.domain: "In domain of", RDFS.range: "In range of", SKOS.broader: "Narrower concepts",
    SKOS.inScheme: "Concepts in this scheme", SKOS.topConceptOf: "Top concepts",
    DCTERMS.source: "Cited as the source of", SRX.fundedBy: "Funds", SRX.providedBy: "Provides",
    SRX.commissionedBy: "Commissions", SRX.partner: "Partner in", SRX.programmeOwner: "Owns programme",
    SRX.areaServed: "Schemes operating here", SRX.within: "Contains", SRX.covers: "Covered by",
    SRX.succeededBy: "Succeeded", SRX.partOfProgramme: "Schemes in this programme",
    SRX.hasAim: "Has this aim", SRX.usesApproach: "Schemes using this approach", SRX.usesRole: "Schemes with this role",
    SRX.takesReferralsFrom: "Schemes taking referrals from here", SRX.clientGroup: "Eligibility of",
    SRX.staffBasedAt: "Schemes with staff based here", DCTERMS.publisher: "Publisher of",
    DCTERMS.creator: "Creator of", SRX.cites: "Cited by", SRX.reportedIn: "Outcomes reported here",
    SCHEMA.about: "Written about it", SCHEMA.mentions: "Mentioned in", RDFS.seeAlso: "See also, from",
    SRX.overlaps: "Areas that overlap it", SRX.fundedThrough: "Funds through it", SRX.figureOf: "Figures about it",
    SRX.originalArea: "Changes it went into", SRX.resultingArea: "Changes that made it", SRX.statedAim: "Stated aim of",
    SRX.responsibleForGeography: "Bodies responsible for it", SRX.proposesVision: "Vision proposed by",
}
ROW_CAP = 20_000  # statements read for one page; beyond it incoming counts come from a COUNT query


@dataclass
class SourceRef:
    iri: str
    label: str
    href: str
    quotes: list[str] = field(default_factory=list)


@dataclass
class Statement:
    value: TermView
    sources: list[SourceRef]
    nested: "Node | None" = None


@dataclass
class Group:
    prop: TermView
    statements: list[Statement]


@dataclass
class Node:
    term: TermView
    groups: list[Group]
    types: list[TermView] = field(default_factory=list)

    def values(self, prop: str) -> list[Statement]:
        return next((g.statements for g in self.groups if g.prop.value == prop), [])


@dataclass
class IncomingItem:
    subject: TermView
    sources: list[SourceRef]


@dataclass
class IncomingGroup:
    prop: TermView
    heading: str
    count: int
    items: list[IncomingItem]
    page: int
    pages: int
    param: str  # the property IRI, for ?incoming= paging

    @property
    def anchor(self) -> str:
        return "in-" + hashlib.sha1(self.param.encode()).hexdigest()[:8]

    @property
    def shared_sources(self) -> list[SourceRef] | None:
        """The sources when every item shown has the same ones (said once for the group, not under each item;
        a source that is itself the item, citing itself, is not repeated)."""
        kinds = {tuple(src.iri for src in item.sources) for item in self.items}
        if len(kinds) != 1 or not self.items:
            return None
        return [src for src in self.items[0].sources if src.iri not in {item.subject.value for item in self.items}]


@dataclass
class EntityPage:
    iri: str
    label: str
    description: object
    types: list[TermView]
    node: Node
    incoming: list[IncomingGroup]
    graph_members: list[tuple[TermView, int]]
    graph_size: int
    used_as_property: int
    alt_labels: list[str]
    is_local: bool
    rdf: rdflib.Graph
    class_keys: list[str]  # local names of types and superclasses, most specific first, for template lookup

    @property
    def exists(self) -> bool:
        return bool(len(self.rdf) or self.graph_size or self.used_as_property)


OUTGOING = """SELECT ?s ?node ?p ?o ?g WHERE {
  { GRAPH ?g { ?s ?p ?o } }
  UNION
  { ?s ?via ?node . FILTER(isBlank(?node) || ?via IN (%s) || STRSTARTS(STR(?node), CONCAT(STR(?s), "#"))) GRAPH ?g { ?node ?p ?o } }
  UNION
  { ?s ?via ?b . FILTER(isBlank(?b)) ?b ?via2 ?node . FILTER(isBlank(?node)) GRAPH ?g { ?node ?p ?o } }
}""" % ", ".join(f"<{p}>" for p in INLINE)
# Postcode units (27,410 shipped, 2.7 million with the ONSPD) are not listed as links into their areas: a reader
# looks one up at /postcode, and the area page counts them (socialrx.pages.geo).
NOT_POSTCODE = "FILTER NOT EXISTS { ?x a <https://w3id.org/socialrx/def/PostcodeUnit> }"
INCOMING = "SELECT ?s ?x ?p ?g WHERE { GRAPH ?g { ?x ?p ?s } %s }" % NOT_POSTCODE
INCOMING_COUNTS = "SELECT ?s ?p (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x ?p ?s %s } GROUP BY ?s ?p" % NOT_POSTCODE
HOLDS = """SELECT ?s ?kind ?x (COUNT(*) AS ?n) WHERE {
  { GRAPH ?s { ?x ?p ?o } BIND("graph" AS ?kind) }
  UNION
  { ?a ?s ?b BIND("property" AS ?kind) }
} GROUP BY ?s ?kind ?x"""


class EntityBuilder:
    """Build EntityPage models from the store, naming terms with the site's catalogue."""

    def __init__(self, store, catalogue, terms, page_size: int):
        self.store, self.catalogue, self.terms, self.page_size = store, catalogue, terms, page_size

    def build(self, iri: str, incoming_prop: str | None = None, page: int = 1) -> EntityPage:
        subject = URIRef(iri)
        bind = {"s": subject}
        outgoing = self.store.query(OUTGOING, bindings=bind, max_rows=ROW_CAP)
        incoming = self.store.query(INCOMING, bindings=bind, max_rows=ROW_CAP)
        holds = self.store.query(HOLDS, bindings=bind)

        graph = rdflib.Graph()
        by_node = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))  # node -> p -> o -> [g]
        for node, p, o, g in rows(outgoing, "node", "p", "o", "g"):
            node = node if node is not None else subject
            graph.add((node, p, o))
            if g not in by_node[node][p][o]:
                by_node[node][p][o].append(g)
        quotes = defaultdict(list)  # (node, graph) -> quotes that graph gives for the node
        for node, props in by_node.items():
            for o, gs in props.get(SRX.quote, {}).items():
                for g in gs:
                    quotes[(node, g)].append(str(o))

        node = self._node(subject, by_node, quotes, seen={subject})
        incoming_groups = self._incoming(subject, incoming, graph, incoming_prop, page)

        members, graph_size, used = [], 0, 0
        for kind, x, n in rows(holds, "kind", "x", "n"):
            if str(kind) == "graph":
                members.append((self.terms.make(x), int(n)))
                graph_size += int(n)
            else:
                used += int(n)
        members.sort(key=lambda m: m[0].label.lower())

        types = [self.terms.iri(t) for t in self.catalogue.most_specific_types(iri)]
        return EntityPage(
            iri=iri, label=self.catalogue.label(iri), description=self.catalogue.description(iri),
            types=types, node=node, incoming=incoming_groups, graph_members=members, graph_size=graph_size,
            used_as_property=used, alt_labels=self.catalogue.alt_labels(iri), is_local=self.terms.iris.is_local(iri),
            rdf=graph, class_keys=self._class_keys(iri),
        )

    def _source(self, g, node, quotes) -> SourceRef:
        view = self.terms.make(g)
        return SourceRef(str(g), view.label, view.href, quotes.get((node, g), []))

    def _node(self, subject, by_node, quotes, seen) -> Node:
        groups = []
        for p, values in by_node.get(subject, {}).items():
            statements = []
            for o, gs in values.items():
                nested = None
                if self._inline(subject, p, o) and o in by_node and o not in seen:
                    nested = self._node(o, by_node, quotes, seen | {o})
                sources = [self._source(g, subject, quotes if p != SRX.quote else {}) for g in gs]
                statements.append(Statement(self.terms.make(o, prop=p), sources, nested))
            statements.sort(key=lambda s: (s.value.kind != "uri", s.value.number or 0, s.value.label.lower(), s.value.value))
            groups.append(Group(self.terms.make(p), statements))
        groups.sort(key=self._group_order)
        term = self.terms.make(subject)
        types = [self.terms.iri(t) for t in self.catalogue.most_specific_types(str(subject))] if isinstance(subject, URIRef) else []
        return Node(term, groups, types)

    @staticmethod
    def _inline(subject, p, o) -> bool:
        """Say whether a value is shown inside its subject's page: blank nodes, detail nodes, and hash IRIs of the page."""
        if isinstance(o, BNode):
            return True
        return isinstance(o, URIRef) and (p in INLINE or str(o).startswith(str(subject) + "#"))

    @staticmethod
    def _group_order(group: Group):
        p = URIRef(group.prop.value)
        if p in FIRST:
            return (0, FIRST.index(p), "")
        if p in LAST:
            return (2, LAST.index(p), "")
        return (1, 0, group.prop.label.lower())

    def _incoming(self, subject, result, graph, wanted_prop, page) -> list[IncomingGroup]:
        by_prop = defaultdict(lambda: defaultdict(list))  # p -> x -> [g]
        plumbing = set() if _is_catalogue(str(subject)) else {QUERIES_GRAPH}
        for x, p, g in rows(result, "x", "p", "g"):
            if str(g) in plumbing:  # a catalogue query's parameter defaulting to this area is not news to a reader
                continue
            graph.add((x, p, subject))
            if g not in by_prop[p][x]:
                by_prop[p][x].append(g)
        counts = {p: len(xs) for p, xs in by_prop.items()}
        if result.truncated:
            counts.update({p: int(n) for p, n in rows(self.store.query(INCOMING_COUNTS, bindings={"s": subject}), "p", "n")})
        groups = []
        for p, xs in by_prop.items():
            items = sorted(xs.items(), key=lambda kv: (self.catalogue.label(str(kv[0])).lower(), str(kv[0])))
            pages = max(1, ceil(len(items) / self.page_size))
            this_page = min(max(page, 1), pages) if str(p) == wanted_prop else 1
            start = (this_page - 1) * self.page_size
            shown = [IncomingItem(self.terms.make(x), [self._source(g, x, {}) for g in gs]) for x, gs in items[start:start + self.page_size]]
            prop = self.terms.make(p)
            heading = INVERSE.get(p, f"“{prop.label}” of")
            groups.append(IncomingGroup(prop, heading, counts.get(p, len(items)), shown, this_page, pages, str(p)))
        groups.sort(key=lambda grp: (grp.prop.value == str(DCTERMS.source), grp.heading.lower()))
        return groups

    def _class_keys(self, iri: str) -> list[str]:
        keys = []
        for t in self.catalogue.most_specific_types(iri):
            for c in self.catalogue.ancestors(t):
                key = _slug(c)
                if key and key not in keys:
                    keys.append(key)
        return keys


def _is_catalogue(iri: str) -> bool:
    """Say whether a resource is part of the query catalogue (a query or one of its parameters)."""
    return "/id/query/" in iri


def _slug(iri: str) -> str:
    return "".join(ch for ch in local_name(iri).lower() if ch.isalnum())
