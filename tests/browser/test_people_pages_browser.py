"""Issue 11.1 and 11.2 in Debian chromium at 1280 and 390 px: a scheme page in plain words (no datatype or language
badges, durations in words, tags in sentence case) with "What the sources say" grouped by source: one heading per
source with its dates, detail nodes as sentences, and the whole section within one desktop screen."""

from __future__ import annotations

import re

import pytest

from browser_support import screenshot

pytestmark = pytest.mark.browser
SCHEME = "/id/scheme/camden-stroke-navigation-service"


@pytest.fixture(scope="module")
def site(kb, serve):
    from socialrx.settings import Settings
    from socialrx.web import create_app

    app = create_app(Settings({"query_workers": 1}), kb=kb)
    yield serve(app)
    app.extensions["socialrx.store"].close()


def test_scheme_page_reads_in_plain_words(page, site):
    page.goto(site + SCHEME)
    text = page.locator("main").inner_text()
    seen = text.split("This page as data")[0]
    assert not re.search(r"\bxsd:\w+|\ben-GB\b|\bP6W\b", seen), re.search(r".{30}(xsd:\w+|en-GB|P6W).{10}", seen)
    assert "6 weeks and 6 months" in page.locator("#outcomes").inner_text()
    tags = page.locator(".srx-type").all_inner_texts()
    assert tags and all(t.strip()[:1].isupper() for t in tags), tags
    screenshot(page, f"plain-words-{page.width}")


def test_sources_are_grouped_and_short(page, site):
    page.goto(site + SCHEME)
    section = page.locator("section[aria-labelledby=statements-heading]")
    headings = section.locator(".srx-by-source__title a").all_inner_texts()
    assert headings and len(headings) == len(set(headings))
    assert "Source:" not in section.inner_text()
    assert section.locator(".srx-by-source__meta").first.inner_text().count("read on") == 1
    assert section.locator("dd dl").count() == 0  # detail nodes are sentences, not a table in a table
    assert "client group: After a stroke" in section.inner_text()
    if page.width == 1280:
        assert section.bounding_box()["height"] <= 900, section.bounding_box()
    screenshot(page, f"sources-grouped-{page.width}")


def test_area_page_puts_its_schemes_first(page, site):
    page.goto(site + "/id/area/leeds")
    schemes = page.locator("#schemes-here").bounding_box()["y"]
    assert schemes < page.locator("#statements-heading").bounding_box()["y"]
    assert "Linking Leeds" in page.locator("#schemes-here").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
