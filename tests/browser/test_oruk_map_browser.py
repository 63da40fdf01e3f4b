"""Imported ORUK services drawn on the home and area maps in a real browser (Debian chromium through Playwright) at
desktop and phone widths: a service's point opens a popup whose link leads to the service's page."""

import pytest
from browser_support import axe_check, screenshot
from test_oruk_map import GOOD, imported  # noqa: F401 (imported is the module's fixture: our data plus ORUK imports)

pytestmark = pytest.mark.browser

SERVICE_COLOUR = "#330072"  # socialrx.js draws services in this colour


@pytest.fixture(scope="module")
def live_server(imported, serve):  # noqa: F811
    app, _ = imported
    return serve(app)


@pytest.mark.parametrize("path", ["/", "/id/area/bristol"])
def test_a_service_point_links_to_the_service_page(page, live_server, path):
    page.goto(live_server + path)
    live = page.locator("#srx-map.srx-map--live")
    live.wait_for()
    marker = page.locator(f'#srx-map path[stroke="{SERVICE_COLOUR}"]')
    assert marker.count() >= 1
    live.scroll_into_view_if_needed()
    marker.last.click()
    links = page.locator(".leaflet-popup-content a")
    links.first.wait_for()
    # Two services of the feed share one location: one marker, a link to each (the area map: only the one serving it).
    expected = ["Example Befriending (synthetic)", "Example Lunch Club (synthetic)"] if path == "/" else ["Example Befriending (synthetic)"]
    assert links.all_inner_texts() == expected
    assert page.locator(".leaflet-popup-content .srx-map-popup__place").inner_text() == "MyCity Civic Center"
    link = links.first
    width = page.viewport_size["width"]
    name = "home" if path == "/" else "area-bristol"
    section = page.locator("section", has=page.locator("#srx-map"))  # the map with its key
    section.screenshot(path=str(screenshot(page, f"oruk-map-{name}-{width}").with_name(f"oruk-map-{name}-{width}-map.png")))
    assert axe_check(page) == []  # with the popup open
    with page.expect_navigation():
        link.click()
    assert "/id/oruk/messy/service/" in page.url
    assert page.locator("h1").inner_text().startswith("Example")
    assert page.console_errors == []
