"""The SPARQL editor (vendored YASGUI) in Debian chromium: prefixes pre-filled, a query run offline,
the truncation notice shown."""

from __future__ import annotations

import pytest
from store_support import small_kb

from socialrx.settings import Settings
from socialrx.web import create_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def small(serve):
    """The fixture graph served with a row cap of 3, so truncation shows."""
    app = create_app(Settings({"query_workers": 1, "max_returned_rows": 3}), kb=small_kb())
    yield serve(app)
    app.extensions["socialrx.store"].close()


def test_editor_runs_queries_offline(browser_page, small):
    """YASGUI: examples as tabs, a query run, the truncation notice, nothing fetched from elsewhere."""
    page = browser_page
    elsewhere = []
    page.on("request", lambda r: r.url.startswith(("http:", "https:")) and not r.url.startswith(small) and elsewhere.append(r.url))
    page.goto(small + "/sparql")
    page.wait_for_selector(".yasqe .CodeMirror", timeout=15_000)
    editor = "document.querySelector('.CodeMirror').CodeMirror"
    assert "PREFIX srx: <https://w3id.org/socialrx/def/>" in page.evaluate(f"{editor}.getValue()")
    page.evaluate(f"{editor}.setValue('SELECT * WHERE {{ ?s ?p ?o }}')")
    page.locator(".yasqe_queryButton").click()
    page.wait_for_selector(".yasr tbody tr", timeout=15_000)
    assert page.locator(".yasr tbody tr").count() == 3
    page.wait_for_selector("#sparql-truncated:not([hidden])", timeout=5_000)
    assert elsewhere == [] and page.console_errors == []
