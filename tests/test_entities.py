"""Entity pages: content negotiation for every kind of resource, 404s, ETags, HEAD, paging, facets and what pages show."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
import rdflib

ID = "https://w3id.org/socialrx/id/"
DEF = "https://w3id.org/socialrx/def/"
CAMDEN = "/id/scheme/camden-stroke-navigation-service"
BROMLEY = "/id/scheme/bromley-by-bow-macmillan-service"
INFOGRAPHIC = "/id/source/care-forum-infographic"

# One of every kind of resource the site answers for: (name, path).
KINDS = [
    ("scheme", CAMDEN),
    ("organisation", "/id/org/macmillan"),
    ("nhs body", "/id/org/nhs-bristol-ccg"),
    ("area", "/id/area/camden"),
    ("concept", "/id/vocab/aims/reduce-hospital-admissions"),
    ("concept scheme", "/id/vocab/aims"),
    ("source and named graph", INFOGRAPHIC),
    ("outcome", "/id/outcome/camden-stroke-no-readmissions"),
    ("change event", "/id/change/cumbria-2023"),
    ("class", "/def/Scheme"),
    ("property", "/def/fundedBy"),
    ("ontology", "/def/"),
    ("graph name only", "/graph/ontology"),
    ("external subject", "/resource?uri=" + quote("http://snomed.info/id/871731000000106", safe="")),
    ("external object", "/resource?uri=" + quote("http://statistics.data.gov.uk/id/statistical-geography/E09000007", safe="")),
    ("external property", "/resource?uri=" + quote("http://www.w3.org/2000/01/rdf-schema#label", safe="")),
]
RDF = [("text/turtle", ".ttl", "turtle"), ("application/ld+json", ".jsonld", "json-ld"),
       ("application/n-triples", ".nt", "nt"), ("application/rdf+xml", ".rdf", "xml")]


@pytest.fixture(scope="module")
def small_pages(make_app):
    """A client of an app with page_size 5, so that paging shows on the shipped data."""
    return make_app(page_size=5).test_client()


def suffixed(path: str, suffix: str) -> str:
    if path.startswith("/resource?"):
        return "/resource" + suffix + path[len("/resource"):]
    return path + suffix


def iri_of(path: str) -> str:
    if path.startswith("/resource?uri="):
        from urllib.parse import unquote

        return unquote(path.split("=", 1)[1])
    return "https://w3id.org/socialrx/" + path.lstrip("/")


def parse(body: bytes, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=body, format=fmt)


# -- negotiation matrix ------------------------------------------------------------------------------

@pytest.mark.parametrize("name,path", KINDS, ids=[k for k, _ in KINDS])
def test_html_by_default_and_for_browsers(client, name, path):
    for accept in (None, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "*/*"):
        resp = client.get(path, headers={"Accept": accept} if accept else {})
        assert resp.status_code == 200, (path, accept)
        assert resp.mimetype == "text/html"
        assert "Accept" in resp.headers.get("Vary", "")
        text = resp.get_data(as_text=True)
        assert '<link rel="canonical"' in text
        assert text.count('rel="alternate"') >= 4
        ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
        assert ld and json.loads(ld.group(1))["@id"] == iri_of(path)


@pytest.mark.parametrize("name,path", KINDS, ids=[k for k, _ in KINDS])
@pytest.mark.parametrize("mimetype,suffix,fmt", RDF, ids=[s for _, s, _ in RDF])
def test_rdf_by_accept_and_by_suffix(client, name, path, mimetype, suffix, fmt):
    by_accept = client.get(path, headers={"Accept": mimetype})
    by_suffix = client.get(suffixed(path, suffix))
    for resp in (by_accept, by_suffix):
        assert resp.status_code == 200
        assert resp.mimetype == mimetype
        graph = parse(resp.data, fmt)
        if name not in ("graph name only", "external property"):
            assert any(s == rdflib.URIRef(iri_of(path)) or o == rdflib.URIRef(iri_of(path)) for s, _, o in graph)
    assert by_accept.data == by_suffix.data
    assert "Accept" in by_accept.headers["Vary"]
    links = by_accept.headers["Link"]
    for other, other_suffix, _ in RDF:
        assert f'type="{other}"' in links
    assert 'rel="canonical"' in links


@pytest.mark.parametrize("suffix", [".html"])
def test_html_suffix_twin(client, suffix):
    resp = client.get(CAMDEN + suffix, headers={"Accept": "text/turtle"})
    assert resp.status_code == 200 and resp.mimetype == "text/html"


def test_accept_quality_values_are_honoured(client):
    resp = client.get(CAMDEN, headers={"Accept": "text/html;q=0.5, text/turtle;q=0.9"})
    assert resp.mimetype == "text/turtle"
    resp = client.get(CAMDEN, headers={"Accept": "application/json"})
    assert resp.mimetype == "application/ld+json"


def test_unacceptable_type_is_406_listing_formats(client):
    resp = client.get(CAMDEN, headers={"Accept": "image/png"})
    assert resp.status_code == 406
    assert b"text/turtle" in resp.data


def test_our_iri_through_resource_redirects_to_its_path(client):
    resp = client.get("/resource?uri=" + quote(ID + "scheme/camden-stroke-navigation-service", safe=""))
    assert resp.status_code == 301 and resp.headers["Location"].endswith(CAMDEN)
    resp = client.get("/resource.ttl?uri=" + quote(ID + "scheme/camden-stroke-navigation-service", safe=""))
    assert resp.headers["Location"].endswith(CAMDEN + ".ttl")


# -- 404s, never 500 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/id/scheme/no-such-scheme", "/id/scheme/no-such-scheme.ttl", "/def/NoSuchClass", "/graph/nothing",
    "/resource?uri=" + quote("http://example.org/nothing", safe=""), "/resource", "/resource?uri=",
    "/resource.ttl?uri=not%20an%20iri", "/resource?uri=%3Cscript%3E", "/id/%00", "/id/" + "x" * 3000,
    "/id/..%2F..%2Fetc%2Fpasswd", "/id/scheme/camden-stroke-navigation-service/extra", "/def/Scheme.xyz",
])
def test_unknown_resources_are_404_never_500(client, path):
    resp = client.get(path)
    assert resp.status_code == 404, (path, resp.status_code)


def test_404_page_helps_with_search_and_suggestions(client):
    resp = client.get("/id/scheme/camden-stroke")
    text = resp.get_data(as_text=True)
    assert resp.status_code == 404 and resp.mimetype == "text/html"
    assert 'action="/search"' in text and 'value="camden stroke"' in text
    assert "The Camden Stroke Navigation Service" in text  # suggested
    assert client.get("/id/scheme/camden-stroke.ttl").mimetype == "text/plain"


def test_markup_in_an_unknown_iri_is_escaped(client):
    text = client.get("/resource?uri=" + quote('http://example.org/"><script>alert(1)</script>', safe="")).get_data(as_text=True)
    assert "<script>alert(1)" not in text


# -- ETag, 304 and HEAD ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [CAMDEN, CAMDEN + ".ttl", "/schemes", "/", "/search?q=navig"])
def test_etag_and_304(client, path):
    first = client.get(path)
    etag = first.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_etag_differs_by_format(client):
    assert client.get(CAMDEN).headers["ETag"] != client.get(CAMDEN, headers={"Accept": "text/turtle"}).headers["ETag"]


@pytest.mark.parametrize("path", [CAMDEN, CAMDEN + ".jsonld", "/schemes", "/"])
def test_head_gives_headers_without_a_body(client, path):
    get, head = client.get(path), client.head(path)
    assert head.status_code == 200 and head.data == b""
    assert head.headers["ETag"] == get.headers["ETag"]
    assert head.headers["Content-Type"] == get.headers["Content-Type"]


# -- what the pages show -----------------------------------------------------------------------------

def test_bromley_by_bow_page_shows_macmillan_as_funder(client):
    text = client.get(BROMLEY).get_data(as_text=True)
    glance = text.split('class="nhsuk-card srx-glance"', 1)[1].split("</dl>", 1)[0]
    funded = glance.split("Funded by", 1)[1].split("</div>", 1)[0]
    assert 'href="/id/org/macmillan"' in funded and "Macmillan Cancer Support" in funded


@pytest.mark.parametrize("org,heading,scheme", [
    ("/id/org/macmillan", "Funds", "Bromley-by-Bow&#39;s service funded by Macmillan"),
    ("/id/org/bromley-by-bow", "Provides", "Bromley-by-Bow&#39;s service funded by Macmillan"),
    ("/id/org/the-care-forum", "Provides", "WellAware"),
])
def test_organisation_page_lists_the_schemes_it_funds_or_provides(client, org, heading, scheme):
    text = client.get(org).get_data(as_text=True)
    incoming = text.split('id="incoming-heading"', 1)[1]
    section = re.split(rf"<h3[^>]*>{heading} ", incoming, maxsplit=1)[1].split("</ul>", 1)[0]
    assert scheme in section


def test_statements_show_their_source_and_quote(client):
    text = client.get("/id/outcome/camden-stroke-no-readmissions").get_data(as_text=True)
    assert "Baseline value" in text and "7.5" in text
    assert 'Source: <a href="/id/source/care-forum-infographic"' in text
    assert "no readmissions at 6 weeks and 6 months post stroke compared to a 7.5% baseline" in text


def test_literals_keep_their_language_in_markup_not_in_badges(client):
    """Issue 11.1: language and datatype are for the "as data" views; the page marks the language up for readers' tools."""
    text = client.get("/id/outcome/camden-stroke-no-readmissions").get_data(as_text=True)
    assert 'lang="en-GB">Hospital readmissions post stroke</span>' in text
    assert 'title="language"' not in text and 'title="datatype"' not in text and "xsd:decimal" not in text
    text = client.get("/id/area/cumberland").get_data(as_text=True)
    assert '<time datetime="2023-04-01">1 April 2023</time>' in text


@pytest.mark.parametrize("path,system,code,href", [
    ("/id/area/camden", "GSS", "E09000007", "http://statistics.data.gov.uk/id/statistical-geography/E09000007"),
    ("/id/area/camden", "Wikidata", "Q202088", "https://www.wikidata.org/wiki/Q202088"),
    ("/id/org/nhs-bristol-ccg", "ODS", "11H", "https://directory.spineservices.nhs.uk/ORD/2-0-0/organisations/11H"),
    ("/resource?uri=" + quote("http://snomed.info/id/871731000000106", safe=""), "SNOMED CT", "871731000000106", "http://snomed.info/id/871731000000106"),
])
def test_external_identifiers_are_codes_that_link_out(client, path, system, code, href):
    text = client.get(path).get_data(as_text=True)
    assert f'<a class="srx-code" href="{href}"' in text
    assert f'<span class="srx-code__system">{system}</span> <code>{code}</code>' in text


def test_class_page_shows_in_domain_and_in_range_of(client):
    text = client.get("/def/Eligibility").get_data(as_text=True)
    assert "In range of" in text and 'href="/def/eligibility"' in text
    assert "In domain of" in text and 'href="/def/clientGroup"' in text


def test_source_page_lists_what_its_graph_says(client):
    text = client.get(INFOGRAPHIC).get_data(as_text=True)
    assert "What this source says" in text
    assert f'href="{CAMDEN}"' in text.split("What this source says", 1)[1]


def test_per_class_template_overrides_the_default(client):
    assert 'class="nhsuk-card srx-glance"' in client.get(CAMDEN).get_data(as_text=True)
    assert "srx-glance" not in client.get("/id/org/macmillan").get_data(as_text=True)


def test_schema_org_json_ld_for_a_scheme(client):
    text = client.get(BROMLEY).get_data(as_text=True)
    doc = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S).group(1))
    assert doc["@type"] == "Service"
    assert [f["name"] for f in doc["funder"]] == ["Macmillan Cancer Support"]
    assert doc["url"] == "http://localhost" + BROMLEY


# -- paging and facets ---------------------------------------------------------------------------------

def test_incoming_links_are_paged_with_counts(small_pages):
    first = small_pages.get(INFOGRAPHIC).get_data(as_text=True)
    counts = [int(n) for n in re.findall(r'<h3[^>]*>[^<]*<span class="srx-count">\((\d+)\)</span>', first)]
    assert counts and max(counts) > 5
    m = re.search(r"(\d+)", str(max(counts)))
    nxt = re.search(r'href="([^"]*incoming=[^"]*page=2[^"]*)"', first).group(1).replace("&amp;", "&")
    second = small_pages.get(nxt)
    assert second.status_code == 200
    assert 'rel="next"' in second.headers.get("Link", "") or int(m.group(1)) <= 10
    assert second.get_data(as_text=True) != first


def test_index_pages_page_with_link_next(small_pages):
    first = small_pages.get("/schemes")
    assert '</schemes?page=2>; rel="next"' in first.headers["Link"]
    second = small_pages.get("/schemes?page=2")
    assert 'rel="prev"' in second.headers["Link"]
    data = small_pages.get("/schemes.json").get_json()
    assert data["total"] == 19 and len(data["items"]) == 5  # schemes only (pages/scheme_definition.py) and data["next_url"].endswith("/schemes.json?page=2")
    last = small_pages.get(f"/schemes?page={data['pages']}")
    assert 'rel="next"' not in last.headers["Link"]


@pytest.mark.parametrize("name", ["schemes", "organisations", "places", "programmes", "sources", "concepts"])
def test_every_index_lists_its_class(client, name):
    resp = client.get(f"/{name}")
    assert resp.status_code == 200
    data = client.get(f"/{name}.json").get_json()
    assert data["total"] >= len(data["items"]) > 0


def test_scheme_facets_filter(client):
    data = client.get("/schemes.json?aim=" + quote(ID + "vocab/aims/individual-wellbeing", safe="")).get_json()
    assert [i["label"] for i in data["items"]] == ["Connect for Health"]
    keys = set(client.get("/schemes.json").get_json()["facets"])
    assert keys == {"aim", "approach", "role", "referral", "client", "area", "type"}
    both = client.get("/schemes.json?area=" + quote(ID + "area/bristol", safe="") + "&type=" + quote(DEF + "NavigationScheme", safe="")).get_json()
    assert both["total"] >= 1 and all("NavigationScheme" in " ".join(i["types"]) for i in both["items"])


def test_bad_page_numbers_do_not_fail(client):
    for q in ("page=0", "page=-1", "page=abc", "page=99999"):
        assert client.get(f"/schemes?{q}").status_code == 200
        assert client.get(f"{INFOGRAPHIC}?incoming=x&{q}").status_code == 200


# -- overview, vocabularies, ontology ----------------------------------------------------------------------

def test_home_regenerates_the_infographic(client):
    text = client.get("/").get_data(as_text=True)
    for expected in ("What are the ultimate aims", "What are the most common approaches", "What is the typical client group",
                     "to help and support patients to maintain a healthy lifestyle",  # Connect for Health, in its own words
                     "coordinate and optimise the social, medical and psychological health",
                     "no readmissions at 6 weeks and 6 months post stroke", "This is a fast-changing field",
                     "https://www.thecareforum.org/", 'id="srx-map"', '"kind": "practice"', "<svg"):  # practices from the shipped imports
        assert expected in text, expected


@pytest.mark.parametrize("path,kind", [("/", "WebSite"), ("/schemes", "CollectionPage"), ("/vocab", "CollectionPage"), ("/ontology", "CollectionPage")])
def test_list_pages_embed_schema_org_too(client, path, kind):
    text = client.get(path).get_data(as_text=True)
    doc = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S).group(1))
    assert kind in json.dumps(doc)
    assert '<link rel="canonical"' in text


def test_vocab_and_ontology_pages(client):
    vocab = client.get("/vocab").get_data(as_text=True)
    assert "Client groups" in vocab and "Physical activity link worker" in vocab
    onto = client.get("/ontology").get_data(as_text=True)
    assert "In domain of" in onto and 'href="/def/fundedBy"' in onto and 'href="/def/Scheme"' in onto
