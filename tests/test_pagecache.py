"""The response cache (issue 12): every dynamic route sends Cache-Control and an ETag from the graph version,
a conditional request is answered 304 from the key without rendering, and a reload changes the version."""

from __future__ import annotations

import pytest

CAMDEN = "/id/scheme/camden-stroke-navigation-service"
ROUTES = [CAMDEN, CAMDEN + ".ttl", "/schemes", "/queries", "/queries/count-schemes-by-aim",
          "/queries/count-schemes-by-aim.csv", "/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D"]


@pytest.fixture(scope="module")
def app(make_app):
    return make_app()


@pytest.mark.parametrize("path", ROUTES)
def test_dynamic_routes_send_version_etag_and_cache_control(app, path):
    client = app.test_client()
    first = client.get(path)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    version = app.extensions["socialrx.store"].version
    assert etag.startswith(f'W/"{version}.') and first.headers["Cache-Control"].startswith("public, max-age=")
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag


def test_a_hit_and_a_304_do_not_reach_flask(app):
    cache = app.extensions["socialrx.pagecache"]
    client = app.test_client()
    first = client.get("/schemes?page=1")
    misses, hits = cache.cache.misses, cache.cache.hits
    assert client.get("/schemes?page=1").data == first.data  # a hit: the kept bytes
    assert client.get("/schemes?page=1", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert cache.cache.misses == misses and cache.cache.hits > hits


def test_negotiated_formats_are_kept_apart(app):
    client = app.test_client()
    html = client.get(CAMDEN, headers={"Accept": "text/html"})
    turtle = client.get(CAMDEN, headers={"Accept": "text/turtle"})
    assert html.mimetype == "text/html" and turtle.mimetype == "text/turtle"
    assert html.headers["ETag"] != turtle.headers["ETag"] and "Accept" in turtle.headers["Vary"]


def test_requests_with_cookies_are_not_cached(app):
    client = app.test_client()
    client.set_cookie("session", "x")
    response = client.get(CAMDEN)
    assert response.status_code == 200
    assert not response.headers.get("ETag", "").startswith("W/")


def test_reloading_the_store_changes_version_and_etags(make_app):
    from socialrx.web.pagecache import data_changed

    app = make_app()
    client = app.test_client()
    before = client.get(CAMDEN).headers["ETag"]
    old_version = app.extensions["socialrx.store"].version
    new_version = data_changed(app)
    assert new_version != old_version
    after = client.get(CAMDEN, headers={"If-None-Match": before})
    assert after.status_code == 200 and after.headers["ETag"] != before
    assert after.headers["ETag"].startswith(f'W/"{new_version}.')


def test_cache_memory_is_bounded():
    from socialrx.lru import ByteCache

    cache = ByteCache(10_000)
    for i in range(100):
        cache.put(i, ("200 OK", (), b"x" * 1000), 1000)
    assert cache.size <= 10_000 and len(cache) < 100 and cache.get(99) is not None and cache.get(0) is None
    cache.put("big", "too big", 2_500)  # over a quarter of the whole: never kept
    assert cache.get("big") is None
