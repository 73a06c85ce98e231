"""Shared fixtures: the real graph (built once per session), the Flask app and client, a CLI runner and a live server."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyoxigraph import RdfFormat, parse

from nckg.store.graph import GraphStore, write_store
from realgraph import real_store_path, serving
from server import create_app

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
    with serving(store_path) as url:
        yield url


def _engine(name: str):
    import engines

    try:
        engine = engines.start(name)
    except FileNotFoundError as error:
        pytest.skip(str(error))
    try:
        yield engine
    finally:
        engine.stop()


@pytest.fixture(scope="session")
def virtuoso():
    """Virtuoso open source on free 127.0.0.1 ports with a private database (tests/engines.py); stopped at teardown."""
    yield from _engine("virtuoso")


@pytest.fixture(scope="session")
def oxigraph_server():
    """`oxigraph serve --union-default-graph` on a free 127.0.0.1 port (tests/engines.py); stopped at teardown."""
    yield from _engine("oxigraph")
