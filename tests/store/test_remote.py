"""The remote backend: the real built graph uploaded to a real `oxigraph serve`, then queried
through nckg.store.remote.RemoteStore and through the Flask app configured with SPARQL_URL, compared with the embedded
store's answers. The oxigraph server is started and stopped here (PyPI package `oxigraph`, in the venv)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, parse

from nckg.model import catalogue
from nckg.store.backend import handle_version, open_handle
from nckg.store.remote import (
    BUILD_GRAPH,
    RemoteHandle,
    RemoteStore,
    inline_substitutions,
)
from nckg.store.upload import prepare, upload
from nckg.store.graph import GraphStore, QueryError, UpdateRefused
from server import create_app

import engines
from engines import free_port as _free_port

CU32 = "https://w3id.org/nckg/resource/cluster/cu32h8-cl_2-pet_24-2minus"
COUNT_CLUSTERS = ("PREFIX nckg: <https://w3id.org/nckg/ontology#> "
                  "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a nckg:CopperNanocluster }")


@pytest.fixture(scope="module")
def oxigraph_url():
    """Base URL of an `oxigraph serve --union-default-graph` on a free port (tests/engines.py; stopped at teardown)."""
    try:
        engine = engines.start_oxigraph()
    except FileNotFoundError as error:
        pytest.skip(str(error))
    try:
        yield engine.query_url.removesuffix("/query")
    finally:
        engine.stop()


@pytest.fixture(scope="module")
def uploaded(oxigraph_url, store):
    """The real graph uploaded with the Graph Store Protocol; returns what upload() wrote per graph."""
    return upload(store, gsp_url=oxigraph_url + "/store", query_url=oxigraph_url + "/query")


@pytest.fixture(scope="module")
def remote(oxigraph_url, uploaded) -> RemoteStore:
    return RemoteHandle(oxigraph_url + "/query", version_ttl=0).get()


@pytest.fixture
def remote_client(oxigraph_url, uploaded):
    return create_app({"TESTING": True, "SPARQL_URL": oxigraph_url + "/query", "CACHE_SIZE": 0}).test_client()


_rows = engines.comparable_rows


def test_upload_copies_every_graph(uploaded, remote, store):
    counts = store.graph_counts()
    assert uploaded == counts
    assert remote.graph_counts() == counts
    # the upload wrote the content version (hash of the skolemised dataset) into the marker graph
    assert remote.version == uploaded.version == prepare(store)[1] and remote.version.startswith("sha256-")
    assert BUILD_GRAPH not in remote.graph_counts()


@pytest.mark.parametrize("query_id", sorted(catalogue.load_catalogue()))
def test_catalogue_queries_answer_as_embedded(remote, store, query_id):
    """Every catalogue query (default parameters, substitutions as a VALUES block) gives the embedded rows."""
    expected = _rows(catalogue.run(store, query_id))
    assert _rows(catalogue.run(remote, query_id)) == expected


@pytest.mark.parametrize(("query_id", "params"), [
    ("measurements-of-cluster", {"cluster": "cu26-4plus"}),
    ("clusters-by-nuclearity", {"min_cu": "30", "max_cu": "60"}),
    ("claims-of-paper", {"paper": "10.1021/jacs.0c06577"}),
])
def test_substitution_with_parameters(remote, store, query_id, params):
    """User parameters (validated, typed) reach the remote store as a VALUES block and give the embedded rows."""
    expected = _rows(catalogue.run(store, query_id, params))
    assert expected and _rows(catalogue.run(remote, query_id, params)) == expected


def test_substituted_literal_cannot_break_out(remote, store):
    hostile = Literal('x" } } ; DROP ALL ; # \n SELECT * { "')
    text = "SELECT ?v WHERE { }"
    assert [r["v"] for r in remote.query(text, substitutions={"v": hostile})] == [hostile]
    assert [r["v"] for r in store.query(text, substitutions={"v": hostile})] == [hostile]
    assert remote.graph_counts() == store.graph_counts()  # nothing was dropped


def test_inline_substitutions_bind_at_the_start_of_the_where_group():
    text = 'PREFIX ex: <http://e/#WHERE{> # WHERE {\nCONSTRUCT { ?s ?p "WHERE {" } WHERE { ?s ?p ?o }'
    out = inline_substitutions(text, {"s": NamedNode("http://e/a")})
    assert out.endswith('WHERE { BIND(<http://e/a> AS ?s)\n ?s ?p ?o }')
    decimal = Literal("2.5", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))
    assert 'BIND(STRDT("2.5", <http://www.w3.org/2001/XMLSchema#decimal>) AS ?x) BIND("a\\"b" AS ?y)' in \
        inline_substitutions("SELECT * WHERE {}", {"x": decimal, "y": Literal('a"b')})
    with pytest.raises(QueryError):
        inline_substitutions("SELECT * WHERE {}", {"x y": NamedNode("http://e/a")})
    with pytest.raises(QueryError):
        inline_substitutions("SELECT * WHERE {}", {"x": BlankNode()})
    assert inline_substitutions("DESCRIBE ?r", {"r": NamedNode("http://e/a")}).rstrip().endswith(
        "WHERE { BIND(<http://e/a> AS ?r) }")


def test_result_kinds_and_errors(remote, store):
    assert bool(remote.query("ASK { ?s ?p ?o }")) is True
    construct = f"CONSTRUCT {{ <{CU32}> ?p ?o }} WHERE {{ <{CU32}> ?p ?o }}"
    assert len(list(remote.query(construct))) == len(list(store.query(construct))) > 5
    body = GraphStore.serialize(remote.query(construct), "text/turtle")
    assert len(list(parse(body, format=RdfFormat.TURTLE))) > 5
    with pytest.raises(UpdateRefused):
        remote.query("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }")
    with pytest.raises(QueryError):
        remote.query("SELECT * WHERE {")
    assert remote.graph_counts() == store.graph_counts()


def test_dump_holds_every_quad(remote, store):
    assert len(list(parse(remote.dump(), format=RdfFormat.N_QUADS))) == sum(store.graph_counts().values())


def test_backend_selection(oxigraph_url, uploaded, store_path):
    assert isinstance(open_handle(store_path, environ={"NCKG_SPARQL_URL": oxigraph_url + "/query"}), RemoteHandle)
    local = open_handle(store_path, environ={})
    assert not isinstance(local, RemoteHandle) and handle_version(local) == Path(store_path).resolve().name


def test_app_catalogue_results_match_embedded(remote_client, client):
    remote_json = remote_client.get("/queries/table1/results?format=json")
    local_json = client.get("/queries/table1/results?format=json")
    assert remote_json.status_code == local_json.status_code == 200
    remote_data, local_data = json.loads(remote_json.data), json.loads(local_json.data)
    assert remote_data["head"] == local_data["head"]
    assert len(remote_data["results"]["bindings"]) > 10
    def rows(data):  # GROUP_CONCAT item order is store-specific (see _cell)
        return sorted(json.dumps({var: {**term, "value": ", ".join(sorted(term["value"].split(", ")))}
                                  for var, term in binding.items()}, sort_keys=True)
                      for binding in data["results"]["bindings"])
    assert rows(remote_data) == rows(local_data)


def test_app_sparql_endpoint_uses_remote(remote_client, client):
    for c in (remote_client, client):
        response = c.get("/sparql", query_string={"query": COUNT_CLUSTERS, "format": "json"})
        assert response.status_code == 200
    remote_n = json.loads(remote_client.get("/sparql", query_string={"query": COUNT_CLUSTERS, "format": "json"})
                          .data)["results"]["bindings"][0]["n"]["value"]
    local_n = json.loads(response.data)["results"]["bindings"][0]["n"]["value"]
    assert int(remote_n) == int(local_n) > 20
    assert remote_client.get("/sparql", query_string={"query": "SELECT * WHERE {"}).status_code == 400
    assert remote_client.post("/sparql", data="INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
                              content_type="application/sparql-query").status_code == 403
    turtle = remote_client.get("/sparql", query_string={"query": f"DESCRIBE <{CU32}>", "format": "turtle"})
    assert turtle.status_code == 200 and turtle.mimetype == "text/turtle"


def test_app_pages_render_from_remote(remote_client):
    page = remote_client.get("/resource/cluster/cu32h8-cl_2-pet_24-2minus", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert b"Cu32" in page.data


def test_unreachable_remote_answers_503(store_path):
    app = create_app({"TESTING": True, "SPARQL_URL": f"http://127.0.0.1:{_free_port()}/query", "CACHE_SIZE": 0,
                      "QUERY_TIMEOUT": 2})
    assert app.test_client().get("/sparql", query_string={"query": COUNT_CLUSTERS}).status_code == 503


def test_cli_build_target_uploads_and_versions(oxigraph_url, uploaded, store, store_path, monkeypatch):
    """`nckg build --target URL` uploads after the local build (the build itself is stubbed to the session's); the
    version is the content hash, so re-uploading the unchanged build writes nothing and keeps the version."""
    from nckg.build import pipeline as build_module
    from nckg.build.pipeline import BuildReport
    from nckg.cli.main import main

    handle = RemoteHandle(oxigraph_url + "/query", version_ttl=0)
    upload(store, gsp_url=oxigraph_url + "/store", version="second-upload")  # a new version is seen at once
    assert handle.get().version == "second-upload"
    report = BuildReport(Path(store_path), store.graph_counts(), {"clusters": 1}, 1, 0.1, {})
    monkeypatch.setattr(build_module, "build", lambda target=None, beside=None: report)
    monkeypatch.setenv("NCKG_SPARQL_URL", oxigraph_url + "/query")
    result = CliRunner().invoke(main, ["build", "--target", oxigraph_url + "/store"])
    assert result.exit_code == 0, result.output
    assert f"uploaded {sum(store.graph_counts().values())} triples" in result.output
    assert handle.get().graph_counts() == store.graph_counts() and handle.get().version == uploaded.version
    again = CliRunner().invoke(main, ["build", "--target", oxigraph_url + "/store"])
    assert again.exit_code == 0 and "nothing uploaded" in again.output, again.output
    assert handle.get().version == uploaded.version


def test_cli_query_reads_the_remote_store(oxigraph_url, uploaded, store, monkeypatch):
    from nckg.cli.main import main

    monkeypatch.setenv("NCKG_SPARQL_URL", oxigraph_url + "/query")
    result = CliRunner().invoke(main, ["query", COUNT_CLUSTERS, "--format", "csv"])
    assert result.exit_code == 0, result.output
    expected = GraphStore.serialize(store.query(COUNT_CLUSTERS), "text/csv").decode()
    assert result.output.replace("\r\n", "\n") == expected.replace("\r\n", "\n")


def test_storage_strategy_auto_follows_the_memory_budget(tmp_path):
    from nckg.store.backend import IN_MEMORY_FACTOR, resolve_in_memory

    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "data.sst").write_bytes(b"x" * 1000)
    need = 1000 * IN_MEMORY_FACTOR * 3
    assert resolve_in_memory("auto", tmp_path / "store", copies=3, available=int(need * 2)) is True
    assert resolve_in_memory("auto", tmp_path / "store", copies=3, available=int(need * 2) - 10) is False
    assert resolve_in_memory("auto", tmp_path / "missing", copies=3, available=10**12) is False
    assert resolve_in_memory(True, tmp_path / "store", copies=3, available=0) is True
    assert resolve_in_memory("false", tmp_path / "store", copies=3, available=10**12) is False


def test_remote_store_knows_the_predeclared_prefixes(remote, store):
    query = "SELECT ?label WHERE { ?c a nckg:CopperNanocluster ; rdfs:label ?label } ORDER BY ?label"
    assert _rows(remote.query(query)) == _rows(store.query(query)) != []
    own = "PREFIX rdfs: <http://example.org/not-rdfs#> SELECT ?c WHERE { ?c rdfs:label ?l } LIMIT 1"
    assert _rows(remote.query(own)) == []  # the query's own declaration wins
    with pytest.raises(QueryError) as caught:
        remote.query("SELECT * WHERE {\n  ?s foo:bar ?o }")
    assert caught.value.message.startswith("unknown prefix 'foo:' at line 2, column 6 — declare it")
    assert caught.value.detail
