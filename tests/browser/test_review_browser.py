"""Issue 15 in a real browser: a member of the public reports that a scheme has ended, with a web address; a reviewer
signs in, sees the diff and accepts; the scheme page shows "ended", the evidence as its source and the change in its
history; the TriG file in data/ holds the change and `socialrx validate` passes. At 1280 and 390 px wide."""

from __future__ import annotations

import subprocess
import sys

import pytest
from browser_support import axe_check, screenshot
from changes_support import PASSWORD, copy_kb, editable_app

pytestmark = pytest.mark.browser
EVIDENCE = "https://example.org/community-navigators-closed"


@pytest.fixture
def editable_site(tmp_path, serve):
    root = copy_kb(tmp_path / "kb")
    app = editable_app(root)  # Secure cookies: Chromium treats http://127.0.0.1 as a secure context
    app.test_client().get("/id/scheme/community-navigators-bristol")  # builds the site's caches before the browser comes
    yield serve(app), root
    app.extensions["socialrx.store"].close()


@pytest.mark.parametrize("width", [1280, 390])
def test_report_review_accept_and_see_it(chromium, editable_site, width):
    base, root = editable_site
    public = chromium.new_context(viewport={"width": width, "height": 900})
    reviewer = chromium.new_context(viewport={"width": width, "height": 900})
    try:
        page = public.new_page()
        response = page.goto(base + "/id/scheme/community-navigators-bristol")
        assert response.status == 200, page.locator("body").inner_text()[:500]
        page.get_by_role("link", name="Report a change").click()
        page.get_by_label("Ended").check()
        page.get_by_label("A public web page that says this").fill(EVIDENCE)
        screenshot(page, f"report-form-{width}")
        page.get_by_role("button", name="Send report").click()
        assert page.get_by_role("heading", name="Thank you").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

        desk = reviewer.new_page()
        desk.set_default_timeout(120_000)  # accepting validates with the shapes and reloads the graph: seconds, not ms
        desk.goto(base + "/-/review")
        desk.get_by_label("Reviewer name").fill("jo")
        desk.get_by_label("Password").fill(PASSWORD)
        desk.get_by_role("button", name="Sign in").click()
        desk.locator("table a").first.click()
        diff = desk.locator("main").inner_text()
        assert "Not known" in diff and "Ended (checked" in diff and EVIDENCE in diff
        assert desk.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert axe_check(desk) == []
        screenshot(desk, f"review-diff-{width}")
        desk.get_by_role("button", name="Accept", exact=True).click()
        assert "accepted" in desk.locator("h1").inner_text()

        page.goto(base + "/id/scheme/community-navigators-bristol")
        page.reload()  # the browser may keep the page for cache_max_age_s; a reload revalidates it (new ETag)
        text = page.locator("main").inner_text()
        assert "Ended" in text and "Last changed" in text and EVIDENCE in text
        screenshot(page, f"scheme-after-change-{width}")
        page.get_by_role("link", name="History of changes").click()
        history = page.locator("main").inner_text()
        assert "Status: Not known → Ended" in history and EVIDENCE in history
    finally:
        public.close()
        reviewer.close()
    [written] = (root / "data" / "changes").glob("*.trig")
    assert "status:ended" in written.read_text() and EVIDENCE in written.read_text()
    validated = subprocess.run([sys.executable, "-m", "socialrx", "validate", "--root", str(root)], capture_output=True, text=True)
    assert validated.returncode == 0, validated.stdout[-2000:]
