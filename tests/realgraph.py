"""The real knowledge graph for the web front-end tests (test_ui, test_resources, test_browser).

Built once per test process from data/ + ontology/ into a temporary directory with `nckg.build.pipeline.build` (the whole
pipeline), so every test runs on the curated data, never on invented data. The pages' assertions name facts the review states (Table 2 potentials,
Cu32's formula, Cu26's Faradaic efficiency ...).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
import time
import urllib.request
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from nckg.build import pipeline as build

CU32 = "https://w3id.org/nckg/resource/cluster/cu32h8-cl_2-pet_24-2minus"
CU32_ID = "cluster/cu32h8-cl_2-pet_24-2minus"
CU26_ID = "cluster/cu26-4plus"  # [Cu26]4+, the dimer of Cu13·3PF6 (ref. 53): FE(NH3) 85.1 % at -0.85 V


@cache
def real_store_path() -> Path:
    """A store holding the real graph, built once per test process by the whole `nckg build` pipeline
    (checks, SHACL, HermiT) into a temporary directory, laid out like var/ (a `store` symlink to a version)."""
    directory = Path(tempfile.mkdtemp(prefix="nckg-test-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    target = directory / "store"
    build.build(target)
    return target


@contextmanager
def serving(store_path: Path):
    """A waitress server on a free 127.0.0.1 port serving `store_path`; yields its base URL; stopped on exit."""
    from server.production import create_server

    server = create_server(host="127.0.0.1", port=0, store_path=store_path, threads=4)
    thread = threading.Thread(target=server.run, name="nckg-web-test-server", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(url + "/sparql?format=turtle", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if time.monotonic() > deadline:
                server.close()
                raise
            time.sleep(0.05)
    try:
        yield url
    finally:
        server.close()
        server.task_dispatcher.shutdown(timeout=2)
        thread.join(timeout=5)
