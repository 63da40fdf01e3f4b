"""The time limit really holds: a runaway query is killed with its worker, within 1.5x the limit, while other
requests keep being answered, and the next request is answered normally."""

from __future__ import annotations

import threading
import time

import pyoxigraph as ox
import pytest
import requests

from socialrx.kb import KnowledgeBase
from socialrx.settings import Settings
from socialrx.store import QueryTimeout, open_store
from socialrx.web import create_app

LIMIT_MS = 1500
# Counting forces the whole cross product of every triple with itself four times (600^4 rows).
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
FAST = "SELECT ?o WHERE { <http://example.org/s1> ?p ?o }"


def busy_kb() -> KnowledgeBase:
    store = ox.Store()
    g = ox.NamedNode("https://w3id.org/socialrx/graph/source/bench")
    store.extend(ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), ox.NamedNode(f"http://example.org/p{i % 7}"),
                         ox.Literal(str(i)), g) for i in range(600))
    return KnowledgeBase(store)


@pytest.fixture(scope="module")
def app():
    application = create_app(Settings({"query_time_limit_ms": LIMIT_MS, "query_workers": 2}), kb=busy_kb())
    yield application
    application.extensions["socialrx.store"].close()


def test_runaway_query_is_cut_off_and_others_are_answered(app, serve):
    endpoint = serve(app) + "/sparql"
    store = app.extensions["socialrx.store"]
    workers_before = set(store.pool.worker_pids())
    outcome = {}

    def runaway():
        started = time.monotonic()
        response = requests.get(endpoint, params={"query": RUNAWAY}, timeout=30)
        outcome.update(response=response, seconds=time.monotonic() - started)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.2)
    answered = []
    while thread.is_alive():
        started = time.monotonic()
        r = requests.get(endpoint, params={"query": FAST}, timeout=30)
        answered.append((r.status_code, time.monotonic() - started))
        time.sleep(0.05)
    thread.join()

    response, seconds = outcome["response"], outcome["seconds"]
    assert response.status_code == 503, response.text
    assert "time limit of 1.5 s" in response.text and "LIMIT" in response.text
    assert LIMIT_MS / 1000 * 0.9 <= seconds <= LIMIT_MS / 1000 * 1.5, seconds
    assert len(answered) >= 5 and all(status == 200 for status, _ in answered)
    assert max(t for _, t in answered) < 0.5, answered
    after = requests.get(endpoint, params={"query": FAST})
    assert after.status_code == 200 and after.json()["results"]["bindings"][0]["o"]["value"] == "1"
    # The runaway's worker was killed and replaced; the pool is back to full strength.
    workers_after = set(store.pool.worker_pids())
    assert len(workers_after) == 2 and workers_after != workers_before


def test_store_function_raises_query_timeout(app):
    store = app.extensions["socialrx.store"]
    started = time.monotonic()
    with pytest.raises(QueryTimeout) as stopped:
        store.query(RUNAWAY, timeout_ms=300)
    # Stopped at the limit, not when the (endless) query ends. The slack covers forking the replacement worker,
    # which happens before the 503 is raised: under CI load that took 0.17 s (0.466 s in all).
    assert stopped.value.status == 503 and time.monotonic() - started < 1.0
    assert store.query(FAST).rows[0]["o"]["value"] == "1"


def test_time_limit_comes_from_settings():
    with open_store(busy_kb(), Settings({"query_time_limit_ms": 400, "query_workers": 1})) as store:
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            store.query(RUNAWAY)
        assert 0.36 <= time.monotonic() - started < 1.2  # 0.4 s from the settings, not the default 10 s
        assert store.query("ASK { ?s ?p ?o }").boolean is True
