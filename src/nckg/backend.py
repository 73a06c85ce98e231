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
