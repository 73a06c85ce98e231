"""The build pipeline end to end: atomic swap, refusal of bad data, SHACL gate, CLI query and export round trip."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import CanonicalizationAlgorithm, Dataset, Literal, NamedNode, Quad, RdfFormat, parse
from rdflib import URIRef

from conftest import CU32_FORMULA, build_test_store
from nckg import config
from nckg.build import pipeline as build
from nckg.cli.main import main
from nckg.store.graph import GraphStore, current_version

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project_copy(tmp_path, monkeypatch) -> Path:
    """A copy of data/ and ontology/ under NCKG_HOME, so a test can break a data file."""
    for part in ("data", "ontology"):
        shutil.copytree(ROOT / part, tmp_path / "project" / part)
    monkeypatch.setenv("NCKG_HOME", str(tmp_path / "project"))
    return tmp_path / "project"


def formulas(path: Path) -> set[str]:
    rows = GraphStore.open(path).query("SELECT ?f WHERE { ?c <https://w3id.org/nckg/ontology#formulaAsWritten> ?f }")
    return {row["f"].value for row in rows}


def test_broken_data_file_fails_with_file_and_line_and_keeps_the_previous_store(project_copy, tmp_path):
    (tmp_path / "var").mkdir()
    previous = build_test_store(tmp_path / "var")
    version = current_version(previous)
    paper = project_copy / "data" / "papers" / "ref039-cu32.yaml"
    lines = paper.read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if text.strip().startswith("composition:"))
    lines[line - 1] = "\t" + lines[line - 1].strip()  # a tab cannot indent YAML
    paper.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = CliRunner().invoke(main, ["build", "--store", str(previous)])

    assert result.exit_code == 1
    assert f"ref039-cu32.yaml:{line}" in result.output and "previous store is unchanged" in result.output
    assert current_version(previous) == version
    assert CU32_FORMULA in formulas(previous)


def test_dangling_reference_is_refused(project_copy, tmp_path):
    paper = project_copy / "data" / "papers" / "ref039-cu32.yaml"
    paper.write_text(paper.read_text(encoding="utf-8").replace("ligand: pet,", "ligand: pet-typo,", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 1
    assert "ref039-cu32.yaml:" in result.output and "unknown ligand id 'pet-typo'" in result.output


def test_shacl_gate_rejects_a_cluster_without_copper_count(store):
    quads = list(parse(store.dump(RdfFormat.N_QUADS), format=RdfFormat.N_QUADS))
    cu_count = "https://w3id.org/nckg/ontology#copperAtomCount"
    broken = [q for q in quads if not (q.predicate.value == cu_count and "cu32h8" in q.subject.value)]
    assert len(broken) == len(quads) - 1
    with pytest.raises(build.BuildError, match="copperAtomCount"):
        build.check_shapes(build.rdflib_graph(broken))


def test_successful_build_swaps_atomically(tmp_path):
    (tmp_path / "var").mkdir()
    target = build_test_store(tmp_path / "var")
    before = current_version(target)
    report = build.build(target)
    assert current_version(target) != before and target.is_symlink()
    assert report.coverage["clusters"] >= 50 and report.quotes > 500
    assert report.graph_counts["https://w3id.org/nckg/graph/inferred"] > 0
    assert CU32_FORMULA in formulas(target)
    assert (target.parent / before).exists()  # the previous version stays for readers that still hold it


def test_export_nquads_round_trip(store_path, tmp_path):
    out = tmp_path / "dump.nq"
    result = CliRunner().invoke(main, ["export", "--format", "nquads", "--output", str(out), "--store", str(store_path)])
    assert result.exit_code == 0, result.output
    fresh = Dataset(parse(path=str(out), format=RdfFormat.N_QUADS))
    original = Dataset(GraphStore.open(store_path).store)
    assert len(fresh) == len(original) > 10_000
    for dataset in (fresh, original):  # blank nodes (OWL axioms) get new labels when parsed: compare canonical forms
        dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    assert set(fresh) == set(original)


def test_export_turtle_holds_the_union(store_path):
    import rdflib

    result = CliRunner().invoke(main, ["export", "--format", "turtle", "--store", str(store_path)])
    graph = rdflib.Graph().parse(data=result.stdout_bytes, format="turtle")
    assert (None, URIRef("https://w3id.org/nckg/ontology#copperAtomCount"), None) in graph


def test_cli_query_formats(store_path):
    sparql = ('SELECT ?f WHERE { ?c <https://w3id.org/nckg/ontology#copperAtomCount> 32 ; '
              '<https://w3id.org/nckg/ontology#formulaAsWritten> ?f } ORDER BY ?f')
    table = CliRunner().invoke(main, ["query", sparql, "--store", str(store_path)])
    assert table.exit_code == 0 and CU32_FORMULA in table.output and "rows)" in table.output
    csv = CliRunner().invoke(main, ["query", sparql, "--format", "csv", "--store", str(store_path)])
    assert csv.stdout.splitlines()[0] == "f" and CU32_FORMULA in csv.stdout
    bad = CliRunner().invoke(main, ["query", "SELECT WHERE {", "--store", str(store_path)])
    assert bad.exit_code == 1 and "query rejected" in bad.output


# --- each fact once, one definition per count --------------------------------------------------------------------

NCKG = "https://w3id.org/nckg/ontology#"


def _one(store, sparql: str):
    return next(iter(store.query(sparql)))


def test_union_default_graph_has_no_duplicate_rows(store):
    # shared entities (publications, ligands, chemicals, the review) are described in one named graph only
    quads = int(_one(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")["n"].value)
    distinct = int(_one(store, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o "
                               "WHERE { GRAPH ?g { ?s ?p ?o } } }")["n"].value)
    union_rows = int(_one(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")["n"].value)
    assert quads == distinct == union_rows > 10_000
    review = "<https://doi.org/10.1007/s40820-024-01555-6>"
    graphs = {row["g"].value for row in store.query(  # the build's derived nckg:mostSpecificType lives in the inferred graph
        f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {review} ?p ?o }} FILTER (?p != nckg:mostSpecificType) }}")}
    assert graphs == {"https://w3id.org/nckg/graph/doi/10.1007/s40820-024-01555-6"}


def test_build_refuses_a_triple_stated_in_two_graphs():
    s, p, o = (NamedNode("https://doi.org/10.1021/jacs.0c06577"), NamedNode(NCKG + "referenceNumber"),
               Literal("39", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
    once = [Quad(s, p, o, NamedNode("https://w3id.org/nckg/graph/doi/10.1007/s40820-024-01555-6"))]
    build.check_each_fact_once(once + once)  # the same quad twice is one fact in one graph
    with pytest.raises(build.BuildError, match="1 triple.*in more than one named graph"):
        build.check_each_fact_once(once + [Quad(s, p, o, NamedNode("https://w3id.org/nckg/graph/doi/10.1021/jacs.0c06577"))])


def test_build_stats_landing_page_and_catalogue_count_alike(store):
    from nckg.model import dataset as dataset_model

    registry = build.load_sources()
    page = dataset_model.counts(store)
    catalogue = {row["kind"].value: int(row["count"].value) for row in store.run("counts")}
    recorded = build.coverage(registry)
    assert page["ligands"] == catalogue["ligands"] == recorded["ligands"]  # every ligand record, used or not
    assert page["clusters"] == catalogue["clusters"] == recorded["clusters"]
    assert page["quotes"] == catalogue["quotes"] == build.quote_count(registry)  # distinct evidence nodes
    assert page["triples"] == sum(store.graph_counts().values())


def test_nckg_stats_prints_the_build_counts():
    registry = build.load_sources()
    result = CliRunner().invoke(main, ["stats"])
    assert result.exit_code == 0, result.output
    assert f"ligands {build.coverage(registry)['ligands']}," in result.output
    assert f"quotes: {build.quote_count(registry)} distinct" in result.output


def test_every_cluster_has_a_unique_label_and_literature_alt_labels(store):
    rows = list(store.query(f"SELECT ?c ?label WHERE {{ ?c a <{NCKG}CopperNanocluster> ; "
                            "<http://www.w3.org/2000/01/rdf-schema#label> ?label }"))
    labels = [row["label"].value for row in rows]
    assert len(labels) == len(set(labels)) == len({row["c"] for row in rows}) >= 50
    alt = {row["l"].value for row in store.query(
        "SELECT ?l WHERE { <https://w3id.org/nckg/resource/cluster/cu25-ref58> "
        "<http://www.w3.org/2004/02/skos/core#altLabel> ?l }")}
    assert alt == {"Cu25"} and "Cu25 (ref. 58)" in labels


def test_one_property_finds_every_potential_with_its_reference_electrode(store):
    rows = list(store.query(f"SELECT ?m ?v ?ref WHERE {{ ?m <{NCKG}potential> ?v ; <{NCKG}referenceElectrode> ?ref }}"))
    both = int(_one(store, f"SELECT (COUNT(?m) AS ?n) WHERE {{ ?m <{NCKG}potentialVsRHE>|<{NCKG}appliedPotential> ?v }}")
               ["n"].value)
    assert len(rows) == both >= 4
    assert {row["ref"].value for row in rows} == {"RHE", "not stated"}
    cu26 = {(row["v"].value, row["ref"].value) for row in rows if "cu26-4plus" in row["m"].value}
    assert ("-0.85", "RHE") in cu26  # 3.1: FE(NH3) 85.1 % at -0.85 V vs. RHE


def test_publication_year_is_found_with_dcterms_issued(store):
    row = _one(store, "SELECT ?y WHERE { <https://doi.org/10.1021/jacs.0c06577> "
                      "<http://purl.org/dc/terms/issued> ?y }")  # ref. 39, J. Am. Chem. Soc. (2020)
    assert row["y"].value == "2020"


def test_validate_refuses_a_cluster_without_ligands_or_a_reason(project_copy):
    paper = project_copy / "data" / "papers" / "ref058-cu28.yaml"
    text = paper.read_text(encoding="utf-8")
    paper.write_text("\n".join(t for t in text.splitlines() if "ligands_not_named" not in t) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 1
    assert "cluster 'cu25-ref58' has no ligand" in result.output and "ref058-cu28.yaml:" in result.output
