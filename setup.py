"""The wheel carries the graph: besides the code, build_py puts into the `nckg` package, under nckg/_data/, what an
installation without a checkout reads at run time (see nckg.config and nckg.store.packaged):

* queries/*.rq (and queries/federation/) and ontology/ (Turtle modules, SSSOM mappings);
* nckg.nq.gz, the compiled dataset (every named graph, the inferred one included): the file named by
  $NCKG_WHEEL_DATASET (made by `nckg export --output nckg.nq.gz`), else built here by the whole pipeline
  (`nckg build` into a temporary store, then `nckg export`; needs Java for the HermiT reasoner, at build time only).

Editable installs (`pip install -e .`) skip this: a checkout reads its own folders and its built store.
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATASET = "nckg.nq.gz"
SKIP = shutil.ignore_patterns("expected", "*.md", "__pycache__")


def build_dataset(target: Path) -> None:
    """Run `nckg build` on this source tree into a temporary store and export it to `target` (gzip N-Quads)."""
    env = {key: value for key, value in os.environ.items() if key not in ("NCKG_STORE", "NCKG_SPARQL_URL")}
    env["NCKG_HOME"] = str(ROOT)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH", "")) if p)
    with tempfile.TemporaryDirectory(prefix="nckg-wheel-") as tmp:
        store = str(Path(tmp) / "store")
        for args in (["build", "--store", store], ["export", "--store", store, "--output", str(target)]):
            try:
                subprocess.run([sys.executable, "-m", "nckg", *args], env=env, check=True)
            except subprocess.CalledProcessError:
                raise SystemExit(
                    f"building the graph for the wheel failed at `nckg {args[0]}` (see above): it needs nckg's "
                    "dependencies (pip builds in isolation install them) and Java for the reasoner. Or pack a "
                    "dataset file: nckg export --output nckg.nq.gz; NCKG_WHEEL_DATASET=nckg.nq.gz pip wheel ."
                ) from None


class BuildPyWithGraph(build_py):
    """build_py plus the packaged queries, ontology and dataset (not for editable installs)."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "nckg" / "_data"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(ROOT / "queries", target / "queries", ignore=SKIP)
        shutil.copytree(ROOT / "ontology", target / "ontology", ignore=SKIP)
        given = os.environ.get("NCKG_WHEEL_DATASET")
        if not given:
            build_dataset(target / DATASET)
            return
        source = Path(given).expanduser()
        if not source.is_file():
            raise SystemExit(f"NCKG_WHEEL_DATASET={given}: no such file (nckg export --output nckg.nq.gz makes one)")
        data = source.read_bytes()
        (target / DATASET).write_bytes(data if source.suffix == ".gz" else gzip.compress(data, 9, mtime=0))


setup(cmdclass={"build_py": BuildPyWithGraph})
