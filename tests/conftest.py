"""Shared fixtures: the knowledge base, the app, the app served over HTTP, and a real Oxigraph server.

Servers bind to 127.0.0.1 on a free port and are stopped by the fixture that started them (by PID).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))  # works without `pip install -e .` too


# -- store, app and live server ---------------------------------------------------------------------

def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def wait_until_answers(url: str, timeout: float = 30.0, process: subprocess.Popen | None = None):
    """Poll url until it answers HTTP (any status), or fail after timeout."""
    import requests

    deadline = time.monotonic() + timeout
    while True:
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            pass
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode} before answering {url}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"nothing answered at {url} within {timeout} s")
        time.sleep(0.05)


@pytest.fixture(scope="session")
def kb():
    """The knowledge base as shipped (ontology/ and data/), loaded once per test session."""
    from socialrx.kb import KnowledgeBase

    return KnowledgeBase.load()


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
    from socialrx.settings import Settings
    from socialrx.web import create_app

    application = create_app(Settings({"query_workers": 1}), kb=kb)
    yield application
    application.extensions["socialrx.store"].close()


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
def oxigraph_server(tmp_path_factory):
    """Start `oxigraph serve` (union default graph) on 127.0.0.1 with an empty store; yield its base URL.

    Query at {url}/query, Graph Store Protocol at {url}/store. Stopped by PID at the end of the module.
    """
    if shutil.which("oxigraph") is None:
        pytest.skip("the oxigraph server CLI (pip install oxigraph) is not installed")
    location = tmp_path_factory.mktemp("oxigraph")
    port = free_port()
    process = subprocess.Popen(
        ["oxigraph", "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(url + "/query?query=ASK%7B%7D", process=process)
        yield url
    finally:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
