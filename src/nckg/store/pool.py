"""The parent side of the isolated query workers (see nckg.store.worker): a pool of worker processes, each started
fresh, handed one job at a time over a pipe, killed and replaced when it overruns or dies."""

from __future__ import annotations

import atexit
import logging
import os
import pickle
import queue
import select
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Mapping
from pathlib import Path

from nckg.store.jobs import Answer, Failure, Job, JobFailed, PoolBusy, QueryTimeout, WorkerCrashed, execute
from nckg.store.worker import FRAME

log = logging.getLogger("nckg.store.worker")


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
        size = FRAME.unpack(self._read(FRAME.size, deadline))[0]
        return pickle.loads(self._read(size, deadline))

    def wait_ready(self, timeout: float) -> None:
        message = self._receive(time.monotonic() + timeout)
        if not (isinstance(message, tuple) and message[0] == "ready"):
            raise _Dead
        self.isolated = bool(message[2])

    def call(self, job: Job, timeout: float | None):
        data = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.proc.stdin.write(FRAME.pack(len(data)) + data)
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
