"""Where things live: project root, data, ontology, queries and the store.

In a checkout (the repository, or `NCKG_HOME`) everything is read from the repository's folders. An installed
wheel has no checkout: it carries `queries/`, `ontology/` and the compiled dataset as package data under
`nckg/_data/` (see nckg.store.packaged), found through importlib.resources.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

PACKAGED_DATA = "_data"  # the folder inside the nckg package that a wheel fills (queries, ontology, dataset)


def project_root() -> Path:
    """The repository root (the folder holding pyproject.toml); `NCKG_HOME` overrides."""
    env = os.environ.get("NCKG_HOME")
    return Path(env).resolve() if env else Path(__file__).resolve().parents[2]


def in_checkout() -> bool:
    """Whether nckg runs from a repository checkout (or `NCKG_HOME`), not from an installed wheel."""
    return bool(os.environ.get("NCKG_HOME")) or (project_root() / "pyproject.toml").is_file()


def packaged_dir() -> Path:
    """The package data a wheel carries: `nckg/_data/` of the installed package (may be absent in a checkout)."""
    return Path(str(resources.files("nckg") / PACKAGED_DATA))


def _folder(name: str) -> Path:
    """`<root>/<name>` in a checkout; the wheel's packaged copy when there is no checkout folder."""
    local = project_root() / name
    if local.is_dir() or in_checkout():
        return local
    packaged = packaged_dir() / name
    return packaged if packaged.is_dir() else local


def store_path() -> Path:
    """The store location: `NCKG_STORE` or `<root>/var/store` (a symlink to the current build)."""
    env = os.environ.get("NCKG_STORE")
    return Path(env) if env else project_root() / "var" / "store"


def data_dir() -> Path:
    return project_root() / "data"


def ontology_dir() -> Path:
    return _folder("ontology")


def queries_dir() -> Path:
    return _folder("queries")
