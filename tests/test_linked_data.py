"""Issue 11 item 8: linked data that tools expect, read back with the engine's own parsers.

The ontology as one document at /def/ (and /ontology.ttl, and its version IRI) with a label and a comment for
every class and property; an HTML index of them; TriG and N-Quads twins keeping each statement's source graph
and the labels of linked things; VoID/DCAT with modified date, publisher, contact point and licence under an
IRI that does not depend on the host; Turtle without escaped slashes in prefixed names.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

BASE = "https://w3id.org/socialrx/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
OWL = "http://www.w3.org/2002/07/owl#"
TERM_TYPES = {OWL + "Class", OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty",
              "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property", "http://www.w3.org/2000/01/rdf-schema#Class"}
SCHEME = "id/scheme/camden-stroke-navigation-service"
ESCAPED_SLASH = re.compile(r"(^|[\s;,(\[])[A-Za-z][\w.-]*:[^\s<>\"]*\\/")


def declared_terms(kb) -> set[str]:
    """Every class and property the ontology file declares under the namespace (read from the store itself)."""
    found = set()
    for q in kb.store.quads_for_pattern(None, RDF_TYPE, None, ox.NamedNode(BASE + "graph/ontology")):
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(BASE + "def/") and q.object.value in TERM_TYPES:
            found.add(q.subject.value)
    return found


def parse(body: bytes, fmt) -> list:
    return list(ox.parse(body, format=fmt))


def test_def_is_one_turtle_document_with_label_and_comment_for_every_class_and_property(client, kb):
    r = client.get("/def/", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    triples = parse(r.data, ox.RdfFormat.TURTLE)
    terms = declared_terms(kb)
    assert len(terms) > 50
    labelled = {t.subject.value for t in triples if t.predicate == LABEL}
    commented = {t.subject.value for t in triples if t.predicate == COMMENT}
    assert not terms - labelled, sorted(terms - labelled)
    assert not terms - commented, sorted(terms - commented)
    assert any(t.subject.value == BASE + "def/" and t.object.value == OWL + "Ontology" for t in triples)
    named = {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
    assert all(s.startswith(BASE + "def/") for s in named)  # the ontology only: no concept schemes, no data


def test_ontology_ttl_download_is_the_same_document(client):
    doc = client.get("/def/", headers={"Accept": "text/turtle"}).data
    download = client.get("/ontology.ttl")
    assert download.status_code == 200 and download.mimetype == "text/turtle" and download.data == doc
    assert client.get("/def/", headers={"Accept": "application/ld+json"}).mimetype == "application/ld+json"
    assert "ontology.ttl" in client.get("/ontology").get_data(as_text=True)  # the index offers the download


def test_html_index_lists_every_class_and_property_and_def_links_it(client, kb):
    r = client.get("/def/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert 'href="/ontology.ttl"' in r.get_data(as_text=True) or "/ontology" in r.get_data(as_text=True)
    page = client.get("/ontology").get_data(as_text=True)
    missing = [t for t in declared_terms(kb) if "/def/" + t.rsplit("/", 1)[1] not in page]
    assert not missing, missing


def test_version_iri_resolves_to_that_versions_document(client):
    triples = parse(client.get("/ontology.ttl").data, ox.RdfFormat.TURTLE)
    (version,) = [t.object.value for t in triples if t.predicate.value == OWL + "versionIRI"]
    assert version.startswith(BASE + "def/")
    r = client.get("/" + version.removeprefix(BASE), headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and parse(r.data, ox.RdfFormat.TURTLE) == triples
    assert client.get("/def/99.0.0", headers={"Accept": "text/turtle"}).status_code == 404


def test_entity_trig_and_nquads_keep_source_graphs_and_label_linked_things(client, kb):
    iri = ox.NamedNode(BASE + SCHEME)
    trig = client.get("/" + SCHEME + ".trig")
    nq = client.get("/" + SCHEME, headers={"Accept": "application/n-quads"})
    assert trig.status_code == 200 and trig.mimetype == "application/trig"
    assert nq.status_code == 200 and nq.mimetype == "application/n-quads"
    quads = set(parse(trig.data, ox.RdfFormat.TRIG))
    assert quads == set(parse(nq.data, ox.RdfFormat.N_QUADS))
    stored = set(kb.store.quads_for_pattern(iri, None, None, None))
    assert stored and stored <= quads  # every statement about it, each in its source's graph
    linked = {q.object for q in stored if isinstance(q.object, ox.NamedNode) and q.object.value.startswith(BASE + "id/area/")}
    assert linked and all(any(q.subject == o and q.predicate == LABEL for q in quads) for o in linked)
    assert "/" + SCHEME + ".trig" in client.get("/" + SCHEME).get_data(as_text=True)  # offered as an alternate


@pytest.mark.parametrize("path", ["/-/dump.ttl", "/ontology.ttl", "/" + SCHEME + ".trig", "/" + SCHEME + ".ttl", "/id/area/bristol.ttl"])
def test_turtle_output_has_no_escaped_slashes_in_prefixed_names(client, path):
    text = client.get(path).get_data(as_text=True)
    assert not ESCAPED_SLASH.search(text), ESCAPED_SLASH.search(text).group(0)
    assert "area:" in text or path == "/ontology.ttl"


def test_void_and_dcat_say_modified_publisher_contact_and_licence(client):
    r = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    triples = parse(r.data, ox.RdfFormat.TURTLE)
    ds = ox.NamedNode(BASE + ".well-known/void#dataset")
    about = {t.predicate.value: t.object for t in triples if t.subject == ds}
    for p in ("http://purl.org/dc/terms/modified", "http://purl.org/dc/terms/publisher",
              "http://www.w3.org/ns/dcat#contactPoint", "http://purl.org/dc/terms/license"):
        assert p in about, p
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", about["http://purl.org/dc/terms/modified"].value)
    contact = about["http://www.w3.org/ns/dcat#contactPoint"]
    assert any(t.subject == contact and t.predicate.value.endswith("vcard/ns#hasURL") for t in triples)


def test_void_iri_does_not_depend_on_the_host(client):
    one = client.get("/.well-known/void.nt", base_url="http://one.example/").get_data(as_text=True)
    two = client.get("/.well-known/void.nt", base_url="http://two.example:8080/").get_data(as_text=True)
    subjects = lambda text: {line.split(" ", 1)[0] for line in text.splitlines() if "void#dataset>" in line.split(" ", 1)[0]}  # noqa: E731
    assert subjects(one) == subjects(two) == {f"<{BASE}.well-known/void#dataset>"}


def test_void_answers_html_to_a_browser_and_turtle_to_any(client):
    page = client.get("/.well-known/void", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 200 and page.mimetype == "text/html" and "About the dataset" in page.get_data(as_text=True)
    assert client.get("/.well-known/void", headers={"Accept": "*/*"}).mimetype == "text/turtle"
