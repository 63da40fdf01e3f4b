"""Pages never stall each other (issue 12): runaway /sparql queries run on their own workers, a slow page build
holds only its own key, and a page whose query overruns the (shorter) page limit answers 503, never 500.

Real store, real worker processes, a real waitress server on 127.0.0.1 and real HTTP clients.
"""

from __future__ import annotations

import statistics
import threading
import time

import pytest
import requests

CAMDEN = "/id/scheme/camden-stroke-navigation-service"
# Counting forces the cross product of every statement with itself four times: it runs until it is stopped.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
USER_LIMIT_MS = 20000


@pytest.fixture(scope="module")
def base(make_app, serve):
    app = make_app(query_workers=2, page_query_workers=2, query_time_limit_ms=USER_LIMIT_MS, page_query_time_limit_ms=4000)
    return serve(app, threads=16)


def timed_get(session, url, **kw):
    t0 = time.perf_counter()
    resp = session.get(url, timeout=30, **kw)
    return resp, (time.perf_counter() - t0) * 1000


def test_runaway_queries_and_a_slow_page_build_leave_other_pages_fast(base):
    session = requests.Session()
    warm = ["/schemes", CAMDEN, CAMDEN + ".ttl", "/queries", "/id/scheme/bromley-by-bow-macmillan-service"]
    for path in warm:
        assert session.get(base + path, timeout=60).status_code == 200, path
    before = [timed_get(session, base + CAMDEN)[1] for _ in range(20)]

    answers = {}

    def runaway(k):
        answers[k] = requests.get(base + "/sparql", params={"query": RUNAWAY}, headers={"Accept": "text/csv"}, timeout=60)

    def slow_build(path):
        # Built once per graph version: every distinct statement sorted and written as Turtle; the home page
        # from the index tables and the overview's queries.
        answers[path] = requests.get(base + path, timeout=60)

    busy = [threading.Thread(target=runaway, args=(k,)) for k in range(2)]
    busy += [threading.Thread(target=slow_build, args=(path,)) for path in ("/-/dump.ttl", "/")]
    for t in busy:
        t.start()
    time.sleep(0.5)  # both user workers are now inside their runaway query
    during, cold = [], []
    # A page never built before needs the page lane's own workers, not the (busy) user workers.
    for path in ("/id/scheme/dorset-community-action-navigator", "/id/scheme/dundee-equally-well", "/id/vocab/aims/reduce-hospital-admissions",
                 "/id/scheme/north-somerset-care-navigator"):
        resp, ms = timed_get(session, base + path)
        assert resp.status_code == 200, path
        cold.append(ms)
    started = time.perf_counter()
    while time.perf_counter() - started < 2.0:
        for path in warm:
            resp, ms = timed_get(session, base + path)
            assert resp.status_code == 200, path
            during.append(ms)
    runaway_running = all(t.is_alive() for t in busy[:2])
    for t in busy:
        t.join(timeout=60)
    print(f"\nwarm pages before: p50 {statistics.median(before):.1f} ms; while busy: p50 {statistics.median(during):.1f} ms, "
          f"max {max(during):.1f} ms over {len(during)} requests; cold entity pages while busy: {', '.join(f'{ms:.0f}' for ms in cold)} ms")
    assert runaway_running, "the runaway queries ended before the pages were measured"
    assert answers[0].status_code == 503 and answers[1].status_code == 503
    assert "time limit" in answers[0].text
    assert answers["/-/dump.ttl"].status_code == 200 and answers["/"].status_code == 200
    # Warm pages: median under 100 ms. The two runaway queries keep both cores of a 2-core machine busy, so on a
    # machine whose other load already slows these pages with nothing running here the bound is 8x that baseline
    # instead. No single request may stall (under 1 s): before issue 12 pages waited 9.6 s for user queries and
    # 18.1 s for another page's build.
    bound = max(100.0, 8 * statistics.median(before))
    assert statistics.median(during) < bound, f"warm pages took {sorted(during)} ms (median bound {bound:.0f})"
    assert max(during) < 1000, f"a warm page stalled: {sorted(during)} ms"
    cold_bound = max(1000.0, 40 * statistics.median(before))
    assert max(cold) < cold_bound, f"cold entity pages took {cold} ms (bound {cold_bound:.0f})"


def test_a_page_whose_query_overruns_answers_503_with_a_clear_message(make_app, serve):
    # A page limit of 0 ms: every query behind a page overruns, as a heavy page does at scale. (With 1 ms a warm
    # worker sometimes answered a small query in time and the page was built: 1 run in 3.)
    base = serve(make_app(page_query_time_limit_ms=0))
    for accept, kind in (("text/html", "text/html"), ("text/plain", "text/plain"), ("application/json", "application/json")):
        resp = requests.get(base + "/organisations", headers={"Accept": accept}, timeout=30)
        assert resp.status_code == 503, resp.text[:300]
        assert resp.headers["Content-Type"].startswith(kind)
        assert resp.headers["Retry-After"] and resp.headers["Cache-Control"] == "no-store"
        assert "could not be built in time" in resp.text and "Traceback" not in resp.text
    # User queries keep their own, longer limit.
    ok = requests.get(base + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert ok.status_code == 200 and ok.json()["boolean"] is True


def shipped_postcodes(n: int) -> list[str]:
    """A sample of the shipped BS postcodes, read from the shipped file (distinct, so no answer comes from the cache)."""
    import gzip
    import random

    from socialrx import paths

    marker = "<https://w3id.org/socialrx/def/postcode> \""
    with gzip.open(paths.kb_root() / "data" / "imports" / "os-codepoint.nq.gz", "rt", encoding="utf-8") as fh:
        codes = sorted(line.split(marker, 1)[1].split('"', 1)[0] for line in fh if marker in line and "/id/postcode/" in line)
    return random.Random(12).sample(codes, n)


def test_runaway_queries_leave_postcode_and_find_fast(base):
    """/postcode, /postcode.json and /find query on the page lane: two runaway /sparql queries filling both user
    workers do not make them wait (before, /postcode and /find queried on the user lane and waited for them)."""
    session = requests.Session()
    codes = iter(shipped_postcodes(400))

    def lookups():
        pc = next(codes)
        return [f"/postcode?pc={pc}", f"/postcode.json?pc={next(codes)}", f"/find?postcode={next(codes)}&age=70&need=lonely"]

    for _ in range(3):  # templates, the page lane's per-version caches (labels, vocabulary, area choices)
        for path in lookups():
            assert session.get(base + path, timeout=60).status_code == 200, path
    before = [ms for _ in range(10) for ms in (timed_get(session, base + p)[1] for p in lookups())]

    answers = {}

    def runaway(k):
        answers[k] = requests.get(base + "/sparql", params={"query": RUNAWAY}, headers={"Accept": "text/csv"}, timeout=60)

    busy = [threading.Thread(target=runaway, args=(k,)) for k in range(2)]
    for t in busy:
        t.start()
    time.sleep(0.5)  # both user workers are now inside their runaway query
    during = {"postcode": [], "postcode.json": [], "find": []}
    started = time.perf_counter()
    while time.perf_counter() - started < 3.0:
        for path in lookups():
            resp, ms = timed_get(session, base + path)
            assert resp.status_code == 200, (path, resp.text[:300])
            during[path[1:].split("?")[0]].append(ms)
    runaway_running = all(t.is_alive() for t in busy)
    for t in busy:
        t.join(timeout=60)
    print(f"\nlookups before: p50 {statistics.median(before):.1f} ms; while two runaway queries ran: "
          + "; ".join(f"/{k} p50 {statistics.median(v):.1f} ms max {max(v):.1f} ms (n={len(v)})" for k, v in during.items()))
    assert runaway_running, "the runaway queries ended before the lookups were measured"
    assert answers[0].status_code == 503 and answers[1].status_code == 503
    # Under 100 ms; on a machine whose other load already slows them with nothing running here, 8x that baseline
    # (as for the warm pages above). No single lookup may wait for the runaway queries (their limit is 20 s).
    bound = max(100.0, 8 * statistics.median(before))
    for kind, times in during.items():
        assert statistics.median(times) < bound, f"/{kind} took {sorted(times)} ms (median bound {bound:.0f})"
        assert max(times) < 2000, f"a /{kind} request waited: {sorted(times)} ms"
