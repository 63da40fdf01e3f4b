"""Every page template, in Debian chromium, under the site's Content-Security-Policy: no violation is reported,
neither as a `securitypolicyviolation` event nor in the console (issue 11 item 7)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# One address per page template (and the editor with a query run, since the results view draws its own markup).
PAGES = [
    "/", "/schemes", "/organisations", "/places", "/programmes", "/sources", "/concepts", "/vocab", "/ontology",
    "/search?q=bristol", "/queries", "/queries/count-schemes-by-client-group", "/-/links", "/-/settings",
    "/postcode?pc=BS1+1NG", "/id/scheme/camden-stroke-navigation-service", "/id/area/bristol",
    "/id/org/the-care-forum", "/def/Scheme", "/id/no-such-thing",
    "/sparql?query=SELECT+%3Fs+WHERE+%7B+%3Fs+a+%3Chttps%3A%2F%2Fw3id.org%2Fsocialrx%2Fdef%2FScheme%3E+%7D+LIMIT+3",
]
WATCH = """document.addEventListener('securitypolicyviolation', e => {
  (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || ''));
});"""


@pytest.fixture(scope="module")
def site_url(kb, serve):
    from socialrx.settings import Settings
    from socialrx.web import create_app

    app = create_app(Settings({"query_workers": 1}), kb=kb)
    app.test_client().get("/-/none", headers={"Accept": "text/html"})  # the first answer builds the site's caches; serve()'s probe waits only 1 s
    yield serve(app)
    app.extensions["socialrx.store"].close()


@pytest.mark.parametrize("path", PAGES)
def test_page_passes_its_content_security_policy(browser_page, site_url, path):
    page = browser_page
    page.add_init_script(WATCH)
    response = page.goto(site_url + path)
    csp = response.headers.get("content-security-policy", "")
    assert "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp, csp
    page.wait_for_load_state("networkidle")
    if path.startswith("/sparql"):
        page.locator(".yasqe .CodeMirror").first.wait_for(state="attached", timeout=10_000)
    violations = page.evaluate("window.__csp || []")
    refused = [e for e in page.console_errors if "Content Security Policy" in e or "Refused to" in e]
    assert not violations and not refused, (violations, refused)


def test_an_injected_inline_script_is_refused_and_reported(browser_page, site_url):
    """The control: the watcher sees violations, and the policy refuses a script that markup injection would add."""
    page = browser_page
    page.add_init_script(WATCH)
    page.goto(site_url + "/")
    ran = page.evaluate("""() => new Promise(done => {
      window.__ran = false;
      const s = document.createElement('script');
      s.textContent = 'window.__ran = true';
      document.head.appendChild(s);
      setTimeout(() => done(window.__ran), 200);
    })""")
    assert ran is False
    assert any(v.startswith("script-src") for v in page.evaluate("window.__csp || []"))
