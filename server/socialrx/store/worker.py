"""Worker processes that run embedded queries, so a query past its deadline can be stopped by killing it.

pyoxigraph cannot interrupt a running query, so each query runs in a worker process and the caller waits
on a pipe until the deadline; then the worker is killed (SIGKILL) and replaced. Workers are forked from a
"zygote": a single-threaded process forked once, right after the knowledge base is loaded, that holds the
store copy-on-write and does nothing but fork fresh workers. Replacement workers therefore never inherit
the locks of the (multi-threaded) web server, and share the store's memory instead of reloading it.

    server process ──socketpair──> zygote ──fork──> worker 1..n
         └────────────── one socketpair per worker (query in, serialised result out) ──────┘
"""

from __future__ import annotations

import os
import pickle
import queue
import signal
import socket
import struct
import threading
import time
from multiprocessing.connection import Connection

import pyoxigraph as ox

from ..prefixes import writer_prefixes
from .base import QueryError, QueryTimeout

# The engine's parser and evaluator recurse; a big thread stack turns a would-be crash on a long
# expression chain into a slow query that the time limit stops (pages are only touched when used).
WORKER_STACK_BYTES = 512 * 1024 * 1024
# A worker whose private memory passes this after a query is replaced by a fresh fork (issue 12: at 1M triples
# four workers grew the process tree from 0.55 to 3.2 GiB PSS over the catalogue's queries).
RECYCLE_PRIVATE_MIB = 192


WRITE_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD, "rdf": ox.RdfFormat.RDF_XML}


class _Enough(Exception):
    """Raised inside serialisation once the row cap is passed, to stop the engine producing more."""


class _CappedBuffer:
    """A file-like sink that keeps the header plus max_rows lines and stops the writer after that."""

    def __init__(self, max_lines: int | None):
        self.max_lines = max_lines
        self.chunks: list[bytes] = []
        self.lines = 0
        self.truncated = False

    def write(self, data) -> int:
        data = bytes(data)
        self.chunks.append(data)
        self.lines += data.count(b"\n")
        if self.max_lines is not None and self.lines > self.max_lines:
            self.truncated = True
            raise _Enough()
        return len(data)

    def flush(self):
        pass

    def value(self) -> bytes:
        data = b"".join(self.chunks)
        if self.truncated:
            cut = -1
            for _ in range(self.max_lines):
                cut = data.index(b"\n", cut + 1)
            data = data[: cut + 1]
        return data


def execute(store: ox.Store, request: dict) -> dict:
    """Run one query request against a store and serialise the answer (runs inside a worker)."""
    if "call" in request:  # a whole-snapshot build (Pool.run_alone); pickle carried the function by its name
        return {"kind": "value", "value": request["call"](store)}
    kwargs = {}
    if request.get("default_graph") is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in request["default_graph"]]
    elif request.get("union"):
        kwargs["use_default_graph_as_union"] = True
    if request.get("named_graphs") is not None:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in request["named_graphs"]]
    if request.get("substitutions"):
        kwargs["substitutions"] = {ox.Variable(k): v for k, v in request["substitutions"].items()}
    max_rows = request.get("max_rows")
    try:
        answer = store.query(request["query"], **kwargs)
        if isinstance(answer, ox.QueryBoolean):
            return {"kind": "ask", "boolean": bool(answer)}
        if isinstance(answer, ox.QuerySolutions):
            sink = _CappedBuffer(None if max_rows is None else max_rows + 1)  # +1: the header line
            try:
                answer.serialize(sink, format=ox.QueryResultsFormat.TSV)
            except _Enough:
                pass
            return {"kind": "select", "variables": [v.value for v in answer.variables],
                    "payload": sink.value(), "truncated": sink.truncated}
        written = request.get("write")
        if written:  # the caller bounds the result (LIMIT) and wants it in its final syntax: write it here once
            fmt = WRITE_FORMATS[written["format"]]
            prefixes = written.get("prefixes") or {}
            if written.get("per_folder"):  # a prefix for each folder of the IRIs written (socialrx.prefixes)
                answer = list(answer)
                prefixes = writer_prefixes(answer)
            return {"kind": "graph", "payload": ox.serialize(answer, format=fmt, prefixes=prefixes),
                    "truncated": False, "format": written["format"]}
        sink = _CappedBuffer(max_rows)
        try:
            answer.serialize(sink, format=ox.RdfFormat.N_TRIPLES)
        except _Enough:
            pass
        return {"kind": "graph", "payload": sink.value(), "truncated": sink.truncated}
    except SyntaxError as e:
        return {"error": "syntax", "message": str(e)}
    except (RuntimeError, ValueError, OSError) as e:
        return {"error": "engine", "message": str(e)}


def _serve(conn: Connection, open_store):
    """Answer requests on conn until it closes (the worker's main loop)."""
    store = open_store()
    while True:
        try:
            request = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        started = time.monotonic()
        try:
            reply = execute(store, request)
        except BaseException as e:  # never let a bad request kill the loop silently
            reply = {"error": "engine", "message": f"{type(e).__name__}: {e}"}
        if time.monotonic() - started > 0.05 and _private_mib() > RECYCLE_PRIVATE_MIB:
            reply["recycle"] = True  # big joins leave the allocator holding memory: ask to be replaced
        conn.send_bytes(pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL))


def _private_mib() -> float:
    """Memory this worker holds for itself (not shared with the zygote's copy of the store), in MiB."""
    try:
        with open("/proc/self/smaps_rollup") as fh:
            return sum(int(line.split()[1]) for line in fh if line.startswith(("Private_Dirty:", "Private_Clean:"))) / 1024
    except (OSError, ValueError):
        return 0.0


def _worker_main(fd: int, open_store):
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    conn = Connection(fd)
    threading.stack_size(WORKER_STACK_BYTES)
    t = threading.Thread(target=_serve, args=(conn, open_store), name="sparql-worker")
    t.start()
    t.join()


def _zygote_main(sock: socket.socket, open_store):
    # Drop every descriptor inherited from the server (listening and client sockets above all): a worker
    # holding a copy of a client connection would keep it open after the server closed it.
    keep = sock.fileno()
    os.closerange(3, keep)
    os.closerange(keep + 1, 1 << 20)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle; we exit when it hangs up
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the kernel
    while True:
        try:
            msg, fds, _flags, _addr = socket.recv_fds(sock, 16, 1)
        except OSError:
            return
        if not msg or not fds:
            return
        pid = os.fork()
        if pid == 0:
            sock.close()
            try:
                _worker_main(fds[0], open_store)
            finally:
                os._exit(0)
        os.close(fds[0])
        sock.sendall(struct.pack("!i", pid))


def _fork(target, *args) -> int:
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            target(*args)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    return pid


class _WorkerEnded(Exception):
    """A worker's connection closed before it replied."""


class Worker:
    def __init__(self, pid: int, conn: Connection):
        self.pid, self.conn = pid, conn
        # A pidfd pins this very process, so a kill can never hit a later process that reused the PID.
        try:
            self.pidfd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            self.pidfd = None

    def kill(self):
        try:
            if self.pidfd is not None:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            else:
                os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        finally:
            if self.pidfd is not None:
                os.close(self.pidfd)
                self.pidfd = None
            self.conn.close()


class Pool:
    """A fixed number of query workers; each call borrows one, and a worker past the deadline is replaced."""

    def __init__(self, size: int, open_store):
        self.size = max(1, int(size))
        self._open_store = open_store
        self._lock = threading.Lock()
        self._idle: queue.SimpleQueue[Worker] = queue.SimpleQueue()
        self._closed = False
        self._start_zygote()
        self._all: set[Worker] = set()
        for _ in range(self.size):
            self._idle.put(self._spawn())

    def _start_zygote(self):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)

        def run():
            ours.close()
            _zygote_main(theirs, self._open_store)

        self._zygote_pid = _fork(run)
        theirs.close()
        self._zygote = ours

    def _spawn(self) -> Worker:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        with self._lock:
            try:
                socket.send_fds(self._zygote, [b"w"], [theirs.fileno()])
                pid = struct.unpack("!i", _recv_exact(self._zygote, 4))[0]
            except OSError:
                # The zygote is gone (killed from outside): start a new one and try once more.
                self._reap_zygote()
                self._start_zygote()
                socket.send_fds(self._zygote, [b"w"], [theirs.fileno()])
                pid = struct.unpack("!i", _recv_exact(self._zygote, 4))[0]
        theirs.close()
        worker = Worker(pid, Connection(ours.detach()))
        self._all.add(worker)
        return worker

    def _retire(self, worker: Worker):
        worker.kill()
        self._all.discard(worker)
        if not self._closed:
            self._idle.put(self._spawn())

    def run(self, request: dict, timeout_s: float) -> dict:
        """Send a request to a free worker and return its reply; raise QueryTimeout at the deadline.

        A worker that ends without replying is replaced and the query is tried once more on a fresh one: a worker
        killed from outside while idle can still accept the request (its socket closes only after its memory is
        torn down), and queries are read-only, so a second try is safe. Two ends in a row mean the query itself
        stops the engine.
        """
        if self._closed:
            raise QueryError("The query store has been closed.", status=503)
        deadline = time.monotonic() + timeout_s
        message = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        for attempt in (1, 2):
            try:
                return self._run_once(message, deadline, timeout_s)
            except _WorkerEnded:
                if attempt == 2 or self._closed:
                    raise QueryError(
                        "The query engine stopped while running this query (its worker process ended), so there is "
                        "no answer. The query may be too long or too deeply nested for the engine: simplify it and "
                        "try again.",
                        status=500,
                    ) from None

    def run_alone(self, request: dict, timeout_s: float) -> dict:
        """Run one request on a worker forked for it alone, then end that worker.

        For builds over the whole snapshot (the dumps): seconds of work that would otherwise hold one of the few
        query workers, or, in the server process, the GIL (pyoxigraph releases and retakes it so often that other
        threads wait the whole build: a cached page took 4.7 s while a dump was built, issue 12).
        """
        if self._closed:
            raise QueryError("The query store has been closed.", status=503)
        worker = self._spawn()
        try:
            worker.conn.send_bytes(pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL))
            if not worker.conn.poll(timeout_s):
                raise QueryTimeout(f"Building this took longer than {timeout_s:g} s and was stopped. Try again later.")
            return pickle.loads(worker.conn.recv_bytes())
        except (EOFError, OSError, pickle.UnpicklingError):
            raise QueryError("The worker process building this ended without an answer. Try again in a moment.",
                             status=503) from None
        finally:
            worker.kill()
            self._all.discard(worker)

    def _run_once(self, message: bytes, deadline: float, timeout_s: float) -> dict:
        for _ in range(self.size + 1):
            try:
                worker = self._idle.get(timeout=max(deadline - time.monotonic(), 0.001))
            except queue.Empty:
                raise _all_busy(timeout_s) from None
            if time.monotonic() >= deadline:  # the time went on waiting for a worker: never start a query already late
                self._idle.put(worker)
                raise _all_busy(timeout_s)
            try:
                worker.conn.send_bytes(message)
                break
            except OSError:
                self._retire(worker)  # it died while idle (killed from outside): use a fresh one
        else:
            raise QueryError("No query worker could take the query. Try again in a moment.", status=503)
        healthy = False
        try:
            if not worker.conn.poll(max(deadline - time.monotonic(), 0)):
                raise QueryTimeout(
                    f"The query was stopped after the time limit of {timeout_s:g} s. Make it cheaper: add selective "
                    f"triple patterns before broad ones, avoid cross products of unrelated patterns, and use LIMIT."
                )
            reply = pickle.loads(worker.conn.recv_bytes())
            healthy = not reply.pop("recycle", False)
            return reply
        except (EOFError, OSError, pickle.UnpicklingError):
            raise _WorkerEnded() from None
        finally:
            if healthy and not self._closed:
                self._idle.put(worker)
            elif healthy:
                worker.kill()  # the pool was retired while this query ran
                self._all.discard(worker)
            else:
                self._retire(worker)

    def worker_pids(self) -> list[int]:
        return sorted(w.pid for w in self._all)

    @property
    def zygote_pid(self) -> int:
        return self._zygote_pid

    def _reap_zygote(self):
        if self._zygote.fileno() < 0:
            return
        try:
            self._zygote.close()
            os.kill(self._zygote_pid, signal.SIGKILL)
        except (ProcessLookupError, OSError):
            pass
        try:
            os.waitpid(self._zygote_pid, 0)
        except ChildProcessError:
            pass

    def retire(self):
        """Take no new queries; stop idle workers now and busy ones when their query is answered."""
        self._closed = True
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                break
            worker.kill()
            self._all.discard(worker)
        self._reap_zygote()

    def close(self):
        """Stop every worker at once, busy or not, and the zygote."""
        self._closed = True
        for worker in list(self._all):
            worker.kill()
        self._all.clear()
        self._reap_zygote()


def _all_busy(timeout_s: float) -> QueryTimeout:
    return QueryTimeout(f"Every query worker stayed busy for the whole time limit ({timeout_s:g} s), so this query did "
                        f"not start. Try again in a moment; if it keeps happening, other queries are running too long.")


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise OSError("zygote closed the connection")
        data += chunk
    return data
