"""The Python API (nckg.open, KnowledgeGraph, Cluster) on the real graph, checked against the HTTP answers of the same
store: the catalogue routes, /sparql and /clusters."""

from __future__ import annotations

import csv
import io
import sys
import unicodedata

import pandas as pd
import pytest
import rdflib

import nckg
from nckg import config
from nckg.model import catalogue
from nckg.store import packaged
from nckg.cli.main import main as cli_main
from nckg.model.names import AmbiguousCluster, ClusterNotFound, normalise
from nckg.store.graph import GraphStore, QueryError
from realgraph import CU32

NCKG_PREFIX = "PREFIX nckg: <https://w3id.org/nckg/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
COPPER_ABOVE = NCKG_PREFIX + "SELECT ?c ?n WHERE { ?c a nckg:CopperNanocluster ; nckg:copperAtomCount ?n " \
                             "FILTER (?n > ?min) } ORDER BY ?n ?c"


@pytest.fixture(scope="module")
def kg(store_path):
    return nckg.open(store_path)


@pytest.fixture(scope="module")
def http_clusters(store_path):
    """The cluster browser's JSON (/clusters) of the same store."""
    from server import create_app

    client = create_app({"TESTING": True, "STORE_PATH": str(store_path)}).test_client()
    return {row["iri"]: row for row in client.get("/clusters?format=json").get_json()["clusters"]}


def _canonical(csv_text: str) -> tuple[list[str], list[tuple]]:
    """Header and sorted rows of a CSV answer, each cell's GROUP_CONCAT list sorted (its order is unspecified)."""
    import re

    rows = list(csv.reader(io.StringIO(csv_text)))
    body = [tuple(" ".join(sorted(re.split(r"[,;|] ?| (?=https?://)", cell))) for cell in row) for row in rows[1:]]
    return rows[0] if rows else [], sorted(body)


def _http_json(client, path: str, **params) -> list[dict]:
    response = client.get(path, query_string={**params, "format": "json"})
    assert response.status_code == 200, response.data
    body = response.get_json()
    return [{k: v["value"] for k, v in row.items()} for row in body["results"]["bindings"]]


# --- open ---------------------------------------------------------------------------------------------------------

def test_open_default_is_the_built_store(store_path, monkeypatch):
    monkeypatch.delenv("NCKG_SPARQL_URL", raising=False)
    monkeypatch.setenv("NCKG_STORE", str(store_path))
    kg = nckg.open()
    assert kg.version == GraphStore.open(store_path).version
    assert kg.location == str(store_path) and not kg.remote


def test_open_without_store_or_dataset_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.delenv("NCKG_SPARQL_URL", raising=False)
    monkeypatch.setenv("NCKG_STORE", str(tmp_path / "absent"))
    monkeypatch.setattr(config, "packaged_dir", lambda: tmp_path / "no-data")
    with pytest.raises(FileNotFoundError, match="nckg build"):
        nckg.open()
    with pytest.raises(FileNotFoundError, match="no store at"):
        nckg.open(tmp_path)


def test_open_prefers_the_built_store_over_a_packaged_dataset(store_path, tmp_path, monkeypatch, kg):
    """With both a built store and a packaged dataset (a different, one-cluster graph), the built store answers."""
    monkeypatch.delenv("NCKG_SPARQL_URL", raising=False)
    data = tmp_path / "_data"
    data.mkdir()
    (data / packaged.DATASET_NAME).write_bytes(__import__("gzip").compress(
        b'<https://w3id.org/nckg/resource/cluster/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
        b'<https://w3id.org/nckg/ontology#CopperNanocluster> <https://w3id.org/nckg/graph/x> .\n'))
    monkeypatch.setattr(config, "packaged_dir", lambda: data)
    monkeypatch.setenv("NCKG_STORE", str(store_path))
    assert nckg.open().version == kg.version
    monkeypatch.setenv("NCKG_STORE", str(tmp_path / "absent"))
    fallback = nckg.open()
    assert fallback.location.startswith("packaged dataset")
    assert fallback.query(NCKG_PREFIX + "SELECT ?c WHERE { ?c a nckg:CopperNanocluster }").column("c") == [
        "https://w3id.org/nckg/resource/cluster/x"]


def test_open_a_dataset_file_made_by_export(store_path, tmp_path, kg):
    """`nckg export --output x.nq.gz` (the file a wheel carries) opens as an in-memory graph with the same answers."""
    from click.testing import CliRunner

    target = tmp_path / "nckg.nq.gz"
    result = CliRunner().invoke(cli_main, ["export", "--store", str(store_path), "--output", str(target)])
    assert result.exit_code == 0, result.output
    copy = nckg.open(target)
    assert copy.store.graph_counts() == kg.store.graph_counts()
    assert copy.query(COPPER_ABOVE, min=0).to_csv() == kg.query(COPPER_ABOVE, min=0).to_csv()
    assert len(copy.measurements()) == len(kg.measurements())


# --- query --------------------------------------------------------------------------------------------------------

def test_query_result_matches_the_sparql_endpoint(kg, client):
    query = NCKG_PREFIX + "SELECT ?c ?label ?n WHERE { ?c a nckg:CopperNanocluster ; rdfs:label ?label ; " \
                          "nckg:copperAtomCount ?n } ORDER BY ?c"
    result = kg.query(query)
    response = client.post("/sparql", data={"query": query}, headers={"Accept": "text/csv"})
    assert result.to_csv() == response.data.decode("utf-8")
    assert result.variables == ["c", "label", "n"] and len(result) > 0
    first = result.rows[0]
    assert isinstance(first["n"], int) and isinstance(first["c"], str) and first["c"].startswith("https://")
    frame = result.to_dataframe()
    assert list(frame.columns) == ["c", "label", "n"] and frame["n"].dtype.kind in "iu"
    assert frame["n"].tolist() == [row["n"] for row in result.rows]


def test_query_converts_decimals_and_booleans(kg):
    result = kg.query(NCKG_PREFIX + "SELECT ?fe ?high WHERE { ?m nckg:value ?fe . BIND (?fe > 50 AS ?high) } "
                                    "ORDER BY ?m LIMIT 20")
    frame = result.to_dataframe()
    assert frame["fe"].dtype.kind == "f" and frame["high"].dtype.kind == "b"
    assert all((row["fe"] > 50) == row["high"] for row in result.rows)
    assert kg.query("ASK { ?s ?p ?o }").rows == [{"result": True}]
    assert bool(kg.query("ASK { <urn:x:absent> ?p ?o }")) is False


def test_query_binds_values_as_terms(kg, client):
    bound = kg.query(COPPER_ABOVE, min=40)
    inline = client.post("/sparql", data={"query": COPPER_ABOVE.replace("?min", "40")},
                         headers={"Accept": "text/csv"})
    assert bound.to_csv() == inline.data.decode("utf-8")
    assert bound.rows and all(row["n"] > 40 for row in bound.rows)
    label = kg.query(NCKG_PREFIX + "SELECT ?label WHERE { ?c rdfs:label ?label }", c=nckg.IRI(CU32))
    assert label.column("label") == [kg.cluster(CU32).label]
    rdflib_bound = kg.query(NCKG_PREFIX + "SELECT ?label WHERE { ?c rdfs:label ?label }", c=rdflib.URIRef(CU32))
    assert rdflib_bound.rows == label.rows


def test_query_bindings_cannot_inject_sparql(kg):
    """A string is one literal: quotes, braces and keywords in it are data, never query text."""
    label = kg.cluster(CU32).label
    attack = f'{label}" }} UNION {{ ?c ?p ?o }} #'
    found = kg.query(NCKG_PREFIX + "SELECT ?c WHERE { ?c rdfs:label ?label }", label=attack)
    assert len(found) == 0
    assert kg.query(NCKG_PREFIX + "SELECT ?c WHERE { ?c rdfs:label ?label }", label=label).column("c") == [CU32]


def test_query_rejects_unknown_bindings_and_bad_queries(kg):
    with pytest.raises(ValueError, match=r"\?minimum"):
        kg.query(COPPER_ABOVE, minimum=40)
    with pytest.raises(QueryError):
        kg.query("SELECT ?x WHERE { ?x ")
    with pytest.raises(TypeError, match="cannot bind"):
        kg.query(COPPER_ABOVE, min=[40])


def test_construct_and_describe_give_rdflib_graphs(kg, client):
    query = f"DESCRIBE <{CU32}>"
    graph = kg.query(query)
    assert isinstance(graph, rdflib.Graph) and len(graph) > 0
    response = client.post("/sparql", data={"query": query}, headers={"Accept": "application/n-triples"})
    assert len(graph) == len(rdflib.Graph().parse(data=response.data.decode("utf-8"), format="nt"))
    built = kg.query(NCKG_PREFIX + "CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c rdfs:label ?l }", c=nckg.IRI(CU32))
    assert set(built.objects(rdflib.URIRef(CU32), rdflib.RDFS.label)) == set(graph.objects(rdflib.URIRef(CU32),
                                                                                          rdflib.RDFS.label))


# --- the catalogue ------------------------------------------------------------------------------------------------

def test_questions_are_the_catalogue(kg, client):
    listed = client.get("/queries", headers={"Accept": "application/json"}).get_json()
    assert [q.id for q in kg.questions] == [q["id"] for q in listed]
    assert [[p.name for p in q.parameters] for q in kg.questions] == [[p["name"] for p in q["parameters"]]
                                                                       for q in listed]
    assert kg.question(listed[0]["id"]).title == listed[0]["title"]


def test_ask_answers_every_table_question_as_http_does(kg, client):
    """Every SELECT / ASK question with its defaults: the same CSV as /queries/<id>/results."""
    checked = 0
    for question in kg.questions:
        if question.form not in ("select", "ask"):
            continue
        response = client.get(f"/queries/{question.id}/results?format=csv")
        assert response.status_code == 200, question.id
        assert _canonical(kg.ask(question.id).to_csv()) == _canonical(response.data.decode("utf-8")), question.id
        checked += 1
    assert checked == len(kg.questions) - sum(q.form not in ("select", "ask") for q in kg.questions) > 0


def test_ask_binds_parameters_as_http_does(kg, client):
    params = {"min_fe": 90}
    response = client.get("/queries/co2rr-product-above-fe/results", query_string={**params, "format": "csv"})
    result = kg.ask("co2rr-product-above-fe", **params)
    assert result.to_csv() == response.data.decode("utf-8")
    assert all(row["fe"] >= 90 for row in result.rows)
    assert kg.ask("co2rr-product-above-fe", min_fe="90").rows == result.rows  # text as a user types it


def test_ask_rejects_parameters_as_http_does(kg, client):
    for params in ({"min_fe": "lots"}, {"no_such_parameter": "1"}, {"min_fe": "101"}):
        response = client.get("/queries/co2rr-product-above-fe/results", query_string={**params, "format": "csv"})
        assert response.status_code == 400
        with pytest.raises(catalogue.ParameterError) as raised:
            kg.ask("co2rr-product-above-fe", **params)
        assert str(raised.value) in response.data.decode("utf-8")
    with pytest.raises(catalogue.UnknownQuery):
        kg.ask("no-such-question")


# --- entities -----------------------------------------------------------------------------------------------------

def test_clusters_frame_is_the_cluster_table(kg, http_clusters):
    frame = kg.clusters()
    assert sorted(frame["iri"]) == sorted(http_clusters)
    for row in frame.to_dict("records"):
        http = http_clusters[row["iri"]]
        assert (row["label"], row["formula"], list(row["ligands"])) == (http["label"], http["formula"], http["ligands"])
        assert row["copper"] == http["copper"]
        # the composition agrees with the counts: copper, hydride and each listed ligand
        assert row["composition"].get("Cu") == http["copper"]
        if http["hydride"]:
            assert row["composition"].get("H") == http["hydride"]
        for name in row["composition"]:
            assert name in ("Cu", "H") or name in http["ligands"], (row["iri"], name)


def test_cluster_by_label_formula_id_and_iri(kg, http_clusters):
    http = http_clusters[CU32]
    by_iri = kg.cluster(CU32)
    assert (by_iri.label, by_iri.formula, by_iri.charge, by_iri.copper) == (
        http["label"], http["formula"], http["charge"], http["copper"])
    subscripted = "".join(chr(0x2080 + int(ch)) if ch.isdigit() else ch for ch in http["formula"])
    for name in (http["label"], http["formula"], subscripted, http["id"], "cluster/" + http["id"],
                 http["canonical_formula"], "[Cu32(PET)24H8Cl2]2-", "[Cu₃₂H₈Cl₂(PET)₂₄]²⁻"):
        assert kg.cluster(name).iri == CU32, name
    assert by_iri.composition.get("Cu") == http["copper"]
    assert sorted(ligand.name for ligand in by_iri.ligands) == sorted(http["ligands"])
    assert by_iri.core.geometry == http["geometry"]
    assert by_iri.source_doi == http["source_doi"] and by_iri.source_doi.startswith("10.")


def test_ambiguous_and_unknown_names(kg):
    candidates = kg.find_clusters("Cu")
    assert len(candidates) > 1
    with pytest.raises(AmbiguousCluster) as raised:
        kg.cluster("Cu")
    assert {c["iri"] for c in raised.value.candidates} == {c["iri"] for c in candidates}
    assert all(c["id"] in str(raised.value) for c in candidates)
    with pytest.raises(ClusterNotFound):
        kg.cluster("no such cluster, surely")


def test_normalise_reads_subscripts_and_superscripts():
    assert normalise("[Cu₃₂H₈]²⁻") == normalise("[Cu32H8]2-") == "[cu32h8]2-"
    assert normalise(unicodedata.normalize("NFD", "Cu 8")) == "cu8"


def _most_measured(http_clusters) -> dict:
    return max(http_clusters.values(), key=lambda row: (row["measurements"], row["iri"]))


def test_cluster_measurements_match_the_catalogue(kg, client, http_clusters):
    row = _most_measured(http_clusters)
    cluster = kg.cluster(row["iri"])
    http = _http_json(client, "/queries/measurements-of-cluster/results", cluster=row["id"])
    frame = cluster.measurements
    assert set(frame["measurement"]) == {r["measurement"] for r in http}
    assert len(frame) == row["measurements"]
    by_iri = {r["measurement"]: r for r in http}
    for m in frame.to_dict("records"):
        expected = by_iri[m["measurement"]].get("value")
        assert pd.isna(m["value"]) if expected is None else m["value"] == pytest.approx(float(expected))
        assert m["quote"], m["measurement"]  # every measurement carries its quote
    assert frame.equals(kg.measurements(cluster=row["iri"]))


def test_cluster_evidence_matches_the_catalogue(kg, client, http_clusters):
    row = _most_measured(http_clusters)
    http = _http_json(client, "/queries/evidence-for-cluster/results", cluster=row["id"])
    evidence = kg.cluster(row["iri"]).evidence
    assert set(evidence["quote"]) == {r["reading_text"] for r in http}  # the API shows the reading text
    assert set(evidence["quote_verbatim"]) == {r["quote"] for r in http}


def test_cluster_syntheses_match_the_catalogue(kg, client):
    http = _http_json(client, "/queries/syntheses/results")
    products = sorted({r["product"] for r in http if r.get("product")})
    assert products
    for iri in products[:5]:
        made = {s.iri for s in kg.cluster(iri).syntheses if "product" in s.roles}
        assert made == {r["synthesis"] for r in http if r.get("product") == iri}, iri


def test_measurements_filter_by_reaction_metric_and_product(kg):
    everything = kg.measurements()
    assert len(everything) >= len(kg.measurements(metric="FaradaicEfficiency")) > 0
    fe = kg.measurements(metric="FaradaicEfficiency")
    assert set(fe["metric"]) == {fe["metric"].iloc[0]}
    assert kg.measurements(metric=fe["metric"].iloc[0]).equals(fe)  # the label works as well as the local name
    reaction = fe["reaction"].dropna().iloc[0]
    both = kg.measurements(reaction=reaction, metric="FaradaicEfficiency")
    assert len(both) == ((fe["reaction"] == reaction).sum()) > 0
    product = both["product"].dropna().iloc[0]
    narrow = kg.measurements(reaction=reaction, metric="FaradaicEfficiency", product=product)
    assert len(narrow) == (both["product"] == product).sum()
    with pytest.raises(ValueError, match="known:"):
        kg.measurements(reaction="no such reaction")
    with pytest.raises(nckg.UnknownName, match="electrochemical CO2 reduction"):  # the error lists the labels
        kg.measurements(reaction="no such reaction")


def test_pandas_missing_names_the_extra(kg, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"nckg\[analysis\]"):
        kg.clusters()
    assert kg.query(COPPER_ABOVE, min=40).rows  # plain rows need no pandas


def test_result_to_csv_writes_a_file(kg, tmp_path):
    result = kg.query(COPPER_ABOVE, min=40)
    target = tmp_path / "out.csv"
    text = result.to_csv(target)
    rows = list(csv.DictReader(io.StringIO(target.read_bytes().decode("utf-8"), newline="")))
    assert text == target.read_bytes().decode("utf-8") and len(rows) == len(result)
    assert [int(r["n"]) for r in rows] == result.column("n")


def test_help_documents_the_entry_points():
    text = nckg.__doc__
    for name in ("nckg.open", "clusters()", "cluster(", "measurements(", "ask(", "query(", "nckg[analysis]"):
        assert name in text
    assert nckg.open.__doc__ and nckg.KnowledgeGraph.query.__doc__ and nckg.Cluster.__doc__


def test_open_a_remote_sparql_endpoint(kg, live_server):
    """A SPARQL URL opens the remote backend (nckg.store.remote): the same API answers over HTTP, bindings included."""
    remote = nckg.open(f"{live_server}/sparql")
    assert remote.remote and remote.location.endswith("/sparql")
    assert remote.query(COPPER_ABOVE, min=40).rows == kg.query(COPPER_ABOVE, min=40).rows
    assert sorted(remote.clusters()["iri"]) == sorted(kg.clusters()["iri"])
    assert remote.cluster(CU32).formula == kg.cluster(CU32).formula
    assert _canonical(remote.ask("co2rr-product-above-fe", min_fe=90).to_csv()) == _canonical(
        kg.ask("co2rr-product-above-fe", min_fe=90).to_csv())
