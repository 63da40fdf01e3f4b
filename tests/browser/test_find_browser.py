"""The /find form in a real browser (Debian chromium through Playwright) at desktop and phone widths."""

import pytest
from browser_support import axe_check, screenshot

pytestmark = pytest.mark.browser

@pytest.fixture(scope="module")
def live_server(make_app, serve):
    """One served app for the module: the pages only read."""
    return serve(make_app())


def fits_the_width(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_the_form_finds_bristol_schemes_for_bs1_1ng_age_70_lonely(page, live_server):
    page.goto(f"{live_server}/find")
    page.get_by_label("Postcode").fill("BS1 1NG")
    page.get_by_label("Age").fill("70")
    page.get_by_label("What they need").fill("lonely")
    with page.expect_navigation():
        page.get_by_role("button", name="Find schemes").click()
    assert "postcode=BS1+1NG" in page.url and "need=lonely" in page.url
    assert page.locator("h2#results").inner_text() == "Schemes for postcode BS1 1NG"
    cards = page.locator(".srx-find-result")
    assert cards.count() >= 5
    first = cards.first
    assert first.locator("dt", has_text="Why it may fit").is_visible()
    assert "BS1 1NG" in first.locator(".srx-why").inner_text()
    for label in ("Status", "How to refer", "Contact"):
        assert first.locator("dt", has_text=label).count() == 1
    assert "Community Navigators (Bristol Ageing Better)" in page.locator(".srx-find-results").inner_text()
    assert page.get_by_label("Postcode").input_value() == "BS1 1NG"  # the form keeps what was asked
    assert fits_the_width(page)
    assert axe_check(page) == []
    assert page.console_errors == []
    screenshot(page, f"find-results-{page.viewport_size['width']}")


def test_a_malformed_postcode_shows_the_error_summary_that_leads_to_the_field(page, live_server):
    page.goto(f"{live_server}/find")
    page.get_by_label("Postcode").fill("BS1 1N")
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Find schemes").click()
    assert nav.value.status == 400
    summary = page.locator(".nhsuk-error-summary")
    assert summary.is_visible() and "There is a problem" in summary.inner_text()
    summary.get_by_role("link").click()
    assert page.evaluate("() => document.activeElement.id") == "postcode" or page.url.endswith("#postcode")
    assert page.locator("#postcode-error").is_visible()
    assert fits_the_width(page)
    assert axe_check(page) == []
    screenshot(page, f"find-error-{page.viewport_size['width']}")


def test_an_unknown_postcode_says_so_in_plain_words(page, live_server):
    response = page.goto(f"{live_server}/find?postcode=BS1+9ZZ")
    assert response.status == 404
    text = page.locator(".nhsuk-error-summary").inner_text()
    assert "We could not find that postcode" in text and "We do not have postcode BS1 9ZZ" in text
    assert fits_the_width(page)
