"""Whole-store builds (the dumps) run in a process forked for them, not in the web server (issue 12).

pyoxigraph releases and retakes the GIL so often while it writes that, built in the server, a dump kept every other
request thread waiting (a cached page took 4.7 s in CI). Real store, real worker processes, the small fixture.
"""

from __future__ import annotations

import os
import time

import pytest
from store_support import small_kb

from socialrx.pages import dataset
from socialrx.settings import Settings
from socialrx.store import QueryError, open_store
from socialrx.store.base import QueryTimeout, Store


@pytest.fixture(scope="module")
def kb():
    return small_kb()


@pytest.fixture(scope="module")
def store(kb):
    opened = open_store(kb, Settings({"query_workers": 1, "page_query_workers": 1}))
    yield opened
    opened.close()


def pid_and_size(oxstore):
    return os.getpid(), len(oxstore)


def fails(oxstore):
    raise ValueError("no such graph")


def sleeps(oxstore):
    time.sleep(30)


def test_a_build_runs_in_a_process_of_its_own_that_then_ends(store):
    workers = store.pool.worker_pids() + store.page_pool.worker_pids()
    pid, size = store.run_on_snapshot(pid_and_size, timeout_ms=10_000)
    assert size == 29
    assert pid != os.getpid() and pid not in workers
    assert store.pool.worker_pids() + store.page_pool.worker_pids() == workers  # no query worker was used up
    assert not _alive(pid)


def test_a_failing_build_says_why(store):
    with pytest.raises(QueryError, match="Building this failed: ValueError: no such graph") as failed:
        store.run_on_snapshot(fails, timeout_ms=10_000)
    assert failed.value.status == 500


def test_a_build_past_its_limit_is_stopped(store):
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="longer than 0.3 s"):
        store.run_on_snapshot(sleeps, timeout_ms=300)
    assert time.monotonic() - started < 5
    assert store.query("ASK { ?s ?p ?o }").boolean is True


def test_dumps_built_away_are_the_dumps_built_here(store, kb):
    assert dataset.dump_turtle(store, kb) == dataset.turtle_of(kb.store)
    assert dataset.dump_nquads(store, kb) == dataset.nquads_of(kb.store)
    # A backend with no local copy of the data (remote) builds from the knowledge base loaded here.
    assert dataset.dump_turtle(Store(), kb) == dataset.turtle_of(kb.store)


def _alive(pid: int) -> bool:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                if fh.read().split(") ")[1][0] == "Z":
                    return False
        except FileNotFoundError:
            return False
        time.sleep(0.05)
    return True
