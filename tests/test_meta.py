"""What the site says about itself: settings, sitemap, VoID + DCAT, and the full dumps."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import rdflib
from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, RDF

VOID = Namespace("http://rdfs.org/ns/void#")


@pytest.fixture(scope="module")
def client(make_app):
    return make_app(page_size=20).test_client()


def test_settings_page_lists_every_setting(client):
    from socialrx.settings import SETTINGS

    text = client.get("/-/settings").get_data(as_text=True)
    for s in SETTINGS:
        assert f"<code>{s.name}</code>" in text
    rows = client.get("/-/settings.json").get_json()
    assert [r["name"] for r in rows] == [s.name for s in SETTINGS]
    page_size = next(r for r in rows if r["name"] == "page_size")
    assert page_size == {"name": "page_size", "default": 50, "current": 20, "help": page_size["help"]}
    assert "changed" in text


def test_sitemap_lists_every_page_of_ours(client, kb):
    resp = client.get("/sitemap.xml")
    assert resp.mimetype == "application/xml"
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in ET.fromstring(resp.data).findall("s:url/s:loc", ns)]
    assert "http://localhost/" in locs and "http://localhost/schemes" in locs
    assert "http://localhost/id/scheme/camden-stroke-navigation-service" in locs
    assert len(locs) == len(set(locs)) > 300
    for loc in locs[:: max(1, len(locs) // 40)]:  # a sample resolves
        assert client.get(loc).status_code == 200, loc


@pytest.mark.parametrize("accept,fmt", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"), (None, "turtle")])
def test_void_describes_the_dataset(client, kb, accept, fmt):
    resp = client.get("/.well-known/void", headers={"Accept": accept} if accept else {})
    assert resp.status_code == 200
    assert "Accept" in resp.headers["Vary"]
    g = rdflib.Graph().parse(data=resp.data, format=fmt)
    (ds,) = list(g.subjects(RDF.type, VOID.Dataset) & set(g.subjects(RDF.type, DCAT.Dataset))) if False else [
        s for s in g.subjects(RDF.type, DCAT.Dataset)]
    assert (ds, DCTERMS.license, rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")) in g
    assert (ds, VOID.sparqlEndpoint, rdflib.URIRef("http://localhost/sparql")) in g
    dumps = set(g.objects(ds, VOID.dataDump))
    assert {rdflib.URIRef("http://localhost/-/dump.ttl"), rdflib.URIRef("http://localhost/-/dump.nq")} == dumps
    triples = int(g.value(ds, VOID.triples))
    assert triples == len(kb.union_graph())
    sources = set(g.objects(ds, DCTERMS.source))
    assert rdflib.URIRef("https://w3id.org/socialrx/id/source/care-forum-infographic") in sources
    subsets = list(g.objects(ds, VOID.subset))
    assert sum(int(g.value(s, VOID.triples)) for s in subsets) == len(kb)
    assert any(g.value(p, VOID["class"]) == rdflib.URIRef("https://w3id.org/socialrx/def/Scheme") for p in g.objects(ds, VOID.classPartition))


def test_void_suffix_twins(client):
    assert client.get("/.well-known/void.jsonld").mimetype == "application/ld+json"
    assert client.get("/.well-known/void.ttl").mimetype == "text/turtle"
    assert client.get("/.well-known/void", headers={"Accept": "image/png"}).status_code == 406


def test_turtle_dump_holds_every_distinct_statement(client, kb):
    resp = client.get("/-/dump.ttl")
    assert resp.mimetype == "text/turtle"
    g = rdflib.Graph().parse(data=resp.data, format="turtle")
    assert len(g) == len(kb.union_graph())
    assert client.get("/-/dump.ttl", headers={"If-None-Match": resp.headers["ETag"]}).status_code == 304


def test_nquads_dump_keeps_each_statement_in_its_source_graph(client, kb):
    resp = client.get("/-/dump.nq")
    assert resp.mimetype == "application/n-quads"
    ds = rdflib.Dataset()
    ds.parse(data=resp.data, format="nquads")
    assert sum(1 for _ in ds.quads((None, None, None, None))) == len(kb)
    camden = rdflib.URIRef("https://w3id.org/socialrx/id/scheme/camden-stroke-navigation-service")
    graphs = {str(g) for _, _, _, g in ds.quads((camden, None, None, None))}
    # The infographic, and the editors' 2026 check of public pages that records its status (issue 9).
    assert graphs == {"https://w3id.org/socialrx/id/source/care-forum-infographic",
                      "https://w3id.org/socialrx/id/source/socialrx-editorial-check-2026-11"}
