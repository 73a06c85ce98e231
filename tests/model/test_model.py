"""One domain model behind every face: the cluster browser (/clusters), the Table 1 question, the Python API, the
catalogue over HTTP and the CLI name things the same way, resolve names by one rule and give tables in one shape."""

from __future__ import annotations

import ast
import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import nckg
from nckg.cli.main import main as cli_main
from nckg.model import tables
from nckg.model.vocabulary import vocabulary

ROOT = Path(__file__).resolve().parents[2]
CU57H20 = "cu57h20-pet_36-pph3_4-1plus"  # [Cu57H20(PET)36(TPP)4]+: structure in ref. 56, click catalysis in ref. 57


@pytest.fixture(scope="module")
def kg(store_path):
    return nckg.open(store_path)


@pytest.fixture(scope="module")
def browser(store_path) -> dict[str, dict]:
    """The cluster browser's JSON (/clusters?format=json), by cluster id."""
    from server import create_app

    client = create_app({"TESTING": True, "STORE_PATH": str(store_path)}).test_client()
    return {row["id"]: row for row in client.get("/clusters?format=json").get_json()["clusters"]}


def _cli(store_path, *args: str):
    return CliRunner().invoke(cli_main, [*args[:2], "--store", str(store_path), *args[2:]])


def _split(cell: str) -> set[str]:
    return {part for part in cell.split("; ") if part} if cell else set()


# --- the same clusters, reactions and ligands on every face ----------------------------------------------------

def test_browser_table1_and_api_agree_on_every_cluster(kg, client, browser):
    frame = kg.clusters().set_index("id")
    table1 = list(csv.DictReader(io.StringIO(client.get("/queries/table1/results?format=csv").data.decode())))
    assert len(table1) == len(browser) == len(frame) == 54
    for row in table1:
        ident = row["cluster"].rsplit("/", 1)[-1]
        web, api = browser[ident], frame.loc[ident]
        assert _split(row["reactions"]) == set(web["reactions"]) == set(api["reactions"]), ident
        assert _split(row["ligands"]) == set(web["ligands"]) == set(api["ligands"]), ident
        assert row["label"] == web["label"] == api["label"]
    # the two clusters the browser missed (their reactions come from application records only)
    assert browser["cu26h11-cf3coo_8-ch3o_2-dppe_3-tbu-c2_4-1plus"]["reactions"] == ["electrochemical CO2 reduction"]
    assert browser["cu61h14-cl_6-s_6-s-tbu_26"]["reactions"] == ["Ullmann C-N coupling"]
    facets = client.get("/clusters", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<option value="Ullmann C-N coupling">' in facets


def test_table1_and_csv_say_missing_with_an_empty_cell(client):
    for path in ("/queries/table1/results?format=csv", "/clusters?format=csv"):
        text = client.get(path).get_data(as_text=True)
        assert "–" not in text, path
        assert ",," in text, path  # some cell is missing, and says so by being empty


# --- names: one resolver for terms -----------------------------------------------------------------------------

# (reaction, product, family) named by label, id and synonym: each triple must give the same rows everywhere
NAMINGS = {
    "label": ("electrochemical CO2 reduction", "formic acid", "thiolate ligand"),
    "id": ("ElectrochemicalCO2Reduction", "formic-acid", "ThiolateLigand"),
    "synonym": ("CO2RR", "formate", "thiolate"),
    "other synonym": ("eCO2RR", "HCOOH", "Thiolate"),
    "iri": ("https://w3id.org/nckg/ontology#ElectrochemicalCO2Reduction",
            "https://w3id.org/nckg/resource/chemical/formic-acid", "https://w3id.org/nckg/ontology#ThiolateLigand"),
}


@pytest.mark.parametrize("naming", NAMINGS)
def test_terms_by_label_id_and_synonym_give_the_same_rows_everywhere(kg, client, store_path, naming):
    reaction, product, family = NAMINGS[naming]
    reference = kg.measurements(reaction="ElectrochemicalCO2Reduction", product="formic-acid")
    frame = kg.measurements(reaction=reaction, product=product)
    assert len(reference) > 0 and frame.equals(reference)
    params = {"product": product, "family": family, "min_fe": "50"}
    python = kg.ask("co2rr-product-above-fe", **params).to_csv()
    http = client.get("/queries/co2rr-product-above-fe/results", query_string={**params, "format": "csv"})
    assert http.status_code == 200, http.data
    cli = _cli(store_path, "queries", "run", "co2rr-product-above-fe", "--format", "csv",
               *[f"--param={k}={v}" for k, v in params.items()])
    assert cli.exit_code == 0, cli.output
    assert python.splitlines() == http.data.decode().splitlines() == cli.output.splitlines()
    assert len(python.splitlines()) > 1
    expected = kg.ask("catalysts-for-reaction", reaction="ElectrochemicalCO2Reduction").to_csv()
    assert kg.ask("catalysts-for-reaction", reaction=reaction).to_csv() == expected


def test_unknown_term_lists_the_labels_on_every_face(kg, client, store_path):
    with pytest.raises(nckg.UnknownName) as raised:
        kg.measurements(product="unobtainium")
    assert "formic acid" in str(raised.value) and "/queries" not in str(raised.value)
    with pytest.raises(ValueError, match="formic acid") as asked:
        kg.ask("co2rr-product-above-fe", product="unobtainium")
    assert "/queries" not in str(asked.value)
    http = client.get("/queries/co2rr-product-above-fe/results?format=csv&product=unobtainium")
    assert http.status_code == 400 and b"formic acid" in http.data
    cli = _cli(store_path, "queries", "run", "co2rr-product-above-fe", "--param=product=unobtainium")
    assert cli.exit_code != 0 and "formic acid" in cli.output and "Traceback" not in cli.output


def test_vocabulary_terms_have_iri_id_label_and_synonyms(store):
    vocab = vocabulary(store)
    co2rr = vocab.resolve("CO₂RR", "reaction")
    assert (co2rr.id, co2rr.label) == ("ElectrochemicalCO2Reduction", "electrochemical CO2 reduction")
    assert {"eCO2RR", "CO2RR"} <= set(co2rr.synonyms)
    assert vocab.resolve("GRS", "synthesis method").id == "GradientReductionStrategy"
    assert vocab.resolve("HCO2H", "chemical").id == "formic-acid"
    with pytest.raises(nckg.UnknownName):
        vocab.resolve("formate", "reaction")  # a chemical's synonym is not a reaction


# --- names: one resolver for clusters --------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["Cu8", "Cu6", "Cu25", "Cu26", "Cu32", "Cu₂₆"])
def test_a_name_many_clusters_go_by_is_ambiguous_everywhere(kg, client, store_path, name):
    with pytest.raises(nckg.AmbiguousCluster) as raised:
        kg.cluster(name)
    candidates = raised.value.candidates
    assert len(candidates) > 1
    copper = int(re.sub(r"\D", "", name.translate(str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789"))))
    frame = kg.clusters()
    assert {c["id"] for c in candidates} == set(frame.loc[frame["copper"] == copper, "id"])
    http = client.get("/queries/measurements-of-cluster/results", query_string={"cluster": name, "format": "csv"})
    assert http.status_code == 400 and all(c["id"].encode() in http.data for c in candidates)
    cli = _cli(store_path, "queries", "run", "measurements-of-cluster", f"--param=cluster={name}")
    assert cli.exit_code != 0 and all(c["id"] in cli.output for c in candidates)


@pytest.mark.parametrize("name", ["[Cu25H22(PPh3)12]+", "[Cu25H22(PPh3)12]Cl", "[Cu₂₅H₂₂(PPh₃)₁₂]⁺",
                                  "Cu25H22(PPh3)12", "cu25h22-pph3_12-1plus"])
def test_a_cluster_by_formula_in_any_charge_notation(kg, name):
    assert kg.cluster(name).id == "cu25h22-pph3_12-1plus"


def test_every_display_label_names_its_cluster(kg):
    for row in kg.clusters().to_dict("records"):
        assert kg.cluster(row["label"]).id == row["id"]


# --- tables a data scientist can use ---------------------------------------------------------------------------

def test_dataframes_keep_integers_na_and_lists(kg):
    frames = {"clusters": kg.clusters(), "measurements": kg.measurements(), "ligands": kg.ligands(),
              "cluster_ligands": kg.cluster_ligands(), "syntheses": kg.syntheses(),
              "publications": kg.publications()}
    for name, frame in frames.items():
        assert list(frame.columns) == tables.names(name), name
        assert len(frame) > 0, name
        for column in tables.TABLES[name]:
            series = frame[column.name]
            if column.kind == "integer":
                assert str(series.dtype) == "Int64", (name, column.name)
            elif column.kind == "decimal":
                assert str(series.dtype) == "Float64", (name, column.name)
            elif column.kind == "list":
                assert all(isinstance(v, list) for v in series), (name, column.name)
            for value in series:  # missing is NA, never "–" or ""
                assert not (isinstance(value, str) and value.strip() in ("", "–")), (name, column.name)
    clusters = frames["clusters"]
    assert clusters["hydride"].isna().any() and clusters["charge"].isna().any()
    assert (clusters["charge"].dropna() < 0).any()  # negative charges survive as integers


def test_one_doi_form_everywhere(kg, client):
    doi = re.compile(r"^10\.\d{4,9}/\S+$")
    for frame, columns in ((kg.clusters(), ("source_doi",)), (kg.measurements(), ("source_doi",)),
                           (kg.syntheses(), ("source_doi",)), (kg.publications(), ("doi",))):
        for column in columns:
            values = frame[column].dropna()
            assert len(values) and all(doi.match(v) and v == v.lower() for v in values), column
    assert all(doi.match(d) for ds in kg.clusters()["source_dois"] for d in ds)
    rows = list(csv.DictReader(io.StringIO(client.get("/clusters?format=csv").data.decode())))
    assert all(doi.match(r["source_doi"]) for r in rows if r["source_doi"])


def test_measurements_have_one_potential_column_with_its_reference(kg):
    frame = kg.measurements()
    assert "potential_v_rhe" not in frame.columns and "overpotential" not in frame.columns
    with_potential = frame[frame["potential"].notna()]
    assert len(with_potential) and with_potential["reference_electrode"].notna().all()
    assert set(with_potential["reference_electrode"]) <= {"RHE", "not stated"}
    assert frame.loc[frame["potential"].isna(), "reference_electrode"].isna().all()


def test_ligand_tables(kg):
    ligands = kg.ligands().set_index("id")
    pet = ligands.loc["pet"]
    assert pet["family"] == "thiolate ligand" and pet["binding_atoms"] == ["S"] and pet["smiles"]
    assert pet["clusters"] >= 3
    assert not any(", " in a for a in ligands["abbreviation"].dropna())  # labels without stray ", "
    pairs = kg.cluster_ligands()
    cu32 = pairs[pairs["cluster_id"] == "cu32h8-cl_2-pet_24-2minus"].set_index("ligand")
    assert cu32.loc["PET", "count"] == 24
    assert pairs["count"].isna().any()  # named without a count: NA, not 0


def test_exports_write_the_dataset(kg, tmp_path):
    target = kg.export(tmp_path / "graph.nq.gz")
    other = nckg.open(target)
    assert sorted(other.clusters()["id"]) == sorted(kg.clusters()["id"])
    turtle = kg.export(tmp_path / "graph.ttl")
    assert turtle.read_text(encoding="utf-8").count("CopperNanocluster") > 50


def test_the_table_documentation_matches_the_code():
    text = (ROOT / "docs" / "python-api.md").read_text(encoding="utf-8")
    block = text.split("<!-- BEGIN GENERATED: tables.columns_markdown() -->\n", 1)[1].split(
        "<!-- END GENERATED -->", 1)[0]
    assert block.strip() == tables.columns_markdown().strip(), "regenerate with nckg.model.tables.columns_markdown()"


# --- several papers per compound -------------------------------------------------------------------------------

def test_a_cluster_reported_by_two_papers_lists_both(kg, browser, client):
    assert browser[CU57H20]["references"] == [56, 57]
    row = kg.clusters().set_index("id").loc[CU57H20]
    assert row["references"] == [56, 57] and row["reference"] == 56
    cluster = kg.cluster(CU57H20)
    assert cluster.references == (56, 57) and len(cluster.source_dois) == 2
    # each value keeps its own paper: the click-reaction yields come from ref. 57
    click = cluster.measurements[cluster.measurements["reaction"] == "azide-alkyne cycloaddition"]
    assert len(click) and set(click["source_doi"]) == {cluster.source_dois[1]}
    html = client.get("/clusters", headers={"Accept": "text/html"}).get_data(as_text=True)
    row_html = html[html.index(f'/resource/cluster/{CU57H20}"'):]
    row_html = row_html[:row_html.index("</tr>")]
    assert ">56</a>" in row_html and ">57</a>" in row_html


# --- one search ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["hydride", "thiolate", "tetrahedral", "GRS", "formic acid", "Cu₂₆"])
def test_one_search_on_every_face(kg, client, text):
    python = {c["id"] for c in kg.find_clusters(text)}
    question = {r["id"] for r in kg.ask("find-cluster", text=text).rows}
    web = json.loads(client.get("/clusters", query_string={"q": text, "format": "json"}).data)["clusters"]
    csv_rows = list(csv.DictReader(io.StringIO(client.get("/clusters", query_string={"q": text,
                                                                                       "format": "csv"}).data.decode())))
    assert python and python == question == {r["id"] for r in web} == {r["id"] for r in csv_rows}
    assert len(kg.clusters(search=text)) == len(python)


def test_hydride_search_finds_the_hydride_clusters(kg):
    frame = kg.clusters()
    assert {c["id"] for c in kg.find_clusters("hydride")} >= set(frame.loc[frame["hydride"] > 0, "id"])


# --- layout ----------------------------------------------------------------------------------------------------

def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("nckg"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_layout_one_folder_per_stage_no_flask_no_long_modules():
    package = ROOT / "src" / "nckg"
    stages = {p.name for p in package.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert {"sources", "build", "store", "model", "cli"} <= stages
    for path in package.rglob("*.py"):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= 420, f"{path.relative_to(ROOT)} has {lines} lines"
        assert not any(name == "flask" or name.startswith("flask.") for name in _imports(path)), path
    # stages never import the faces built on them
    for stage, forbidden in (("sources", ("nckg.model", "nckg.api", "nckg.cli", "nckg.store")),
                             ("build", ("nckg.model", "nckg.api", "nckg.cli")),
                             ("store", ("nckg.model", "nckg.api", "nckg.cli", "nckg.build")),
                             ("model", ("nckg.api", "nckg.cli", "nckg.build"))):
        for path in (package / stage).rglob("*.py"):
            bad = {name for name in _imports(path) if name.startswith(forbidden)}
            assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"
