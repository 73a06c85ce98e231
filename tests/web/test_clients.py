"""Real SPARQL clients against the live server: SPARQLWrapper (every return format) and rdflib's SPARQLStore."""

from __future__ import annotations

import csv
import io

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from conftest import CU32_FORMULA, CU32_GRAPH

pytestmark = pytest.mark.filterwarnings("ignore:.*(default_context|ConjunctiveGraph).*:DeprecationWarning")

NCKG = Namespace("https://w3id.org/nckg/ontology#")
CU32 = URIRef("https://w3id.org/nckg/resource/cluster/cu32h8-cl_2-pet_24-2minus")
PREFIXES = "PREFIX nckg: <https://w3id.org/nckg/ontology#>\n"
SELECT = PREFIXES + "SELECT ?cluster ?formula WHERE { ?cluster nckg:formulaAsWritten ?formula } ORDER BY ?formula"
CONSTRUCT = PREFIXES + "CONSTRUCT { ?c nckg:formulaAsWritten ?f } WHERE { ?c nckg:formulaAsWritten ?f }"


def wrapper(live_server: str, query: str, fmt: str, method: str | None = None) -> SPARQLWrapper:
    client = SPARQLWrapper(live_server + "/sparql", returnFormat=fmt)
    client.setQuery(query)
    if method == POSTDIRECTLY:
        client.setMethod(POST)
        client.setRequestMethod(POSTDIRECTLY)
    elif method:
        client.setMethod(method)
    return client


@pytest.mark.parametrize("method", [None, POST, POSTDIRECTLY])
def test_sparqlwrapper_select_json(live_server, method):
    result = wrapper(live_server, SELECT, JSON, method).queryAndConvert()
    assert result["head"]["vars"] == ["cluster", "formula"]
    assert CU32_FORMULA in [row["formula"]["value"] for row in result["results"]["bindings"]]


def test_sparqlwrapper_select_xml(live_server):
    document = wrapper(live_server, SELECT, XML).queryAndConvert()  # xml.dom.minidom document
    literals = [node.firstChild.data for node in document.getElementsByTagName("literal")]
    assert CU32_FORMULA in literals


@pytest.mark.parametrize("fmt,delimiter,header", [(CSV, ",", ["cluster", "formula"]),
                                                  (TSV, "\t", ["?cluster", "?formula"])])
def test_sparqlwrapper_select_csv_tsv(live_server, fmt, delimiter, header):
    response = wrapper(live_server, SELECT, fmt).query()
    assert response.response.headers["Content-Type"].startswith("text/")
    rows = list(csv.reader(io.StringIO(response.convert().decode()), delimiter=delimiter, quoting=csv.QUOTE_NONE
                           if fmt == TSV else csv.QUOTE_MINIMAL))
    assert rows[0] == header
    assert any(CU32_FORMULA in cell for row in rows[1:] for cell in row)


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(live_server, fmt):
    query = PREFIXES + f'ASK {{ ?c nckg:formulaAsWritten "{CU32_FORMULA}" }}'
    result = wrapper(live_server, query, fmt).queryAndConvert()
    if fmt == JSON:
        assert result["boolean"] is True
    else:
        assert result.getElementsByTagName("boolean")[0].firstChild.data == "true"


@pytest.mark.parametrize("fmt,parser", [(TURTLE, "turtle"), (N3, "n3"), (RDFXML, None), (XML, None),
                                        (JSONLD, None)])
def test_sparqlwrapper_construct(live_server, fmt, parser):
    result = wrapper(live_server, CONSTRUCT, fmt).queryAndConvert()
    graph = Graph().parse(data=result, format=parser) if parser else result  # rdflib Graph for RDF/XML, JSON-LD
    assert isinstance(graph, Graph)
    assert graph.value(CU32, NCKG.formulaAsWritten) == Literal(CU32_FORMULA)


def test_sparqlwrapper_dataset_and_error(live_server):
    client = wrapper(live_server, PREFIXES + "SELECT ?f WHERE { ?c nckg:formulaAsWritten ?f }", JSON)
    client.addDefaultGraph(CU32_GRAPH)
    assert [row["f"]["value"] for row in client.queryAndConvert()["results"]["bindings"]] == [CU32_FORMULA]
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    with pytest.raises(QueryBadFormed):
        wrapper(live_server, "SELECT ?x WHERE { ?x }", JSON).query()


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore_select(live_server, method):
    graph = Graph(store=SPARQLStore(live_server + "/sparql", method=method))
    rows = list(graph.query(SELECT))
    assert (CU32, Literal(CU32_FORMULA)) in [(row.cluster, row.formula) for row in rows]


def test_rdflib_sparqlstore_ask_construct_and_triples(live_server):
    graph = Graph(store=SPARQLStore(live_server + "/sparql"))
    assert graph.query(PREFIXES + "ASK { ?c nckg:copperAtomCount 32 }").askAnswer is True
    constructed = graph.query(CONSTRUCT).graph
    assert constructed.value(CU32, NCKG.formulaAsWritten) == Literal(CU32_FORMULA)
    assert graph.value(CU32, NCKG.formulaAsWritten) == Literal(CU32_FORMULA)  # triples() via SELECT
