"""Every ORUK 3.0 service status (active, inactive, defunct, temporarily closed) read from a feed becomes a concept of
our status vocabulary, shows on the service's page, and is served back unchanged by /oruk/ (valid against the
schemas); our 'not known' has no ORUK value, so such a service is left out rather than given a guessed status.

The feed is the official ORUK 3.0 example with its id and name changed and one status per copy (synthetic: the
official examples carry only "active", and no real feed ships with the project).
"""

from __future__ import annotations

import copy
import json

import pyoxigraph as ox
import pytest
from oruk_support import example

from socialrx.kb import KnowledgeBase
from socialrx.oruk import validation
from socialrx.oruk.load import run_oruk_import
from socialrx.oruk.records import oruk_id

ID = "https://w3id.org/socialrx/id/"
STATUSES = {"active": "running", "inactive": "inactive", "defunct": "ended", "temporarily closed": "temporarily-closed"}
LABELS = {"running": "Running", "inactive": "Inactive", "ended": "Ended", "temporarily-closed": "Temporarily closed"}


def service_id(n: int) -> str:
    return f"5a7e0000-0000-4000-8000-00000000000{n}"


@pytest.fixture(scope="module")
def statuses(tmp_path_factory):
    """One imported service per ORUK status, and an app over our data with them: (app, import report)."""
    from socialrx.settings import Settings
    from socialrx.web import create_app

    folder = tmp_path_factory.mktemp("imports")
    items = []
    for n, status in enumerate(STATUSES):
        s = copy.deepcopy(example("oruk-3.0/service_full.json"))
        s.update(id=service_id(n), name=f"Example service, {status} (synthetic)", status=status)
        items.append(s)
    feed = folder.parent / "statuses.json"
    feed.write_text(json.dumps(items))
    report = run_oruk_import(str(feed), folder, name="statuses", show_progress=False)
    app = create_app(Settings({"query_workers": 1, "query_time_limit_ms": 60_000}), kb=KnowledgeBase.load(imports=folder))
    yield app, report
    app.extensions["socialrx.store"].close()


def test_the_status_vocabulary_has_a_concept_for_every_oruk_status(statuses):
    app, _ = statuses
    store = app.extensions["socialrx.store"]
    rows = store.query("""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?c ?notation WHERE { ?c skos:inScheme <https://w3id.org/socialrx/id/vocab/status> OPTIONAL { ?c skos:notation ?notation } }""").rows
    by_notation = {r["notation"]["value"]: r["c"]["value"] for r in rows if "notation" in r}
    assert by_notation == {status: ID + "vocab/status/" + ours for status, ours in STATUSES.items()}
    # 'not known' is ours alone: no ORUK value.
    assert {r["c"]["value"] for r in rows if "notation" not in r} == {ID + "vocab/status/not-known"}


@pytest.mark.parametrize("n, status", list(enumerate(STATUSES)))
def test_each_status_is_imported_shown_and_served_back(statuses, n, status):
    app, report = statuses
    ours = STATUSES[status]
    iri = f"{ID}oruk/statuses/service/{service_id(n)}"
    store = ox.Store()
    store.bulk_load(path=str(report.target), format=ox.RdfFormat.N_QUADS)
    assert store.query(f"ASK {{ GRAPH ?g {{ <{iri}> <https://w3id.org/socialrx/def/status> <{ID}vocab/status/{ours}> }} }}")
    assert not any(service_id(n) in p and "status" in p for p in report.problems)
    client = app.test_client()
    page = client.get(iri[len("https://w3id.org/socialrx"):])
    assert page.status_code == 200 and f"srx-status--{ours}".encode() in page.data and LABELS[ours].encode() in page.data
    served = client.get(f"/oruk/services/{oruk_id(iri)}")
    assert served.status_code == 200 and served.json["status"] == status
    assert validation.errors("service", served.json) == []
