"""`socialrx import oruk`: the official ORUK 3.0 and HSDS 3.0 examples, messy ORUK 3.0 and 1.0 feeds served by a
real HTTP server on 127.0.0.1, re-imports, failures that leave nothing behind, and the imported services in
search and the scheme facets."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from oruk_support import AIM, FIXTURES, OLDER, FeedServer, example, serve_v1, serve_v3, v1_services, v3_services

from socialrx import cli
from socialrx.oruk.feed import FeedError
from socialrx.kb import KnowledgeBase
from socialrx.oruk.load import run_oruk_import

ID = "https://w3id.org/socialrx/id/"
SRX = "https://w3id.org/socialrx/def/"
SCHEMA = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
EXAMPLES = ("oruk-3.0/service_full.json", "hsds-3.0/service_full.json", "oruk-3.0/service_list.json", "hsds-3.0/service_list.json")


@pytest.fixture
def feed():
    server = FeedServer()
    yield server
    server.close()


def quads(path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return store


def ask(store: ox.Store, where: str) -> bool:
    prefixes = (f"PREFIX srx: <{SRX}> PREFIX schema: <{SCHEMA}> PREFIX skos: <{SKOS}> "
                "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX dct: <http://purl.org/dc/terms/> ")
    return bool(store.query(prefixes + f"ASK {{ GRAPH ?g {{ {where} }} }}"))


def ids_in(doc, key: str) -> set[str]:
    """Every id of a nested record kind in an ORUK document (services, locations, contacts, taxonomy terms)."""
    found = set()

    def walk(node, parent=None):
        if isinstance(node, dict):
            if parent == key and "id" in node:
                found.add(node["id"])
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, parent)
    walk(doc)
    return found


@pytest.mark.parametrize("name", EXAMPLES)
def test_official_examples_import_with_every_record_accounted_for(name, folder):
    doc = example(name)
    report = run_oruk_import(str(FIXTURES / name), folder, show_progress=False)
    assert report.refused_count == 0 and report.replaced
    store = quads(report.target)
    base = f"{ID}oruk/{report.name}/"
    services = [doc] if "contents" not in doc else doc["contents"]
    for s in services:
        assert ask(store, f"<{base}service/{s['id']}> a srx:Service ; rdfs:label ?n"), s["id"]
    for loc in ids_in(doc, "location"):
        assert ask(store, f"?s schema:location <{base}location/{loc}>"), loc
    for contact in ids_in(doc, "contacts"):
        assert ask(store, f"?s schema:contactPoint <{base}contact/{contact}>"), contact
    for term in ids_in(doc, "taxonomy_term"):
        assert ask(store, f"?s dct:subject <{base}term/{term}> . <{base}term/{term}> a skos:Concept"), term
    for area in ids_in(doc, "service_areas"):
        assert ask(store, "?s srx:areaServed ?a"), area
    if "service_full" in name:
        # The examples' location sits at latitude 100, longitude 101: not on Earth, so left out and reported.
        assert not ask(store, "?l srx:latitude ?lat")
        assert any("not a place on Earth" in p for p in report.problems)
        assert ask(store, "?s srx:eligibility/srx:minimumAge 12 ; srx:eligibility/srx:maximumAge 100")


def test_a_tabular_data_package_imports_like_a_feed(folder, tmp_path):
    """The ORUK 3.0 examples' CSV tables with the profile's datapackage.json, joined into nested services."""
    report = run_oruk_import(str(FIXTURES / "oruk-3.0" / "csv"), folder, show_progress=False)
    assert report.services_imported == 1 and report.counts["locations"] == 1 and report.counts["contacts"] == 1
    assert report.licence == "https://creativecommons.org/licenses/by-sa/4.0/"


def test_messy_v3_feed_keeps_good_records_and_reports_each_bad_one(feed, folder):
    pages, refused = v3_services()
    serve_v3(feed, pages)
    report = run_oruk_import(feed.base, folder, name="messy-v3", show_progress=False, timeout=5)
    assert report.version == "3.0" and report.pages == 2
    assert report.services_read == 6 and report.services_imported == 2 and report.refused_count == 4
    reasons = " | ".join(f"{i}: {r}" for i, r in report.refused)
    for rid, reason in refused.items():
        assert reason in reasons, (rid, reasons)
    problems = "\n".join(report.problems)
    assert "22222222-2222-4222-8222-222222222222: status: empty; left out" in problems
    assert "not an email address" in problems and "not an http(s) URL" in problems and "999" in problems
    store = quads(report.target)
    good = f"{ID}oruk/messy-v3/service/11111111-1111-4111-8111-111111111111"
    # HTML is reduced to its text; our own concept (by term_uri) is stated with our property, exact match kept.
    assert ask(store, f'<{good}> dct:description "Weekly befriending calls & visits."@en-GB')
    assert ask(store, f"<{good}> srx:hasAim <{AIM}>")
    assert ask(store, f"?t skos:exactMatch <{AIM}>")
    # Another vocabulary's term with one of our labels: a close match only.
    assert ask(store, f"?t skos:closeMatch <{OLDER}>") and not ask(store, f"?e srx:clientGroup <{OLDER}>")
    # The GSS code of the service area is our Bristol.
    assert ask(store, f"<{good}> srx:areaServed <{ID}area/bristol>")
    assert ask(store, f"<{good}> srx:status <{ID}vocab/status/running>")
    # Provenance: the feed, when read, the version, the licence, each page's SHA-256.
    graph = report.graph
    assert ask(store, f"<{graph}> <http://www.w3.org/ns/prov#wasDerivedFrom> <{feed.base}> ; <http://www.w3.org/ns/prov#generatedAtTime> ?t ; <http://purl.org/dc/terms/license> <https://creativecommons.org/licenses/by/4.0/>")
    checksums = {str(r["v"].value) for r in store.query(
        "SELECT ?v WHERE { GRAPH ?g { ?p <http://spdx.org/rdf/terms#checksum>/<http://spdx.org/rdf/terms#checksumValue> ?v } }")}
    assert len(checksums) == 2


def test_reimport_of_the_same_feed_changes_nothing_and_a_changed_feed_replaces_it(feed, folder):
    pages, _ = v3_services()
    serve_v3(feed, pages)
    first = run_oruk_import(feed.base, folder, name="again", show_progress=False)
    before = first.target.read_bytes()
    second = run_oruk_import(feed.base, folder, name="again", show_progress=False)
    assert second.unchanged and not second.replaced and first.target.read_bytes() == before
    pages[0][0]["name"] = "Example Befriending, renamed (synthetic)"
    serve_v3(feed, pages)
    third = run_oruk_import(feed.base, folder, name="again", show_progress=False)
    assert third.replaced and b"renamed" in third.target.read_bytes() and b"Example Befriending (synthetic)" not in third.target.read_bytes()
    assert sorted(p.name for p in folder.iterdir()) == ["oruk-again.nq"]  # no temporary file left


def test_messy_v1_classic_feed(feed, folder):
    serve_v1(feed, v1_services())
    report = run_oruk_import(feed.base, folder, name="classic", show_progress=False)
    assert report.version == "1.0" and report.services_imported == 2 and report.refused_count == 1
    assert report.refused[0][0] == "(no id)"
    assert any("v1-good-2: eligibilitys/0/minimum_age: 'sixteen' is not a number" in p for p in report.problems)
    store = quads(report.target)
    one = f"{ID}oruk/classic/service/v1-good-1"
    assert ask(store, f"<{one}> srx:eligibility/srx:minimumAge 18 ; srx:feesDescription \"Free\"@en-GB")
    assert ask(store, f'<{one}> schema:contactPoint/schema:telephone "0117 000 0000"')
    assert ask(store, f'<{one}> schema:address/schema:postalCode "BS1 1NG"')
    assert ask(store, f"<{one}> srx:areaServed <{ID}area/bristol>")  # the service area named exactly as our area
    assert ask(store, '?t skos:prefLabel "Older people"@en-GB ; skos:inScheme ?s')
    again = run_oruk_import(feed.base, folder, name="classic", show_progress=False)
    assert again.unchanged


def test_a_failing_page_leaves_the_old_graph_and_no_partial_file(feed, folder):
    pages, _ = v3_services()
    serve_v3(feed, pages)
    report = run_oruk_import(feed.base, folder, name="fails", show_progress=False)
    before = report.target.read_bytes()
    feed.serve("/feed/services?page=2&per_page=100", {"error": "boom"}, status=500)
    with pytest.raises(FeedError, match="HTTP 500"):
        run_oruk_import(feed.base, folder, name="fails", show_progress=False)
    assert report.target.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["oruk-fails.nq"]


def test_timeout_size_limit_and_bad_json_are_clear_failures(feed, folder):
    feed.serve("/feed/services?page=1&per_page=100", {"contents": []})
    feed.delay["/feed/services"] = 2.0
    with pytest.raises(FeedError, match="did not answer within 0.5 s|timed out"):
        run_oruk_import(feed.base, folder, name="slow", show_progress=False, timeout=0.5)
    feed.delay.clear()
    feed.serve("/feed/services?page=1&per_page=100", b"[" + b'"x",' * 400_000 + b'"x"]')
    with pytest.raises(FeedError, match="more than 1 MiB"):
        run_oruk_import(feed.base, folder, name="big", show_progress=False, max_mb=1)
    feed.serve("/feed/services?page=1&per_page=100", b"<html>not json</html>")
    with pytest.raises(FeedError, match="is not JSON"):
        run_oruk_import(feed.base, folder, name="html", show_progress=False)
    assert not folder.exists() or not any(folder.iterdir())


def test_command_line_reports_refusals_and_exit_codes(feed, folder, capsys):
    pages, _ = v3_services()
    serve_v3(feed, pages)
    assert cli.main(["import", "oruk", feed.base, "--imports-dir", str(folder), "--quiet", "--name", "cli", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["services_imported"] == 2 and out["refused_count"] == 4
    assert cli.main(["import", "oruk", str(folder / "missing.json"), "--imports-dir", str(folder), "--quiet"]) == 2
    assert "no such file" in capsys.readouterr().err
    assert cli.main(["import", "oruk", "ftp://example.com/feed", "--imports-dir", str(folder), "--quiet"]) == 2


def test_imported_services_appear_in_search_and_facets(feed, folder, make_app):
    pages, _ = v3_services()
    serve_v3(feed, pages)
    run_oruk_import(feed.base, folder, name="found", show_progress=False)
    kb = KnowledgeBase.load(imports=folder)  # with the shipped imports (postcodes) too
    from socialrx.settings import Settings
    from socialrx.web import create_app

    app = create_app(Settings({"query_workers": 1, "query_time_limit_ms": 60_000}), kb=kb)  # a loaded machine is slow
    try:
        client = app.test_client()
        service = f"/id/oruk/found/service/11111111-1111-4111-8111-111111111111"
        page = client.get("/search.json?q=befriending")
        assert page.status_code == 200 and service in [hit["href"] for hit in page.json["results"]], page.json
        # /schemes counts only what a source calls a scheme; /services lists every service with the same facets.
        iri = ID + service[len("/id/"):]
        facets = client.get("/services.json").json["facets"]
        assert iri and {v["iri"] for v in facets["area"]} >= {ID + "area/bristol"}
        found = client.get("/services.json", query_string={"area": ID + "area/bristol", "aim": AIM}).json
        assert iri in [i["iri"] for i in found["items"]]
        assert iri not in [i["iri"] for i in client.get("/schemes.json", query_string={"area": ID + "area/bristol"}).json["items"]]
        # /find ranks it for a person in Bristol (its service area holds BS1 1NG).
        found = client.get("/find.json", query_string={"postcode": "BS1 1NG"}).json
        assert iri in [r.get("iri") for r in found["results"]]
        # Its page says which directory feed it came from and when that was read, and the feed's licence.
        entity = client.get(service)
        assert entity.status_code == 200
        assert b"Open Referral UK directory feed" in entity.data and feed.base.encode() in entity.data
        assert b"licence stated by the feed: https://creativecommons.org/licenses/by/4.0/" in entity.data
        graph_page = client.get("/graph/import/oruk-found")
        assert b"creativecommons.org/licenses/by/4.0" in graph_page.data
    finally:
        app.extensions["socialrx.store"].close()
