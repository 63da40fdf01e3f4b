"""The ontology page (classes and properties with domains and ranges) and the concept-scheme trees."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..namespaces import sparql_prologue
from .iris import rows
from .labels import BULK_ROWS

PROLOGUE = sparql_prologue(["srx", "rdfs", "skos", "owl"])
CLASSES = PROLOGUE + "SELECT ?c ?sup WHERE { ?c a owl:Class FILTER(isIRI(?c)) OPTIONAL { ?c rdfs:subClassOf ?sup FILTER(isIRI(?sup)) } }"
PROPERTIES = PROLOGUE + """SELECT ?p ?kind ?d ?r ?sup WHERE {
  VALUES ?kind { owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty } ?p a ?kind .
  OPTIONAL { ?p rdfs:domain ?d } OPTIONAL { ?p rdfs:range ?r } OPTIONAL { ?p rdfs:subPropertyOf ?sup } }"""
CONCEPTS = PROLOGUE + """SELECT ?scheme ?c ?broader ?n WHERE {
  ?scheme a skos:ConceptScheme .
  OPTIONAL { ?c skos:inScheme ?scheme OPTIONAL { ?c skos:broader ?broader }
    { SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE { ?c skos:inScheme ?any . OPTIONAL { ?x ?use ?c FILTER(STRSTARTS(STR(?use), STR(srx:))) } } GROUP BY ?c } }
}"""


@dataclass
class ClassInfo:
    iri: str
    superclasses: list[str] = field(default_factory=list)
    subclasses: list[str] = field(default_factory=list)
    domain_of: list[str] = field(default_factory=list)
    range_of: list[str] = field(default_factory=list)


@dataclass
class PropertyInfo:
    iri: str
    kinds: set[str] = field(default_factory=set)
    domains: set[str] = field(default_factory=set)
    ranges: set[str] = field(default_factory=set)
    superproperties: set[str] = field(default_factory=set)


@dataclass
class Ontology:
    classes: dict[str, ClassInfo]
    roots: list[str]  # our classes with no superclass among our classes
    properties: list[PropertyInfo]


@dataclass
class ConceptNode:
    iri: str
    used: int
    children: list["ConceptNode"] = field(default_factory=list)


@dataclass
class ConceptTree:
    iri: str
    top: list[ConceptNode]
    size: int


def ontology(store, catalogue) -> Ontology:
    """Read every declared class and property with its domain, range and hierarchy."""
    classes: dict[str, ClassInfo] = {}
    for c, sup in rows(store.query(CLASSES, max_rows=BULK_ROWS), "c", "sup"):
        info = classes.setdefault(str(c), ClassInfo(str(c)))
        if sup is not None and str(sup) not in info.superclasses:
            info.superclasses.append(str(sup))
    for info in classes.values():
        for sup in info.superclasses:
            if sup in classes:
                classes[sup].subclasses.append(info.iri)
    props: dict[str, PropertyInfo] = {}
    for p, kind, d, r, sup in rows(store.query(PROPERTIES, max_rows=BULK_ROWS), "p", "kind", "d", "r", "sup"):
        info = props.setdefault(str(p), PropertyInfo(str(p)))
        info.kinds.add(str(kind))
        for target, value in ((info.domains, d), (info.ranges, r), (info.superproperties, sup)):
            if value is not None:
                target.add(str(value))
    for info in props.values():
        for d in info.domains:
            if d in classes:
                classes[d].domain_of.append(info.iri)
        for r in info.ranges:
            if r in classes:
                classes[r].range_of.append(info.iri)
    by_label = lambda iri: catalogue.label(iri).lower()  # noqa: E731
    for info in classes.values():
        for lst in (info.superclasses, info.subclasses, info.domain_of, info.range_of):
            lst.sort(key=by_label)
    roots = sorted((c for c, i in classes.items() if not any(s in classes for s in i.superclasses)), key=by_label)
    classes = dict(sorted(classes.items(), key=lambda kv: (by_label(kv[0]), kv[0])))  # by label, not the engine's row order
    return Ontology(classes, roots, sorted(props.values(), key=lambda i: by_label(i.iri)))


def concept_trees(store, catalogue) -> list[ConceptTree]:
    """Return each concept scheme as a tree of concepts (by skos:broader), with how often each is used."""
    members, broader, used = defaultdict(set), defaultdict(set), {}
    for scheme, c, b, n in rows(store.query(CONCEPTS, max_rows=BULK_ROWS), "scheme", "c", "broader", "n"):
        members[str(scheme)]
        if c is None:
            continue
        members[str(scheme)].add(str(c))
        used[str(c)] = int(n) if n is not None else 0
        if b is not None:
            broader[str(c)].add(str(b))
    trees = []
    for scheme, concepts in members.items():
        def node(c, path=()):
            kids = sorted((k for k in concepts if c in broader.get(k, ()) and k not in path), key=lambda k: catalogue.label(k).lower())
            return ConceptNode(c, used.get(c, 0), [node(k, path + (c,)) for k in kids])

        top = sorted((c for c in concepts if not (broader.get(c, set()) & concepts)), key=lambda k: catalogue.label(k).lower())
        trees.append(ConceptTree(scheme, [node(c) for c in top], len(concepts)))
    trees.sort(key=lambda t: catalogue.label(t.iri).lower())
    return trees
