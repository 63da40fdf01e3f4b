"""Class index pages: members of a class (with subclasses), facet counts, filtering and paging."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from math import ceil

from rdflib.namespace import SKOS

from ..namespaces import SRX, sparql_prologue
from .iris import rows
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


TYPE = Facet("type", "Type", None)
SCHEME_FACETS = (
    Facet("aim", "Aim", AIM_PATH), Facet("approach", "Approach", "srx:usesApproach"),
    Facet("role", "Role", "srx:usesRole"), Facet("referral", "Referral source", "srx:takesReferralsFrom"),
    Facet("client", "Client group", "srx:eligibility/srx:clientGroup"), Facet("area", "Area", AREA_PATH), TYPE,
)
INDEXES = {
    spec.name: spec for spec in (
        IndexSpec("schemes", "Schemes", SCHEME_CLASS, "Social prescribing and navigation schemes. An area counts the schemes in the areas within it.", SCHEME_FACETS),
        IndexSpec("organisations", "Organisations", str(SRX.Organisation), "Organisations that provide, fund, commission or own schemes, or publish sources.", (TYPE,)),
        IndexSpec("places", "Places", str(SRX.Area), "Areas where schemes operate and that NHS bodies and councils cover.", (TYPE,)),
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


@dataclass
class Listing:
    spec: IndexSpec
    items: list[str]  # member IRIs on this page
    total: int
    page: int
    pages: int
    facets: list[FacetView]
    selected: dict[str, list[str]] = field(default_factory=dict)


def members_query(spec: IndexSpec) -> str:
    branches = ["{ BIND(\"\" AS ?f) }"]
    for f in spec.facets:
        if f.path:
            branches.append(f'{{ ?x {f.path} ?v BIND("{f.key}" AS ?f) }}')
    return sparql_prologue(["srx", "rdfs", "skos"]) + (
        "SELECT DISTINCT ?cls ?x ?f ?v WHERE {\n  ?x a/rdfs:subClassOf* ?cls .\n  FILTER(isIRI(?x))\n  " + "\n  UNION\n  ".join(branches) + "\n}"
    )


class IndexBuilder:
    """List a class's members with facets; the member table is read once per app and filtered in memory."""

    def __init__(self, store, catalogue):
        self.store, self.catalogue = store, catalogue
        self._tables: dict[str, dict[str, dict[str, set[str]]]] = {}

    def table(self, spec: IndexSpec) -> dict[str, dict[str, set[str]]]:
        """Return member IRI -> facet key -> values."""
        if spec.name not in self._tables:
            from rdflib import URIRef

            res = self.store.query(members_query(spec), bindings={"cls": URIRef(spec.cls)}, max_rows=BULK_ROWS)
            table = defaultdict(lambda: defaultdict(set))
            for x, f, v in rows(res, "x", "f", "v"):
                entry = table[str(x)]
                if str(f) and v is not None:
                    entry[str(f)].add(str(v))
            if any(f.key == "type" for f in spec.facets):
                for x, entry in table.items():
                    entry["type"] = set(self.catalogue.most_specific_types(x))
            self._tables[spec.name] = {x: dict(e) for x, e in table.items()}
        return self._tables[spec.name]

    def listing(self, spec: IndexSpec, selected: dict[str, list[str]], page: int, page_size: int) -> Listing:
        table = self.table(spec)
        keys = {f.key for f in spec.facets}
        selected = {k: v for k, v in selected.items() if k in keys and v}
        chosen = [x for x, e in table.items() if all(set(vs) <= e.get(k, set()) for k, vs in selected.items())]
        chosen.sort(key=lambda x: (self.catalogue.label(x).lower(), x))
        views = []
        for f in spec.facets:
            counts = Counter(v for x in chosen for v in table[x].get(f.key, ()))
            values = [FacetValue(v, self.catalogue.label(v), n, v in selected.get(f.key, ())) for v, n in counts.items()]
            values.sort(key=lambda fv: (-fv.count, fv.label.lower()))
            if values:
                views.append(FacetView(f, values))
        pages = max(1, ceil(len(chosen) / page_size))
        page = min(max(page, 1), pages)
        start = (page - 1) * page_size
        return Listing(spec, chosen[start:start + page_size], len(chosen), page, pages, views, selected)
