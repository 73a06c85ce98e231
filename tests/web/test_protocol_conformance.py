"""W3C SPARQL 1.1 Protocol test cases for the query operation, as raw HTTP against the live (waitress) server.

Modelled on the W3C protocol manifest (data-sparql11/protocol); the dataset IRIs data1..3.rdf of the W3C cases
are replaced by our named graphs, and the update cases expect a refusal (this endpoint is read-only).
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import xml.etree.ElementTree as ET
from urllib.parse import quote, urlencode, urlsplit

import pytest
from rdflib import Graph, Literal, URIRef

from conftest import CU32_FORMULA, CU32_GRAPH, ONTOLOGY_GRAPH

JACS_2017_GRAPH = "https://w3id.org/nckg/graph/doi/10.1021/jacs.7b05591"
RES = "{http://www.w3.org/2005/sparql-results#}"
PREFIXES = "PREFIX nckg: <https://w3id.org/nckg/ontology#> PREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"


def send(base: str, method: str, target: str, body: bytes | str | None = None,
         headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    """One raw HTTP request (no header added but Host and Content-Length); the response is read."""
    url = urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    connection.request(method, target, body=body.encode() if isinstance(body, str) else body, headers=headers or {})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def params(*pairs: tuple[str, str]) -> str:
    return urlencode(pairs, quote_via=quote)


def boolean(response) -> bool:
    """The boolean of an ASK result, in whichever results format the server chose."""
    assert response.status == 200, response.body
    media_type = response.getheader("Content-Type").split(";")[0]
    if media_type == "application/sparql-results+xml":
        return ET.fromstring(response.body).find(RES + "boolean").text == "true"
    assert media_type == "application/sparql-results+json"
    return json.loads(response.body)["boolean"]


def solutions(response) -> list[dict[str, str]]:
    assert response.status == 200, response.body
    assert response.getheader("Content-Type").startswith("application/sparql-results+json")
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(response.body)["results"]["bindings"]]


def assert_4xx(response) -> None:
    assert 400 <= response.status < 500, (response.status, response.body)


# --- positive tests ----------------------------------------------------------------------------------------------

def test_query_get(live_server):
    assert boolean(send(live_server, "GET", "/sparql?" + params(("query", "ASK {}")))) is True


def test_query_post_form(live_server):
    response = send(live_server, "POST", "/sparql", params(("query", "ASK {}")), {"Content-Type": FORM})
    assert boolean(response) is True


def test_query_post_direct(live_server):
    assert boolean(send(live_server, "POST", "/sparql", "ASK {}", {"Content-Type": DIRECT})) is True


def test_query_dataset_default_graph(live_server):
    query = PREFIXES + "ASK { ?c nckg:formulaAsWritten ?f }"
    target = "/sparql?" + params(("default-graph-uri", CU32_GRAPH))
    assert boolean(send(live_server, "POST", target, query, {"Content-Type": DIRECT})) is True
    target = "/sparql?" + params(("default-graph-uri", ONTOLOGY_GRAPH))
    assert boolean(send(live_server, "POST", target, query, {"Content-Type": DIRECT})) is False


ASK_BOTH = PREFIXES + "ASK { ?c nckg:formulaAsWritten ?f . ?class a owl:Class }"


def test_query_dataset_default_graphs_get(live_server):
    target = "/sparql?" + params(("query", ASK_BOTH), ("default-graph-uri", CU32_GRAPH),
                                 ("default-graph-uri", ONTOLOGY_GRAPH))
    assert boolean(send(live_server, "GET", target)) is True
    single = "/sparql?" + params(("query", ASK_BOTH), ("default-graph-uri", CU32_GRAPH))
    assert boolean(send(live_server, "GET", single)) is False


def test_query_dataset_default_graphs_post(live_server):
    body = params(("query", ASK_BOTH), ("default-graph-uri", CU32_GRAPH), ("default-graph-uri", ONTOLOGY_GRAPH))
    assert boolean(send(live_server, "POST", "/sparql", body, {"Content-Type": FORM})) is True


NAMED = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"


def test_query_dataset_named_graphs_post(live_server):
    body = params(("query", NAMED), ("named-graph-uri", CU32_GRAPH), ("named-graph-uri", ONTOLOGY_GRAPH))
    response = send(live_server, "POST", "/sparql", body, {"Content-Type": FORM})
    assert [row["g"] for row in solutions(response)] == [CU32_GRAPH, ONTOLOGY_GRAPH]


def test_query_dataset_named_graphs_get(live_server):
    target = "/sparql?" + params(("query", NAMED), ("named-graph-uri", CU32_GRAPH))
    assert [row["g"] for row in solutions(send(live_server, "GET", target))] == [CU32_GRAPH]


def test_query_dataset_full(live_server):
    query = PREFIXES + "SELECT ?g ?c WHERE { ?class a owl:Class GRAPH ?g { ?c a ?class } }"
    target = "/sparql?" + params(("default-graph-uri", ONTOLOGY_GRAPH), ("named-graph-uri", CU32_GRAPH),
                                 ("named-graph-uri", JACS_2017_GRAPH))
    rows = solutions(send(live_server, "POST", target, query, {"Content-Type": DIRECT}))
    assert {row["g"] for row in rows} == {CU32_GRAPH, JACS_2017_GRAPH}
    assert "https://w3id.org/nckg/resource/cluster/cu32h8-cl_2-pet_24-2minus" in {row["c"] for row in rows}


def test_query_multiple_dataset(live_server):
    query = PREFIXES + f"ASK FROM <{CU32_GRAPH}> {{ ?c nckg:formulaAsWritten ?f }}"
    assert boolean(send(live_server, "POST", "/sparql", query, {"Content-Type": DIRECT})) is True
    target = "/sparql?" + params(("default-graph-uri", ONTOLOGY_GRAPH))  # the protocol dataset wins
    assert boolean(send(live_server, "POST", target, query, {"Content-Type": DIRECT})) is False


def test_query_content_type_select(live_server):
    response = send(live_server, "POST", "/sparql", "SELECT (1 AS ?value) {}", {"Content-Type": DIRECT})
    assert response.status == 200
    media_type = response.getheader("Content-Type").split(";")[0]
    assert media_type in ("application/sparql-results+xml", "application/sparql-results+json", "text/csv",
                          "text/tab-separated-values")
    assert solutions(response) == [{"value": "1"}]
    for accept in ("text/csv", "text/tab-separated-values", "application/sparql-results+xml"):
        other = send(live_server, "POST", "/sparql", "SELECT (1 AS ?value) {}",
                     {"Content-Type": DIRECT, "Accept": accept})
        assert other.getheader("Content-Type").split(";")[0] == accept
        text = other.body.decode()
        if accept == "application/sparql-results+xml":
            assert ET.fromstring(text).find(f"{RES}results/{RES}result/{RES}binding/{RES}literal").text == "1"
        else:
            rows = list(csv.reader(io.StringIO(text), delimiter="," if accept == "text/csv" else "\t"))
            assert rows[0] in (["value"], ["?value"]) and rows[1][0] == "1"


def test_query_content_type_ask(live_server):
    response = send(live_server, "POST", "/sparql", "ASK {}", {"Content-Type": DIRECT})
    assert response.getheader("Content-Type").split(";")[0] in ("application/sparql-results+xml",
                                                                 "application/sparql-results+json")
    assert boolean(response) is True
    assert boolean(send(live_server, "POST", "/sparql", "ASK {}",
                        {"Content-Type": DIRECT, "Accept": "application/sparql-results+xml"})) is True


RDF_PARSERS = {"application/rdf+xml": "xml", "text/turtle": "turtle", "application/n-triples": "nt"}


def test_query_content_type_describe(live_server):
    cluster = "https://w3id.org/nckg/resource/cluster/cu32h8-cl_2-pet_24-2minus"
    response = send(live_server, "POST", "/sparql", f"DESCRIBE <{cluster}>", {"Content-Type": DIRECT})
    media_type = response.getheader("Content-Type").split(";")[0]
    assert media_type in RDF_PARSERS
    graph = Graph().parse(data=response.body, format=RDF_PARSERS[media_type])
    assert (URIRef(cluster), URIRef("https://w3id.org/nckg/ontology#formulaAsWritten"), Literal(CU32_FORMULA)) in graph


@pytest.mark.parametrize("accept", [None, *RDF_PARSERS])
def test_query_content_type_construct(live_server, accept):
    headers = {"Content-Type": DIRECT, **({"Accept": accept} if accept else {})}
    response = send(live_server, "POST", "/sparql", "CONSTRUCT { <s> <p> 1 } WHERE {}", headers)
    media_type = response.getheader("Content-Type").split(";")[0]
    assert media_type == (accept or "text/turtle")
    graph = Graph().parse(data=response.body, format=RDF_PARSERS[media_type])
    assert (URIRef(live_server + "/s"), URIRef(live_server + "/p"), Literal(1)) in graph  # base IRI: the endpoint


# --- negative tests ----------------------------------------------------------------------------------------------

def test_bad_query_method(live_server):
    response = send(live_server, "PUT", "/sparql?" + params(("query", "ASK {}")))
    assert response.status == 405
    assert "GET" in response.getheader("Allow") and "POST" in response.getheader("Allow")


def test_bad_multiple_queries(live_server):
    assert_4xx(send(live_server, "GET", "/sparql?" + params(("query", "ASK {}"), ("query", "SELECT * {}"))))


def test_bad_query_wrong_media_type(live_server):
    response = send(live_server, "POST", "/sparql", "ASK {}", {"Content-Type": "text/plain"})
    assert response.status == 415


def test_bad_query_missing_form_type(live_server):
    assert_4xx(send(live_server, "POST", "/sparql", params(("query", "ASK {}"))))


def test_bad_query_missing_direct_type(live_server):
    assert_4xx(send(live_server, "POST", "/sparql", "ASK {}"))


def test_bad_query_non_utf8(live_server):
    response = send(live_server, "POST", "/sparql", "ASK {}".encode("utf-16"),
                    {"Content-Type": "application/sparql-query; charset=UTF-16"})
    assert_4xx(response)
    undeclared = send(live_server, "POST", "/sparql", 'ASK { FILTER("\xe9" = "\xe9") }'.encode("latin-1"),
                      {"Content-Type": DIRECT})
    assert undeclared.status == 400 and b"UTF-8" in undeclared.body


def test_bad_query_syntax(live_server):
    response = send(live_server, "GET", "/sparql?" + params(("query", "ASK {")))
    assert response.status == 400
    assert response.getheader("Content-Type").startswith("text/plain")
    assert response.body.startswith(b"400 Bad Request: syntax error at line 1, column ")  # one short line
    verbose = send(live_server, "GET", "/sparql?" + params(("query", "ASK {"), ("verbose", "1")))
    assert verbose.status == 400 and b"Parser message: error at 1:" in verbose.body


def test_bad_update_get(live_server):
    assert_4xx(send(live_server, "GET", "/sparql?" + params(("update", "CLEAR ALL"))))


def test_bad_multiple_updates(live_server):
    body = params(("update", "CLEAR NAMED"), ("update", "CLEAR DEFAULT"))
    assert_4xx(send(live_server, "POST", "/sparql", body, {"Content-Type": FORM}))


def test_bad_update_wrong_media_type(live_server):
    assert_4xx(send(live_server, "POST", "/sparql", "CLEAR NAMED", {"Content-Type": "text/plain"}))


def test_bad_update_missing_form_type(live_server):
    assert_4xx(send(live_server, "POST", "/sparql", params(("update", "CLEAR NAMED"))))


def test_bad_update_non_utf8(live_server):
    response = send(live_server, "POST", "/sparql", "CLEAR NAMED".encode("utf-16"),
                    {"Content-Type": "application/sparql-update; charset=UTF-16"})
    assert_4xx(response)


@pytest.mark.parametrize("body,content_type", [(params(("update", "CLEAR ALL")), FORM),
                                               ("CLEAR ALL", "application/sparql-update")])
def test_update_post_form_and_direct_are_refused(live_server, body, content_type):
    response = send(live_server, "POST", "/sparql", body, {"Content-Type": content_type})
    assert response.status == 403
    # the data is still there
    query = PREFIXES + "ASK { ?c nckg:formulaAsWritten ?f }"
    assert boolean(send(live_server, "GET", "/sparql?" + params(("query", query)))) is True
