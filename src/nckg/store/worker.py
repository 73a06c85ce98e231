"""Isolated, time-limited query execution: a pool of worker processes that each open the store read-only.

pyoxigraph cannot cancel a running query, and a pathological query can overflow its native stack and kill the
process that runs it (3000 nested `{ }` groups: SIGSEGV). Untrusted queries therefore never run in the web process:
`WorkerPool.run` hands a `Job` to a worker process (`python -m nckg.store.worker`, started fresh - never forked from a
process holding RocksDB handles) over a pipe and waits at most `timeout` seconds. A worker that overruns is killed
(SIGKILL: the work really stops and its CPU and memory are freed) and replaced; one that dies (segfault, out of
memory) is replaced too. The caller gets QueryTimeout or WorkerCrashed; every other request keeps being served.

Each worker
- opens the store read-only itself and reopens it when a build swaps the store symlink (nckg.store.graph.StoreHandle);
- serializes at most `row_limit` rows in the negotiated format, so only bytes cross the pipe;
- when no SERVICE endpoint is allowed, drops its network access at start (a new, empty network namespace, where
  the kernel allows it): no query can reach any host, whatever the lexical checks miss;
- caps its own address space (memory_mb) and, per job, its CPU time (RLIMIT_CPU), so it dies on its own if the
  parent is gone; it also exits when its parent process changes or its stdin closes.

`execute` is the job runner shared by the workers and the in-process mode (pool size 0, development only: no
timeout and no crash isolation).
"""

from __future__ import annotations

import atexit
import ctypes
import logging
import os
import pickle
import queue
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("nckg.store.worker")

_HEADER = struct.Struct(">Q")
CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000


@dataclass(frozen=True)
class Job:
    """One query to run: the protocol's dataset, the media type negotiated per result kind, the row cap."""

    sparql: str
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    substitutions: Mapping[str, object] | None = None  # variable name -> pyoxigraph term
    base_iri: str | None = None
    media_types: Mapping[str, str | None] = field(default_factory=lambda: {
        "solutions": "application/sparql-results+json", "boolean": "application/sparql-results+json",
        "triples": "text/turtle"})  # result kind -> media type (None: not acceptable)
    asked: str = ""  # what the client asked for (Accept / format), for the 406 message
    row_limit: int | None = None
    truncation_link: str | None = None  # a URL a truncated SPARQL JSON/XML result links to (head link)
    allowed_services: tuple[str, ...] = ()
    cpu_seconds: float | None = None  # CPU budget of this job inside the worker (a backstop to the wall-clock timeout)


@dataclass(frozen=True)
class Answer:
    """A serialized result."""

    body: bytes
    content_type: str
    kind: str  # solutions | boolean | triples
    rows: int  # rows (solutions or triples) written; -1 when not counted (no row limit)
    truncated: bool
    seconds: float  # evaluation + serialization time inside the worker
    worker: int | None = None  # pid of the worker process (None: in-process)
    store_version: str | None = None


@dataclass(frozen=True)
class Failure:
    """A job that ended with an error the client should hear about; `kind` tells the HTTP status."""

    kind: str  # query | update | service | not-acceptable | evaluation | upstream | unavailable | internal
    message: str
    detail: str = ""  # a syntax error: the parser's full text (at the message's position)
    line: int | None = None
    column: int | None = None


class JobFailed(Exception):
    """Raised by WorkerPool.run / run_in_process for a Failure, and (as subclasses) for pool-level failures."""

    kind = "internal"

    def __init__(self, message: str, kind: str | None = None, detail: str = "", line: int | None = None,
                 column: int | None = None):
        super().__init__(message)
        self.message, self.detail, self.line, self.column = message, detail, line, column
        if kind:
            self.kind = kind

    @classmethod
    def of(cls, failure: Failure) -> JobFailed:
        return cls(failure.message, failure.kind, failure.detail, failure.line, failure.column)


class QueryTimeout(JobFailed):
    """The query ran longer than the timeout; its worker was killed and is being replaced."""

    kind = "timeout"


class WorkerCrashed(JobFailed):
    """The worker died while running the query (segfault, out of memory); it is being replaced."""

    kind = "crashed"


class PoolBusy(JobFailed):
    """No worker became free in time."""

    kind = "busy"


# --- the job runner (worker side, or in-process) ----------------------------------------------------------------

def execute(handle, job: Job, *, network_isolated: bool = False) -> Answer | Failure:
    """Run `job` on the store of `handle` (nckg.store.graph.StoreHandle); never raises for a bad query."""
    from pyoxigraph import QueryBoolean, QueryTriples  # noqa: PLC0415

    from nckg.store.limits import ServiceRefused, check_services, uses_keyword  # noqa: PLC0415
    from nckg.store.graph import QueryError, ServiceNotAllowed, UpdateRefused, formats_for  # noqa: PLC0415

    started = time.perf_counter()
    try:
        store = handle.get()
    except OSError as error:
        kind = {502: "upstream", 504: "timeout"}.get(getattr(error, "status", None), "unavailable")
        return Failure(kind, f"The knowledge graph store is not available: {error}")
    try:
        check_services(job.sparql, job.allowed_services)
        if not network_isolated and "service" in job.sparql.lower():  # the kernel does not stop SERVICE here
            refusal = _verify_services(job.sparql, job.allowed_services, job.base_iri)
            if refusal:
                return Failure("service", refusal)
        result = store.query(job.sparql, default_graph_uris=job.default_graph_uris,
                             named_graph_uris=job.named_graph_uris, substitutions=job.substitutions,
                             base_iri=job.base_iri, allowed_services=job.allowed_services)
        kind = "triples" if isinstance(result, QueryTriples) else "boolean" if isinstance(result, QueryBoolean) \
            else "solutions"
        formats = formats_for(result)
        media_type = (job.media_types or {}).get(kind)
        if media_type is None or media_type not in formats:
            return Failure("not-acceptable", f"Cannot answer this query ({'graph' if kind == 'triples' else kind} "
                                             f"result) as {job.asked or 'requested'}. Available: {', '.join(formats)}")
        body, rows, truncated = store.serialize_limited(result, media_type, job.row_limit, job.truncation_link)
    except UpdateRefused as error:
        return Failure("update", str(error))
    except (ServiceNotAllowed, ServiceRefused) as error:
        return Failure("service", str(error))
    except QueryError as error:
        return Failure("query", error.message, error.detail, error.line, error.column)
    except OSError as error:
        remote_status = getattr(error, "status", None)  # nckg.store.remote.RemoteStoreError: 502, 503 or 504
        if remote_status:
            kind = {502: "upstream", 503: "unavailable", 504: "timeout"}[remote_status]
            return Failure(kind, f"The knowledge graph's SPARQL store failed: {error}")
        if uses_keyword(job.sparql, "SERVICE") or "service" in job.sparql.lower():
            if network_isolated:
                return Failure("service", "SERVICE is not allowed: queries on this endpoint have no network access.")
            return Failure("upstream", f"The remote SERVICE endpoint failed: {error}")
        return Failure("unavailable", f"The knowledge graph store could not be read: {error}")
    except (RuntimeError, ValueError, TypeError) as error:  # pyoxigraph evaluation errors
        return Failure("evaluation", f"The query could not be evaluated: {error}")
    except RecursionError:
        return Failure("query", "The query is too deeply nested to evaluate.")
    except MemoryError:
        return Failure("evaluation", "The query needs more memory than a query may use.")
    return Answer(body, formats[media_type].media_type, kind, rows, truncated,
                  round(time.perf_counter() - started, 6), os.getpid() if _IN_WORKER else None, store.version)


def _verify_services(sparql: str, allowed, base_iri: str | None) -> str | None:
    """Parser-level SERVICE check (rdflib's grammar) for workers that can reach the network: the query mentions
    'service' somewhere, so make sure every SERVICE clause calls an allowlisted IRI. Returns a refusal or None."""
    try:
        from rdflib.plugins.sparql.algebra import translateQuery  # noqa: PLC0415
        from rdflib.plugins.sparql.parser import parseQuery  # noqa: PLC0415
        from rdflib.term import URIRef  # noqa: PLC0415

        algebra = translateQuery(parseQuery(sparql), base=base_iri).algebra
    except Exception:  # noqa: BLE001 - rdflib's parser fails in many ways
        return ("This query mentions 'service' but its SERVICE use could not be verified by a second parser; "
                "queries calling SERVICE must be plain SPARQL 1.1 naming an allowlisted endpoint IRI.")
    stack, seen = [algebra], 0
    while stack and seen < 100_000:
        node, seen = stack.pop(), seen + 1
        if isinstance(node, dict):
            if getattr(node, "name", None) == "ServiceGraphPattern":
                term = node.get("term")
                if not isinstance(term, URIRef) or str(term) not in allowed:
                    return f"SERVICE <{term}> is not allowed: the endpoint is not on this server's allowlist."
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
    return None


# --- the worker process -----------------------------------------------------------------------------------------

_IN_WORKER = False


def _send(stream, message) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_exactly(stream, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _isolate_network() -> bool:
    """Move this (still single-threaded) process into new user + network namespaces: no interface but a down
    loopback, so no connection to any host is possible. False where the kernel refuses."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0
    except (OSError, AttributeError):
        return False


def _set_cpu_budget(seconds: float | None) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if seconds is None:
        limit = hard
    else:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        limit = int(usage.ru_utime + usage.ru_stime + seconds) + 1
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
    if limit != soft:
        resource.setrlimit(resource.RLIMIT_CPU, (limit, hard))


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(3)


def worker_main(argv: list[str] | None = None) -> None:
    """`python -m nckg.store.worker --store PATH [--in-memory] [--isolate-network] [--memory-mb N]`: serve jobs on stdin."""
    import argparse  # noqa: PLC0415

    global _IN_WORKER
    parser = argparse.ArgumentParser(prog="python -m nckg.store.worker")
    parser.add_argument("--store", required=True)
    parser.add_argument("--in-memory", action="store_true")
    parser.add_argument("--isolate-network", action="store_true")
    parser.add_argument("--memory-mb", type=int, default=0)
    args = parser.parse_args(argv)
    _IN_WORKER = True
    parent = os.getppid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when a worker ends
    # The pipe to the parent is private: stdout becomes stderr so that nothing printed can corrupt the protocol.
    reply_stream = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    job_stream = os.fdopen(os.dup(0), "rb", buffering=0)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    isolated = _isolate_network() if args.isolate_network else False  # before any thread starts
    if args.memory_mb > 0:
        limit = args.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from nckg.store.graph import StoreHandle  # noqa: PLC0415 - after unshare(): imports may start threads

    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="parent-watch").start()
    handle = StoreHandle(args.store, args.in_memory)
    _send(reply_stream, ("ready", os.getpid(), isolated))
    while True:
        header = _read_exactly(job_stream, _HEADER.size)
        if header is None:
            return
        payload = _read_exactly(job_stream, _HEADER.unpack(header)[0])
        if payload is None:
            return
        job = pickle.loads(payload)
        _set_cpu_budget(job.cpu_seconds)
        try:
            reply = execute(handle, job, network_isolated=isolated)
        except Exception as error:  # noqa: BLE001 - report, keep serving
            log.exception("query job failed")
            reply = Failure("internal", f"internal error ({type(error).__name__})")
        _send(reply_stream, reply)


# --- the parent side ---------------------------------------------------------------------------------------------

class _Dead(Exception):
    pass


class _Overrun(Exception):
    pass


class Worker:
    """One worker process and its pipes; used by one thread at a time."""

    def __init__(self, argv: list[str], env: Mapping[str, str]):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=dict(env),
                                     close_fds=True, start_new_session=True)
        self.pid = self.proc.pid
        self.isolated = False
        self.jobs = 0
        self._out = self.proc.stdout.fileno()

    def _read(self, size: int, deadline: float | None) -> bytes:
        chunks, left = [], size
        while left:
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                raise _Overrun
            ready, _, _ = select.select([self._out], [], [], wait)
            if not ready:
                raise _Overrun
            chunk = os.read(self._out, min(left, 1 << 20))
            if not chunk:
                raise _Dead
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def _receive(self, deadline: float | None):
        size = _HEADER.unpack(self._read(_HEADER.size, deadline))[0]
        return pickle.loads(self._read(size, deadline))

    def wait_ready(self, timeout: float) -> None:
        message = self._receive(time.monotonic() + timeout)
        if not (isinstance(message, tuple) and message[0] == "ready"):
            raise _Dead
        self.isolated = bool(message[2])

    def call(self, job: Job, timeout: float | None):
        data = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.proc.stdin.write(_HEADER.pack(len(data)) + data)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            raise _Dead from None
        self.jobs += 1
        return self._receive(None if timeout is None else time.monotonic() + timeout)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> int | None:
        """Kill the process (SIGKILL) and reap it; returns its exit code."""
        if self.proc.poll() is None:
            try:
                self.proc.kill()
            except ProcessLookupError:
                pass
        try:
            code = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            code = None
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        return code


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "did not exit"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with status {code}"


_POOLS: weakref.WeakSet[WorkerPool] = weakref.WeakSet()


class WorkerPool:
    """`size` worker processes over the store at `store_path` (the build's symlink), started on first use."""

    def __init__(self, store_path: str | Path, *, size: int = 2, in_memory: bool = False,
                 isolate_network: bool = True, memory_mb: int = 0, startup_timeout: float = 120.0):
        if size < 1:
            raise ValueError("a worker pool needs at least one worker (use run_in_process for none)")
        self.store_path = str(store_path)
        self.size = size
        self.startup_timeout = startup_timeout
        self.argv = [sys.executable, "-m", "nckg.store.worker", "--store", self.store_path]
        if in_memory:
            self.argv.append("--in-memory")
        if isolate_network:
            self.argv.append("--isolate-network")
        if memory_mb:
            self.argv += ["--memory-mb", str(memory_mb)]
        self._env = _child_env()
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._workers: set[Worker] = set()
        self._lock = threading.Lock()
        self._started = False
        self._closed = False
        self.counters = {"started": 0, "jobs": 0, "timeouts": 0, "crashes": 0, "busy": 0}
        _POOLS.add(self)

    # lifecycle
    def start(self) -> WorkerPool:
        with self._lock:
            if self._started or self._closed:
                return self
            self._started = True
        for _ in range(self.size):
            self._spawn_async()
        return self

    def wait_ready(self, timeout: float = 60.0) -> bool:
        """Block until every worker is idle (e.g. before serving); False on timeout."""
        self.start()
        deadline = time.monotonic() + timeout
        while self._idle.qsize() < self.size:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            worker.kill()

    @property
    def pids(self) -> list[int]:
        with self._lock:
            return sorted(w.pid for w in self._workers)

    @property
    def network_isolated(self) -> bool:
        with self._lock:
            return bool(self._workers) and all(w.isolated for w in self._workers)

    def _spawn_async(self) -> None:
        threading.Thread(target=self._spawn, daemon=True, name="nckg-worker-spawn").start()

    def _spawn(self) -> None:
        delay = 0.5
        while not self._closed:
            worker = None
            try:
                worker = Worker(self.argv, self._env)
                with self._lock:
                    if self._closed:
                        worker.kill()
                        return
                    self._workers.add(worker)
                worker.wait_ready(self.startup_timeout)
            except (_Dead, _Overrun, OSError) as error:
                if self._closed:
                    return
                log.error("query worker failed to start (%s); retrying in %.1f s", type(error).__name__, delay)
                if worker is not None:
                    self._discard(worker)
                time.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            self.counters["started"] += 1
            log.info("query worker %d ready (network isolated: %s)", worker.pid, worker.isolated)
            self._idle.put(worker)
            return

    def _discard(self, worker: Worker) -> int | None:
        with self._lock:
            self._workers.discard(worker)
        return worker.kill()

    def _replace(self, worker: Worker) -> int | None:
        code = self._discard(worker)
        if not self._closed:
            self._spawn_async()
        return code

    # work
    def run(self, job: Job, *, timeout: float | None, queue_timeout: float = 10.0) -> Answer:
        """Run `job` in a free worker; raises QueryTimeout, WorkerCrashed, PoolBusy or JobFailed."""
        self.start()
        deadline = time.monotonic() + queue_timeout
        while True:
            try:
                worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.counters["busy"] += 1
                raise PoolBusy(f"All {self.size} query workers stayed busy for {queue_timeout:g} s "
                               "(setting QUERY_QUEUE_TIMEOUT); try again later.") from None
            if worker.alive():
                break
            log.warning("query worker %d died while idle (%s); replacing it", worker.pid,
                        _describe_exit(self._replace(worker)))
        self.counters["jobs"] += 1
        try:
            reply = worker.call(job, timeout)
        except _Overrun:
            self.counters["timeouts"] += 1
            self._replace(worker)
            raise QueryTimeout(f"The query was stopped after {timeout:g} s (setting QUERY_TIMEOUT): its worker "
                               "process was killed and replaced. Add a LIMIT, narrow the patterns or avoid "
                               "cross products.") from None
        except _Dead:
            self.counters["crashes"] += 1
            how = _describe_exit(self._replace(worker))
            log.error("query worker %d died while running a query (%s)", worker.pid, how)
            raise WorkerCrashed(f"The query engine process died while evaluating this query ({how}); it was "
                                "restarted and other requests are unaffected. The query is probably too deeply "
                                "nested, too long or needs too much memory.") from None
        except BaseException:
            self._replace(worker)
            raise
        if self._closed:
            self._discard(worker)
        else:
            self._idle.put(worker)
        if isinstance(reply, Failure):
            raise JobFailed.of(reply)
        return reply


def run_in_process(handle, job: Job) -> Answer:
    """Run `job` in this process (no timeout, no crash isolation: development and tests only)."""
    reply = execute(handle, job)
    if isinstance(reply, Failure):
        raise JobFailed.of(reply)
    return reply


def _child_env() -> dict[str, str]:
    """The worker's environment: this one, with this package importable even when it is not installed."""
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH", "")) if p)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


@atexit.register
def _close_all() -> None:
    for pool in list(_POOLS):
        pool.close()


if __name__ == "__main__":
    from nckg.store.worker import worker_main as _main  # run in the importable module, so pickled classes match

    _main()
