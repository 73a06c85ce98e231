"""Shared fixtures: a small on-disk store, the Flask app and client, and a live waitress server."""

from __future__ import annotations

import threading
import time
import urllib.request
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, parse

from nckg.store import GraphStore, write_store
from server import create_app
from server.production import create_server

FIXTURES = Path(__file__).parent / "fixtures"
CU32_GRAPH = "https://w3id.org/nckg/graph/doi/10.1021/jacs.0c06577"
ONTOLOGY_GRAPH = "https://w3id.org/nckg/graph/ontology"
CU32_FORMULA = "[Cu32(PET)24H8Cl2](PPh4)2"


def build_test_store(directory: Path) -> Path:
    """The store every HTTP test queries, laid out like a build: `store` -> `store-<version>`.

    This is the one place to change to run the suite against the real graph (e.g. `nckg.build.build(directory /
    "store")`); the tests only rely on the Cu32 facts above, which the real graph holds too.
    """
    version = write_store(directory / "store-fixture", parse(path=str(FIXTURES / "mini.trig"), format=RdfFormat.TRIG))
    (directory / "store").symlink_to(version.name)
    return directory / "store"


@pytest.fixture(scope="session")
def store_path(tmp_path_factory) -> Path:
    return build_test_store(tmp_path_factory.mktemp("nckg-store"))


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
