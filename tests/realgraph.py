"""The real knowledge graph for the web front-end tests (test_ui, test_resources, test_browser).

Built once per test process from data/ + ontology/ into a temporary directory with `nckg.build.build` (the whole
pipeline). While the build's SHACL/reasoning step cannot be imported yet, the same validated sources are compiled
without it (`nckg.build.load_sources` + `compile_all` + the ontology), so the pages are always tested on the
curated data, never on invented data. The pages' assertions name facts the review states (Table 2 potentials,
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

from nckg import build

CU32 = "https://w3id.org/nckg/resource/cluster/cu32h8-cl_2-pet_24-2minus"
CU32_ID = "cluster/cu32h8-cl_2-pet_24-2minus"
CU26_ID = "cluster/cu26-4plus"  # [Cu26]4+, the dimer of Cu13·3PF6 (ref. 53): FE(NH3) 85.1 % at -0.85 V


@cache
def real_store_path() -> Path:
    """A store holding the real graph, laid out like `nckg build` (a `store` symlink to a version directory)."""
    directory = Path(tempfile.mkdtemp(prefix="nckg-web-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    target = directory / "store"
    try:
        build.build(target)
    except ImportError:  # the SHACL / reasoning modules are not importable yet: compile the sources without them
        from nckg.compile import compile_all
        from nckg.store import write_store
        from nckg.vocabulary import load_vocabulary

        registry = build.load_sources()
        version = write_store(directory / "store-compiled", build.ontology_quads() + compile_all(registry, load_vocabulary()))
        target.symlink_to(version.name)
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
