"""The /oruk/ API: every answer validates against the vendored ORUK 3.0 schemas (jsonschema, $refs resolved
offline), the OpenAPI document is valid OpenAPI 3, the published query parameters filter, bad input gets a
clear 4xx, and a round trip (export our schemes as ORUK, import that into an empty store) keeps every fact."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from oruk_support import AIM, FIXTURES, import_examples_and_messy_page

from socialrx.oruk import validation
from socialrx.kb import KnowledgeBase
from socialrx.oruk.load import run_oruk_import
from socialrx.oruk.records import oruk_id

ID = "https://w3id.org/socialrx/id/"
SRX = "https://w3id.org/socialrx/def/"
ENDPOINTS = ("services", "service_at_locations", "taxonomies", "taxonomy_terms")
DETAIL = {"services": "service", "service_at_locations": "service_at_location", "taxonomies": "taxonomy", "taxonomy_terms": "taxonomy_term"}


@pytest.fixture(scope="module")
def oruk_app(tmp_path_factory):
    """Our data plus the official examples and the good records of a messy feed, imported."""
    from socialrx.settings import Settings
    from socialrx.web import create_app

    folder = tmp_path_factory.mktemp("imports")
    import_examples_and_messy_page(folder)
    fixture = ox.Store()
    fixture.load(path=str(FIXTURES / "scheme-with-address.trig"), format=ox.RdfFormat.TRIG)
    fixture.dump(output=str(folder / "test-scheme-with-address.nq"), format=ox.RdfFormat.N_QUADS)
    app = create_app(Settings({"query_workers": 1, "query_time_limit_ms": 60_000}), kb=KnowledgeBase.load(imports=folder))  # a loaded machine is slow
    yield app
    app.extensions["socialrx.store"].close()


@pytest.fixture(scope="module")
def api(oruk_app):
    return oruk_app.test_client()


def walk(api, endpoint: str, per_page: int = 3, **params):
    """Every page of a list endpoint; each must validate."""
    page, seen = 1, []
    while True:
        r = api.get(f"/oruk/{endpoint}", query_string={"page": page, "per_page": per_page, **params})
        assert r.status_code == 200, r.json
        assert r.headers["Access-Control-Allow-Origin"] == "*"
        assert validation.page_errors(endpoint, r.json) == [], (endpoint, page)
        body = r.json
        assert body["page_number"] == page and body["size"] == len(body["contents"]) <= per_page
        assert body["first_page"] == (page == 1) and body["last_page"] == (page == body["total_pages"])
        seen += body["contents"]
        if body["last_page"]:
            assert len(seen) == body["total_items"] and body["empty"] == (not seen)
            return seen
        page += 1


def test_meta_and_openapi_document_is_valid_openapi_3(api):
    from openapi_spec_validator import validate

    meta = api.get("/oruk/").json
    assert meta["version"] == "3.0" and meta["profile"].startswith("https://") and meta["openapi_url"].endswith("/oruk/openapi.json")
    doc = api.get("/oruk/openapi.json").json
    validate(doc)
    assert doc["openapi"].startswith("3.") and set(doc["paths"]) >= {"/", "/services", "/services/{id}", "/service_at_locations",
                                                                    "/taxonomies/{id}", "/taxonomy_terms", "/taxonomy_terms/{id}"}
    params = {p["$ref"].rsplit("/", 1)[-1] for p in doc["paths"]["/service_at_locations"]["get"]["parameters"]}
    assert {"search", "page", "per_page", "taxonomy_term_id", "taxonomy_id", "minimum_age", "maximum_age", "postcode", "proximity"} <= params
    assert doc["info"]["license"]["url"] == "https://creativecommons.org/licenses/by-sa/4.0/"


def test_meta_says_how_many_services_are_left_out_for_want_of_a_status_and_why(api, oruk_app):
    from jsonschema import Draft202012Validator

    meta = api.get("/oruk/").json
    schema = api.get("/oruk/openapi.json").json["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert list(Draft202012Validator(schema).iter_errors(meta)) == []
    left_out = meta["socialrx_left_out"]
    # Counted independently: every service (schemes and imported ones) with and without an ORUK status value.
    store = oruk_app.extensions["socialrx.store"]
    rows = store.query(f"""PREFIX srx: <{SRX}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?s ?notation WHERE {{ ?s a/rdfs:subClassOf* srx:Service . FILTER(isIRI(?s))
        OPTIONAL {{ ?s srx:status/<http://www.w3.org/2004/02/skos/core#notation> ?notation }} }}""").rows
    services = {r["s"]["value"] for r in rows}
    served = {r["s"]["value"] for r in rows if "notation" in r}
    assert left_out["of"] == len(services) and left_out["count"] == len(services - served) > 0
    assert api.get("/oruk/services").json["total_items"] == len(served)
    assert "requires every service to have a status" in left_out["reason"] and "not known" in left_out["reason"]
    assert left_out["status_vocabulary"] == ID + "vocab/status"
    print(f"/oruk/: {left_out['count']} of {left_out['of']} services left out for want of a status")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_list_page_and_every_record_validates(api, endpoint):
    items = walk(api, endpoint)
    assert items, endpoint
    for item in items:
        r = api.get(f"/oruk/{endpoint}/{item['id']}")
        assert r.status_code == 200
        assert validation.errors(DETAIL[endpoint], r.json) == [], (endpoint, item["id"])


def test_every_scheme_is_published_or_left_out_for_want_of_a_status(api, oruk_app):
    store = oruk_app.extensions["socialrx.store"]
    rows = store.query(f"""PREFIX srx: <{SRX}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?s ?notation WHERE {{ ?s a/rdfs:subClassOf* srx:Scheme .
        OPTIONAL {{ ?s srx:status/<http://www.w3.org/2004/02/skos/core#notation> ?notation }} }}""").rows
    assert rows
    published = 0
    for row in rows:
        iri, status = row["s"]["value"], row.get("notation", {}).get("value")
        r = api.get(f"/oruk/services/{oruk_id(iri)}")
        if status:
            published += 1
            assert r.status_code == 200 and r.json["status"] == status and r.json["socialrx_uri"] == iri
            assert validation.errors("service", r.json) == []
            assert r.json["socialrx_page"].endswith(iri[len("https://w3id.org/socialrx"):])
            assert r.json["socialrx_sources"] and all(s["uri"].startswith("https://") for s in r.json["socialrx_sources"])
        else:
            assert r.status_code == 404 and "No service has the id" in r.json["message"]
    print(f"{published} of {len(rows)} schemes have an ORUK status and are published")


def test_records_link_back_to_their_pages_and_sources(api):
    service = api.get(f"/oruk/services/{oruk_id(ID + 'oruk/messy/service/11111111-1111-4111-8111-111111111111')}").json
    page = service["socialrx_page"]
    assert api.get(page[page.index("/id/"):]).status_code == 200
    assert any("Open Referral UK directory feed" in s.get("name", "") for s in service["socialrx_sources"])
    term = walk(api, "taxonomy_terms", per_page=50)[0]
    assert term["term_uri"].startswith("https://") and api.get(term["socialrx_page"][term["socialrx_page"].index("/", 8):]).status_code == 200
    taxonomy_iris = {t["uri"] for t in walk(api, "taxonomies", per_page=50)}
    assert {ID + "vocab/aims", ID + "vocab/approaches", ID + "vocab/client-groups"} <= taxonomy_iris


def test_filters(api):
    good = oruk_id(ID + "oruk/messy/service/11111111-1111-4111-8111-111111111111")
    example = oruk_id(ID + "oruk/hsds-example/service/ac148810-d857-441c-9679-408f346de14b")
    ids = lambda endpoint="services", **q: {i.get("service_id", i["id"]) for i in walk(api, endpoint, per_page=50, **q)}  # noqa: E731
    assert good in ids(search="befriending") and example not in ids(search="befriending")
    assert ids(search="no-such-word-anywhere") == set()
    assert good in ids(taxonomy_term_id=oruk_id(AIM))
    assert good in ids(taxonomy_id=oruk_id(ID + "vocab/aims"))
    assert good in ids(minimum_age=65) and example not in ids(minimum_age=65) and example in ids(minimum_age=12)
    assert example in ids(maximum_age=100) and example not in ids(maximum_age=99) and good not in ids(maximum_age=100)
    near = ids("service_at_locations", postcode="bs1 1ng", proximity=100)
    assert good in near and example not in near  # the example's location has no coordinates (100, 101 were refused)
    assert good in ids("service_at_locations", postcode="BS1 1NG")  # its service area, Bristol, holds the postcode
    assert ids("services", day="MO") == set()  # no service here states a schedule
    # A scheme's postal address is a location at its postcode's centroid (and says so).
    scheme = oruk_id(ID + "test/scheme-with-address")
    assert scheme in ids("service_at_locations", postcode="BS1 1NG", proximity=1)
    location = api.get(f"/oruk/services/{scheme}").json["service_at_locations"][0]["location"]
    assert (location["latitude"], location["longitude"]) == (51.453202, -2.594794) and "centroid" in location["socialrx_coordinates"]
    assert location["addresses"][0]["postal_code"] == "BS1 1NG" and location["addresses"][0]["country"] == "GB"


@pytest.mark.parametrize("path, status, words", [
    ("/oruk/services?page=0", 400, "whole number"),
    ("/oruk/services?per_page=abc", 400, "whole number"),
    ("/oruk/services?per_page=100000", 400, "per_page"),
    ("/oruk/services?minimum_age=old", 400, "not a number"),
    ("/oruk/services?taxonomy_term_id=nope", 404, "not a taxonomy term"),
    ("/oruk/service_at_locations?postcode=XYZ", 400, "postcode"),
    ("/oruk/service_at_locations?proximity=5", 400, "needs a postcode"),
    ("/oruk/service_at_locations?postcode=ZZ9+9ZZ", 404, "No postcode"),
    ("/oruk/services/not-an-id", 404, "No service"),
    ("/oruk/taxonomies/not-an-id", 404, "No taxonomy"),
    ("/oruk/taxonomy_terms/not-an-id", 404, "No taxonomy term"),
    ("/oruk/service_at_locations/not-an-id", 404, "No service_at_location"),
])
def test_bad_input_gets_a_clear_4xx(api, path, status, words):
    r = api.get(path)
    assert r.status_code == status and words in r.json["message"], r.json


# -- round trip ---------------------------------------------------------------------------------------

FACTS = {  # property paths compared field by field (lexical values)
    "name": "rdfs:label", "description": "dct:description", "url": "schema:url", "email": "schema:email",
    "telephone": "schema:telephone", "status": "srx:status", "checked": "srx:statusCheckedOn",
    "fees": "srx:feesDescription", "how": "srx:howToRefer", "aim": "srx:hasAim", "approach": "srx:usesApproach",
    "role": "srx:usesRole", "setting": "srx:staffBasedAt", "referral": "srx:takesReferralsFrom", "area": "srx:areaServed",
    "minimum_age": "srx:eligibility/srx:minimumAge", "maximum_age": "srx:eligibility/srx:maximumAge",
    "client_group": "srx:eligibility/srx:clientGroup", "eligibility": "srx:eligibility/dct:description",
    "street": "schema:address/schema:streetAddress", "locality": "schema:address/schema:addressLocality",
    "postcode": "schema:address/schema:postalCode",
}
PREFIXES = (f"PREFIX srx: <{SRX}> PREFIX schema: <https://schema.org/> PREFIX dct: <http://purl.org/dc/terms/> "
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> ")


def facts(query, iri: str) -> dict[str, set[str]]:
    out = {}
    for key, path in FACTS.items():
        out[key] = {r for r in query(PREFIXES + f"SELECT DISTINCT ?v WHERE {{ <{iri}> {path} ?v }}")}
    return out


def test_round_trip_export_then_import_into_an_empty_store_keeps_every_fact(api, oruk_app, tmp_path):
    ours = [s for s in walk(api, "services", per_page=50) if s["socialrx_uri"].startswith((ID + "scheme/", ID + "test/"))]
    assert ID + "test/scheme-with-address" in {s["socialrx_uri"] for s in ours}
    assert ours, "no scheme has an ORUK status yet"
    full = [api.get(f"/oruk/services/{s['id']}").json for s in ours]
    export = tmp_path / "socialrx-export.json"
    export.write_text(json.dumps({"total_items": len(full), "total_pages": 1, "page_number": 1, "size": len(full),
                                  "first_page": True, "last_page": True, "empty": False, "contents": full}))
    report = run_oruk_import(str(export), tmp_path / "imports", name="round-trip", show_progress=False)
    assert report.services_imported == len(full) and report.refused_count == 0 and not report.problems
    empty = ox.Store()
    empty.bulk_load(path=str(report.target), format=ox.RdfFormat.N_QUADS)
    assert len(empty)

    def new(text):
        return [r["v"].value for r in empty.query(text, use_default_graph_as_union=True)]

    store = oruk_app.extensions["socialrx.store"]

    def old(text):
        return [r["v"]["value"] for r in store.query(text).rows]

    compared = 0
    for record in full:
        original = record["socialrx_uri"]
        imported = f"{ID}oruk/round-trip/service/{record['id']}"
        assert new(PREFIXES + f"SELECT ?v WHERE {{ <{imported}> rdfs:seeAlso ?v }}") == [original]
        before, after = facts(old, original), facts(new, imported)
        if not record.get("organization"):
            pass  # a provider ORUK cannot carry (no description) is lost; docs/oruk.md says so
        if record.get("minimum_age") is None:
            before["minimum_age"] = set()  # bounds not every eligibility states are not exported (docs/oruk.md)
        if record.get("maximum_age") is None:
            before["maximum_age"] = set()
        for key in FACTS:
            assert after[key] == set(before[key]), (original, key, before[key], after[key])
            compared += bool(before[key])
    assert compared >= len(full) * 2
