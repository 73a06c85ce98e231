"""Choice of the graph backend, in one place: the embedded Oxigraph store (var/store) or a remote SPARQL 1.1 store.

`NCKG_SPARQL_URL` (the query endpoint) selects the remote store (nckg.remote); `NCKG_SPARQL_UPDATE_URL` and
`NCKG_GSP_URL` (Graph Store Protocol) are where `nckg build --target` and upload() may write. Without it the
embedded store at `NCKG_STORE` / var/store is used (nckg.store.StoreHandle).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from . import config
from .remote import RemoteHandle
from .store import GraphStore, StoreHandle, current_version

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
