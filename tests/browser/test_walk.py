"""Walk the site in Debian chromium: home → the Bromley by Bow scheme → its funder → its area → search → a concept.

The same walk runs on the live site (waitress) and on the `build-site` copy served by `python -m http.server`;
each step must show no console errors and no serious or critical axe-core violations. Screenshots go to
test-artifacts/.
"""

from __future__ import annotations

import pytest

from browser_support import axe_check, screenshot
from site_walk import serve_folder

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_site(kb, serve):
    """The app served by waitress on 127.0.0.1 for the whole module."""
    from socialrx.settings import Settings
    from socialrx.web import create_app

    app = create_app(Settings({"query_workers": 1}), kb=kb)
    yield serve(app), ""
    app.extensions["socialrx.store"].close()


@pytest.fixture(scope="module")
def static_site(kb, tmp_path_factory):
    """The build-site copy served by `python -m http.server` on 127.0.0.1, stopped by PID afterwards."""
    from socialrx.settings import Settings
    from socialrx.sitebuild import build_site
    from socialrx.web import create_app

    out = tmp_path_factory.mktemp("static-site")
    app = create_app(Settings({"query_workers": 1}), kb=kb)
    try:
        build_site(app, out, progress=lambda line: None)
    finally:
        app.extensions["socialrx.store"].close()
    with serve_folder(out) as url:
        yield url, ".html"


@pytest.fixture(params=["live", "static"])
def site(request):
    return request.getfixturevalue(f"{request.param}_site") + (request.param,)


def step(page, name, kind):
    """Check the page now showing: landmarks, no console errors, no serious axe violations; save a screenshot."""
    page.wait_for_load_state("networkidle")
    screenshot(page, f"walk-{kind}-{name}")
    assert page.locator("main#maincontent").count() == 1
    assert page.locator("header[role=banner]").count() == 1 and page.locator("footer[role=contentinfo]").count() == 1
    assert page.locator("h1").count() == 1
    assert not page.console_errors, page.console_errors
    violations = axe_check(page)
    assert not violations, violations


def test_home_scheme_funder_area_search_concept(browser_page, site):
    base, suffix, kind = site
    page = browser_page
    page.goto(f"{base}/" if kind == "live" else f"{base}/index.html")
    assert "Social Prescribing and Navigation" in page.locator("h1").inner_text()
    assert page.locator("table.srx-chart__table").count() >= 4
    assert page.locator("#srx-map").count() == 1  # points or, without coordinates, a note saying so
    step(page, "1-home", kind)

    page.get_by_role("link", name="Bromley-by-Bow's service funded by Macmillan").first.click()
    assert page.locator("h1").inner_text() == "Bromley-by-Bow's service funded by Macmillan"
    step(page, "2-scheme", kind)

    page.locator(".srx-glance").get_by_role("link", name="Macmillan Cancer Support").click()
    assert page.locator("h1").inner_text() == "Macmillan Cancer Support"
    funds = page.locator(".srx-incoming", has_text="Funds")
    assert funds.get_by_role("link", name="Bromley-by-Bow's service funded by Macmillan").count() == 1
    step(page, "3-funder", kind)

    funds.get_by_role("link", name="Bromley-by-Bow's service funded by Macmillan").click()
    page.locator(".srx-glance").get_by_role("link", name="Tower Hamlets").click()
    assert page.locator("h1").inner_text() == "Tower Hamlets"
    assert page.locator("a.srx-code", has_text="E09000030").count() >= 1  # the GSS code and the statistical geography
    step(page, "4-area", kind)

    page.locator("#search-field").fill("cancer")
    page.locator("#search-field").press("Enter")
    page.wait_for_load_state("networkidle")
    results = page.locator("#srx-search-results .srx-result a")
    results.first.wait_for()
    assert "Affected by cancer" in [results.nth(i).inner_text() for i in range(results.count())]
    step(page, "5-search", kind)

    page.locator("#srx-search-results").get_by_role("link", name="Affected by cancer", exact=True).click()
    assert page.locator("h1").inner_text() == "Affected by cancer"
    assert page.locator(".srx-types").inner_text().strip() == "Concept"
    step(page, "6-concept", kind)


def test_keyboard_reaches_the_skip_link_and_main_content(browser_page, live_site):
    base, _ = live_site
    page = browser_page
    page.goto(f"{base}/id/scheme/camden-stroke-navigation-service")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#maincontent"


@pytest.mark.parametrize("path", ["/schemes", "/vocab", "/ontology", "/id/source/care-forum-infographic", "/def/Scheme",
                                  "/id/scheme/camden-stroke-navigation-service", "/id/scheme/nope"])
def test_more_pages_pass_axe(browser_page, live_site, path):
    base, _ = live_site
    page = browser_page
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    name = path.strip("/").replace("/", "-") or "home"
    screenshot(page, f"page-{name}")
    errors = [e for e in page.console_errors if not (path.endswith("nope") and "404" in e)]
    assert not errors, errors
    violations = axe_check(page)
    assert not violations, violations
