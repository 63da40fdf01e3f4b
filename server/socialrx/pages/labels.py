"""Labels, descriptions, types and the class tree of every resource, read once per app from the store."""

from __future__ import annotations

import threading
from collections import defaultdict

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from ..importers.nquads import safe_iri
from ..namespaces import SCHEMA, sparql_prologue
from .iris import local_name, ox_rows, value_rows

LABEL_PROPS = (SKOS.prefLabel, RDFS.label, DCTERMS.title, SCHEMA.name)
ALT_PROPS = (SKOS.altLabel, SKOS.hiddenLabel)
DESCRIPTION_PROPS = (SKOS.definition, DCTERMS.description, RDFS.comment, SCHEMA.description)
BULK_ROWS = 5_000_000  # internal reads want every row, not the public row cap

# Words for common terms the data uses but does not label itself.
KNOWN = {
    RDF.type: "type", RDFS.label: "label", RDFS.comment: "comment", RDFS.seeAlso: "see also",
    RDFS.subClassOf: "subclass of", RDFS.subPropertyOf: "subproperty of", RDFS.domain: "domain",
    RDFS.range: "range", OWL.Class: "class", OWL.ObjectProperty: "object property",
    OWL.DatatypeProperty: "datatype property", OWL.AnnotationProperty: "annotation property",
    OWL.Ontology: "ontology", OWL.versionIRI: "version IRI", OWL.versionInfo: "version",
    OWL.TransitiveProperty: "transitive property", OWL.SymmetricProperty: "symmetric property",
    SKOS.prefLabel: "preferred label", SKOS.altLabel: "also known as", SKOS.definition: "definition",
    SKOS.note: "note", SKOS.editorialNote: "editorial note", SKOS.scopeNote: "scope note",
    SKOS.inScheme: "in scheme", SKOS.topConceptOf: "top concept of", SKOS.hasTopConcept: "has top concept",
    SKOS.broader: "broader", SKOS.narrower: "narrower", SKOS.closeMatch: "close match",
    SKOS.exactMatch: "exact match", SKOS.Concept: "concept", SKOS.ConceptScheme: "concept scheme",
    DCTERMS.source: "source", DCTERMS.title: "title", DCTERMS.description: "description",
    DCTERMS.publisher: "publisher", DCTERMS.creator: "creator", DCTERMS.issued: "issued",
    DCTERMS.created: "created", DCTERMS.modified: "modified", DCTERMS.license: "licence",
    DCTERMS.date: "date", DCTERMS.identifier: "identifier", DCTERMS.isPartOf: "is part of",
    DCTERMS.references: "references",
    URIRef("http://www.w3.org/ns/org#ChangeEvent"): "change event",
    URIRef("http://www.w3.org/ns/org#originalOrganization"): "original organisation",
    URIRef("http://www.w3.org/ns/org#resultingOrganization"): "resulting organisation",
    URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix"): "preferred namespace prefix",
    URIRef("http://purl.org/vocab/vann/preferredNamespaceUri"): "preferred namespace IRI",
    # Classes the ontology builds on, named with their vocabulary so two alike read apart (schema.org and W3C ORG).
    **{SCHEMA[name]: f"{words} (schema.org)" for name, words in (
        ("Organization", "organisation"), ("Service", "service"), ("AdministrativeArea", "administrative area"),
        ("CreativeWork", "creative work"), ("MonetaryGrant", "monetary grant"), ("PeopleAudience", "audience"),
        ("Place", "place"), ("QuantitativeValue", "quantitative value"))},
    **{URIRef("http://www.w3.org/ns/org#" + name): f"{words} (W3C Organization Ontology)" for name, words in (
        ("Organization", "organisation"), ("FormalOrganization", "formal organisation"),
        ("OrganizationalUnit", "organisational unit"))},
    URIRef("http://www.w3.org/ns/prov#Entity"): "entity (PROV)", URIRef("http://www.w3.org/ns/prov#Location"): "location (PROV)",
    URIRef("http://purl.org/vocab/cpsv#PublicService"): "public service (CPSV)",
    URIRef("http://data.europa.eu/m8g/CriterionRequirement"): "criterion requirement (Core Criterion Vocabulary)",
}


def lang_rank(lang: str | None) -> int:
    """Rank a language tag by preference: en-GB, then en, other English, untagged, anything else."""
    lang = (lang or "").lower()
    if lang == "en-gb":
        return 0
    if lang == "en":
        return 1
    if lang.startswith("en-"):
        return 2
    return 3 if not lang else 4


def best(literals) -> Literal | None:
    """Pick the literal in the preferred language from (rank, literal) pairs."""
    chosen = min(literals, key=lambda rl: (rl[0], lang_rank(rl[1].language), str(rl[1])), default=None)
    return chosen[1] if chosen else None


class _Raw:
    """A literal as the engine gave it, with what best() reads; an rdflib Literal only when asked for."""

    __slots__ = ("value", "language", "datatype")

    def __init__(self, term):
        self.value, self.language = term.value, term.language
        self.datatype = None if term.language or term.datatype is None else term.datatype.value

    def __str__(self):
        return self.value


def _literal(raw):
    if raw is None or isinstance(raw, Literal):
        return raw
    return Literal(raw.value, lang=raw.language, datatype=raw.datatype, normalize=False)


WANTED = " ".join(f"<{p}>" for p in LABEL_PROPS + ALT_PROPS + DESCRIPTION_PROPS)
TYPE_BATCH = 500  # IRIs per VALUES lookup
TYPE_SCAN_OVER = 20_000  # asked for more IRIs than this at once: read every typed subject in one scan instead
TYPE_CACHE_MAX = 500_000  # IRIs whose types are kept (per graph version) before the cache starts again


class Types:
    """rdf:type of a resource, read from the store when first asked for and kept for the graph version.

    Types used to be read for every subject when the first page was built; with 2.7 M imported postcodes that
    is 22 M triples and overran the page-query limit (issue 12, items 1 and 6). Now a page reads the types of
    the IRIs it shows (a VALUES lookup); a caller that needs very many (the search index) reads them all once.
    """

    def __init__(self, store):
        self._store = store
        self._known: dict[str, set[str]] = {}
        self._all = False
        self._lock = threading.Lock()

    @property
    def scanned(self) -> bool:
        """Whether the types of every subject have been read (a scan of every rdf:type statement)."""
        return self._all

    def get(self, iri: str, default=None):
        found = self._known.get(iri)
        if found is None and not self._all:
            self.prefetch((iri,))
            found = self._known.get(iri)
        return found if found else default

    def prefetch(self, iris) -> None:
        if self._all:
            return
        missing = [i for i in dict.fromkeys(iris) if i not in self._known]
        if not missing:
            return
        if len(missing) > TYPE_SCAN_OVER:
            return self.scan()
        if len(self._known) + len(missing) > TYPE_CACHE_MAX:
            self._known = {}
        for i in missing:
            self._known.setdefault(i, set())  # no type, or not an IRI: nothing to ask
        asked = [i for i in missing if safe_iri(i)]
        for start in range(0, len(asked), TYPE_BATCH):
            batch = asked[start:start + TYPE_BATCH]
            found: dict[str, set[str]] = {i: set() for i in batch}
            values = " ".join(f"<{i}>" for i in batch)
            res = self._store.query(f"SELECT ?s ?t WHERE {{ VALUES ?s {{ {values} }} ?s a ?t FILTER(isIRI(?t)) }}", max_rows=BULK_ROWS)
            for s, t in value_rows(res, "s", "t"):
                found.setdefault(s, set()).add(t)
            self._known.update(found)

    def scan(self) -> None:
        """Read the types of every subject in one query (for callers that need very many)."""
        with self._lock:
            if self._all:
                return
            types: dict[str, set[str]] = defaultdict(set)
            res = self._store.query("SELECT ?s ?t WHERE { ?s a ?t FILTER(isIRI(?t)) }", max_rows=BULK_ROWS)
            for s, t in value_rows(res, "s", "t"):
                types[s].add(t)
            self._known, self._all = dict(types), True


class Catalogue:
    """What the site needs to name and classify any resource, without a query per term.

    Labels, alternative labels and descriptions of every subject are read in one scan the first time a page
    asks for one it has not prefetched; a page that knows its IRIs (the postcode lookup) reads just theirs with
    `prefetch_labels` (a VALUES lookup), so it never waits for the scan at millions of triples (issue 12).
    """

    def __init__(self, store):
        self._store = store
        self._all = None  # (labels, alts, descriptions) of every subject, read when first needed
        self._some: dict[str, tuple] = {}  # the same for IRIs read by prefetch_labels
        self._all_lock = threading.Lock()
        self.types = Types(store)
        self.superclasses = defaultdict(set)
        res = store.query(sparql_prologue(["rdfs"]) + "SELECT ?c ?sup WHERE { ?c rdfs:subClassOf ?sup FILTER(isIRI(?sup)) }", max_rows=BULK_ROWS)
        for c, sup in value_rows(res, "c", "sup"):
            self.superclasses[c].add(sup)
        self._label_cache: dict[str, str] = {}

    @property
    def scanned(self) -> bool:
        """Whether the labels of every subject have been read (a scan of every label statement)."""
        return self._all is not None

    def _read(self, query: str) -> tuple[dict, dict, dict]:
        # Bulk reads through pyoxigraph terms (ox_rows); rdflib Literals are made only for the values used.
        labels, alts, descriptions = defaultdict(list), defaultdict(set), defaultdict(list)
        label_rank = {str(p): i for i, p in enumerate(LABEL_PROPS)}
        description_rank = {str(p): i for i, p in enumerate(DESCRIPTION_PROPS)}
        for s, p, o in ox_rows(self._store.query(query, max_rows=BULK_ROWS), "s", "p", "o"):
            key, p = s.value, p.value
            if p in label_rank:
                labels[key].append((label_rank[p], _Raw(o)))
            elif p in description_rank:
                descriptions[key].append((description_rank[p], _Raw(o)))
            else:
                alts[key].add(o.value)
        return labels, alts, descriptions

    def _read_all(self) -> tuple[dict, dict, dict]:
        with self._all_lock:
            if self._all is None:
                self._all = self._read(f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {WANTED} }} ?s ?p ?o FILTER(isLiteral(?o)) }}")
        return self._all

    def prefetch_labels(self, iris) -> None:
        """Read the labels, alternative labels and descriptions of these IRIs only (before the page asks for them)."""
        if self._all is not None:
            return
        missing = [i for i in dict.fromkeys(iris) if i not in self._some and safe_iri(i)]
        if len(self._some) + len(missing) > TYPE_CACHE_MAX:
            self._some = {}
        for start in range(0, len(missing), TYPE_BATCH):
            batch = missing[start:start + TYPE_BATCH]
            values = " ".join(f"<{i}>" for i in batch)
            labels, alts, descriptions = self._read(
                f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} VALUES ?p {{ {WANTED} }} ?s ?p ?o FILTER(isLiteral(?o)) }}")
            for i in batch:
                self._some[i] = (labels.get(i, []), alts.get(i, set()), descriptions.get(i, []))

    def _of(self, iri: str) -> tuple:
        """(labels, alternative labels, descriptions) of one IRI."""
        if self._all is None:
            found = self._some.get(iri)
            if found is not None:
                return found
        labels, alts, descriptions = self._all or self._read_all()
        return labels.get(iri, ()), alts.get(iri, ()), descriptions.get(iri, ())

    def prefetch_types(self, iris) -> None:
        """Read the types of many IRIs at once (before asking is_a / most_specific_types of each)."""
        self.types.prefetch(iris)

    def has_label(self, iri: str) -> bool:
        labels, alts, _ = self._of(iri)
        return bool(labels) or bool(alts)

    def label_literal(self, iri: str) -> Literal | None:
        """Return the preferred label literal, or the preferred alternative label."""
        labels, alts, _ = self._of(iri)
        found = _literal(best(labels))
        if found is None and alts:
            return Literal(sorted(alts)[0])
        return found

    def label(self, iri: str) -> str:
        """Return a human label for any IRI: its own label, a known word, or its last segment."""
        cached = self._label_cache.get(iri)
        if cached is None:
            lit = self.label_literal(iri)
            if lit is not None:
                cached = str(lit)
            elif URIRef(iri) in KNOWN:
                cached = KNOWN[URIRef(iri)]
            else:
                cached = local_name(iri)  # the full IRI is on hover
            self._label_cache[iri] = cached
        return cached

    def alt_labels(self, iri: str) -> list[str]:
        main = self.label(iri)
        return sorted(a for a in self._of(iri)[1] if a != main)

    def description(self, iri: str) -> Literal | None:
        return _literal(best(self._of(iri)[2]))

    def ancestors(self, cls: str) -> list[str]:
        """Return the class and its superclasses, nearest first (breadth-first)."""
        seen, order, frontier = {cls}, [cls], [cls]
        while frontier:
            nxt = []
            for c in frontier:
                for sup in sorted(self.superclasses.get(c, ())):
                    if sup not in seen:
                        seen.add(sup)
                        order.append(sup)
                        nxt.append(sup)
            frontier = nxt
        return order

    def is_a(self, iri: str, cls: str) -> bool:
        """Say whether the resource has cls among its types or their superclasses."""
        return any(cls in self.ancestors(t) for t in self.types.get(iri, ()))

    def most_specific_types(self, iri: str) -> list[str]:
        """Return the resource's types that are not superclasses of its other types."""
        types = self.types.get(iri, set())
        implied = {a for t in types for a in self.ancestors(t)[1:]}
        return sorted((t for t in types if t not in implied), key=self.label)

    def subjects_labelled(self):
        """Yield every IRI that has a label, an alternative label or a description."""
        labels, alts, descriptions = self._all or self._read_all()
        return set(labels) | set(alts) | set(descriptions)
