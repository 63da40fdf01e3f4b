"""The /postcode page reads only what it shows (issue 12, items 1 and 6): the labels and types of the IRIs on
the page through VALUES lookups, never a scan of every subject's labels or types (at 2.7 M imported postcodes
that scan overran the page-query limit and every HTML page answered 503). The answers are the same as with
the scan. Real store, real worker processes, real Flask app.
"""

from __future__ import annotations

import random

import pytest

from socialrx.pages.labels import Catalogue
from socialrx.pages.site import PageStore, site

PAGES = ("/postcode?pc=BS1+1NG", "/postcode?pc=BS20+6AQ", "/postcode?pc=BS1", "/postcode?pc=BS16+1QY")


@pytest.fixture(scope="module")
def app(make_app):
    return make_app(query_workers=1, page_query_workers=1)


def test_the_postcode_page_reads_only_the_labels_and_types_it_shows(app, make_app):
    client = app.test_client()
    pages = {}
    for path in PAGES:
        resp = client.get(path)
        assert resp.status_code == 200, path
        pages[path] = resp.get_data(as_text=True)
    with app.app_context():
        catalogue = site().catalogue
        assert not catalogue.scanned, "the postcode page read every subject's labels"
        assert not catalogue.types.scanned, "the postcode page read every subject's types"

    # The same pages from an app whose catalogue has read everything first: the same HTML.
    full = make_app(query_workers=1, page_query_workers=1)
    with full.app_context():
        site().catalogue.subjects_labelled()
        site().catalogue.types.scan()
        assert site().catalogue.scanned and site().catalogue.types.scanned
    other = full.test_client()
    for path in PAGES:
        assert other.get(path).get_data(as_text=True) == pages[path], path


def test_labels_and_types_looked_up_per_iri_match_the_scan(app):
    with app.app_context():
        store = PageStore(app.extensions["socialrx.store"])
        scanned = Catalogue(store)
        subjects = sorted(scanned.subjects_labelled())
        scanned.types.scan()
        assert scanned.scanned and scanned.types.scanned
        sample = random.Random(5).sample(subjects, 300) + ["https://w3id.org/socialrx/id/postcode/BS11NG", "https://example.org/nothing"]
        looked_up = Catalogue(store)
        classes = {t for iri in sample for t in scanned.types.get(iri, ())}
        looked_up.prefetch_labels(sample + sorted(classes))  # most_specific_types sorts the types by their labels
        for iri in sample:
            assert looked_up.label(iri) == scanned.label(iri), iri
            assert looked_up.alt_labels(iri) == scanned.alt_labels(iri), iri
            assert looked_up.description(iri) == scanned.description(iri), iri
            assert looked_up.has_label(iri) == scanned.has_label(iri), iri
            assert looked_up.most_specific_types(iri) == scanned.most_specific_types(iri), iri  # one VALUES lookup each
            assert looked_up.is_a(iri, "https://w3id.org/socialrx/def/Scheme") == scanned.is_a(iri, "https://w3id.org/socialrx/def/Scheme")
        assert not looked_up.scanned and not looked_up.types.scanned
        # A label the page did not read ahead: every label is read then (one scan per graph version), same answer.
        other = next(i for i in subjects if i not in sample)
        assert looked_up.label(other) == scanned.label(other) and looked_up.scanned
