"""Choice of the graph backend, in one place: the embedded Oxigraph store (var/store) or a remote SPARQL 1.1 store.

`NCKG_SPARQL_URL` (the query endpoint) selects the remote store (nckg.store.remote); `NCKG_SPARQL_UPDATE_URL` and
`NCKG_GSP_URL` (Graph Store Protocol) are where `nckg build --target` and upload() may write. Without it the
embedded store at `NCKG_STORE` / var/store is used (nckg.store.graph.StoreHandle).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path

from nckg import config
from nckg.store.remote import RemoteHandle
from nckg.store.graph import GraphStore, StoreHandle, current_version

Handle = StoreHandle | RemoteHandle


def open_handle(store_path: str | Path | None = None, in_memory: bool = False, *, sparql_url: str | None = None,
                update_url: str | None = None, gsp_url: str | None = None, timeout: float = 30.0,
                version_ttl: float = 5.0, environ: Mapping[str, str] | None = None) -> Handle:
    """A handle on the configured backend; explicit arguments win over the NCKG_* environment variables."""
    env = os.environ if environ is None else environ
    url = sparql_url or env.get("NCKG_SPARQL_URL")
    if url:
        return RemoteHandle(url, timeout=timeout, version_ttl=version_ttl,
                            update_url=update_url or env.get("NCKG_SPARQL_UPDATE_URL"),
                            gsp_url=gsp_url or env.get("NCKG_GSP_URL"))
    return StoreHandle(store_path or config.store_path(), in_memory)


def open_store(store_path: str | Path | None = None, **options) -> GraphStore:
    """The configured backend's store (a GraphStore or a RemoteStore)."""
    return open_handle(store_path, **options).get()


def is_remote(handle) -> bool:
    return bool(getattr(handle, "remote", False))


def handle_version(handle) -> str:
    """The version the handle would answer from now: the store directory the symlink points at, or the version
    an upload wrote into the remote store (cached for the handle's version_ttl)."""
    if is_remote(handle):
        return handle.current_version()
    return current_version(handle.path)


# Measured in bench/ (10 k synthetic clusters): a 222 MiB on-disk store takes ~704 MiB of RSS once copied into a
# pyoxigraph Store(); 3.5x the directory size is the planning figure per in-memory copy.
IN_MEMORY_FACTOR = 3.5
MEMORY_BUDGET = 0.5  # share of the available memory the in-memory copies may take


def available_memory() -> int:
    """MemAvailable from /proc/meminfo in bytes (0 where unknown)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def store_bytes(store_path: str | Path) -> int:
    """Size of the on-disk store the path (or its symlink) points at."""
    root = Path(store_path).resolve()
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) if root.is_dir() else 0


def resolve_in_memory(setting, store_path: str | Path, copies: int, available: int | None = None) -> bool:
    """The storage strategy: True/False as configured, or for "auto" in-memory copies while `copies` of them
    (workers + web process) fit in MEMORY_BUDGET of the available memory, the read-only on-disk store beyond."""
    if isinstance(setting, str) and setting.strip().lower() == "auto":
        need = store_bytes(store_path) * IN_MEMORY_FACTOR * max(copies, 1)
        return 0 < need <= (available if available is not None else available_memory()) * MEMORY_BUDGET
    if isinstance(setting, str):
        return setting.strip().lower() in ("1", "true", "yes", "on")
    return bool(setting)


# Size-aware worker settings ("auto", the defaults of server/config.py). Measured in bench/ on 2 cores: a 2,140 MiB
# store (100 k synthetic clusters) is copied into memory by 2 workers at once in 31 s on a quiet machine and in
# 106 s on a loaded one, i.e. 20-70 MiB/s; the slow figure is the planning one. The read-only on-disk store opens in
# well under a second and its workers stay below 1 GiB of RSS at 100 k clusters.
COPY_MIB_PER_SECOND = 20.0
DISK_WORKER_MEMORY_MB = 2048  # address-space cap of a worker over the on-disk store
MIN_STARTUP_TIMEOUT = 120.0


def _is_auto(setting) -> bool:
    return setting is None or (isinstance(setting, str) and setting.strip().lower() == "auto")


def worker_memory_mb(setting, store_path: str | Path, in_memory: bool) -> int:
    """WORKER_MEMORY_LIMIT_MB: a number as configured (0: no cap), or for "auto" 2048 MiB over the on-disk store
    and, for an in-memory copy, room for the copy (IN_MEMORY_FACTOR x the store's size) plus those 2048 MiB."""
    if not _is_auto(setting):
        return int(setting)
    if not in_memory:
        return DISK_WORKER_MEMORY_MB
    return DISK_WORKER_MEMORY_MB + math.ceil(store_bytes(store_path) * IN_MEMORY_FACTOR / 2**20)


def worker_startup_timeout(setting, store_path: str | Path, in_memory: bool) -> float:
    """WORKER_STARTUP_TIMEOUT: seconds as configured, or for "auto" 120 s, raised for an in-memory copy to three
    times its expected copy time (COPY_MIB_PER_SECOND)."""
    if not _is_auto(setting):
        return float(setting)
    if not in_memory:
        return MIN_STARTUP_TIMEOUT
    return max(MIN_STARTUP_TIMEOUT, 3 * store_bytes(store_path) / 2**20 / COPY_MIB_PER_SECOND)
