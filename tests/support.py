"""Plain helpers for tests that start servers or open sockets: a free port, waiting for a URL to answer,
a server process on a free port (e.g. `oxigraph serve`), a listener nobody should connect to.

Everything binds to 127.0.0.1 (127.0.0.2 for the listener); a process started here is stopped by its PID.
Imported as `support` (tests/ is on sys.path, as for imports_support and site_walk).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path


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
        except requests.ReadTimeout:
            return  # it answers, only slowly (a first request may build the search index)
        except requests.ConnectionError:
            pass
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode} before answering {url}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"nothing answered at {url} within {timeout} s")
        time.sleep(0.05)


def stop(process: subprocess.Popen, timeout: float = 10) -> None:
    """Stop a process this test run started: SIGTERM by its PID, SIGKILL if it is still there after timeout."""
    os.kill(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()


def has_oxigraph() -> bool:
    return shutil.which("oxigraph") is not None


@contextlib.contextmanager
def running_server(command_for_port, probe: str = "/"):
    """Run command_for_port(port) (a server binding 127.0.0.1:port, for a free port) until base URL + probe answers;
    yield the base URL, e.g. http://127.0.0.1:54321. The process is stopped by PID afterwards."""
    port = free_port()
    process = subprocess.Popen(command_for_port(port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(url + probe, process=process)
        yield url
    finally:
        stop(process)


@contextlib.contextmanager
def oxigraph_serving(location: Path, files=(), union_default_graph: bool = False):
    """Load files (if any) into an Oxigraph store at location, serve it on 127.0.0.1 and yield its base URL.

    Query at {url}/query, Graph Store Protocol at {url}/store. The server is stopped by PID afterwards.
    """
    for path in files:
        subprocess.run(["oxigraph", "load", "--location", str(location), "--file", str(path)],
                       check=True, capture_output=True, timeout=60)
    union = ["--union-default-graph"] if union_default_graph else []
    with running_server(lambda port: ["oxigraph", "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", *union],
                        probe="/query?query=ASK%7B%7D") as url:
        yield url


VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


def has_virtuoso() -> bool:
    return shutil.which("virtuoso-t") is not None and shutil.which("isql-vt") is not None and VIRTUOSO_INI.exists()


@contextlib.contextmanager
def virtuoso_serving(folder: Path):
    """Start OpenLink Virtuoso (Debian's virtuoso-opensource-7) on 127.0.0.1 with its database in folder; yield
    (query URL, Graph Store Protocol URL). Its config is a copy of the packaged virtuoso.ini with the database
    folder and both ports changed; SPARQL_UPDATE is granted so that /sparql-graph-crud accepts writes."""
    sql_port, http_port = free_port(), free_port()
    ini = VIRTUOSO_INI.read_text().replace("/var/lib/virtuoso-opensource-7/db", str(folder))
    ini = re.sub(r"(\[Parameters\][^\[]*?ServerPort\s*=\s*)\S+", rf"\g<1>127.0.0.1:{sql_port}", ini, flags=re.S)
    ini = re.sub(r"(\[HTTPServer\][^\[]*?ServerPort\s*=\s*)\S+", rf"\g<1>127.0.0.1:{http_port}", ini, flags=re.S)
    ini = ini.replace("DirsAllowed              = .,", f"DirsAllowed              = ., {folder},")
    config = folder / "virtuoso.ini"
    config.write_text(ini)
    log = open(folder / "server.log", "wb")
    process = subprocess.Popen(["virtuoso-t", "+configfile", str(config), "+foreground"], cwd=folder,
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{http_port}"
    try:
        wait_until_answers(url + "/sparql?query=ASK%7B%7D", timeout=60, process=process)
        subprocess.run(["isql-vt", f"127.0.0.1:{sql_port}", "dba", "dba", 'exec=GRANT SPARQL_UPDATE TO "SPARQL";'],
                       check=True, capture_output=True, timeout=60)
        yield url + "/sparql", url + "/sparql-graph-crud"
    finally:
        stop(process, timeout=30)
        log.close()


@contextlib.contextmanager
def idle_listener(host: str = "127.0.0.2"):
    """A non-blocking listening socket on host (a free port) that nothing should connect to; closed afterwards.

    Tests check that nothing connected with `listener.accept()` raising BlockingIOError.
    """
    listener = socket.socket()
    listener.bind((host, 0))
    listener.listen(5)
    listener.setblocking(False)
    try:
        yield listener
    finally:
        listener.close()
