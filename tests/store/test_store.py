"""nckg.store.graph: opening, querying, serializing and dumping the graph store."""

from __future__ import annotations

import io
import json

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse
from rdflib import Dataset, Graph, URIRef

from conftest import CU32_FORMULA, CU32_GRAPH, FIXTURES, ONTOLOGY_GRAPH, build_test_store
from nckg.store.graph import GraphStore, QueryError, UpdateRefused, current_version, query_text, write_store

pytestmark = pytest.mark.filterwarnings("ignore:.*(default_context|ConjunctiveGraph).*:DeprecationWarning")

FORMULAS = "SELECT ?f WHERE { ?c <https://w3id.org/nckg/ontology#formulaAsWritten> ?f }"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    """These unit tests count quads exactly, so they use the small fixture store, not the real graph."""
    return build_test_store(tmp_path_factory.mktemp("store-unit"))


@pytest.fixture(scope="module")
def store(store_path) -> GraphStore:
    return GraphStore.open(store_path)


def fixture_quads() -> list[Quad]:
    return list(parse(path=str(FIXTURES / "mini.trig"), format=RdfFormat.TRIG))


def formulas(store: GraphStore, sparql: str = FORMULAS, **kwargs) -> set[str]:
    data = json.loads(GraphStore.serialize(store.query(sparql, **kwargs), "application/sparql-results+json"))
    return {row["f"]["value"] for row in data["results"]["bindings"]}


def test_open_follows_symlink_and_reports_version(store, store_path):
    assert store_path.is_symlink()
    assert store.version == current_version(store_path) == "store-fixture"
    assert CU32_FORMULA in formulas(store)


def test_open_missing_store_raises(tmp_path):
    with pytest.raises(FileNotFoundError, match="nckg build"):
        GraphStore.open(tmp_path / "none")


def test_graph_counts(store):
    counts = store.graph_counts()
    assert set(counts) >= {CU32_GRAPH, ONTOLOGY_GRAPH}
    assert sum(counts.values()) == len(fixture_quads())


def test_in_memory_copy_and_from_quads_hold_the_same_dataset(store, store_path):
    copy = GraphStore.in_memory_copy(store_path)
    assert copy.version == store.version
    assert copy.graph_counts() == store.graph_counts() == GraphStore.from_quads(fixture_quads()).graph_counts()


def test_union_default_graph_and_explicit_dataset(store):
    assert CU32_FORMULA in formulas(store)
    assert formulas(store, default_graph_uris=[ONTOLOGY_GRAPH]) == set()
    assert formulas(store, default_graph_uris=[CU32_GRAPH]) == {CU32_FORMULA}
    assert formulas(store, named_graph_uris=[CU32_GRAPH]) == set()


def test_substitutions_bind_variables(store):
    result = store.query("SELECT ?cluster ?f WHERE { ?cluster <https://w3id.org/nckg/ontology#formulaAsWritten> ?f }",
                         substitutions={"cluster": NamedNode(
                             "https://w3id.org/nckg/resource/cluster/cu32h8-cl_2-pet_24-2minus")})
    data = json.loads(GraphStore.serialize(result, "application/json"))
    assert [row["f"]["value"] for row in data["results"]["bindings"]] == [CU32_FORMULA]


@pytest.mark.parametrize("update", ["INSERT DATA { <urn:a> <urn:b> <urn:c> }", "CLEAR ALL", "DROP GRAPH <urn:g>",
                                    "LOAD <http://example.org/data.ttl>", "CREATE GRAPH <urn:g>",
                                    "COPY <urn:a> TO <urn:b>", "MOVE DEFAULT TO <urn:b>", "ADD <urn:a> TO <urn:b>",
                                    "PREFIX : <urn:> DELETE { ?s :p ?o } WHERE { ?s :p ?o }",
                                    "WITH <urn:g> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }"])
def test_updates_are_classified_not_executed(store, update):
    before = store.graph_counts()
    with pytest.raises(UpdateRefused):
        store.query(update)
    assert store.graph_counts() == before


@pytest.mark.parametrize("text", ["SELECT ?x WHERE { ?x }", "# only a comment", "   ", "ASK {"])
def test_syntax_errors_are_query_errors_with_parser_message(store, text):
    with pytest.raises(QueryError) as caught:
        store.query(text)
    assert not isinstance(caught.value, UpdateRefused)
    assert "error at" in str(caught.value)


def test_service_refused_but_the_word_in_a_literal_is_fine(store):
    with pytest.raises(QueryError, match="SERVICE"):
        store.query("SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }")
    assert bool(store.query('ASK { FILTER("SERVICE FROM" != "") }'))


def test_serialize_rejects_unsupported_media_type(store):
    with pytest.raises(ValueError, match="text/csv"):
        GraphStore.serialize(store.query("CONSTRUCT WHERE { ?s ?p ?o }"), "text/csv")


def test_dump_whole_dataset(store):
    dataset = Dataset()
    dataset.parse(data=store.dump(), format="nquads")
    assert CU32_FORMULA in {str(o) for o in dataset.graph(URIRef(CU32_GRAPH)).objects()}
    trig = Dataset().parse(data=store.dump(RdfFormat.TRIG), format="trig")
    assert len(list(trig.quads())) == len(fixture_quads())
    with pytest.raises(ValueError, match="named graphs"):
        store.dump(RdfFormat.TURTLE)


def test_dump_to_file_and_path(store, tmp_path):
    buffer = io.BytesIO()
    store.dump_to(buffer, RdfFormat.N_QUADS)
    store.dump_to(tmp_path / "all.trig", RdfFormat.TRIG)
    assert len(buffer.getvalue().splitlines()) == len(fixture_quads())
    assert len(list(Dataset().parse(tmp_path / "all.trig", format="trig").quads())) == len(fixture_quads())


def test_write_store_refuses_non_empty_directory(tmp_path):
    quad = Quad(NamedNode("urn:s"), NamedNode("urn:p"), Literal("o"), NamedNode("urn:g"))
    path = write_store(tmp_path / "s1", [quad])
    assert GraphStore.open(path).graph_counts() == {"urn:g": 1}
    with pytest.raises(FileExistsError):
        write_store(path, [quad])


def test_stored_queries_parse(store):
    for name in ("graph_counts", "service_description"):
        assert query_text(name).strip()
    description = Graph().parse(data=GraphStore.serialize(store.service_description("http://example.org/sparql"),
                                                          "text/turtle"), format="turtle")
    assert (URIRef("http://example.org/sparql"), None, None) in description
