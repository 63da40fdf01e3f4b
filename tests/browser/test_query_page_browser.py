"""A query page in a real browser (Debian chromium through Playwright) against the app served by waitress."""

import pytest
from browser_support import axe_check, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(make_app, serve):
    """One served app for the module (the conftest's live_server starts one per test): the pages only read."""
    return serve(make_app())


@pytest.fixture
def page(browser_page):
    """The browser conftest's fresh page (the session's chromium)."""
    return browser_page


def result_rows(page):
    return page.locator(".srx-results-table tbody tr")


def test_the_query_page_loads_with_form_sparql_and_results(page, live_server):
    page.goto(f"{live_server}/queries/schemes-by-aim")
    assert page.locator("h1").inner_text() == "Schemes by aim"
    assert page.locator("select#param-aim option").count() == 6  # "(any)" and the five aims
    assert result_rows(page).count() > 5
    page.locator(".srx-query-sparql summary").click()
    assert "srx:hasAim" in page.locator(".srx-query-sparql pre").inner_text()
    screenshot(page, "query-page")


def test_changing_the_form_changes_the_results(page, live_server):
    page.goto(f"{live_server}/queries/schemes-by-aim")
    before = result_rows(page).count()
    page.select_option("select#param-aim", label="Holistic system change")
    with page.expect_navigation():
        page.get_by_role("button", name="Run the query").click()
    assert "aim=https%3A%2F%2Fw3id.org%2Fsocialrx%2Fid%2Fvocab%2Faims%2Fholistic-system-change" in page.url
    assert result_rows(page).count() == 1 < before
    assert "Dorset Community Action VCSE community navigator" in result_rows(page).first.inner_text()
    assert page.locator("select#param-aim").input_value().endswith("/holistic-system-change")
    screenshot(page, "query-form-changed")

    page.goto(f"{live_server}/queries/schemes-for-age")
    page.fill("#param-age", "17")
    with page.expect_navigation():
        page.get_by_role("button", name="Run the query").click()
    assert page.url.endswith("/queries/schemes-for-age?age=17")
    assert result_rows(page).locator("td:first-child a").all_inner_texts() == ["Linking Leeds"]


def test_a_wrong_value_is_explained_next_to_its_field(page, live_server):
    response = page.goto(f"{live_server}/queries/schemes-for-age?age=eighty")
    assert response.status == 400
    assert "parameter 'age' expects a whole number from 0 to 130" in page.locator("[role=alert]").inner_text()
    assert page.locator("#param-age").input_value() == "eighty"
    screenshot(page, "query-error")


def test_the_chart_view_renders_bars(page, live_server):
    page.goto(f"{live_server}/queries/count-schemes-by-aim")
    bars = page.locator(".srx-bar-chart__bar rect")
    assert bars.count() == 5
    widths = [bars.nth(i).bounding_box()["width"] for i in range(bars.count())]
    assert widths[0] > widths[1] > 0 and widths[-1] == 0  # the most common aim first; accurate matching has none
    assert "Direct people to services" in page.locator(".srx-bar-chart").text_content()
    screenshot(page, "query-chart")


def test_open_in_the_editor_carries_the_query_and_its_values(page, live_server):
    page.goto(f"{live_server}/queries/schemes-for-age?age=17")
    page.get_by_role("link", name="Open in the SPARQL editor").click()
    page.wait_for_url(f"{live_server}/sparql*")
    page.wait_for_function("() => document.querySelector('.CodeMirror') && document.querySelector('.CodeMirror').CodeMirror")
    texts = page.evaluate("() => Array.from(document.querySelectorAll('.CodeMirror'))"
                          ".filter(e => e.offsetParent !== null).map(e => e.CodeMirror.getValue())")
    assert any("Schemes whose age bounds include an age" in t and "VALUES (?age)" in t and '"17"' in t for t in texts)
    screenshot(page, "query-editor")


@pytest.mark.parametrize("path", ["/queries", "/queries/schemes-by-aim", "/queries/count-schemes-by-aim",
                                  "/queries/schemes-for-age?age=eighty"])
def test_query_pages_have_no_serious_accessibility_problems(page, live_server, path):
    page.goto(live_server + path)
    assert axe_check(page) == []  # axe goes in through DevTools: the site's CSP refuses an injected <script>
