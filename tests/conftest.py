"""Shared fixtures: the real graph (built once per session), the Flask app and client, a CLI runner and a live server."""

from __future__ import annotations

import threading
import time
import urllib.request
from pathlib import Path

import pytest

from pyoxigraph import RdfFormat, parse

from nckg.store import GraphStore, write_store
from realgraph import real_store_path
from server import create_app
from server.production import create_server

FIXTURES = Path(__file__).parent / "fixtures"
CU32_GRAPH = "https://w3id.org/nckg/graph/doi/10.1021/jacs.0c06577"
ONTOLOGY_GRAPH = "https://w3id.org/nckg/graph/ontology"
CU32_FORMULA = "[Cu32(PET)24H8Cl2](PPh4)2"  # as the title of ref. 39 prints it (section 2.1 garbles it), see data/papers/ref039


def build_test_store(directory: Path) -> Path:
    """A small private store (tests/fixtures/mini.trig) laid out like a build (`store` -> `store-<version>`),
    for tests that swap or damage their own store; everything else uses the real graph (`store_path`)."""
    version = write_store(directory / "store-fixture", parse(path=str(FIXTURES / "mini.trig"), format=RdfFormat.TRIG))
    (directory / "store").symlink_to(version.name)
    return directory / "store"


@pytest.fixture(scope="session")
def store_path() -> Path:
    """The real graph, built once per test session by the whole pipeline (see tests/realgraph.py)."""
    return real_store_path()


@pytest.fixture(scope="session")
def store(store_path) -> GraphStore:
    return GraphStore.open(store_path)


@pytest.fixture
def app(store_path):
    return create_app({"TESTING": True, "STORE_PATH": str(store_path)})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def live_server(store_path):
    """Base URL of a waitress server on a free 127.0.0.1 port, serving the test store; stopped at teardown."""
    server = create_server(host="127.0.0.1", port=0, store_path=store_path, threads=4)
    thread = threading.Thread(target=server.run, name="nckg-live-server", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}"
    deadline = time.monotonic() + 15
    while True:
        try:
            with urllib.request.urlopen(url + "/sparql?format=turtle", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    yield url
    server.close()
    server.task_dispatcher.shutdown(timeout=2)
    thread.join(timeout=5)
