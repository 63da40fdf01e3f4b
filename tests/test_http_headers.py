"""Issue 11 item 7: HTTP like a well-run site, over a real waitress server and real clients.

Every text answer over 1 KiB is compressed when the client accepts it (brotli preferred, gzip otherwise); the
N-Quads dump shrinks at least 5×; every twin, dump and the VoID answer a cross-origin GET; static files have
fingerprinted names cached for a year; robots.txt points at the sitemap; pages carry a meta description, Open
Graph tags and the security headers.
"""

from __future__ import annotations

import gzip
import re

import brotli
import pytest
import requests

SCHEME = "/id/scheme/camden-stroke-navigation-service"
TEXT_ROUTES = [
    "/", "/schemes", "/schemes.json", "/ontology", "/vocab", "/sitemap.xml", "/queries", "/queries.json",
    SCHEME, SCHEME + ".ttl", SCHEME + ".jsonld", SCHEME + ".nt", SCHEME + ".rdf",
    "/.well-known/void", "/.well-known/void.jsonld", "/-/dump.ttl", "/-/dump.nq",
    "/queries/count-schemes-by-client-group.csv", "/queries/count-schemes-by-client-group.json",
    "/queries/count-schemes-by-client-group.tsv", "/search?q=bristol", "/-/links", "/-/settings.json",
    "/sparql?query=SELECT+*+WHERE+%7B+%3Fs+%3Fp+%3Fo+%7D+LIMIT+50",
]
TWINS_AND_DUMPS = [
    SCHEME + ".ttl", SCHEME + ".jsonld", SCHEME + ".nt", SCHEME + ".rdf", "/schemes.json", "/queries.json",
    "/queries/count-schemes-by-client-group.csv", "/queries/count-schemes-by-client-group.json",
    "/queries/count-schemes-by-client-group.tsv", "/-/dump.ttl", "/-/dump.nq", "/.well-known/void",
    "/.well-known/void.ttl", "/.well-known/void.jsonld", "/-/settings.json", "/sitemap.xml",
]
PAGES = ["/", "/schemes", "/places", "/sources", "/ontology", "/vocab", "/queries", "/search?q=bristol", "/sparql",
         "/-/links", "/-/settings", SCHEME, "/id/area/bristol", "/queries/count-schemes-by-client-group"]


@pytest.fixture(scope="module")
def base(module_app, serve):
    module_app.test_client().get("/-/none", headers={"Accept": "text/html"})  # build the caches before serve()'s probe
    return serve(module_app)


def _raw(base, path, encoding, **headers):
    """GET without letting the client decompress: the bytes on the wire and the headers."""
    r = requests.get(base + path, headers={"Accept-Encoding": encoding, **headers}, stream=True, timeout=60)
    body = r.raw.read(decode_content=False)
    return r, body


@pytest.mark.parametrize("path", TEXT_ROUTES)
def test_text_over_1_kib_is_compressed_when_accepted(base, path):
    plain, plain_body = _raw(base, path, "identity")
    assert plain.status_code == 200, path
    assert "Content-Encoding" not in plain.headers and "Accept-Encoding" in plain.headers.get("Vary", "")
    if len(plain_body) <= 1024:
        # Under 1 KiB compression is optional: whatever comes back must decode to the same bytes.
        small, small_body = _raw(base, path, "gzip, deflate, br")
        coding = small.headers.get("Content-Encoding")
        decoded = {"br": brotli.decompress, "gzip": gzip.decompress}.get(coding, lambda b: b)(small_body)
        assert decoded == plain_body, path
        return
    br, br_body = _raw(base, path, "gzip, deflate, br")
    assert br.headers["Content-Encoding"] == "br" and brotli.decompress(br_body) == plain_body
    gz, gz_body = _raw(base, path, "gzip")
    assert gz.headers["Content-Encoding"] == "gzip" and gzip.decompress(gz_body) == plain_body
    assert len(br_body) < len(plain_body) and len(gz_body) < len(plain_body)


def test_nquads_dump_shrinks_at_least_five_times(base):
    _, plain = _raw(base, "/-/dump.nq", "identity")
    _, gz = _raw(base, "/-/dump.nq", "gzip")
    _, br = _raw(base, "/-/dump.nq", "br")
    print(f"/-/dump.nq: {len(plain)} bytes, gzip {len(gz)} ({len(plain) / len(gz):.1f}×), br {len(br)} ({len(plain) / len(br):.1f}×)")
    assert len(plain) / len(gz) >= 5 and len(plain) / len(br) >= 5


def test_compressed_answers_revalidate_with_their_etag(base):
    first, _ = _raw(base, "/-/dump.nq", "br")
    again = requests.get(base + "/-/dump.nq", headers={"Accept-Encoding": "br", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("path", TWINS_AND_DUMPS)
def test_twins_and_dumps_answer_a_cross_origin_get(base, path):
    r = requests.get(base + path, headers={"Origin": "https://example.org"})
    assert r.status_code == 200 and r.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in r.headers.get("Access-Control-Expose-Headers", "")


def test_cross_origin_preflight_of_a_twin_is_allowed(base):
    r = requests.options(base + SCHEME + ".ttl", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "Accept"})
    assert r.status_code < 300 and r.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in r.headers["Access-Control-Allow-Methods"]


def test_static_files_have_fingerprinted_names_cached_for_a_year(base):
    html = requests.get(base + "/").text
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert assets and all(re.search(r"\.[0-9a-f]{12}\.[a-z]+$", a) for a in assets), assets
    for asset in assets:
        r = requests.get(base + asset)
        assert r.status_code == 200 and "max-age=31536000" in r.headers["Cache-Control"] and "immutable" in r.headers["Cache-Control"]
    plain = requests.get(base + "/static/socialrx.css")
    assert plain.status_code == 200 and "no-cache" in plain.headers["Cache-Control"] and plain.headers.get("ETag")
    assert requests.get(base + "/static/socialrx.000000000000.css").status_code == 404  # a stale fingerprint
    assert requests.get(base + "/static/../web/http.py").status_code == 404


def test_static_css_and_js_are_compressed(base):
    html = requests.get(base + "/").text
    css = re.search(r'href="(/static/socialrx\.[0-9a-f]+\.css)"', html).group(1)
    r, _ = _raw(base, css, "br")
    assert r.headers["Content-Encoding"] == "br"


def test_robots_txt_points_to_the_sitemap(base):
    r = requests.get(base + "/robots.txt")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain")
    assert f"Sitemap: {base}/sitemap.xml" in r.text.splitlines()
    assert requests.get(base + "/sitemap.xml").status_code == 200


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_description_open_graph_and_security_headers(base, path):
    r = requests.get(base + path, headers={"Accept": "text/html"})
    assert r.status_code == 200
    html = r.text
    for tag in ('name="description"', 'property="og:title"', 'property="og:description"', 'property="og:url"',
                'property="og:type"', 'property="og:site_name"'):
        m = re.search(rf'<meta {tag} content="([^"]+)"', html)
        assert m and m.group(1).strip(), (path, tag)
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert "object-src 'none'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert r.headers["X-Frame-Options"] == "DENY"


def test_twins_carry_nosniff_but_no_page_policy(base):
    r = requests.get(base + SCHEME + ".ttl")
    assert r.headers["X-Content-Type-Options"] == "nosniff" and "Content-Security-Policy" not in r.headers
