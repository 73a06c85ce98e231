"""The app's graph store: opened once per process (read-only), reopened when a build swaps the store symlink."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask, abort, current_app

from nckg import config
from nckg.store import GraphStore, current_version


class StoreHandle:
    """Holds the open store and reopens it when `path` resolves to a new version."""

    def __init__(self, path: str | Path, in_memory: bool = False):
        self.path = Path(path)
        self.in_memory = in_memory
        self._store: GraphStore | None = None
        self._lock = threading.Lock()

    def get(self) -> GraphStore:
        store = self._store
        if store is None or store.version != current_version(self.path):
            with self._lock:
                store = self._store
                if store is None or store.version != current_version(self.path):
                    opener = GraphStore.in_memory_copy if self.in_memory else GraphStore.open
                    store = self._store = opener(self.path)
        return store


def init_app(app: Flask) -> None:
    app.extensions["nckg_store"] = StoreHandle(app.config["STORE_PATH"] or config.store_path(),
                                               app.config["STORE_IN_MEMORY"])


def get_store() -> GraphStore:
    """The current store; 503 when no store has been built yet."""
    try:
        return current_app.extensions["nckg_store"].get()
    except OSError as error:
        abort(503, f"The knowledge graph store is not available: {error}")
