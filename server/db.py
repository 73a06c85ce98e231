"""The app's graph store and query workers.

- `get_store()`: the store opened read-only in the web process (trusted queries: pages, catalogue, resources),
  reopened when a build swaps the store symlink.
- `run_query(job)`: an untrusted (ad-hoc) query, run by the pool of isolated worker processes (nckg.store.worker) with
  the app's timeout; pools are shared by apps with the same store and settings and started on first use.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import Flask, abort, current_app

from nckg import config
from nckg.model import dataset
from nckg.store.backend import is_remote, open_handle, resolve_in_memory, worker_memory_mb, worker_startup_timeout
from nckg.store.graph import GraphStore, StoreHandle
from nckg.store.jobs import Answer, Job
from nckg.store.pool import WorkerPool, run_in_process

__all__ = ["StoreHandle", "get_store", "get_pool", "init_app", "is_remote", "run_query"]

_POOLS: OrderedDict[tuple, WorkerPool] = OrderedDict()
_POOLS_LOCK = threading.Lock()
MAX_POOLS = 4  # distinct (store, settings) pools kept per process; tests use several stores


def init_app(app: Flask) -> None:
    # --- backend choice: NCKG_SPARQL_URL selects a remote SPARQL store, see nckg.store.backend ---
    path = app.config["STORE_PATH"] or config.store_path()
    # each worker and each web process hold a copy (granian: HTTP_PROCESSES web processes, each with its workers)
    copies = (max(int(app.config["QUERY_WORKERS"]), 0) + 1) * max(int(app.config.get("HTTP_PROCESSES") or 1), 1)
    app.extensions["nckg_store"] = open_handle(
        path, resolve_in_memory(app.config["STORE_IN_MEMORY"], path, copies),
        sparql_url=app.config.get("SPARQL_URL"), update_url=app.config.get("SPARQL_UPDATE_URL"),
        gsp_url=app.config.get("GSP_URL"), timeout=float(app.config["QUERY_TIMEOUT"]),
        version_ttl=float(app.config.get("REMOTE_VERSION_TTL", 5.0)), environ={})


def get_store() -> GraphStore:
    """The current store; 503 when no store has been built yet (or a remote one is unreachable), 502 / 504 when a
    remote store answers with an error / too slowly."""
    try:
        return current_app.extensions["nckg_store"].get()
    except OSError as error:  # a remote store that fails says which status (nckg.store.remote: 502, 503, 504)
        abort(getattr(error, "status", 503), f"The knowledge graph store is not available: {error}")


def allowed_services(app: Flask | None = None) -> tuple[str, ...]:
    """SERVICE_ALLOWLIST as a tuple of IRIs (the environment gives one string: space or comma separated)."""
    value = (app or current_app).config.get("SERVICE_ALLOWLIST") or ()
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return tuple(sorted(str(v).strip() for v in value if str(v).strip()))


def get_pool(app: Flask | None = None) -> WorkerPool | None:
    """The worker pool for the app's settings (None when QUERY_WORKERS is 0: queries run in-process)."""
    app = app or current_app
    size = int(app.config["QUERY_WORKERS"])
    if size <= 0:
        return None
    handle: StoreHandle = app.extensions["nckg_store"]
    if is_remote(handle):  # a remote store runs its own queries (HTTP timeout = QUERY_TIMEOUT)
        return None
    isolate = bool(app.config["WORKER_NETWORK_ISOLATION"]) and not allowed_services(app)
    memory, startup = app.config["WORKER_MEMORY_LIMIT_MB"], app.config["WORKER_STARTUP_TIMEOUT"]
    key = (str(handle.path), handle.in_memory, size, isolate, str(memory), str(startup))
    with _POOLS_LOCK:
        pool = _POOLS.get(key)
        if pool is None:  # "auto" settings are sized on the store as it is now (nckg.store.backend)
            pool = _POOLS[key] = WorkerPool(
                handle.path, size=size, in_memory=handle.in_memory, isolate_network=isolate,
                memory_mb=worker_memory_mb(memory, handle.path, handle.in_memory),
                startup_timeout=worker_startup_timeout(startup, handle.path, handle.in_memory))
            while len(_POOLS) > MAX_POOLS:
                _POOLS.popitem(last=False)[1].close()
        else:
            _POOLS.move_to_end(key)
    return pool


def warm(app: Flask, wait: float | None = None) -> None:
    """Start the query workers (waiting up to `wait` s for them when given) and compute the per-version page data
    (landing counts, cluster table, labels: nckg.model.dataset.warm) in a background thread, so that neither the first
    query nor the first visitor pays for them."""
    pool = get_pool(app)
    if pool is not None:
        pool.start()
        if wait and not pool.wait_ready(timeout=wait):
            app.logger.warning("query workers not ready yet; queries will wait for them")
    threading.Thread(target=_warm_pages, args=(app,), daemon=True, name="nckg-warm-pages").start()


def _warm_pages(app: Flask) -> None:
    try:
        dataset.warm(app.extensions["nckg_store"].get())
    except Exception:  # noqa: BLE001 - no store yet, or a remote one that is down: pages compute on demand
        app.logger.warning("could not precompute the page data", exc_info=True)


def run_query(job: Job, app: Flask | None = None) -> Answer:
    """Run an untrusted query job with the app's timeout; raises nckg.store.jobs.JobFailed (and subclasses)."""
    app = app or current_app
    pool = get_pool(app)
    if pool is None:
        return run_in_process(app.extensions["nckg_store"], job)
    return pool.run(job, timeout=float(app.config["QUERY_TIMEOUT"]),
                    queue_timeout=float(app.config["QUERY_QUEUE_TIMEOUT"]))
