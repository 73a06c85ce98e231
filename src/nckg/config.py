"""Where things live: project root, data, ontology, queries and the store."""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The repository root (the folder holding pyproject.toml); `NCKG_HOME` overrides."""
    env = os.environ.get("NCKG_HOME")
    return Path(env).resolve() if env else Path(__file__).resolve().parents[2]


def store_path() -> Path:
    """The store location: `NCKG_STORE` or `<root>/var/store` (a symlink to the current build)."""
    env = os.environ.get("NCKG_STORE")
    return Path(env) if env else project_root() / "var" / "store"


def data_dir() -> Path:
    return project_root() / "data"


def ontology_dir() -> Path:
    return project_root() / "ontology"


def queries_dir() -> Path:
    return project_root() / "queries"
