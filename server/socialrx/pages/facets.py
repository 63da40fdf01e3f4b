"""Class index pages: members of a class (with subclasses), facet counts, filtering and paging."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from math import ceil

from rdflib.namespace import SKOS

from ..namespaces import SRX, sparql_prologue
from .iris import value_rows
from .labels import BULK_ROWS
from .scheme_definition import AIM_PATH, AREA_PATH, SCHEME_CLASS


@dataclass(frozen=True)
class Facet:
    key: str
    title: str
    path: str | None  # a SPARQL property path from the member to the value; None for "type"


@dataclass(frozen=True)
class IndexSpec:
    name: str
    title: str
    cls: str
    intro: str
    facets: tuple[Facet, ...] = ()
    exclude: tuple[str, ...] = ()  # subclasses not listed here (postcode units have their own lookup)


TYPE = Facet("type", "Type", None)
SCHEME_FACETS = (
    Facet("aim", "Aim", AIM_PATH), Facet("approach", "Approach", "srx:usesApproach"),
    Facet("role", "Role", "srx:usesRole"), Facet("referral", "Referral source", "srx:takesReferralsFrom"),
    Facet("client", "Client group", "srx:eligibility/srx:clientGroup"), Facet("area", "Area", AREA_PATH), TYPE,
)
INDEXES = {
    spec.name: spec for spec in (
        IndexSpec("schemes", "Schemes", SCHEME_CLASS, "Social prescribing and navigation schemes. An area counts the schemes in the areas within it.", SCHEME_FACETS),
        IndexSpec("services", "Services", str(SRX.Service), "Every service: the schemes, the directories they use and the services imported from Open Referral UK directories (socialrx import oruk).", SCHEME_FACETS),
        IndexSpec("organisations", "Organisations", str(SRX.Organisation), "Organisations that provide, fund, commission or own schemes, or publish sources.", (TYPE,)),
        IndexSpec("places", "Places", str(SRX.Area), "Areas where schemes operate and that NHS bodies and councils cover.", (TYPE,), (str(SRX.PostcodeUnit), str(SRX.PostcodeDistrict))),
        IndexSpec("programmes", "Programmes", str(SRX.Programme), "Wider programmes of work that schemes are part of.", ()),
        IndexSpec("sources", "Sources", str(SRX.Source), "The documents, web pages and data files that every statement cites.", (TYPE,)),
        IndexSpec("concepts", "Concepts", str(SKOS.Concept), "Terms from the concept schemes: aims, approaches, roles, referral sources, client groups and clinical codes.", (Facet("scheme", "Concept scheme", "skos:inScheme"),)),
    )
}


@dataclass
class FacetValue:
    iri: str
    label: str
    count: int
    selected: bool


@dataclass
class FacetView:
    facet: Facet
    values: list[FacetValue]
    more: int = 0  # values with fewer members, not listed (FACET_VALUES bounds the page)


FACET_VALUES = 40
LISTINGS_KEPT = 256  # filtered listings kept per graph version (each page of one is a slice)


@dataclass
class Listing:
    spec: IndexSpec
    items: list[str]  # member IRIs on this page
    total: int
    page: int
    pages: int
    facets: list[FacetView]
    selected: dict[str, list[str]] = field(default_factory=dict)


def class_values(classes) -> str:
    return " ".join(f"<{c}>" for c in sorted(classes))


def members_query(classes) -> str:
    """The members of a class and its subclasses: instances of each, by a VALUES list (no property path)."""
    return ("SELECT DISTINCT ?x WHERE {\n  VALUES ?t { " + class_values(classes) + " }\n  ?x a ?t .\n  FILTER(isIRI(?x))\n}")


def facet_query(classes, facet: Facet) -> str:
    """One facet's values for every member: one query per facet, each as cheap as its own join (no UNION)."""
    return sparql_prologue(["srx", "skos"]) + (
        "SELECT DISTINCT ?x ?v WHERE {\n  VALUES ?t { " + class_values(classes) + " }\n  ?x a ?t .\n  ?x "
        + facet.path + " ?v .\n  FILTER(isIRI(?x))\n}")


class IndexBuilder:
    """List a class's members with facets; the member table is read once per graph version and filtered in memory.

    The table (member -> facet -> values) is the pre-computed aggregate that every count on the site reads:
    the home page's numbers and bars, the facet counts and the totals, so they always agree.
    """

    def __init__(self, store, catalogue):
        self.store, self.catalogue = store, catalogue
        self._tables: dict[str, dict[str, dict[str, set[str]]]] = {}
        self._order: dict[str, list[str]] = {}
        self._lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._listings: dict = {}  # (index, selection) -> (members in order, facet views): every page of it

    def classes(self, spec: IndexSpec) -> set[str]:
        """The class and every class below it (rdfs:subClassOf*), minus the spec's exclusions and theirs."""
        cat = self.catalogue
        known = set(cat.superclasses) | {sup for sups in cat.superclasses.values() for sup in sups} | {spec.cls}
        below = {c for c in known if spec.cls in cat.ancestors(c)}
        return {c for c in below if not any(x in cat.ancestors(c) for x in spec.exclude)}

    def table(self, spec: IndexSpec) -> dict[str, dict[str, set[str]]]:
        """Return member IRI -> facet key -> values."""
        if spec.name in self._tables:
            return self._tables[spec.name]
        with self._lock:
            lock = self._locks.setdefault(spec.name, threading.Lock())
        with lock:
            if spec.name not in self._tables:
                self._tables[spec.name] = self._read(spec)
        return self._tables[spec.name]

    def _read(self, spec: IndexSpec) -> dict[str, dict[str, set[str]]]:
        classes = self.classes(spec)
        table: dict[str, dict[str, set[str]]] = {x: {} for x, in value_rows(self.store.query(members_query(classes), max_rows=BULK_ROWS), "x")}
        for f in spec.facets:
            if f.path is None:
                continue
            for x, v in value_rows(self.store.query(facet_query(classes, f), max_rows=BULK_ROWS), "x", "v"):
                entry = table.get(x)
                if entry is not None:
                    entry.setdefault(f.key, set()).add(v)
        if any(f.key == "type" for f in spec.facets):
            self.catalogue.prefetch_types(table)  # one lookup per 500 members (or one scan), not one per member
            for x, entry in table.items():
                entry["type"] = set(self.catalogue.most_specific_types(x))
        return table

    def count(self, spec: IndexSpec) -> int:
        """How many members the index lists (the number the home page shows)."""
        return len(self.table(spec))

    def order(self, spec: IndexSpec) -> list[str]:
        """Members sorted by label, once per graph version."""
        if spec.name not in self._order:
            label = self.catalogue.label
            self._order[spec.name] = sorted(self.table(spec), key=lambda x: (label(x).lower(), x))
        return self._order[spec.name]

    def _filter(self, spec: IndexSpec, table, selected) -> tuple[list[str], list[FacetView]]:
        """The members a selection keeps, in label order, and the facet counts over them."""
        order = self.order(spec)
        if selected:
            wanted = {k: set(vs) for k, vs in selected.items()}
            chosen = [x for x in order if all(vs <= table[x].get(k, set()) for k, vs in wanted.items())]
        else:
            chosen = order
        views = []
        for f in spec.facets:
            counts = Counter(v for x in chosen for v in table[x].get(f.key, ()))
            values = [FacetValue(v, self.catalogue.label(v), n, v in selected.get(f.key, ())) for v, n in counts.items()]
            values.sort(key=lambda fv: (-fv.count, fv.label.lower()))
            shown = values[:FACET_VALUES] + [fv for fv in values[FACET_VALUES:] if fv.selected]
            if values:
                views.append(FacetView(f, shown, len(values) - len(shown)))
        return chosen, views

    def listing(self, spec: IndexSpec, selected: dict[str, list[str]], page: int, page_size: int) -> Listing:
        table = self.table(spec)
        keys = {f.key for f in spec.facets}
        selected = {k: v for k, v in selected.items() if k in keys and v}
        key = (spec.name, tuple(sorted((k, tuple(sorted(vs))) for k, vs in selected.items())))
        found = self._listings.get(key)
        if found is None:
            found = self._listings[key] = self._filter(spec, table, selected)
            while len(self._listings) > LISTINGS_KEPT:
                self._listings.pop(next(iter(self._listings)))
        chosen, views = found
        pages = max(1, ceil(len(chosen) / page_size))
        page = min(max(page, 1), pages)
        start = (page - 1) * page_size
        return Listing(spec, chosen[start:start + page_size], len(chosen), page, pages, views, selected)
