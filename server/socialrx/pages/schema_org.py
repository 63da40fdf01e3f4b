"""schema.org JSON-LD for the <script type="application/ld+json"> in each page, for search engines."""

from __future__ import annotations

import json

from rdflib.namespace import DCTERMS, OWL, RDFS, SKOS

from ..namespaces import SRX

# The first of these that the resource is an instance of gives its schema.org type.
TYPES = (
    (SRX.PolicyDocument, "Report"), (SRX.Source, "CreativeWork"), (SRX.Service, "Service"),
    (SRX.Organisation, "Organization"), (SRX.Area, "AdministrativeArea"), (SRX.Programme, "Project"),
    (SKOS.ConceptScheme, "DefinedTermSet"), (SKOS.Concept, "DefinedTerm"), (OWL.Class, "DefinedTerm"),
    (RDFS.Class, "DefinedTerm"), (OWL.Ontology, "DefinedTermSet"),
)
LINKS = {
    SRX.providedBy: "provider", SRX.fundedBy: "funder", SRX.areaServed: "areaServed",
    DCTERMS.publisher: "publisher", DCTERMS.creator: "creator", SRX.partOfProgramme: "isPartOf",
    SRX.within: "containedInPlace", SKOS.inScheme: "inDefinedTermSet", SRX.partner: "sponsor",
}
DATES = {SRX.founded: "foundingDate", SRX.dissolved: "dissolutionDate", DCTERMS.issued: "datePublished"}


def schema_type(catalogue, iri: str) -> str:
    for cls, name in TYPES:
        if catalogue.is_a(iri, str(cls)):
            return name
    return "Thing"


def embed(page, catalogue, page_url: str) -> str:
    """Return the page's schema.org description as JSON safe to put inside a <script> element."""
    doc = {"@context": "https://schema.org", "@type": schema_type(catalogue, page.iri), "@id": page.iri, "name": page.label}
    if page_url.startswith(("http://", "https://")):
        doc["url"] = doc["mainEntityOfPage"] = page_url
    if page.description is not None:
        doc["description"] = str(page.description)
    if page.alt_labels:
        doc["alternateName"] = page.alt_labels
    identifiers, same_as, citations = [], [], {}
    for group in page.node.groups:
        prop = group.prop.value
        for st in group.statements:
            v = st.value
            for src in st.sources:
                citations.setdefault(src.iri, {"@type": "CreativeWork", "@id": src.iri, "name": src.label})
            if v.code:
                identifiers.append({"@type": "PropertyValue", "propertyID": v.code.system, "value": v.code.code})
                if v.kind == "uri":
                    same_as.append(v.value)
            elif prop in {str(k) for k in LINKS} and v.kind == "uri":
                key = LINKS[next(k for k in LINKS if str(k) == prop)]
                doc.setdefault(key, []).append({"@type": schema_type(catalogue, v.value), "@id": v.value, "name": v.label})
            elif prop in {str(k) for k in DATES} and v.kind == "literal":
                doc[DATES[next(k for k in DATES if str(k) == prop)]] = v.value
            elif prop == str(SRX.url) and v.kind == "uri":
                doc["sameAs" if doc["@type"] != "CreativeWork" else "url"] = v.value
    if identifiers:
        doc["identifier"] = identifiers
    if same_as:
        doc["sameAs"] = sorted(set(same_as))
    cited = [c for i, c in citations.items() if i != page.iri]
    if cited:
        doc["citation"] = cited
    return json.dumps(doc, ensure_ascii=False, indent=1).replace("</", "<\\/")


def _dump(doc) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1).replace("</", "<\\/")


def website(home: str, search: str, dataset: str) -> str:
    """Describe the site (with its search) and the dataset, for the home page."""
    return _dump({"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "socialrx", "url": home,
         "potentialAction": {"@type": "SearchAction", "target": search + "?q={query}", "query-input": "required name=query"}},
        {"@type": "Dataset", "name": "socialrx: UK social prescribing and navigation schemes", "url": home,
         "license": "https://creativecommons.org/licenses/by/4.0/", "sameAs": dataset,
         "description": "An open knowledge graph of UK social prescribing and navigation schemes, every statement with its source."},
    ]})


def item_list(name: str, url: str, items) -> str:
    """Describe a list page: its name and the resources on it, in order."""
    return _dump({"@context": "https://schema.org", "@type": "CollectionPage", "name": name, "url": url,
                  "mainEntity": {"@type": "ItemList", "itemListElement": [
                      {"@type": "ListItem", "position": i, "item": {"@id": iri, "name": label}} for i, (iri, label) in enumerate(items, 1)]}})
