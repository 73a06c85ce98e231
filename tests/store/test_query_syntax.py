"""SPARQL that helps: predeclared prefixes (a query's own win) and short syntax errors naming line, column and token,
on /sparql, in the service description and the editor, in the catalogue and the CLI (nckg.store.query_syntax)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from pyoxigraph import Literal, NamedNode, RdfFormat, parse

from nckg.cli.main import main
from nckg.namespaces import PREFIXES
from nckg.store.query_syntax import PREDECLARED, short_message
from nckg.store.graph import QueryError

REQUIRED = {"rdf", "rdfs", "owl", "xsd", "skos", "dcterms", "prov", "fabio", "bibo", "qudt", "unit", "obo", "nckg",
            "nckr"}
UNKNOWN_PREFIX = "SELECT * WHERE {\n  ?s foo:bar ?o }"
SH = "http://www.w3.org/ns/shacl#"


def test_the_common_prefixes_are_predeclared():
    assert REQUIRED <= set(PREDECLARED)
    assert PREDECLARED["rdfs"] == "http://www.w3.org/2000/01/rdf-schema#" and PREDECLARED == PREFIXES


def test_a_query_uses_predeclared_prefixes(store):
    rows = list(store.query("SELECT ?label WHERE { ?c a nckg:CopperNanocluster ; rdfs:label ?label }"))
    assert len(rows) > 10


def test_a_querys_own_prefix_declaration_wins(store):
    own = "PREFIX rdfs: <http://example.org/not-rdfs#> SELECT ?c WHERE { ?c rdfs:label ?label } LIMIT 1"
    assert list(store.query(own)) == []  # rdfs: now names another namespace: nothing has its label


@pytest.mark.parametrize("query, message", [
    (UNKNOWN_PREFIX, "unknown prefix 'foo:' at line 2, column 6 — declare it with PREFIX foo: <…> or use one of nckg,"),
    ("SELECT * WHERE {\n ?s rdsf:label ?o }", "unknown prefix 'rdsf:' at line 2, column 5 — did you mean rdfs:?"),
    ("SELECT * WHERE {\n ?s ?p ?o \n FILTER(}", "syntax error at line 3, column 9 near '}'"),
    ("SELECT ?x WHERE {\n  ?x <http://a b> ?o }", "syntax error at line 2, column 17 near '>'"),
    ("SELEC ?x WHERE { ?x ?p ?o }", "syntax error at line 1, column 1 near 'SELEC' — did you mean SELECT?"),
    ("SELECT ?x WHERE { ?x ?p ?o }\nORDER BY ?x LIMT 3", "syntax error at line 2, column 13 near 'LIMT' — did you mean LIMIT?"),
    ("SELECT ?x WHERE { ?x ?p ?o # OPTINAL\n FILTR(?x) }", "syntax error at line 2, column 2 near 'FILTR' — did you mean FILTER?"),
])
def test_short_messages_name_one_position_and_a_hint(store, query, message):
    with pytest.raises(QueryError) as caught:
        store.query(query)
    error = caught.value
    assert error.message.startswith(message)
    assert "\n" not in error.message and len(error.message) <= 200
    # one position: the detail (the parser's full text) is restated at the message's line and column
    assert error.detail.startswith(f"error at {error.line}:{error.column}:")
    assert f"line {error.line}, column {error.column}" in error.message
    assert str(error) == f"{error.message}\n\nParser message: {error.detail}"


def test_a_correct_keyword_gets_no_hint(store):
    with pytest.raises(QueryError) as caught:
        store.query("SELECT ?x WHERE { ?x ?p ?o } LIMIT")
    assert "did you mean" not in caught.value.message


def test_short_message_without_a_position_keeps_the_first_line():
    assert short_message("x", "something odd\nmore") == "something odd"


def test_sparql_endpoint_answers_400_with_the_short_message(client):
    response = client.get("/sparql", query_string={"query": UNKNOWN_PREFIX})
    assert response.status_code == 400 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert text.startswith("400 Bad Request: unknown prefix 'foo:' at line 2, column 6 — declare it with PREFIX")
    assert text.count("\n") == 1 and len(text) < 230 and "Prefix not found" not in text  # no parser dump


def test_the_parser_text_comes_on_request(client):
    response = client.get("/sparql", query_string={"query": UNKNOWN_PREFIX, "verbose": "1"})
    first, _, rest = response.get_data(as_text=True).partition("\n\n")
    assert first.startswith("400 Bad Request: unknown prefix 'foo:' at line 2, column 6")
    assert rest.startswith("Parser message: error at 2:6:") and "Prefix not found" in rest
    response = client.get("/sparql", query_string={"query": UNKNOWN_PREFIX}, headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.json["line"] == 2 and response.json["column"] == 6
    assert response.json["error"].startswith("unknown prefix 'foo:'") and "Prefix not found" in response.json["detail"]


def test_sparql_endpoint_runs_queries_without_prefix_declarations(client):
    response = client.get("/sparql", query_string={
        "query": "SELECT (COUNT(*) AS ?n) WHERE { ?c a nckg:CopperNanocluster ; rdfs:label ?l ; skos:altLabel ?a }"},
        headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    assert int(response.json["results"]["bindings"][0]["n"]["value"]) > 0


def test_service_description_lists_the_predeclared_prefixes(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    triples = list(parse(response.data, format=RdfFormat.TURTLE, base_iri="http://localhost/sparql"))
    declared = {}
    for t in triples:
        if t.predicate == NamedNode(SH + "declare"):
            node = t.object
            prefix = next(x.object.value for x in triples if x.subject == node and x.predicate == NamedNode(SH + "prefix"))
            namespace = next(x.object.value for x in triples
                             if x.subject == node and x.predicate == NamedNode(SH + "namespace"))
            declared[prefix] = namespace
    assert declared == PREDECLARED
    html = client.get("/sparql?format=html").get_data(as_text=True)
    assert 'id="prefixes"' in html and "<code>fabio:</code>" in html


def test_editor_page_lists_the_predeclared_prefixes(client):
    html = client.get("/editor").get_data(as_text=True)
    section = html.split('id="predeclared-prefixes"', 1)[1].split("</details>", 1)[0]
    for prefix, namespace in PREDECLARED.items():
        assert f"<code>{prefix}:</code>" in section and f"<code>{namespace}</code>" in section


def test_cli_prints_the_short_message_on_one_line(store_path):
    result = CliRunner().invoke(main, ["query", UNKNOWN_PREFIX, "--store", str(store_path)])
    assert result.exit_code == 1
    assert result.output.strip().startswith("query rejected: unknown prefix 'foo:' at line 2, column 6 — declare it")
    assert result.output.count("\n") == 1


def test_catalogue_search_text_is_bound_not_pasted(store):
    from nckg.model import catalogue

    query = catalogue.load_catalogue()["find-cluster"]
    assert query.bind({"text": "Cu₂₆"})["text"] == Literal("cu26")
    with pytest.raises(catalogue.ParameterError):
        query.bind({"text": "·–()"})  # no letter or digit left


def test_406_names_each_format_once(client):
    response = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    formats = response.get_data(as_text=True).split("Available: ", 1)[1].strip().split(", ")
    assert len(formats) == len(set(formats)) and "application/json" in formats


def test_catalogue_csv_says_its_charset_once(client):
    response = client.get("/queries/find-cluster/results?text=Cu32&format=csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
