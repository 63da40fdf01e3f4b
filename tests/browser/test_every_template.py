"""Issue 11.5 and its "done when": walk one page of every page template at 1280 and 390 px in Debian chromium.

Each page must fit the screen (no sideways scroll), log no console error (CSP violations included) and show no
serious or critical axe-core violation. At 390 px the home page's chart labels are at least 12 px and /schemes shows
its results before its (folded) filters. Screenshots go to test-artifacts/every-template-*.png.

Not walked: the report, sign-in and review pages, which exist only with the `editable` setting (that app writes to
data/changes, so its own tests walk them), and the Atom feed (not HTML).
"""

from __future__ import annotations

import pytest

from browser_support import axe_check, screenshot

pytestmark = pytest.mark.browser

# One address per template (and per entity template variant); see server/socialrx/web/templates/.
PAGES = {
    "home": "/",
    "index-schemes": "/schemes",
    "index-services": "/services",
    "index-organisations": "/organisations",
    "index-places": "/places",
    "index-programmes": "/programmes",
    "index-sources": "/sources",
    "index-concepts": "/concepts",
    "entity-service": "/id/scheme/camden-stroke-navigation-service",
    "entity-area": "/id/area/bristol",
    "entity-organisation": "/id/org/macmillan",
    "entity-source": "/id/source/care-forum-infographic",
    "entity-class": "/def/Scheme",
    "entity-concept": "/id/vocab/client-groups/affected-by-cancer",
    "entity-query": "/id/query/schemes-in-area",
    "ontology": "/ontology",
    "vocab": "/vocab",
    "search": "/search?q=leeds",
    "queries": "/queries",
    "query-chart": "/queries/count-schemes-by-client-group",
    "query-table": "/queries/schemes-by-client-group",
    "sparql": "/sparql",
    "links": "/-/links",
    "settings": "/-/settings",
    "postcode": "/postcode?pc=BS1",
    "find": "/find",
    "find-how": "/find/how",
    "changes": "/-/changes",
    "not-found": "/id/scheme/nope",
}


@pytest.fixture(scope="module")
def site(kb, serve):
    from socialrx.settings import Settings
    from socialrx.web import create_app

    app = create_app(Settings({"query_workers": 1}), kb=kb)
    yield serve(app)
    app.extensions["socialrx.store"].close()


@pytest.fixture(scope="module", params=[1280, 390], ids=["1280px", "390px"])
def screen(request, chromium):
    context = chromium.new_context(viewport={"width": request.param, "height": 900})
    yield request.param, context
    context.close()


def overflow(page) -> list[str]:
    """The elements that stick out past the right edge of the screen, if the page scrolls sideways."""
    return page.evaluate("""() => {
      const width = document.documentElement.clientWidth;
      if (document.documentElement.scrollWidth <= width) return [];
      return [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > width + 1)
        .slice(-5).map((el) => `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)} px)`);
    }""")


@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits_and_passes(site, screen, name):
    from browser_support import PageWithErrors

    width, context = screen
    page = PageWithErrors(context.new_page())
    try:
        page.goto(site + PAGES[name])
        page.wait_for_load_state("networkidle")
        screenshot(page, f"every-template-{name}-{width}")
        assert not overflow(page), f"{name} scrolls sideways at {width} px: {overflow(page)}"
        errors = [e for e in page.console_errors if not (name == "not-found" and "404" in e)]
        assert not errors, errors
        violations = axe_check(page)
        assert not violations, violations
    finally:
        page.close()


def test_chart_labels_are_readable_on_a_phone(site, chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 900})
    try:
        page = context.new_page()
        page.goto(site + "/")
        sizes = page.eval_on_selector_all(".srx-chart th, .srx-chart td", "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")
        assert sizes and min(sizes) >= 12, min(sizes or [0])
        page.goto(site + "/queries/count-schemes-by-client-group")
        labels = page.eval_on_selector_all(".srx-bar-chart__label", "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")
        assert labels and min(labels) >= 12, min(labels or [0])
    finally:
        context.close()


def test_schemes_show_results_before_the_folded_filters_on_a_phone(site, chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 900})
    try:
        page = context.new_page()
        page.goto(site + "/schemes")
        first_result = page.locator(".srx-result").first.bounding_box()
        assert first_result["y"] < 900, "the first scheme is not on the first screen"
        assert page.locator(".srx-facet").first.is_hidden(), "the filters are not folded"
        page.get_by_text("Filter", exact=False).first.click()
        assert page.locator(".srx-facet").first.is_visible()
    finally:
        context.close()
