"""Issue 11.6: the SPARQL editor at 1280 and 390 px. One tab with a useful example (schemes, not catalogue triples);
the catalogue's queries are a menu of examples; "Open in the SPARQL editor" reuses the one tab; result IRIs of our
namespace link to the pages here; no sideways scroll, no console error, no serious or critical axe violation."""

from __future__ import annotations

import pytest

from browser_support import axe_check, screenshot

pytestmark = pytest.mark.browser
EDITOR = "document.querySelector('.CodeMirror').CodeMirror"


@pytest.fixture(scope="module")
def site(kb, serve):
    from socialrx.settings import Settings
    from socialrx.web import create_app

    app = create_app(Settings({"query_workers": 1}), kb=kb)
    yield serve(app), len(list(app.extensions["socialrx.catalogue"]))
    app.extensions["socialrx.store"].close()


def tabs(page) -> int:
    return page.locator(".yasgui .tabsList .tab").count()


def open_editor(page, url):
    page.goto(url)
    page.wait_for_selector(".yasqe .CodeMirror", timeout=15_000)


def test_one_tab_with_schemes_and_local_links(page, site):
    base, _ = site
    open_editor(page, base + "/sparql")
    assert tabs(page) == 1
    assert "srx:Scheme" in page.evaluate(f"{EDITOR}.getValue()")
    page.locator(".yasqe_queryButton").click()
    page.wait_for_selector(".yasr tbody tr", timeout=15_000)
    links = page.eval_on_selector_all(".yasr tbody a", "els => els.map(a => a.getAttribute('href'))")
    assert any(h.startswith(base + "/id/scheme/") or h.startswith("/id/scheme/") for h in links), links[:5]
    assert not any(h.startswith("https://w3id.org/socialrx/") for h in links), links[:5]
    screenshot(page, f"sparql-{page.width}")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert not page.console_errors, page.console_errors
    violations = axe_check(page)
    assert not violations, violations


def test_catalogue_queries_are_a_menu_and_fill_the_one_tab(page, site):
    base, count = site
    open_editor(page, base + "/sparql")
    menu = page.locator("#sparql-examples li a")
    assert menu.count() == count
    page.locator("#sparql-examples summary").click()
    page.locator("#sparql-examples li a", has_text="Number of schemes per client group").click()
    page.wait_for_function(f"{EDITOR}.getValue().includes('clientGroup')")
    assert tabs(page) == 1


def test_open_in_the_editor_reuses_the_one_tab(page, site):
    base, _ = site
    for name in ("schemes-by-aim", "count-schemes-by-approach"):
        page.goto(f"{base}/queries/{name}")
        page.locator("a.srx-editor-link").click()
        page.wait_for_selector(".yasqe .CodeMirror", timeout=15_000)
        page.wait_for_function(f"{EDITOR}.getValue().includes('{'?aim' if name == 'schemes-by-aim' else '?approach'}')")
        assert tabs(page) == 1, name
