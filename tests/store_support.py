"""The app over a knowledge base for tests (new_app, close_app); the small store fixture
(tests/fixtures/store/small.trig: graphs alpha and beta, 29 triples) and the names its tests query it with.
Shared by the store, remote-store, SPARQL protocol and SPARQL editor tests."""

from __future__ import annotations

from pathlib import Path

from socialrx.kb import KnowledgeBase

FIXTURE = Path(__file__).parent / "fixtures" / "store"
ID = "https://w3id.org/socialrx/id/"
ALPHA = "https://w3id.org/socialrx/graph/source/alpha"
BETA = "https://w3id.org/socialrx/graph/source/beta"
PROLOGUE = """PREFIX srx: <https://w3id.org/socialrx/def/>
PREFIX id: <https://w3id.org/socialrx/id/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX org: <http://www.w3.org/ns/org#>
"""


def small_kb(**kw) -> KnowledgeBase:
    """The knowledge base of the small fixture alone (keywords go to KnowledgeBase.load, e.g. store_path)."""
    return KnowledgeBase.load(root=FIXTURE, files=[FIXTURE / "small.trig"], **kw)


def new_app(kb, **settings):
    """The Flask app over kb with one query worker unless settings say otherwise; close its store with close_app."""
    from socialrx.settings import Settings
    from socialrx.web import create_app

    return create_app(Settings({"query_workers": 1, **settings}), kb=kb)


def close_app(application) -> None:
    application.extensions["socialrx.store"].close()
