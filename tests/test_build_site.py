"""`socialrx build-site`: the static copy, served by `python -m http.server`, passes the same link walk as the live site."""

from __future__ import annotations

import re

import pytest
import rdflib
import requests

from site_walk import serve_folder, walk


@pytest.fixture(scope="module")
def built(kb, tmp_path_factory):
    """Build the site once for the module (through the same code path as the CLI command)."""
    from socialrx.settings import Settings
    from socialrx.sitebuild import build_site
    from socialrx.web import create_app

    out = tmp_path_factory.mktemp("site")
    app = create_app(Settings({"query_workers": 1}), kb=kb)
    lines = []
    try:
        report = build_site(app, out, progress=lines.append)
    finally:
        app.extensions["socialrx.store"].close()
    return out, report, lines


@pytest.fixture(scope="module")
def static_server(built):
    """Serve the built folder with `python -m http.server` on 127.0.0.1; stopped by PID afterwards."""
    out, _, _ = built
    with serve_folder(out) as url:
        yield url


def test_build_reports_progress_and_no_failures(built):
    _, report, lines = built
    assert not report.failures, report.failures[:5]
    assert report.pages > 300 and report.files > report.pages
    assert lines[0].startswith("Rendering pages into") and "files (" in lines[-1]


def test_every_page_twin_index_and_asset_is_written(built):
    out, _, _ = built
    for name in ("index.html", "schemes.html", "schemes.json", "organisations.html", "places.html", "programmes.html",
                 "sources.html", "concepts.html", "vocab.html", "ontology.html", "search.html", "search-index.json",
                 "sitemap.xml", ".well-known/void", "-/dump.ttl", "-/dump.nq", "def/index.html",
                 "id/scheme/camden-stroke-navigation-service.html", "static/socialrx.css", "static/socialrx.js",
                 "static/vendor/nhsuk-frontend/nhsuk-frontend.min.css", "static/vendor/leaflet/leaflet.js"):
        assert (out / name).is_file(), name
    for suffix, fmt in ((".ttl", "turtle"), (".jsonld", "json-ld"), (".nt", "nt"), (".rdf", "xml")):
        g = rdflib.Graph().parse(out / f"id/scheme/camden-stroke-navigation-service{suffix}", format=fmt)
        assert (rdflib.URIRef("https://w3id.org/socialrx/id/scheme/camden-stroke-navigation-service"), None, None) in g
    assert not (out / "static/vendor/axe-core").exists()


def test_links_are_relative(built):
    out, _, _ = built
    for page in ("index.html", "id/scheme/camden-stroke-navigation-service.html", "schemes.html", "def/index.html"):
        text = (out / page).read_text(encoding="utf-8")
        absolute = re.findall(r'\b(?:href|src|action)="(/[^"]*)"', text)
        assert not absolute, (page, absolute[:5])
    camden = (out / "id/scheme/camden-stroke-navigation-service.html").read_text(encoding="utf-8")
    assert 'href="../../schemes.html"' in camden
    assert 'href="../org/nhs-north-central-london-icb.html"' in camden  # id/scheme/ → id/org/
    assert 'data-root="../../"' in camden


def test_static_copy_passes_the_link_walk(static_server):
    result = walk(static_server + "/index.html")
    assert result.pages > 300
    assert not result.broken, result.broken[:10]


def test_static_copy_serves_twins_and_paged_views(static_server):
    assert requests.get(static_server + "/id/org/macmillan.ttl", timeout=10).status_code == 200
    text = requests.get(static_server + "/id/org/macmillan.html", timeout=10).text
    assert "Bromley-by-Bow&#39;s service funded by Macmillan" in text
    schemes = requests.get(static_server + "/schemes.html", timeout=10).text
    facet = re.search(r'href="(schemes--aim-[^"]*individual-wellbeing[^"]*)"', schemes).group(1)
    filtered = requests.get(f"{static_server}/{facet}", timeout=10).text
    assert "Connect for Health" in filtered and "1 result matching" in filtered


def test_command_line(tmp_path, kb):
    from socialrx.cli import build_parser

    args = build_parser().parse_args(["build-site", str(tmp_path / "out"), "--base-url", "https://example.org/socialrx"])
    assert args.command == "build-site" and args.base_url == "https://example.org/socialrx"
