"""The namespaces the project mints and reuses, in one place."""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/socialrx/"
SRX = Namespace(BASE + "def/")
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")
SCT = Namespace("http://snomed.info/id/")
GSS = Namespace("http://statistics.data.gov.uk/id/statistical-geography/")
WD = Namespace("http://www.wikidata.org/entity/")
CPSV = Namespace("http://purl.org/vocab/cpsv#")
CV = Namespace("http://data.europa.eu/m8g/")

PREFIXES = {
    "srx": str(SRX),
    "id": str(ID),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dct": str(DCTERMS),
    "prov": str(PROV),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "sh": str(SH),
    "sct": str(SCT),
    "gss": str(GSS),
    "wd": str(WD),
}


def sparql_prologue(names=None) -> str:
    """Return PREFIX lines for the given prefix names (all when None)."""
    chosen = PREFIXES if names is None else {n: PREFIXES[n] for n in names}
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in chosen.items())
