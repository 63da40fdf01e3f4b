"""Golden HTML fragments of the Camden Stroke Navigation Service page: its outcome, baseline 7.5, the quote and its source.

Regenerate after a deliberate change with `SOCIALRX_UPDATE_GOLDEN=1 pytest tests/test_golden_scheme_page.py`
and review the diff of tests/golden/.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
CAMDEN = "/id/scheme/camden-stroke-navigation-service"
QUOTE = "no readmissions at 6 weeks and 6 months post stroke compared to a 7.5% baseline"


@pytest.fixture(scope="module")
def page(kb):
    from socialrx.settings import Settings
    from socialrx.web import create_app

    app = create_app(Settings({"query_workers": 1}), kb=kb)
    try:
        yield app.test_client().get(CAMDEN).get_data(as_text=True)
    finally:
        app.extensions["socialrx.store"].close()


def fragment(html: str, start: str, end: str) -> str:
    """Cut the fragment from the first `start` to the `end` that closes it, with whitespace between tags removed."""
    begin = html.index(start)
    stop = html.index(end, begin) + len(end)
    return re.sub(r">\s+<", "><", re.sub(r"[ \t]*\n[ \t]*", "\n", html[begin:stop])).strip() + "\n"


def check(name: str, text: str):
    path = GOLDEN / name
    if os.environ.get("SOCIALRX_UPDATE_GOLDEN") or not path.exists():
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file; see the module docstring"


def test_outcome_card_matches_golden(page):
    text = fragment(page, '<section id="outcomes"', "</section>")
    assert 'srx-outcome__baselineValue"><span>7.5</span>' in text
    assert QUOTE in text
    assert '<cite><a href="/id/source/care-forum-infographic"' in text
    check("camden-outcomes.html", text)


def test_at_a_glance_matches_golden(page):
    check("camden-glance.html", fragment(page, '<div class="nhsuk-card srx-glance">', "</dl>"))


def test_outcome_statements_carry_source_and_quote(page):
    """Under its source's heading, the outcome reads as one sentence with the baseline and the source's words."""
    said = fragment(page, '<section class="srx-by-source__group" aria-labelledby="source-1">', "</section>")
    assert 'href="/id/source/care-forum-infographic"' in said.split("</h3>", 1)[0]
    outcome = said.split("Reported outcome", 1)[1].split("</dd>", 1)[0]
    assert "baseline value: <span>7.5</span>" in outcome
    assert f'<q class="srx-quote" lang="en-GB">{QUOTE}</q>' in outcome
    check("camden-outcome-statements.html", said)
