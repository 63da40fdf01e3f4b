"""Issue 14 items 1-3: every bad input gets a clear 4xx, never a 500; text must be UTF-8; CSV for spreadsheets
cannot run formulas. Each test is named after the bug it guards against. Real app, real store, real waitress
server on 127.0.0.1 and real HTTP clients (requests, and raw sockets where a client library would tidy the bytes).
"""

from __future__ import annotations

import csv
import io
import socket
from urllib.parse import quote

import pytest
import requests

SCHEME = "https://w3id.org/socialrx/def/Scheme"


@pytest.fixture(scope="module")
def base(module_app, serve):
    module_app.test_client().get("/-/none", headers={"Accept": "text/html"})  # build the site's caches before serve()'s 1-second probe
    return serve(module_app)


def raw_get(base: str, target: str, extra_headers: str = "") -> tuple[int, bytes]:
    """Send a GET with the request target exactly as given (no client re-encoding); return status and body."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=20) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\n{extra_headers}Connection: close\r\n\r\n".encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


# -- 1. inputs that answered 500 -----------------------------------------------------------------------

def test_page_number_longer_than_pythons_int_limit_is_400_not_500(base):
    r = requests.get(base + "/places", params={"page": "9" * 5000})
    assert r.status_code == 400 and "page" in r.text
    r = requests.get(base + "/id/scheme/camden-stroke-navigation-service", params={"page": "9" * 5000})
    assert r.status_code == 400


def test_page_number_in_unicode_digits_is_not_a_500(base):
    assert requests.get(base + "/places", params={"page": "²"}).status_code == 200  # not a number: page 1


@pytest.mark.parametrize("target", ["/id/%FF", "/id/%C0%AF", "/id/scheme/%ff%fe"])
def test_invalid_utf8_in_resource_path_is_400_not_invalid_iri_500(base, target):
    status, body = raw_get(base, target)
    assert status == 400 and b"UTF-8" in body


@pytest.mark.parametrize("target", ["/id/%zz", "/def/%4", "/id/scheme/a%g1"])
def test_malformed_percent_escape_in_resource_path_is_400_not_500(base, target):
    status, body = raw_get(base, target)
    assert status == 400 and b"percent-escape" in body


def test_malformed_percent_escape_in_resource_iri_parameter_is_4xx(base):
    r = requests.get(base + "/resource", params={"uri": "https://example.org/%zz"})
    assert 400 <= r.status_code < 500


@pytest.mark.parametrize("escape", ["\\U00110000", "\\UFFFFFFFF", "\\uD800"])
def test_out_of_range_codepoint_escape_in_sparql_is_400_not_500(base, escape):
    query = f'SELECT ("{escape}" AS ?x) {{}}'
    r = requests.get(base + "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 400 and "Unicode" in r.text
    r = requests.post(base + "/sparql", data={"query": query})
    assert r.status_code == 400


def test_query_string_over_512_kib_is_documented_413_with_body_and_clean_close(base):
    r = requests.get(base + "/search", params={"q": "x" * (600 * 1024)})
    assert r.status_code == 413 and "max_request_kb" in r.text
    r = requests.get(base + "/sparql", params={"query": "SELECT * {} #" + "x" * (600 * 1024)})
    assert r.status_code == 413 and "max_request_kb" in r.text
    assert requests.get(base + "/robots.txt").status_code == 200  # the server still answers


def test_headers_over_512_kib_are_431_with_body_not_a_reset(base):
    with requests.Session() as session:
        r = session.get(base + "/", headers={"X-Padding": "x" * (600 * 1024)})
        assert r.status_code == 431 and "max_request_kb" in r.text
        assert session.get(base + "/robots.txt").status_code == 200  # same client, next request answered


# -- 2. strict encoding ----------------------------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "/sparql?query=SELECT%20(%22caf%E9%22%20AS%20%3Fx)%20%7B%7D",
    "/search?q=caf%E9",
    "/schemes?aim=caf%E9",
    "/queries/find-schemes?need=caf%E9",
    "/postcode?pc=BS1%A01NG",
    "/resource?uri=https%3A%2F%2Fexample.org%2Fcaf%E9",
])
def test_latin1_percent_bytes_in_query_string_are_400_not_replaced_by_fffd(base, target):
    status, body = raw_get(base, target)
    assert status == 400 and b"not UTF-8" in body


def test_latin1_percent_bytes_in_form_body_are_400_not_replaced_by_fffd(base):
    r = requests.post(base + "/sparql", data=b"query=SELECT%20(%22caf%E9%22%20AS%20%3Fx)%20%7B%7D",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400 and "not UTF-8" in r.text


def test_utf8_query_strings_still_run(base):
    r = requests.get(base + "/sparql", params={"query": 'SELECT ("café" AS ?x) {}'},
                     headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200 and r.json()["results"]["bindings"][0]["x"]["value"] == "café"


# -- 3. CSV that a spreadsheet would run ----------------------------------------------------------------

FORMULAS = ['=HYPERLINK("https://example.org/","click")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "-5", "plain"]


@pytest.fixture(scope="module")
def formula_base(kb, serve, tmp_path_factory):
    """The app with a catalogue of one query whose cells look like formulas (no shipped data has such cells)."""
    from store_support import close_app, new_app
    from socialrx.catalogue import Catalogue

    folder = tmp_path_factory.mktemp("queries")
    values = " ".join('"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t") + '"' for v in FORMULAS)
    (folder / "formula-cells.rq").write_text(
        "#+ title: Cells that look like formulas\n#+ description: For the CSV test.\n#+ view: table\n"
        f"SELECT ?cell WHERE {{ VALUES ?cell {{ {values} }} }}\n", encoding="utf-8")
    application = new_app(kb)
    application.extensions["socialrx.catalogue"] = Catalogue.load(folder)
    application.test_client().get("/-/none", headers={"Accept": "text/html"})
    yield serve(application)
    close_app(application)


def _cells(text: str) -> list[str]:
    return [row[0] for row in list(csv.reader(io.StringIO(text, newline="")))[1:]]


def test_csv_download_link_neutralises_formula_cells_per_owasp(formula_base):
    page = requests.get(formula_base + "/queries/formula-cells").text
    assert "/queries/formula-cells.csv" in page  # the link people click
    r = requests.get(formula_base + "/queries/formula-cells.csv")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    cells = _cells(r.text)
    assert cells == ["'" + FORMULAS[0], "'+1+1", "'-2+3", "'@SUM(A1)", "'\tx", "-5", "plain"]


def test_csv_asked_for_by_media_type_stays_exact_sparql_results_csv(formula_base):
    r = requests.get(formula_base + "/queries/formula-cells", headers={"Accept": "text/csv"})
    assert r.status_code == 200 and _cells(r.text) == FORMULAS
    r = requests.get(formula_base + "/sparql", params={"query": "SELECT ?cell WHERE { VALUES ?cell { \"=1+1\" } }"},
                     headers={"Accept": "text/csv"})
    assert _cells(r.text) == ["=1+1"]
