"""The competency-question catalogue: front matter, parameter validation and typed binding, the HTTP pages
(/queries, /queries/<id>, /queries/<id>/results, /.well-known/sparql-examples), injection attempts, and the CLI.

HTTP and CLI tests run against the shared fixture store (tests/fixtures/mini.trig: Cu32 and Cu32H20L12).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import Literal, NamedNode, RdfFormat, Store, parse

from nckg import config
from nckg.model import catalogue
from nckg.model import catalogue_fixtures
from nckg.model.catalogue import CatalogueError, ParameterError, Parameter, parse_query
from nckg.cli.queries import queries as queries_cli
from nckg.store.graph import GraphStore

from conftest import build_test_store

NCKG = "https://w3id.org/nckg/ontology#"
CLUSTER = "https://w3id.org/nckg/resource/cluster/"
XSD = "http://www.w3.org/2001/XMLSchema#"
CU32 = CLUSTER + "cu32h8-cl_2-pet_24-2minus"
CU32H20 = CLUSTER + "cu32h20-dtp_12"
SH = "http://www.w3.org/ns/shacl#"
SCHEMA = "https://schema.org/"

CATALOGUE = catalogue.load_catalogue()
COMPETENCY_QUESTIONS = [  # the questions the catalogue must answer, by catalogue id
    "table1", "clusters-by-ligand-family", "clusters-by-binding-atom", "coordination-modes", "superatoms", "kernels",
    "syntheses", "side-products-and-transformations", "syntheses-above-yield", "best-catalyst-per-product",
    "measurements-of-cluster", "structure-performance", "multi-reaction-clusters", "supported-catalysts",
    "photocatalysts", "half-reactions", "half-reactions-driven", "claims-of-paper", "papers-per-year",
    "clusters-lacking-method", "ligand-identifiers", "product-identifiers", "counts", "co2rr-product-above-fe",
]


# --- the catalogue files ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    """The mechanics (binding, formats, injection) are tested on the small fixture store, whose answers are known
    exactly; every query's answer on the real graph is checked in test_queries_expected.py."""
    return build_test_store(tmp_path_factory.mktemp("catalogue-store"))


@pytest.fixture(scope="module")
def store(store_path) -> GraphStore:
    return GraphStore.open(store_path)


def test_catalogue_has_at_least_30_queries_covering_the_issue():
    assert len(CATALOGUE) >= 30
    assert set(COMPETENCY_QUESTIONS) <= set(CATALOGUE)


@pytest.mark.parametrize("query_id", sorted(CATALOGUE))
def test_front_matter_is_complete(query_id):
    query = CATALOGUE[query_id]
    assert query.path.stem == query_id
    assert query.title and query.question.endswith("?"), "the question is a question"
    assert query.tags and set(query.tags) <= set(catalogue.TAGS)
    assert query.form == "select"
    for parameter in query.parameters:
        assert re.search(rf"SELECT[^{{]*\?{parameter.name}\b", query.body, re.DOTALL), \
            f"?{parameter.name} must be projected: pyoxigraph only substitutes projected variables"
        assert not re.search(rf"BOUND\s*\(\s*\?{parameter.name}\b", query.body, re.IGNORECASE), \
            "BOUND() does not see substituted values; test a parameter with COALESCE(?p, ...) instead"


@pytest.mark.parametrize("query_id", sorted(CATALOGUE))
def test_every_query_runs_with_its_defaults(store, query_id):
    """Syntax, projection of the parameters and the defaults' types, on the fixture store."""
    names, rows = catalogue.table(catalogue.run(store, query_id))
    assert names


@pytest.mark.parametrize("query_id", sorted(CATALOGUE))
def test_every_query_has_an_expected_answer_fixture(query_id):
    cases = catalogue_fixtures.load_expected(query_id)
    for case in cases:
        assert case.get("contains") or case.get("rows") or case.get("max_rows") == 0
        for name in case.get("params") or {}:
            CATALOGUE[query_id].parameter(name)  # the fixture only uses declared parameters


def test_internal_queries_are_not_in_the_catalogue():
    assert "graph_counts" not in CATALOGUE and "service_description" not in CATALOGUE
    assert not any(q.startswith(("page-", "plot-")) for q in CATALOGUE)
    assert "catalogue-choices" not in CATALOGUE


def test_runnable_text_inlines_the_defaults_as_typed_values():
    text = CATALOGUE["co2rr-product-above-fe"].runnable_text()
    assert '<https://w3id.org/nckg/resource/chemical/formic-acid>' in text
    assert f'"90.0"^^<{XSD}decimal>' in text
    assert "?family" in text and "ThiolateLigand>" not in text.split("WHERE", 1)[1].split("\n")[1]
    chosen = CATALOGUE["co2rr-product-above-fe"].runnable_text({"family": "ThiolateLigand"})
    assert f"<{NCKG}ThiolateLigand>" in chosen


def test_runnable_text_gives_the_same_answer_as_substitution(store):
    for query_id in ("clusters-by-nuclearity", "find-cluster", "superatoms"):
        query = CATALOGUE[query_id]
        via_values = [tuple(map(str, row)) for row in store.query(query.runnable_text())]
        via_substitution = [tuple(map(str, row)) for row in catalogue.run(store, query_id)]
        assert via_values == via_substitution


# --- front matter parsing ---------------------------------------------------------------------------------------

GOOD = """#+ id: demo
#+ title: A demo
#+ question: Which clusters have at least ?min Cu atoms?
#+ tags: [structure]
#+ parameters:
#+   - name: min
#+     type: integer
#+     default: 3
SELECT ?min ?c WHERE { ?c <https://w3id.org/nckg/ontology#copperAtomCount> ?n FILTER (?n >= ?min) }
"""


def test_parse_query_reads_yaml_front_matter():
    query = parse_query(GOOD, "demo")
    assert query.id == "demo" and query.tags == ("structure",)
    assert query.parameters[0] == Parameter(name="min", type="integer", default="3")
    assert query.body.startswith("SELECT")


def test_files_without_front_matter_or_tagged_internal_are_skipped():
    assert parse_query("SELECT * WHERE { ?s ?p ?o }", "plain") is None
    assert parse_query("#+ id: x\n#+ title: One: two\n#+ tags: internal, plot\nSELECT * {}", "x") is None


@pytest.mark.parametrize("change, message", [
    (("#+ id: demo", "#+ id: other"), "must equal the file name"),
    (("#+ title: A demo\n", ""), "title"),
    (("#+ tags: [structure]", "#+ tags: [fun]"), "tags"),
    (("type: integer", "type: float"), "known types"),
    (("type: integer", "type: enum"), "values"),
    (("default: 3", "default: three"), "default does not fit"),
    (("- name: min", "- name: max"), "not a variable of the query"),
    (("- name: min", "- name: format"), "lower-case SPARQL variable name"),
    (("#+ tags: [structure]", "#+ tags: [structure\n#+ oops: ]: ["), "YAML"),
])
def test_malformed_front_matter_is_rejected(change, message):
    with pytest.raises(CatalogueError, match=message):
        parse_query(GOOD.replace(*change), "demo")


def test_load_catalogue_from_another_directory(tmp_path):
    (tmp_path / "demo.rq").write_text(GOOD, encoding="utf-8")
    (tmp_path / "plain.rq").write_text("SELECT * {}", encoding="utf-8")
    assert list(catalogue.load_catalogue(tmp_path)) == ["demo"]
    with pytest.raises(catalogue.UnknownQuery):
        catalogue.get_query("nope", tmp_path)


# --- parameter validation and typed terms -----------------------------------------------------------------------

def test_values_become_typed_terms():
    assert Parameter("n", "integer").parse("42") == Literal("42", datatype=NamedNode(XSD + "integer"))
    assert Parameter("x", "decimal").parse("−1.0") == Literal("-1.0", datatype=NamedNode(XSD + "decimal"))
    assert Parameter("x", "decimal").parse("90") == Literal("90.0", datatype=NamedNode(XSD + "decimal"))
    assert Parameter("b", "boolean").parse("yes") == Literal("true", datatype=NamedNode(XSD + "boolean"))
    assert Parameter("s", "string").parse("Cu32") == Literal("Cu32")
    assert Parameter("f", "enum", values=("ThiolateLigand",)).parse("thiolateligand") == NamedNode(
        NCKG + "ThiolateLigand")
    assert Parameter("a", "enum", values=("S", "N"), term="literal").parse("N") == Literal("N")
    assert Parameter("c", "cluster").parse("cu32h8-cl_2-pet_24-2minus") == NamedNode(CU32)
    assert Parameter("c", "cluster").parse(CU32) == NamedNode(CU32)
    assert Parameter("m", "chemical").parse("formic-acid") == NamedNode(
        "https://w3id.org/nckg/resource/chemical/formic-acid")
    for text in ("10.1002/ANIE.202205626", "doi:10.1002/anie.202205626", "https://doi.org/10.1002/anie.202205626"):
        assert Parameter("p", "doi").parse(text) == NamedNode("https://doi.org/10.1002/anie.202205626")
    assert Parameter("i", "iri").parse("https://example.org/x") == NamedNode("https://example.org/x")


INJECTIONS = [
    ("integer", {}, "1 } UNION { ?s ?p ?o"),
    ("integer", {}, "1e3"),
    ("integer", {"maximum": 300}, "301"),
    ("decimal", {}, "90) || true || (1"),
    ("decimal", {}, "NaN"),
    ("enum", {"values": ("ThiolateLigand",)}, "ThiolateLigand> . ?s ?p ?o . <x"),
    ("enum", {"values": ("ThiolateLigand",)}, "PhosphineLigand"),
    ("cluster", {}, 'cu32"} ; DROP ALL ; {"'),
    ("cluster", {}, "cu32> } UNION { ?s ?p ?o } #"),
    ("cluster", {}, "https://evil.example/cluster/x"),
    ("doi", {}, "10.1021/x> } ; DELETE WHERE { ?s ?p ?o"),
    ("iri", {}, "http://a> <b"),
    ("iri", {}, "javascript:alert(1)"),
    ("boolean", {}, "maybe"),
    ("string", {}, "x" * 201),
    ("string", {}, "a\x00b"),
]


@pytest.mark.parametrize("kind, options, value", INJECTIONS)
def test_values_that_do_not_fit_the_type_are_rejected(kind, options, value):
    with pytest.raises(ParameterError):
        Parameter("p", kind, **options).parse(value)


def test_bind_rejects_unknown_parameters_and_fills_defaults():
    query = CATALOGUE["clusters-by-nuclearity"]
    with pytest.raises(ParameterError, match="no parameter 'max_copper'"):
        query.bind({"max_copper": "3"})
    bound = query.bind({"max_cu": "40"})
    assert bound == {"min_cu": Literal("1", datatype=NamedNode(XSD + "integer")),
                     "max_cu": Literal("40", datatype=NamedNode(XSD + "integer"))}
    assert "family" not in CATALOGUE["co2rr-product-above-fe"].bind({"family": ""})  # empty optional: unbound


def test_a_string_parameter_is_bound_as_a_literal_not_pasted(store):
    """A SPARQL fragment in a string parameter is just text to search for: no rows, no error."""
    names, rows = catalogue.table(catalogue.run(store, "find-cluster", {"text": '"))) } ?s ?p ?o { FILTER(("'}))
    assert rows == []
    names, rows = catalogue.table(catalogue.run(store, "find-cluster", {"text": "cu32h20"}))
    assert [r["cluster"].value for r in rows] == [CU32H20]


# --- HTTP -------------------------------------------------------------------------------------------------------

def test_queries_list_as_json(client):
    response = client.get("/queries?format=json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    items = {item["id"]: item for item in response.get_json()}
    assert set(items) == set(CATALOGUE)
    table1 = items["table1"]
    assert table1["question"].startswith("Which Cu nanoclusters does the review discuss")
    assert table1["results"].endswith("/queries/table1/results")
    assert items["co2rr-product-above-fe"]["parameters"][1] == {
        "name": "min_fe", "type": "decimal", "default": "90",
        "description": "the Faradaic efficiency threshold in percent (strictly above)", "optional": False,
        "minimum": 0, "maximum": 100}


def test_queries_list_as_html(client):
    response = client.get("/queries", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert 'href="/queries/table1"' in page and "Table 1 of the review, reconstructed" in page
    tagged = client.get("/queries?tag=synthesis", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'href="/queries/syntheses-above-yield"' in tagged and 'href="/queries/table1"' not in tagged


def test_query_page_shows_question_form_and_sparql(client):
    response = client.get("/queries/clusters-by-ligand-family", headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Which Cu nanoclusters carry a ligand of a given family" in page
    assert 'action="/queries/clusters-by-ligand-family/results"' in page
    assert '<select id="param-family" name="family"' in page
    assert '<option value="ThiolateLigand" selected>' in page
    assert "SELECT DISTINCT ?family ?cluster" in page
    assert "#+" not in page.split("<pre>")[1], "the front matter is shown as metadata, not as SPARQL"


def test_query_page_as_json_and_as_sparql(client):
    data = client.get("/queries/superatoms?format=json").get_json()
    assert data["id"] == "superatoms" and data["parameters"][0]["name"] == "min_electrons"
    assert "VALUES (?min_electrons)" in data["runnable_sparql"]
    response = client.get("/queries/superatoms?format=rq")
    assert response.mimetype == "application/sparql-query" and "nckg:statedFreeElectronCount" in response.text


def test_unknown_query_is_404(client):
    assert client.get("/queries/no-such-question").status_code == 404
    assert client.get("/queries/no-such-question/results").status_code == 404


def _json_rows(response) -> list[dict]:
    data = json.loads(response.get_data(as_text=True))
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


def test_results_as_sparql_json_with_typed_parameters(client):
    response = client.get("/queries/clusters-by-nuclearity/results?min_cu=32&max_cu=32&format=json")
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    rows = _json_rows(response)
    assert {r["cluster"] for r in rows} == {CU32, CU32H20}
    assert {r["min_cu"] for r in rows} == {"32"} and {r["copper_atoms"] for r in rows} == {"32"}
    assert _json_rows(client.get("/queries/clusters-by-nuclearity/results?min_cu=33&format=json")) == []


@pytest.mark.parametrize("fmt, media", [("csv", "text/csv"), ("tsv", "text/tab-separated-values"),
                                        ("xml", "application/sparql-results+xml")])
def test_results_in_other_formats(client, fmt, media):
    response = client.get(f"/queries/find-cluster/results?text=Cu32H20&format={fmt}")
    assert response.status_code == 200 and response.mimetype == media
    body = response.get_data(as_text=True)
    assert CU32H20 in body and CU32 + '"' not in body
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(body)))
        assert [(r["id"], r["label"]) for r in rows] == [("cu32h20-dtp_12", "Cu32H20L12")]


def test_results_as_html_table(client):
    response = client.get("/queries/find-cluster/results?text=cu32&format=html")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert '<p id="row-count">2 rows.</p>' in page
    assert "cu32h8-cl_2-pet_24-2minus" in page and "Cu32H20L12" in page
    assert 'value="cu32"' in page, "the form keeps the submitted value"


def test_results_default_to_sparql_json_without_accept(client):
    response = client.get("/queries/counts/results", headers={"Accept": ""})
    assert response.mimetype == "application/sparql-results+json"
    counts = {r["kind"]: int(r["count"]) for r in _json_rows(response)}
    assert counts["clusters"] >= 2  # Cu32 and Cu32H20L12 in the fixture store


@pytest.mark.parametrize("path", [
    "/queries/clusters-by-nuclearity/results?min_cu=1%20}%20UNION%20{%20?s%20?p%20?o%20}",
    "/queries/clusters-by-nuclearity/results?max_cu=4e2",
    "/queries/co2rr-product-above-fe/results?min_fe=90)%20||%20true%20||%20(1",
    "/queries/clusters-by-ligand-family/results?family=ThiolateLigand%3E%20.%20?s%20?p%20?o%20.%20%3Cx",
    "/queries/clusters-by-ligand-family/results?family=Banana",
    "/queries/measurements-of-cluster/results?cluster=cu32%22}%20;%20DROP%20ALL%20;%20{%22",
    "/queries/measurements-of-cluster/results?cluster=%3Chttp://evil.example/%3E",
    "/queries/claims-of-paper/results?paper=10.1021/x%3E%20}%20;%20DELETE%20WHERE%20{%20?s%20?p%20?o",
    "/queries/clusters-by-binding-atom/results?atom=S%22)%20.%20?s%20?p%20?o%20FILTER(%22",
    "/queries/find-cluster/results?text=" + "x" * 201,
    "/queries/clusters-by-nuclearity/results?min_cu=1&min_cu=2",
    "/queries/clusters-by-nuclearity/results?query=SELECT%20*%20{?s%20?p%20?o}",
])
def test_injection_attempts_and_bad_values_get_400(client, path):
    response = client.get(path + ("&" if "?" in path else "?") + "format=json")
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.mimetype == "text/plain"
    assert "parameter" in response.get_data(as_text=True).lower()


def test_bad_value_on_the_html_form_shows_the_error(client):
    response = client.get("/queries/clusters-by-nuclearity/results?min_cu=lots&format=html")
    assert response.status_code == 400 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page and "expects an integer" in page


def test_sparql_examples_catalogue(client):
    response = client.get("/.well-known/sparql-examples")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = Store()
    graph.extend(parse(response.data, format=RdfFormat.TURTLE, base_iri="http://localhost/"))
    examples = {str(row["ex"].value): row for row in graph.query(
        f"""SELECT ?ex ?select ?comment ?target ?label WHERE {{
              ?ex a <{SH}SPARQLExecutable>, <{SH}SPARQLSelectExecutable> ; <{SH}select> ?select ;
                  <http://www.w3.org/2000/01/rdf-schema#comment> ?comment ;
                  <http://www.w3.org/2000/01/rdf-schema#label> ?label ;
                  <{SCHEMA}target> ?target ; <{SH}prefixes> ?prefixes .
              ?prefixes <{SH}declare> [ <{SH}prefix> "nckg" ; <{SH}namespace> ?ns ] }}""")}
    assert len(examples) == len(CATALOGUE)
    table1 = examples["http://localhost/.well-known/sparql-examples/table1"]
    assert table1["target"].value == "http://localhost/sparql"
    assert table1["comment"].language == "en" and "Table 1" in table1["comment"].value
    keywords = {row[0].value for row in graph.query(
        f"SELECT ?k WHERE {{ <http://localhost/.well-known/sparql-examples/syntheses-above-yield> <{SCHEMA}keywords> ?k }}")}
    assert keywords == {"synthesis"}
    nuclearity = examples["http://localhost/.well-known/sparql-examples/clusters-by-nuclearity"]["select"].value
    assert "VALUES (?min_cu ?max_cu)" in nuclearity
    assert not nuclearity.lstrip().startswith("#+")


def test_sparql_examples_are_runnable_as_published(client, store):
    """What an editor loads from /.well-known/sparql-examples runs without any substitution."""
    graph = Store()
    graph.extend(parse(client.get("/.well-known/sparql-examples").data, format=RdfFormat.TURTLE))
    texts = [row[0].value for row in graph.query(f"SELECT ?q WHERE {{ ?e <{SH}select> ?q }}")]
    assert len(texts) == len(CATALOGUE)
    for text in texts:
        list(store.query(text))
    jsonld = client.get("/.well-known/sparql-examples?format=jsonld")
    assert jsonld.status_code == 200 and jsonld.mimetype == "application/ld+json"


# --- CLI --------------------------------------------------------------------------------------------------------

def test_cli_list_json():
    result = CliRunner().invoke(queries_cli, ["list", "--format", "json"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    assert isinstance(items, list) and len(items) == len(CATALOGUE)
    first = next(i for i in items if i["id"] == "syntheses-above-yield")
    assert {"id", "title", "question", "parameters"} <= set(first)
    assert first["parameters"][0]["name"] == "min_yield" and first["parameters"][0]["default"] == "20"


def test_cli_list_text_and_tag():
    result = CliRunner().invoke(queries_cli, ["list", "--tag", "coordination"])
    assert result.exit_code == 0
    assert "coordination-modes" in result.output and "syntheses-above-yield" not in result.output


@pytest.mark.parametrize("fmt, check", [
    ("csv", lambda out: [r["id"] for r in csv.DictReader(io.StringIO(out))] == ["cu32h20-dtp_12"]),
    ("json", lambda out: [b["cluster"]["value"] for b in json.loads(out)["results"]["bindings"]] == [CU32H20]),
    ("table", lambda out: "cu32h20-dtp_12" in out and out.rstrip().endswith("(1 row)")),
])
def test_cli_run(store_path, fmt, check):
    result = CliRunner().invoke(queries_cli, ["run", "find-cluster", "--param", "text=Cu32H20", "--format", fmt,
                                              "--store", str(store_path)])
    assert result.exit_code == 0, result.output
    assert check(result.output)


def test_cli_run_rejects_bad_parameters(store_path):
    runner = CliRunner()
    bad = runner.invoke(queries_cli, ["run", "clusters-by-nuclearity", "-p", "min_cu=1 } UNION {", "--store",
                                      str(store_path)])
    assert bad.exit_code == 2 and "expects an integer" in bad.output
    unknown = runner.invoke(queries_cli, ["run", "clusters-by-nuclearity", "-p", "colour=red"])
    assert unknown.exit_code == 2 and "no parameter 'colour'" in unknown.output
    missing = runner.invoke(queries_cli, ["run", "no-such-question"])
    assert missing.exit_code == 1 and "no catalogue query" in missing.output
    malformed = runner.invoke(queries_cli, ["run", "find-cluster", "-p", "text"])
    assert malformed.exit_code == 2 and "NAME=VALUE" in malformed.output


def test_cli_examples_and_doc(store_path, tmp_path):
    result = CliRunner().invoke(queries_cli, ["examples"])
    assert result.exit_code == 0 and "sh:SPARQLExecutable" in result.output
    out = tmp_path / "catalogue.md"
    result = CliRunner().invoke(queries_cli, ["doc", "--store", str(store_path), "--output", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.count("\n## ") == len(CATALOGUE)
    section = text.split("\n## find-cluster\n", 1)[1].split("\n## ", 1)[0]
    assert "*Sample answer* (2 rows):" in section and "cu32h20-dtp_12" in section


def test_catalogue_document_in_docs_lists_every_question():
    doc = config.project_root() / "docs" / "catalogue.md"
    text = doc.read_text(encoding="utf-8")
    for query_id in CATALOGUE:
        assert f"\n## {query_id}\n" in text, f"docs/catalogue.md is stale: regenerate with `nckg queries doc`"


def test_queries_readme_documents_the_format():
    text = (Path(config.queries_dir()) / "README.md").read_text(encoding="utf-8")
    for word in ("#+", "parameters", "enum", "cluster", "doi", "expected/", "internal", "substitutions"):
        assert word in text


# --- the fixture checker itself -----------------------------------------------------------------------------------

def test_check_case_reports_missing_and_forbidden_rows(store):
    query = CATALOGUE["find-cluster"]
    good = {"contains": [{"id": "cu32h20-dtp_12", "copper_atoms": 32, "label": "Cu32H20L12"}],
            "absent": [{"id": "cu8-cz-cs2_4-s-tbu_4"}], "min_rows": 2}
    assert catalogue_fixtures.check_case(store, query, good) == []
    assert catalogue_fixtures.check_case(store, query, {"contains": [{"id": "cu32h20-dtp_12", "copper_atoms": 33}]})
    assert catalogue_fixtures.check_case(store, query, {"contains": [{"id": "cu32h20-dtp_12"}], "absent": [{"copper_atoms": 32}]})
    assert catalogue_fixtures.check_case(store, query, {"contains": [{"no_such_column": 1}]})
    assert catalogue_fixtures.check_case(store, query, {"rows": [{"id": "cu32h20-dtp_12"}]}), "two rows, not one"
    assert catalogue_fixtures.check_case(store, query, {"params": {"text": "PET"}, "rows": [{"label": "Cu32"}]}) == []
    ordered = {"ordered": True, "contains": [{"copper_atoms": 32, "label": "Cu32H20L12"}, {"label": "Cu32"}]}
    assert catalogue_fixtures.check_case(store, query, ordered) == [] or catalogue_fixtures.check_case(
        store, query, {**ordered, "contains": ordered["contains"][::-1]}) == []
    assert catalogue_fixtures.check_case(store, query, {"contains": [{"label": {"matches": "^Cu32H"}, "copper_atoms": {"min": 30, "max": 32}}]}) == []


def test_runnable_text_finds_the_where_clause_past_comments():
    query = parse_query(GOOD.replace("SELECT ?min ?c WHERE {", "# not this WHERE {\nSELECT ?min ?c {"), "demo")
    text = query.runnable_text({"min": "5"})
    assert text.startswith("# not this WHERE {\nSELECT ?min ?c {\n  VALUES (?min) {")
    assert list(Store().query(text)) == []
