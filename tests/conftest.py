"""Shared fixtures: the knowledge base, the app (one per test, or one per module with its test `client`), the app
served over HTTP, an imports folder, and real Oxigraph servers.

Servers bind to 127.0.0.1 on a free port and are stopped by the fixture that started them (by PID). Plain helpers
that test modules share live in support.py, imports_support.py and store_support.py (tests/ is on sys.path),
never imported from a conftest.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from pathlib import Path

import pytest
from support import has_oxigraph, has_virtuoso, oxigraph_serving, virtuoso_serving, wait_until_answers

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))  # works without `pip install -e .` too

from store_support import close_app, new_app  # noqa: E402 (needs server/ on sys.path)


# -- store, app and live server ---------------------------------------------------------------------

@pytest.fixture(scope="session")
def kb():
    """The knowledge base as shipped (ontology/ and data/), loaded once per test session."""
    from socialrx.loading import load_knowledge_base

    return load_knowledge_base()


@pytest.fixture(scope="module")
def store(kb):
    """Our store over the shipped knowledge base (with its query workers), closed after the module."""
    from socialrx.settings import Settings
    from socialrx.store import open_store

    opened = open_store(kb, Settings())
    yield opened
    opened.close()


@pytest.fixture
def app(kb):
    """The Flask app over the shipped knowledge base, with one query worker; its store is closed afterwards."""
    application = new_app(kb)
    yield application
    close_app(application)


@pytest.fixture(scope="module")
def make_app(kb):
    """Return a function that builds an app over the shipped knowledge base: make_app(page_size=5, ...).

    One query worker unless the settings given say otherwise; every app made is closed when the module ends.
    """
    made = []

    def make(**settings):
        made.append(new_app(kb, **settings))
        return made[-1]

    yield make
    for application in made:
        close_app(application)


@pytest.fixture(scope="module")
def module_app(make_app):
    """One app (and store) for the whole module, for tests that only read: the pages, search, the entity walk."""
    return make_app()


@pytest.fixture(scope="module")
def client(module_app):
    """A Flask test client of module_app."""
    return module_app.test_client()


@pytest.fixture
def folder(tmp_path):
    """An imports folder for the import tests (tmp_path / "imports", not created yet)."""
    return tmp_path / "imports"


@pytest.fixture(scope="module")
def serve():
    """Return a function that serves any WSGI app with waitress on 127.0.0.1 and returns its base URL.

    Every server started is closed when the test module ends.
    """
    from waitress.server import create_server

    servers = []

    def start(application, threads: int = 8) -> str:
        # The header limit is raised so the app's own max_request_kb check answers oversized GETs.
        server = create_server(application, host="127.0.0.1", port=0, threads=threads,
                               max_request_header_size=8 * 1024 * 1024, asyncore_loop_timeout=0.1,
                               ident="socialrx-test")
        def run():
            try:
                server.run()
            except OSError:
                pass  # close() from the test thread pulled the sockets from under select()

        thread = threading.Thread(target=run, name=f"waitress-{server.effective_port}", daemon=True)
        thread.start()
        servers.append((server, thread))
        base = f"http://127.0.0.1:{server.effective_port}"
        wait_until_answers(base + "/-/none")
        return base

    yield start
    for server, thread in servers:
        server.close()
        thread.join(timeout=5)


@pytest.fixture
def live_server(app, serve):
    """The app served by waitress on 127.0.0.1 (in a thread); yields its base URL, e.g. http://127.0.0.1:54321."""
    yield serve(app)


# -- a real Oxigraph server ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def start_oxigraph(tmp_path_factory):
    """Return a function that starts `oxigraph serve` on 127.0.0.1 over a new location loaded with the given files
    and returns its base URL: start_oxigraph(files=[...], union_default_graph=True).

    Every server started is stopped by PID at the end of the module.
    """
    if not has_oxigraph():
        pytest.fail("the oxigraph server CLI is missing: run the README's test command (it installs the `oxigraph` package)")
    with contextlib.ExitStack() as servers:
        def start(files=(), union_default_graph: bool = False) -> str:
            location = tmp_path_factory.mktemp("oxigraph")
            return servers.enter_context(oxigraph_serving(location, files, union_default_graph))

        yield start


@pytest.fixture(scope="module")
def virtuoso_server(tmp_path_factory):
    """OpenLink Virtuoso on 127.0.0.1 with an empty database; yields (query URL, Graph Store Protocol URL).
    Stopped by PID at the end of the module."""
    if not has_virtuoso():
        pytest.fail("OpenLink Virtuoso is missing: run the README's test command (it installs virtuoso-opensource-7)")
    with virtuoso_serving(tmp_path_factory.mktemp("virtuoso")) as urls:
        yield urls


@pytest.fixture(scope="module")
def oxigraph_server(start_oxigraph):
    """`oxigraph serve` (union default graph) on 127.0.0.1 with an empty store; yields its base URL.

    Query at {url}/query, Graph Store Protocol at {url}/store. Stopped by PID at the end of the module.
    """
    return start_oxigraph(union_default_graph=True)
