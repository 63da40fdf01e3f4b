"""Browser fixtures: Debian chromium through Playwright's sync API, with console errors and axe-core to hand.

`browser_page` is a fresh page whose `.console_errors` list collects console errors, page errors and failed
requests; browser_support.axe_check(page) runs the vendored axe-core and returns serious and critical violations.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from browser_support import CHROMIUM, CHROMIUM_ARGS, PageWithErrors


@pytest.fixture(scope="session")
def chromium():
    """One headless Debian chromium for the session; a missing browser fails (the README's test command installs it)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed at /usr/bin/chromium: run the README's test command (apt-get install chromium)")
    from playwright import sync_api

    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def browser_page(chromium):
    """A fresh 1200×900 page (its own context) with `.console_errors`; closed after the test."""
    context = chromium.new_context(viewport={"width": 1200, "height": 900})
    try:
        yield PageWithErrors(context.new_page())
    finally:
        context.close()


@pytest.fixture(params=(1280, 390), ids=lambda w: f"{w}px")
def page(request, chromium):
    """A fresh page at a desktop and at a phone width (each test using it runs at both; `.width` says which)."""
    context = chromium.new_context(viewport={"width": request.param, "height": 900})
    try:
        page = PageWithErrors(context.new_page())
        page.width = request.param
        yield page
    finally:
        context.close()
