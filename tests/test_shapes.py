"""The shipped data conforms to the shapes, and each constraint kind catches a small broken fixture."""

from pathlib import Path

import pytest

from socialrx.kb import KBError, kb_files
from socialrx.validate import load_and_validate, shapes_graph, validate

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = FIXTURES / "broken"

# fixture name → (focus node local name, words the plain-English message must contain)
EXPECTED = {
    "missing-label": ("s", "needs a label"),
    "missing-source": ("s", "must cite its source"),
    "wrong-concept-scheme": ("s", "concept from the 'aims' concept scheme"),
    "min-above-max": ("e", "not above srx:maximumAge"),
    "negative-age": ("e", "0 or more"),
    "age-not-integer": ("e", "whole number of years"),
    "bad-ods-code": ("o", "An ODS code is 3 to 6 upper-case letters or digits"),
    "bad-gss-code": ("a", "A GSS code is one of E, W, S, N or K followed by 8 digits"),
    "bad-snomed-code": ("c", "SNOMED CT code (SCTID) is 6 to 18 digits"),
    "bad-wikidata": ("a", "Wikidata entity IRI"),
    "date-not-date": ("s", "must be a date"),
    "ods-record-mismatch": ("o", "does not end in this organisation's ODS code QUY"),
    "geography-mismatch": ("a", "does not match this resource's GSS code"),
    "change-event-without-parties": ("c", "must name what it replaced and what resulted"),
    "bad-confidence": ("src", "srx:confidence must be one of"),
    "time-point-not-duration": ("out", "xsd:duration"),
    "quote-without-language": ("st", "with a language tag"),
    "area-served-not-area": ("s", "srx:areaServed must point to a resource typed srx:Area"),
    "missing-status": ("s", "needs exactly one status"),
    "bad-telephone": ("s", "telephone number (schema:telephone) must be a plain string"),
}


@pytest.fixture(scope="module")
def shapes():
    return shapes_graph()


@pytest.fixture(scope="module")
def base_files():
    """The ontology, vocabularies and sources: enough context for a fixture to refer to."""
    return [f for f in kb_files() if f.parent.name == "ontology" or f.name == "sources.trig"]


def test_shipped_data_conforms(shapes):
    kb, report = load_and_validate()
    assert report.conforms, report.text()
    assert report.text().startswith("The data conforms")


def test_every_fixture_has_an_expectation():
    assert sorted(p.stem for p in BROKEN.glob("*.trig")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_fixture_is_caught_with_a_readable_message(name, shapes, base_files):
    from socialrx.kb import KnowledgeBase

    focus, words = EXPECTED[name]
    report = validate(KnowledgeBase.load(files=base_files + [BROKEN / f"{name}.trig"]), shapes)
    assert not report.conforms
    problems = report.by_focus().get(f"https://w3id.org/socialrx/id/test/{focus}", [])
    messages = [p.message for p in problems]
    assert any(words in m for m in messages), f"{name}: expected {words!r} in {messages}"
    assert all(m[0].isupper() or m.startswith(("srx:", "dct:")) for m in messages), messages


def test_syntax_error_reports_file_and_line():
    with pytest.raises(KBError) as caught:
        load_and_validate(files=[FIXTURES / "syntax-error.ttl"])
    err = caught.value
    assert (err.path.name, err.line) == ("syntax-error.ttl", 3)
    assert str(err).startswith(f"{FIXTURES / 'syntax-error.ttl'}:3:")
