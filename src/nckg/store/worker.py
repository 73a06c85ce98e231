"""Isolated, time-limited query execution: a pool of worker processes that each open the store read-only.

pyoxigraph cannot cancel a running query, and a pathological query can overflow its native stack and kill the
process that runs it (3000 nested `{ }` groups: SIGSEGV). Untrusted queries therefore never run in the web process:
`WorkerPool.run` (nckg.store.pool) hands a `Job` (nckg.store.jobs) to a worker process (`python -m
nckg.store.worker`, this module, started fresh - never forked from a process holding RocksDB handles) over a pipe and waits at most `timeout` seconds. A worker that overruns is killed
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

import ctypes
import logging
import os
import pickle
import resource
import signal
import struct
import threading
import time

from nckg.store.jobs import Failure, execute, mark_worker_process

log = logging.getLogger("nckg.store.worker")

FRAME = struct.Struct(">Q")
CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000




def send_message(stream, message) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(FRAME.pack(len(data)) + data)
    stream.flush()


def read_exactly(stream, size: int) -> bytes | None:
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

    parser = argparse.ArgumentParser(prog="python -m nckg.store.worker")
    parser.add_argument("--store", required=True)
    parser.add_argument("--in-memory", action="store_true")
    parser.add_argument("--isolate-network", action="store_true")
    parser.add_argument("--memory-mb", type=int, default=0)
    args = parser.parse_args(argv)
    mark_worker_process()
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
    send_message(reply_stream, ("ready", os.getpid(), isolated))
    while True:
        header = read_exactly(job_stream, FRAME.size)
        if header is None:
            return
        payload = read_exactly(job_stream, FRAME.unpack(header)[0])
        if payload is None:
            return
        job = pickle.loads(payload)
        _set_cpu_budget(job.cpu_seconds)
        try:
            reply = execute(handle, job, network_isolated=isolated)
        except Exception as error:  # noqa: BLE001 - report, keep serving
            log.exception("query job failed")
            reply = Failure("internal", f"internal error ({type(error).__name__})")
        send_message(reply_stream, reply)


if __name__ == "__main__":
    from nckg.store.worker import worker_main as _main  # run in the importable module, so pickled classes match

    _main()
