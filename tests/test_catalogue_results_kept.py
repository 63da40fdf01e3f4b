"""Catalogue answers are kept per graph version (issue 12): a query's page and its CSV, TSV and JSON twins share
one run, and a change to the data (a reload) makes every kept answer stale.

Real store (the shipped knowledge base), real Flask test client.
"""

from __future__ import annotations

import csv
import io

import pytest

from socialrx.catalogue import Catalogue

AGE = "schemes-for-age"


@pytest.fixture(scope="module")
def catalogue():
    return Catalogue.load(result_cache_mb=4)


def test_the_same_question_on_the_same_data_is_answered_from_the_kept_result(catalogue, store):
    first = catalogue.run(store, AGE, {"age": "70"})
    again = catalogue.run(store, AGE, {"age": "70"})
    assert not first.kept and again.kept
    assert again.result.rows == first.result.rows and again.result.variables == first.result.variables
    assert again.result is not first.result  # a fresh Result each time: decoded rows stay with their request
    other = catalogue.run(store, AGE, {"age": "17"})
    assert not other.kept and other.result.rows != first.result.rows


def test_a_reload_makes_every_kept_answer_stale(catalogue, store, kb):
    catalogue.run(store, AGE, {"age": "44"})
    assert catalogue.run(store, AGE, {"age": "44"}).kept
    store.reload(kb)
    assert not catalogue.run(store, AGE, {"age": "44"}).kept


def test_no_memory_no_keeping(store):
    plain = Catalogue.load()
    plain.run(store, AGE, {"age": "70"})
    assert not plain.run(store, AGE, {"age": "70"}).kept


def test_a_page_and_its_twins_share_one_run(client):
    page = client.get("/queries/count-schemes-by-aim")
    assert page.status_code == 200
    assert "answered earlier on the same data" not in page.get_data(as_text=True)
    twin = client.get("/queries/count-schemes-by-aim.csv")
    assert twin.status_code == 200
    table = list(csv.reader(io.StringIO(twin.get_data(as_text=True))))
    assert table[0] == ["aim", "aimLabel", "schemes"] and len(table) > 5
    # The page again, as another client asks for it (missing the page cache): the kept answer, and it says so.
    again = client.get("/queries/count-schemes-by-aim", headers={"Accept-Encoding": "identity"})
    assert "answered earlier on the same data and kept until it changes" in again.get_data(as_text=True)
