"""PEP 517 build backend: setuptools, plus the pipeline's dependencies when a wheel is built without a dataset file.

A wheel carries the compiled graph (see setup.py), which the wheel build makes by running the nckg pipeline; in an
isolated build environment that needs nckg's own dependencies (pyoxigraph, rdflib, owlready2, ...), so they are
build requirements of the wheel. Editable installs and sdists need nothing beyond setuptools, and neither does a
wheel built from a dataset file ($NCKG_WHEEL_DATASET).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F403 - every hook not overridden below is setuptools'


def _pipeline_requirements() -> list[str]:
    if os.environ.get("NCKG_WHEEL_DATASET"):
        return []
    pyproject = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    return list(pyproject["project"]["dependencies"])


def get_requires_for_build_wheel(config_settings=None) -> list[str]:
    return _setuptools.get_requires_for_build_wheel(config_settings) + _pipeline_requirements()
