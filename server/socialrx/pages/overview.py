"""The home page: the source infographic regenerated from the graph, with counts, the schemes' own words and a map."""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import URIRef

from ..namespaces import sparql_prologue
from .facets import INDEXES, class_values
from .iris import rows
from .labels import BULK_ROWS

PROLOGUE = sparql_prologue(["srx", "rdfs", "skos", "dct"])
# The concept schemes the infographic's sections draw on, by the scheme facet that uses them.
SECTIONS = (("aim", "id/vocab/aims"), ("approach", "id/vocab/approaches"), ("role", "id/vocab/roles"),
            ("referral", "id/vocab/referral-sources"), ("client", "id/vocab/client-groups"))
INFOGRAPHIC = "id/source/care-forum-infographic"
# Bounds that keep the page the same size at a million triples; the rest is one link away (/schemes?facet=…).
MEMBERS_SHOWN = 12  # schemes named under each bar
AREA_BARS = 30  # areas with the most schemes
QUOTES_PER_BAR = 3
QUOTES_SHOWN = 40  # eligibility quotes and reported outcomes

OWN_WORDS = PROLOGUE + """SELECT ?c ?owner ?stmt ?quote ?g WHERE {
  ?owner srx:statedAim|srx:proposesVision ?stmt . ?stmt srx:hasAim ?c . GRAPH ?g { ?stmt srx:quote ?quote } }"""
OUTCOMES = PROLOGUE + """SELECT ?x ?out ?quote ?g ?in WHERE {
  ?x srx:reportedOutcome ?out . GRAPH ?g { ?out srx:quote ?quote } OPTIONAL { ?out srx:reportedIn ?in } }"""
ELIGIBILITY = PROLOGUE + """SELECT ?x ?e ?quote ?g ?min ?max WHERE {
  ?x srx:eligibility ?e .
  OPTIONAL { GRAPH ?g { ?e srx:quote ?quote } } OPTIONAL { ?e srx:minimumAge ?min } OPTIONAL { ?e srx:maximumAge ?max } }"""
# Areas by their classes (not every point with coordinates: postcode units would be millions).
COORDINATES = PROLOGUE + "SELECT ?a ?lat ?lon WHERE { VALUES ?t { %s } ?a a ?t ; srx:latitude ?lat ; srx:longitude ?lon }"
ABOUT = PROLOGUE + """SELECT ?s ?p ?o WHERE { VALUES ?p { dct:description srx:quote srx:url dct:publisher dct:title } ?s ?p ?o }"""
MORE = PROLOGUE + "SELECT ?doc ?why ?pub WHERE { ?doc srx:recommendedFor ?why OPTIONAL { ?doc dct:publisher ?pub } }"


@dataclass
class Quote:
    text: str
    owner: str  # the scheme or document the words belong to
    node: str  # the statement, outcome or eligibility node that carries the quote
    source: str
    extra: str | None = None
    concept: str | None = None  # the aim (or other concept) the words are classified under


@dataclass
class Bar:
    iri: str
    count: int
    members: list[str]


@dataclass
class Section:
    key: str
    scheme: str | None
    bars: list[Bar]
    quotes: list[Quote] = field(default_factory=list)

    @property
    def max(self) -> int:
        return max((b.count for b in self.bars), default=0)


@dataclass
class Overview:
    counts: dict[str, int]
    sections: dict[str, Section]
    outcomes: list[Quote]
    areas: Section
    points: list[dict]
    about: dict[str, list[str]]
    infographic: str
    more: list[tuple[str, str, str | None]]
    kinds: dict[str, int] = field(default_factory=dict)  # schemes by most specific type, for the general rules


def build(store, catalogue, index_builder, base: str) -> Overview:
    """Read the overview from the store: one pass over the scheme table plus five small queries."""
    table = index_builder.table(INDEXES["schemes"])
    counts = {name: index_builder.count(spec) for name, spec in INDEXES.items()}
    sections = {}
    for key, path in SECTIONS:
        scheme = base + path
        concepts = {str(c) for c, in rows(store.query(PROLOGUE + "SELECT ?scheme ?c WHERE { ?c skos:inScheme ?scheme }", bindings={"scheme": URIRef(scheme)}, max_rows=BULK_ROWS), "c")}
        sections[key] = Section(key, scheme, _bars(table, key, concepts, catalogue))

    for c, owner, stmt, quote, g in rows(store.query(OWN_WORDS, max_rows=BULK_ROWS), "c", "owner", "stmt", "quote", "g"):
        sections["aim"].quotes.append(Quote(str(quote), str(owner), str(stmt), str(g), concept=str(c)))
    outcomes = [Quote(str(q), str(x), str(out), str(g), str(rin) if rin else None)
                for x, out, q, g, rin in rows(store.query(OUTCOMES, max_rows=BULK_ROWS), "x", "out", "quote", "g", "in")]
    for x, e, quote, g, lo, hi in rows(store.query(ELIGIBILITY, max_rows=BULK_ROWS), "x", "e", "quote", "g", "min", "max"):
        ages = _ages(lo, hi)
        if quote is not None or ages:
            sections["client"].quotes.append(Quote(str(quote) if quote else "", str(x), str(e), str(g) if g else "", ages))
    for s in sections.values():
        s.quotes = _first_quotes(s.quotes, catalogue, per_concept=s.key == "aim")

    places = index_builder.classes(INDEXES["places"])
    points = [{"iri": str(a), "lat": float(lat), "lon": float(lon)} for a, lat, lon in rows(store.query(COORDINATES % class_values(places), max_rows=BULK_ROWS), "a", "lat", "lon") if _number(lat) and _number(lon)]
    points.sort(key=lambda p: p["iri"])  # areas in the same order on every engine (a stable sort: each area's rows as read)
    areas = Section("area", None, _bars(table, "area", set(), catalogue, AREA_BARS))
    for p in points:
        p["label"] = catalogue.label(p["iri"])
        p["count"] = next((b.count for b in areas.bars if b.iri == p["iri"]), 0)

    infographic = base + INFOGRAPHIC
    about = defaultdict(list)
    for p, o in rows(store.query(ABOUT, bindings={"s": URIRef(infographic)}), "p", "o"):
        about[str(p).rsplit("/", 1)[-1]].append(str(o))
    more = [(str(d), str(w), str(p) if p else None) for d, w, p in rows(store.query(MORE, max_rows=BULK_ROWS), "doc", "why", "pub")]
    outcomes = _first_quotes(outcomes, catalogue)
    kinds = defaultdict(int)
    for entry in table.values():
        for t in entry.get("type", ()):
            kinds[t] += 1
    return Overview(counts, sections, outcomes, areas, points, dict(about), infographic, more, dict(kinds))


def _bars(table, key, concepts, catalogue, limit: int | None = None) -> list[Bar]:
    members = defaultdict(list)
    for x, entry in table.items():
        for v in entry.get(key, ()):
            members[v].append(x)
    for c in concepts:
        members.setdefault(c, [])
    by_label = lambda iri: (catalogue.label(iri).lower(), iri)  # noqa: E731
    order = sorted(members, key=lambda v: (-len(members[v]), by_label(v)))[:limit]
    return [Bar(v, len(members[v]), heapq.nsmallest(MEMBERS_SHOWN, members[v], key=by_label)) for v in order]


def _first_quotes(quotes: list[Quote], catalogue, per_concept: bool = False) -> list[Quote]:
    """The quotes the page shows, by owner's label: a few per concept, or the first QUOTES_SHOWN."""
    key = lambda q: (catalogue.label(q.owner).lower(), q.text)  # noqa: E731
    if not per_concept:
        return heapq.nsmallest(QUOTES_SHOWN, quotes, key=key)
    by_concept = defaultdict(list)
    for q in quotes:
        by_concept[q.concept].append(q)
    return sorted((q for qs in by_concept.values() for q in heapq.nsmallest(QUOTES_PER_BAR, qs, key=key)), key=key)


def _ages(lo, hi) -> str | None:
    if lo is not None and hi is not None:
        return f"aged {lo} to {hi}"
    if lo is not None:
        return f"aged {lo} and over"
    if hi is not None:
        return f"aged up to {hi}"
    return None


def _number(lit) -> bool:
    try:
        float(lit)
        return True
    except (TypeError, ValueError):
        return False
