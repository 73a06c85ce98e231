"""The catalogue on three engines: the embedded store, the Oxigraph server and Virtuoso open source, both started
here on 127.0.0.1 (tests/engines.py) and loaded with the real graph by nckg's upload. Every question's
expected-answer fixture passes on each, every question's default answer equals the embedded one, uploads work with
the Graph Store Protocol and SPARQL UPDATE at any batch size (blank nodes skolemised), the graph read back equals
the local one, and a failure injected mid-upload leaves the previous graphs answering, by either protocol."""

from __future__ import annotations

import engines
import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Store

from nckg.model import catalogue
from nckg.model import catalogue_fixtures
from nckg.store.graph import GraphStore
from nckg.store.remote import RemoteHandle, RemoteStore
from nckg.store.skolem import GENID, canonical
from nckg.store.upload import UploadError, batches, prepare, upload

ENGINES = ["oxigraph_server", "virtuoso"]
QUERIES = sorted(catalogue.load_catalogue())


@pytest.fixture(scope="module", params=ENGINES)
def loaded(request, store) -> tuple[engines.Engine, RemoteStore]:
    """An engine holding the real graph (Graph Store Protocol upload) and a RemoteStore reading it."""
    engine = request.getfixturevalue(request.param)
    upload(store, gsp_url=engine.gsp_url, query_url=engine.query_url)
    return engine, RemoteHandle(engine.query_url, version_ttl=0).get()


def test_upload_holds_every_graph_and_the_version(loaded, store):
    remote = loaded[1]
    assert remote.graph_counts() == store.graph_counts() == remote.marker_counts()
    assert remote.version == prepare(store)[1]


def test_round_trip_equals_the_local_graph_up_to_skolemisation(loaded, store):
    """Every quad read back graph by graph (skolem IRIs turned back into blank nodes) equals the local dataset
    once both are canonically labelled, under the engine's contract (engines.as_engine_stores: Virtuoso rounds
    decimals to 15 fractional digits); the store itself holds skolem IRIs and no blank node."""
    engine, remote = loaded
    local = [q for q in store.store if isinstance(q.graph_name, NamedNode)]
    assert canonical(remote.quads()) == canonical(engines.as_engine_stores(engine.name, local))
    nckg_graph = 'STRSTARTS(STR(?g), "https://w3id.org/nckg/")'
    in_nckg = f"ASK {{ GRAPH ?g {{ ?s ?p ?o }} FILTER ({nckg_graph} && "
    assert not bool(remote.query(in_nckg + "(isBlank(?s) || isBlank(?o))) }"))
    assert bool(remote.query(in_nckg + f'STRSTARTS(STR(?s), "{GENID}")) }}'))


@pytest.mark.parametrize("query_id", QUERIES)
def test_expected_answers(loaded, query_id):
    """queries/expected/<id>.yaml holds on the engine, with every parameter case."""
    assert catalogue_fixtures.check_expected(loaded[1], query_id) == []


@pytest.mark.parametrize("query_id", QUERIES)
def test_default_answer_equals_embedded(loaded, store, query_id):
    """The whole default answer (rows as a set, GROUP_CONCAT lists sorted) equals the embedded store's, with
    the same datatypes (booleans stay xsd:boolean, numbers keep their type), with no exception per engine."""
    assert engines.comparable_rows(catalogue.run(loaded[1], query_id)) == \
        engines.comparable_rows(catalogue.run(store, query_id))


@pytest.mark.parametrize("batch", [1000, 37])
def test_sparql_update_upload(loaded, store, batch):
    """SPARQL UPDATE batches of any size (blank nodes are skolemised, so no structure must travel whole): the
    real graph arrives whole, under the same content version as by the Graph Store Protocol."""
    engine = loaded[0]
    written = upload(store, update_url=engine.update_url, query_url=engine.query_url, version="by-update",
                     batch=batch)
    current = RemoteHandle(engine.query_url, version_ttl=0).get()
    assert written == store.graph_counts() == current.graph_counts() and current.version == "by-update"
    again = upload(store, gsp_url=engine.gsp_url, query_url=engine.query_url)  # back to the module's state
    assert RemoteHandle(engine.query_url, version_ttl=0).get().version == again.version == prepare(store)[1]


def test_sparql_update_batches_on_virtuoso(virtuoso):
    """Virtuoso takes nckg's INSERT DATA batches (1 000 triples; 5 000 exhaust its parser), blank nodes included
    (skolemised); a graph of 2 500 triples arrives whole and stale nckg graphs are dropped by the next upload."""
    from pyoxigraph import Literal

    graph = NamedNode("https://w3id.org/nckg/graph/test-batches")
    local = Store()
    for i in range(2000):
        local.add(Quad(NamedNode(f"https://w3id.org/nckg/resource/t{i}"), NamedNode("http://e/p"), Literal(i), graph))
    for i in range(250):
        node = BlankNode()
        local.add(Quad(NamedNode(f"https://w3id.org/nckg/resource/t{i}"), NamedNode("http://e/q"), node, graph))
        local.add(Quad(node, NamedNode("http://e/r"), Literal(f"v{i}"), graph))
    source = GraphStore(local, "batch-test")
    written = upload(source, update_url=virtuoso.update_url, query_url=virtuoso.query_url, version="batch-test")
    remote = RemoteStore(virtuoso.query_url)
    assert written == {graph.value: 2500} and remote.graph_counts()[graph.value] == 2500
    joined = list(remote.query("SELECT (COUNT(*) AS ?n) WHERE { ?s <http://e/q> ?b . ?b <http://e/r> ?v }"))
    assert int(joined[0]["n"].value) == 250  # each blank node's two triples meet at its skolem IRI
    upload(GraphStore(Store(), "empty"), update_url=virtuoso.update_url, query_url=virtuoso.query_url)
    assert graph.value not in RemoteStore(virtuoso.query_url).graph_counts()  # stale nckg graph dropped


@pytest.mark.parametrize("protocol", ["gsp", "update"])
@pytest.mark.parametrize("engine_name", ENGINES)
def test_failed_upload_restores_previous_graphs(engine_name, protocol, request, store, monkeypatch):
    """A failure injected in the middle of an upload (the 20th write request breaks) leaves the graphs and the
    version the store served before, by either protocol, and the error is one line."""
    from nckg.store import upload as upload_module

    engine = request.getfixturevalue(engine_name)
    first = upload(store, gsp_url=engine.gsp_url, query_url=engine.query_url)
    reader = RemoteHandle(engine.query_url, version_ttl=0)
    answer_before = engines.comparable_rows(catalogue.run(reader.get(), "co2rr-product-above-fe"))
    real_request, calls = upload_module.request, []

    def failing(method, url, *args, **kwargs):
        calls.append(method)
        if len(calls) == 20:
            raise upload_module.RemoteStoreError("injected failure")
        return real_request(method, url, *args, **kwargs)

    monkeypatch.setattr(upload_module, "request", failing)
    target = {"gsp_url": engine.gsp_url} if protocol == "gsp" else {"update_url": engine.update_url}
    with pytest.raises(UploadError) as failure:
        upload(store, **target, query_url=engine.query_url, version="never-served", batch=300)
    monkeypatch.setattr(upload_module, "request", real_request)
    assert "injected failure" in str(failure.value) and "\n" not in str(failure.value)
    current = reader.get()
    assert current.version == first.version
    assert current.graph_counts() == store.graph_counts()
    assert engines.comparable_rows(catalogue.run(current, "co2rr-product-above-fe")) == answer_before


def test_batches_refuse_blank_nodes():
    from pyoxigraph import Triple

    iri = [NamedNode(f"http://e/{i}") for i in range(3)]
    assert [len(b) for b in batches([Triple(iri[0], iri[1], iri[2])] * 5, 2)] == [2, 2, 1]
    with pytest.raises(TypeError):
        list(batches([Triple(iri[0], iri[1], BlankNode())], 2))


@pytest.fixture
def engine_client(loaded):
    from server import create_app

    return create_app({"TESTING": True, "SPARQL_URL": loaded[0].query_url, "CACHE_SIZE": 0,
                       "REMOTE_VERSION_TTL": 0}).test_client()


def test_counts_and_descriptions_cover_nckg_graphs_only(loaded, store, engine_client, client):
    """The service description, VoID and the landing page count nckg's graphs only (no engine system graph, no
    version marker graph) and answer 200 on every engine."""
    from pyoxigraph import RdfFormat, parse

    for path in ("/sparql", "/void", "/.well-known/void", "/"):
        response = engine_client.get(path, headers={"Accept": "text/turtle" if path != "/" else "text/html"})
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
    def named_graphs(c):
        triples = list(parse(c.get("/sparql", headers={"Accept": "application/n-triples"}).data,
                             format=RdfFormat.N_TRIPLES))
        return sorted(t.object.value for t in triples if t.predicate.value.endswith("#name"))
    assert named_graphs(engine_client) == named_graphs(client) == sorted(store.graph_counts())
    def void_numbers(c):
        triples = list(parse(c.get("/void", headers={"Accept": "application/n-triples"}).data,
                             format=RdfFormat.N_TRIPLES))
        return sorted((t.predicate.value, t.object.value) for t in triples
                      if t.subject.value == "https://w3id.org/nckg/dataset" and isinstance(t.object, Literal)
                      and t.predicate.value.startswith("http://rdfs.org/ns/void#"))
    assert void_numbers(engine_client) == void_numbers(client)
    assert engines.comparable_rows(loaded[1].run("page-counts")) == engines.comparable_rows(store.run("page-counts"))


@pytest.mark.parametrize("name", ["nckg.nq", "nckg.ttl"])
def test_dumps_hold_every_triple(loaded, store, engine_client, name):
    """/download reads graph by graph (no result-row limit truncates it) and holds nckg's graphs only."""
    from pyoxigraph import RdfFormat, parse

    response = engine_client.get(f"/download/{name}")
    assert response.status_code == 200
    fmt = RdfFormat.N_QUADS if name.endswith(".nq") else RdfFormat.TURTLE
    assert len(list(parse(response.data, format=fmt))) == sum(store.graph_counts().values())


def test_export_fails_loudly_when_a_count_disagrees_with_the_marker(loaded, store, monkeypatch):
    """A graph that holds fewer triples than the version marker says makes `nckg export` exit 1 with one line."""
    from click.testing import CliRunner

    from nckg.cli.main import main

    engine, remote = loaded
    monkeypatch.setenv("NCKG_SPARQL_URL", engine.query_url)
    ok = CliRunner().invoke(main, ["export", "--format", "ntriples"])
    assert ok.exit_code == 0 and len(ok.stdout_bytes.splitlines()) == sum(store.graph_counts().values())
    counts = remote.marker_counts()
    monkeypatch.setattr(RemoteStore, "marker_counts", lambda self: {**counts, min(counts): counts[min(counts)] + 1})
    bad = CliRunner().invoke(main, ["export", "--format", "nquads"])
    assert bad.exit_code == 1 and "version marker says" in bad.output and len(bad.output.strip().splitlines()) == 1


def test_blank_nodes_in_remote_answers(loaded, engine_client):
    """A blank node the engine returns (Virtuoso: `nodeID://b…`) is read, in table and graph answers."""
    engine, remote = loaded
    import urllib.request

    update = (b"INSERT { GRAPH <http://example.org/scratch> { <http://example.org/a> <http://example.org/p> "
              b"_:x . _:x <http://example.org/q> \"v\" } } WHERE {}")  # Virtuoso: no INSERT DATA with _:x
    urllib.request.urlopen(urllib.request.Request(engine.update_url, data=update, method="POST",
                                                  headers={"Content-Type": "application/sparql-update"}), timeout=30)
    rows = list(remote.query("SELECT ?o WHERE { GRAPH <http://example.org/scratch> { ?s ?p ?o . ?o ?q ?v } }"))
    assert len(rows) == 1 and isinstance(rows[0]["o"], BlankNode)
    triples = list(remote.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <http://example.org/scratch> { ?s ?p ?o } }"))
    assert len(triples) == 2
    query = "SELECT ?o WHERE { GRAPH <http://example.org/scratch> { ?s <http://example.org/p> ?o } }"
    assert engine_client.get("/sparql", query_string={"query": query, "format": "json"}).status_code == 200
    assert "http://example.org/scratch" not in remote.graph_counts()


def test_cluster_browser_keys_and_facets_equal_embedded(loaded, store, engine_client):
    """The cluster browser's search keys and facets (find-cluster.rq with an empty text) are the embedded store's
    on every engine, and /clusters answers 200."""
    from pyoxigraph import Literal as Text

    assert engines.comparable_rows(loaded[1].run("find-cluster", text=Text(""))) == \
        engines.comparable_rows(store.run("find-cluster", text=Text("")))
    assert engine_client.get("/clusters").status_code == 200
