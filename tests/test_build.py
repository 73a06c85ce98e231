"""The build pipeline end to end: atomic swap, refusal of bad data, SHACL gate, CLI query and export round trip."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import CanonicalizationAlgorithm, Dataset, RdfFormat, parse
from rdflib import URIRef

from conftest import CU32_FORMULA, build_test_store
from nckg import build, config
from nckg.cli import main
from nckg.store import GraphStore, current_version

ROOT = Path(__file__).resolve().parents[1]


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
