"""Helpers for the browser tests: a page that records what went wrong on it, axe-core, screenshots."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE = ROOT / "server/socialrx/web/static/vendor/axe-core/axe.min.js"


class PageWithErrors:
    """A Playwright page plus what went wrong on it: console errors, uncaught exceptions, failed requests."""

    def __init__(self, page):
        self.page = page
        self.console_errors: list[str] = []
        page.on("console", lambda m: self.console_errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.console_errors.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.console_errors.append(f"request failed: {r.url} ({r.failure})"))

    def __getattr__(self, name):
        return getattr(self.page, name)


def axe_check(page, impacts=("serious", "critical")) -> list[dict]:
    """Inject axe-core, run it on the whole page and return the violations of the given impacts."""
    # Evaluated through the DevTools protocol, not as an inline <script>: the site's CSP refuses inline scripts.
    page.evaluate("() => {" + AXE.read_text(encoding="utf-8") + "\n}")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in impacts]


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
