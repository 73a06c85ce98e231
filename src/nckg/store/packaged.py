"""The dataset a wheel carries: the compiled graph as gzip-compressed N-Quads (every named graph, the inferred one
included) in `nckg/_data/nckg.nq.gz`, with the queries and the ontology beside it (see config.packaged_dir).

An installed wheel answers from it without a build, Java or a checkout: `nckg.open()` loads it into an in-memory
store, `nckg serve` writes it once into an on-disk store in the user's cache folder. In a checkout the built store
wins. The wheel build (setup.py) writes the file with `nckg export --output nckg.nq.gz`.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from pyoxigraph import RdfFormat, parse

from nckg import config
from nckg.store.graph import GraphStore, write_store

DATASET_NAME = "nckg.nq.gz"


def dataset_path() -> Path | None:
    """The packaged dataset file, or None when this installation carries none (an editable install, a checkout)."""
    path = config.packaged_dir() / DATASET_NAME
    return path if path.is_file() else None


def dataset_version(path: Path) -> str:
    """A version name for stores made from the dataset file: `packaged-` and the start of its SHA-256."""
    return "packaged-" + hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def read_quads(path: str | Path):
    """The quads of an N-Quads file, gzip-compressed when its name ends in `.gz`."""
    path = Path(path)
    if path.suffix == ".gz":
        with gzip.open(path, "rb") as stream:
            return list(parse(stream, format=RdfFormat.N_QUADS))
    return list(parse(path=str(path), format=RdfFormat.N_QUADS))


def in_memory_store(path: str | Path) -> GraphStore:
    """An in-memory store holding the N-Quads dataset at `path` (named with its version, so per-version caches hold)."""
    store = GraphStore.from_quads(read_quads(path))
    store.version = dataset_version(Path(path))
    return store


def cache_dir() -> Path:
    """Where `nckg serve` keeps on-disk stores made from packaged datasets: `$XDG_CACHE_HOME/nckg` or ~/.cache/nckg."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "nckg"


def on_disk_store(path: str | Path, directory: Path | None = None) -> Path:
    """An on-disk store made from the dataset at `path`, laid out like a build (`store` -> a version directory)
    under `directory` (default: cache_dir()/<version>); written once and reused. Returns the `store` path."""
    path = Path(path)
    version = dataset_version(path)
    root = Path(directory) if directory else cache_dir() / version
    link = root / "store"
    if (link / "CURRENT").is_file():
        return link
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".store-", dir=root))
    try:
        write_store(staging / version, read_quads(path))
        target = root / version
        if not target.exists():
            os.replace(staging / version, target)
        swap = root / f".store.{os.getpid()}"
        swap.symlink_to(version)
        os.replace(swap, link)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return link
