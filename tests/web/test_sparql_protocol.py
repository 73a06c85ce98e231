"""The /sparql endpoint: query operation, dataset selection, content negotiation, errors, service description, CORS."""

from __future__ import annotations

import csv
import io
import json
import os
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from pyoxigraph import Literal, NamedNode, Quad
from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import RDF

from conftest import CU32_FORMULA, CU32_GRAPH, ONTOLOGY_GRAPH, build_test_store
from nckg.store.graph import write_store
from server import create_app

pytestmark = pytest.mark.filterwarnings("ignore:.*(default_context|ConjunctiveGraph).*:DeprecationWarning")

NCKG = Namespace("https://w3id.org/nckg/ontology#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
RES = "{http://www.w3.org/2005/sparql-results#}"
PREFIXES = "PREFIX nckg: <https://w3id.org/nckg/ontology#> PREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
SELECT_CU32 = PREFIXES + "SELECT ?cluster ?formula WHERE { ?cluster nckg:formulaAsWritten ?formula ; " \
                         "nckg:copperAtomCount 32 } ORDER BY ?formula"
CONSTRUCT_CU32 = PREFIXES + "CONSTRUCT { ?c nckg:formulaAsWritten ?f } WHERE { ?c nckg:formulaAsWritten ?f }"
FORMULAS = PREFIXES + "SELECT ?f WHERE { ?c nckg:formulaAsWritten ?f }"
CLASSES = PREFIXES + "SELECT ?class WHERE { ?class a owl:Class }"


def bindings(response, var: str) -> set[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/sparql-results+json"
    return {row[var]["value"] for row in json.loads(response.data)["results"]["bindings"] if var in row}


def graph_of(response, rdflib_format: str) -> Graph:
    assert response.status_code == 200, response.get_data(as_text=True)
    return Dataset().parse(data=response.data, format=rdflib_format) if rdflib_format in ("nquads", "trig") \
        else Graph().parse(data=response.data, format=rdflib_format)


# --- the three ways to send a query -----------------------------------------------------------------------------

def test_get_select_json_holds_cu32_formula(client):
    response = client.get("/sparql", query_string={"query": SELECT_CU32})
    assert CU32_FORMULA in bindings(response, "formula")
    assert response.headers["Vary"] == "Accept"


def test_post_form(client):
    response = client.post("/sparql", data={"query": SELECT_CU32})
    assert CU32_FORMULA in bindings(response, "formula")


def test_post_direct(client):
    response = client.post("/sparql", data=SELECT_CU32.encode(), content_type="application/sparql-query")
    assert CU32_FORMULA in bindings(response, "formula")


def test_post_direct_with_utf8_charset_and_non_ascii_literal(client):
    query = PREFIXES + 'ASK { FILTER("μ₃-H" = "μ₃-H") }'
    response = client.post("/sparql", data=query.encode(), content_type="application/sparql-query; charset=UTF-8",
                           headers={"Accept": "application/sparql-results+json"})
    assert json.loads(response.data)["boolean"] is True


# --- content negotiation -----------------------------------------------------------------------------------------

def test_select_xml(client):
    response = client.get("/sparql", query_string={"query": SELECT_CU32},
                          headers={"Accept": "application/sparql-results+xml"})
    assert response.mimetype == "application/sparql-results+xml"
    root = ET.fromstring(response.data)
    assert [v.get("name") for v in root.iter(RES + "variable")] == ["cluster", "formula"]
    assert CU32_FORMULA in {lit.text for lit in root.iter(RES + "literal")}


def test_select_csv_header_and_row(client):
    response = client.get("/sparql", query_string={"query": SELECT_CU32}, headers={"Accept": "text/csv"})
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["cluster", "formula"]
    assert ["https://w3id.org/nckg/resource/cluster/cu32h8-cl_2-pet_24-2minus", CU32_FORMULA] in rows[1:]


def test_select_tsv(client):
    response = client.get("/sparql", query_string={"query": SELECT_CU32},
                          headers={"Accept": "text/tab-separated-values"})
    assert response.mimetype == "text/tab-separated-values"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True)), delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows[0] == ["?cluster", "?formula"]
    assert f'"{CU32_FORMULA}"' in [row[1] for row in rows[1:]]


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/json", "*/*", None])
def test_json_is_default_and_application_json_is_an_alias(client, accept):
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", query_string={"query": SELECT_CU32}, headers=headers)
    assert CU32_FORMULA in bindings(response, "formula")


@pytest.mark.parametrize("accept,boolean", [("application/sparql-results+json", "json"),
                                            ("application/sparql-results+xml", "xml")])
def test_ask(client, accept, boolean):
    response = client.get("/sparql", query_string={"query": PREFIXES + f'ASK {{ ?c nckg:formulaAsWritten "{CU32_FORMULA}" }}'},
                          headers={"Accept": accept})
    assert response.mimetype == accept
    if boolean == "json":
        assert json.loads(response.data) == {"head": {}, "boolean": True}
    else:
        assert ET.fromstring(response.data).find(RES + "boolean").text == "true"


@pytest.mark.parametrize("accept,rdflib_format", [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/rdf+xml", "xml"),
    ("application/ld+json", "json-ld"), ("application/n-quads", "nquads"), ("application/trig", "trig"),
    ("text/n3", "n3")])
def test_construct_in_every_rdf_format(client, accept, rdflib_format):
    response = client.get("/sparql", query_string={"query": CONSTRUCT_CU32}, headers={"Accept": accept})
    assert response.mimetype == accept
    graph = graph_of(response, rdflib_format)
    assert (None, NCKG.formulaAsWritten, RdfLiteral(CU32_FORMULA)) in graph


def test_construct_defaults_to_turtle(client):
    response = client.get("/sparql", query_string={"query": CONSTRUCT_CU32})
    assert response.content_type == "text/turtle; charset=utf-8"
    assert (None, NCKG.formulaAsWritten, RdfLiteral(CU32_FORMULA)) in graph_of(response, "turtle")


def test_describe_cluster(client):
    cluster = "https://w3id.org/nckg/resource/cluster/cu32h8-cl_2-pet_24-2minus"
    response = client.get("/sparql", query_string={"query": f"DESCRIBE <{cluster}>"},
                          headers={"Accept": "application/n-triples"})
    graph = graph_of(response, "nt")
    assert graph.value(URIRef(cluster), NCKG.formulaAsWritten) == RdfLiteral(CU32_FORMULA)
    assert (URIRef(cluster), RDF.type, NCKG.CopperNanocluster) in graph


@pytest.mark.parametrize("query,fmt,media_type", [
    (SELECT_CU32, "csv", "text/csv"), (SELECT_CU32, "tsv", "text/tab-separated-values"),
    (SELECT_CU32, "xml", "application/sparql-results+xml"), (SELECT_CU32, "json", "application/sparql-results+json"),
    (CONSTRUCT_CU32, "json", "application/ld+json"), (CONSTRUCT_CU32, "jsonld", "application/ld+json"),
    (CONSTRUCT_CU32, "xml", "application/rdf+xml"), (CONSTRUCT_CU32, "rdfxml", "application/rdf+xml"),
    (CONSTRUCT_CU32, "ntriples", "application/n-triples"), (CONSTRUCT_CU32, "turtle", "text/turtle"),
    (CONSTRUCT_CU32, "nquads", "application/n-quads"), (CONSTRUCT_CU32, "trig", "application/trig"),
    (CONSTRUCT_CU32, "application/rdf+xml", "application/rdf+xml")])
def test_format_parameter_overrides_accept(client, query, fmt, media_type):
    response = client.get("/sparql", query_string={"query": query, "format": fmt}, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.mimetype == media_type
    if media_type in ("text/csv", "text/tab-separated-values", "application/sparql-results+json",
                      "application/sparql-results+xml"):
        assert CU32_FORMULA in response.get_data(as_text=True)
    else:
        rdflib_format = {"application/ld+json": "json-ld", "application/rdf+xml": "xml", "text/turtle": "turtle",
                         "application/n-triples": "nt", "application/n-quads": "nquads",
                         "application/trig": "trig"}[media_type]
        assert (None, NCKG.formulaAsWritten, RdfLiteral(CU32_FORMULA)) in graph_of(response, rdflib_format)


def test_format_in_post_form(client):
    response = client.post("/sparql", data={"query": SELECT_CU32, "format": "csv"})
    assert next(csv.reader(io.StringIO(response.get_data(as_text=True)))) == ["cluster", "formula"]


@pytest.mark.parametrize("query,params,headers", [
    (SELECT_CU32, {}, {"Accept": "image/png"}),
    (SELECT_CU32, {}, {"Accept": "text/turtle"}),
    (CONSTRUCT_CU32, {}, {"Accept": "text/csv"}),
    (CONSTRUCT_CU32, {"format": "csv"}, {}),
    (SELECT_CU32, {"format": "pdf"}, {})])
def test_not_acceptable_406(client, query, params, headers):
    response = client.get("/sparql", query_string={"query": query, **params}, headers=headers)
    assert response.status_code == 406
    assert response.mimetype == "text/plain"
    assert "Available:" in response.get_data(as_text=True)


def test_quality_values_are_honoured(client):
    response = client.get("/sparql", query_string={"query": SELECT_CU32},
                          headers={"Accept": "application/sparql-results+json;q=0.5, text/csv"})
    assert response.mimetype == "text/csv"


# --- dataset selection -------------------------------------------------------------------------------------------

def test_default_graph_is_union_of_named_graphs(client):
    assert CU32_FORMULA in bindings(client.get("/sparql", query_string={"query": FORMULAS}), "f")
    classes = bindings(client.get("/sparql", query_string={"query": CLASSES}), "class")
    assert str(NCKG.CopperNanocluster) in classes


def test_default_graph_uri_selects_the_default_graph(client):
    in_ontology = client.get("/sparql", query_string={"query": FORMULAS, "default-graph-uri": ONTOLOGY_GRAPH})
    assert bindings(in_ontology, "f") == set()
    in_paper = client.get("/sparql", query_string={"query": FORMULAS, "default-graph-uri": CU32_GRAPH})
    assert bindings(in_paper, "f") == {CU32_FORMULA}


def test_two_default_graph_uris_are_merged(client):
    query = PREFIXES + "SELECT ?f ?class WHERE { ?c nckg:formulaAsWritten ?f . ?class a owl:Class }"
    response = client.get("/sparql", query_string=[("query", query), ("default-graph-uri", CU32_GRAPH),
                                                   ("default-graph-uri", ONTOLOGY_GRAPH)])
    assert bindings(response, "f") == {CU32_FORMULA}
    assert str(NCKG.CopperNanocluster) in bindings(response, "class")


def test_named_graph_uri_restricts_graph_patterns(client):
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert {CU32_GRAPH, ONTOLOGY_GRAPH} <= bindings(client.get("/sparql", query_string={"query": query}), "g")
    response = client.post("/sparql", data={"query": query, "named-graph-uri": CU32_GRAPH})
    assert bindings(response, "g") == {CU32_GRAPH}
    # with only named graphs given, the default graph is empty
    response = client.post("/sparql", data={"query": FORMULAS, "named-graph-uri": CU32_GRAPH})
    assert bindings(response, "f") == set()


def test_from_clause_is_respected_and_protocol_dataset_overrides_it(client):
    query = PREFIXES + f"SELECT ?f FROM <{ONTOLOGY_GRAPH}> WHERE {{ ?c nckg:formulaAsWritten ?f }}"
    assert bindings(client.get("/sparql", query_string={"query": query}), "f") == set()
    response = client.get("/sparql", query_string={"query": query, "default-graph-uri": CU32_GRAPH})
    assert bindings(response, "f") == {CU32_FORMULA}


def test_from_inside_strings_and_names_keeps_the_union(client):
    query = PREFIXES + 'SELECT ?f ?from WHERE { ?c nckg:formulaAsWritten ?f BIND("FROM <x>" AS ?from) } # FROM <y>'
    assert CU32_FORMULA in bindings(client.get("/sparql", query_string={"query": query}), "f")


def test_graph_counts_match_graph_patterns(client, store):
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    rows = json.loads(client.get("/sparql", query_string={"query": query}).data)["results"]["bindings"]
    assert {r["g"]["value"]: int(r["n"]["value"]) for r in rows} == store.graph_counts()


def test_relative_iris_resolve_against_the_endpoint(client):
    response = client.get("/sparql", query_string={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"},
                          headers={"Accept": "application/n-triples"})
    assert (URIRef("http://localhost/s"), URIRef("http://localhost/p"), RdfLiteral(1)) in graph_of(response, "nt")


# --- errors ------------------------------------------------------------------------------------------------------

def error_text(response, status: int) -> str:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "text/plain"
    return response.get_data(as_text=True)


def test_syntax_error_400_is_one_short_line_with_the_parser_message_on_request(client):
    query = {"query": "SELECT ?x WHERE { ?x ?y }"}
    text = error_text(client.get("/sparql", query_string=query), 400)
    assert text.startswith("400 Bad Request: syntax error at line 1, column ") and text.count("\n") == 1
    verbose = error_text(client.get("/sparql", query_string={**query, "verbose": "1"}), 400)
    assert verbose.startswith(text) and "Parser message: error at 1:" in verbose


@pytest.mark.parametrize("request_args", [
    {"method": "POST", "data": {"default-graph-uri": CU32_GRAPH}},
    {"method": "GET", "query_string": {"default-graph-uri": CU32_GRAPH}},
    {"method": "POST", "data": b" \n", "content_type": "application/sparql-query"}])
def test_missing_query_400(client, request_args):
    assert "Missing 'query'" in error_text(client.open("/sparql", **request_args), 400)


def test_two_queries_400(client):
    response = client.post("/sparql?query=ASK%7B%7D", data={"query": "ASK {}"})
    assert "More than one" in error_text(response, 400)


@pytest.mark.parametrize("content_type", ["text/plain", "application/json", "application/sparql-results+json"])
def test_wrong_post_content_type_415(client, content_type):
    response = client.post("/sparql", data=b"ASK {}", content_type=content_type)
    assert content_type in error_text(response, 415)


@pytest.mark.parametrize("request_args", [
    {"method": "GET", "query_string": {"update": "CLEAR ALL"}},
    {"method": "POST", "data": {"update": "DROP GRAPH <https://w3id.org/nckg/graph/ontology>"}},
    {"method": "GET", "query_string": {"query": 'INSERT DATA { <urn:a> <urn:b> "c" }'}},
    {"method": "POST", "data": {"query": "PREFIX x: <urn:x:> DELETE WHERE { ?s ?p ?o }"}},
    {"method": "POST", "data": b"LOAD <http://example.org/x>", "content_type": "application/sparql-query"},
    {"method": "POST", "data": b"CLEAR ALL", "content_type": "application/sparql-update"}])
def test_updates_are_refused_403(client, store, request_args):
    before = store.graph_counts()
    response = client.open("/sparql", **request_args)
    assert "read-only" in error_text(response, 403)
    assert store.graph_counts() == before


def test_service_is_refused(client):
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
    assert "SERVICE" in error_text(client.get("/sparql", query_string={"query": query}), 400)


def test_invalid_graph_iri_400(client):
    response = client.get("/sparql", query_string={"query": FORMULAS, "default-graph-uri": "not an iri"})
    assert "invalid graph IRI" in error_text(response, 400)


def test_oversized_body_413(client):
    response = client.post("/sparql", data=b"ASK {}" + b" " * (1024 * 1024), content_type="application/sparql-query")
    assert response.status_code == 413


def test_put_405(client):
    assert client.put("/sparql", query_string={"query": "ASK {}"}).status_code == 405


def test_missing_store_503(tmp_path):
    client = create_app({"TESTING": True, "STORE_PATH": str(tmp_path / "nowhere")}).test_client()
    assert "not available" in error_text(client.get("/sparql", query_string={"query": "ASK {}"}), 503)


# --- service description ------------------------------------------------------------------------------------------

def test_service_description_turtle(client, store):
    response = client.get("/sparql")
    assert response.content_type == "text/turtle; charset=utf-8"
    graph = graph_of(response, "turtle")
    service = URIRef("http://localhost/sparql")
    assert (service, RDF.type, SD.Service) in graph
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    formats = {str(f).rsplit("/", 1)[1] for f in graph.objects(service, SD.resultFormat)}
    assert {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle",
            "N-Triples", "RDF_XML", "JSON-LD", "N-Quads", "TriG"} <= formats
    dataset = graph.value(service, SD.defaultDataset)
    named = {str(graph.value(entry, SD.name)): int(graph.value(graph.value(entry, SD.graph), VOID.triples))
             for entry in graph.objects(dataset, SD.namedGraph)}
    assert named == store.graph_counts()
    assert graph.value(dataset, SD.defaultGraph) is not None


def test_service_description_json_ld(client):
    graph = graph_of(client.get("/sparql", headers={"Accept": "application/ld+json"}), "json-ld")
    assert (URIRef("http://localhost/sparql"), RDF.type, SD.Service) in graph


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.cells = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        if self.lasttag in ("code", "td"):
            self.cells.append(data.strip())


@pytest.mark.parametrize("request_args", [{"headers": {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}},
                                          {"query_string": {"format": "html"}}])
def test_service_description_html_for_browsers(client, request_args):
    response = client.get("/sparql", **request_args)
    assert response.mimetype == "text/html"
    page = _Page()
    page.feed(response.get_data(as_text=True))
    assert ONTOLOGY_GRAPH in page.cells and CU32_GRAPH in page.cells
    forms = [attrs for tag, attrs in page.tags if tag == "form"]
    assert forms and forms[0]["action"].endswith("/sparql")
    assert "query" in [attrs.get("name") for tag, attrs in page.tags if tag == "textarea"]


# --- CORS --------------------------------------------------------------------------------------------------------

def test_cors_header_on_results_and_errors(client):
    assert client.get("/sparql", query_string={"query": "ASK {}"}).headers["Access-Control-Allow-Origin"] == "*"
    assert client.get("/sparql", query_string={"query": "ASK {"}).headers["Access-Control-Allow-Origin"] == "*"


def test_cors_preflight(client):
    response = client.options("/sparql", headers={"Origin": "https://example.org",
                                                  "Access-Control-Request-Method": "POST",
                                                  "Access-Control-Request-Headers": "content-type"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Headers"] == "content-type"


# --- the store behind the app -------------------------------------------------------------------------------------

def test_store_reopened_after_symlink_swap(tmp_path):
    link = build_test_store(tmp_path)
    client = create_app({"TESTING": True, "STORE_PATH": str(link)}).test_client()
    query = PREFIXES + "SELECT ?f WHERE { ?c nckg:formulaAsWritten ?f }"
    assert CU32_FORMULA in bindings(client.get("/sparql", query_string={"query": query}), "f")
    extra = Quad(NamedNode("https://w3id.org/nckg/resource/cluster/new"), NamedNode(str(NCKG.formulaAsWritten)),
                 Literal("[Cu99]"), NamedNode(CU32_GRAPH))
    write_store(tmp_path / "store-2", [extra])
    (tmp_path / "store.swap").symlink_to("store-2")
    os.replace(tmp_path / "store.swap", link)
    assert bindings(client.get("/sparql", query_string={"query": query}), "f") == {"[Cu99]"}


def test_environment_overrides_config_and_in_memory_store(monkeypatch, store_path):
    monkeypatch.setenv("NCKG_STORE_PATH", str(store_path))
    monkeypatch.setenv("NCKG_STORE_IN_MEMORY", "true")
    app = create_app({"TESTING": True})
    assert app.config["STORE_PATH"] == str(store_path) and app.config["STORE_IN_MEMORY"] is True
    assert CU32_FORMULA in bindings(app.test_client().get("/sparql", query_string={"query": FORMULAS}), "f")


def test_wsgi_entry_point(monkeypatch, store_path):
    import importlib

    monkeypatch.setenv("NCKG_STORE_PATH", str(store_path))
    import server.wsgi

    wsgi = importlib.reload(server.wsgi)
    response = wsgi.app.test_client().get("/sparql", query_string={"query": FORMULAS})
    assert CU32_FORMULA in bindings(response, "f")
