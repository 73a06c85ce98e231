"""RDKit checks of the chemical and ligand registries and their external identifiers."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
import yaml
from rdflib import Graph, Literal, URIRef

from nckg.sources import chemistry
from nckg.sources.chemistry import (check_chemical, composition_from_smiles, duplicate_inchikeys, formula_from_smiles,
                            inchi_from_smiles, inchikey_from_smiles, parse_formula)

ROOT = Path(__file__).resolve().parents[2]
CHEMICALS = yaml.safe_load((ROOT / "data" / "chemicals.yaml").read_text(encoding="utf-8"))["chemicals"]
LIGANDS = yaml.safe_load((ROOT / "data" / "ligands.yaml").read_text(encoding="utf-8"))["ligands"]
BY_ID = {record["id"]: record for record in CHEMICALS}
INCHIKEY = URIRef("http://purl.obolibrary.org/obo/chebi/inchikey")


# ------------------------------------------------------------------ the functions themselves
def test_inchikey_and_inchi_of_methanol():
    assert inchikey_from_smiles("CO") == "OKKJLVBELUTLKV-UHFFFAOYSA-N"
    assert inchi_from_smiles("CO") == "InChI=1S/CH4O/c1-2/h2H,1H3"


def test_formula_is_hill_with_charge_suffix():
    assert formula_from_smiles("[BH4-].[Na+]") == "BH4Na"          # no carbon: alphabetical, H included
    assert formula_from_smiles("F[P-](F)(F)(F)(F)F") == "F6P-"
    assert formula_from_smiles("[O-]B([O-])[O-]") == "BO3-3"
    assert formula_from_smiles("[S-]CCc1ccccc1") == "C8H9S-"        # PET thiolate: C first, then H


def test_parse_formula_ignores_element_order_and_reads_charge():
    assert parse_formula("H4BNa") == parse_formula("BH4Na")
    assert parse_formula("C6FeN6-3") == (Counter({"C": 6, "N": 6, "Fe": 1}), -3)
    assert parse_formula("C24H20P+")[1] == 1
    with pytest.raises(chemistry.ChemistryError):
        parse_formula("not a formula")


def test_composition_counts_implicit_hydrogens():
    counts, charge = composition_from_smiles("CC(=O)[O-]")
    assert counts == Counter({"C": 2, "H": 3, "O": 2}) and charge == -1


def test_check_chemical_reports_each_kind_of_problem():
    good = {"id": "methanol", "smiles": "CO", "formula": "CH4O", "inchikey": "OKKJLVBELUTLKV-UHFFFAOYSA-N",
            "chebi": "CHEBI:17790", "pubchem_cid": 887, "wikidata": "Q14982"}
    assert check_chemical(good) == []
    assert "inchikey" in check_chemical({**good, "inchikey": "VNWKTOKETHGBQD-UHFFFAOYSA-N"})[0]
    assert "formula C2H6O" in check_chemical({**good, "formula": "C2H6O"})[0]
    assert "malformed ChEBI" in check_chemical({**good, "chebi": "CHEBI17790"})[0]
    assert "malformed Wikidata" in check_chemical({**good, "wikidata": "14982"})[0]
    assert "malformed PubChem" in check_chemical({**good, "pubchem_cid": "887"})[0]
    assert "cannot parse" in check_chemical({"id": "x", "smiles": "C1CC"})[0]
    assert "no inchikey" in check_chemical({"id": "x", "smiles": "C"})[0]
    assert "without a structure" in check_chemical({"id": "x", "chebi": "CHEBI:16183"})[0]


def test_duplicate_inchikeys_are_found():
    records = [{"id": "a", "inchikey": "K"}, {"id": "b", "inchikey": "K"}, {"id": "c", "inchikey": "L"}]
    assert duplicate_inchikeys(records) == {"K": ["a", "b"]}


# ------------------------------------------------------------------ the registries
@pytest.mark.parametrize("record", CHEMICALS + LIGANDS, ids=lambda r: r["id"])
def test_record_structure_is_consistent(record):
    """SMILES parses; stored InChI/InChIKey are RDKit's; stated formula equals the SMILES formula; ids valid."""
    assert check_chemical(record) == []


def test_no_two_chemicals_and_no_two_ligands_share_an_inchikey():
    assert duplicate_inchikeys(CHEMICALS) == {}
    assert duplicate_inchikeys(LIGANDS) == {}


def test_every_ligand_precursor_is_a_registered_chemical():
    missing = {lig["id"]: lig["precursor"] for lig in LIGANDS if lig.get("precursor") and lig["precursor"] not in BY_ID}
    assert missing == {}


def test_bound_ligand_is_the_deprotonated_or_unchanged_precursor():
    """X-type (one electron) ligand = precursor minus one H with charge -1; L-type ligand = the precursor itself."""
    checked = 0
    for lig in LIGANDS:
        pre = BY_ID.get(lig.get("precursor") or "")
        if not (pre and pre.get("smiles") and lig.get("smiles")):
            continue
        lig_counts, lig_charge = composition_from_smiles(lig["smiles"])
        pre_counts, pre_charge = composition_from_smiles(pre["smiles"])
        if lig.get("electrons_withdrawn") == 0:
            assert lig["inchikey"] == pre["inchikey"], lig["id"]
        elif lig.get("electrons_withdrawn") == 1:
            assert pre_counts - Counter({"H": 1}) == lig_counts and lig_charge == pre_charge - 1, lig["id"]
        checked += 1
    assert checked >= 25


def test_known_values():
    pet = next(lig for lig in LIGANDS if lig["id"] == "pet")
    assert pet["formula"] == "C8H9S-" and pet["precursor"] == "2-phenylethanethiol"
    assert BY_ID["2-phenylethanethiol"]["inchikey"] == "ZMRFRBHYXOQLDK-UHFFFAOYSA-N"
    assert BY_ID["methanol"]["chebi"] == "CHEBI:17790" and BY_ID["methanol"]["pubchem_cid"] == 887
    assert BY_ID["nabh4"]["pubchem_cid"] == 4311764 and BY_ID["nabh4"]["formula"] == "BH4Na"
    # a compound whose isomer the review leaves open carries no structure and no identifiers
    assert "smiles" not in BY_ID["propanol"] and "pubchem_cid" not in BY_ID["propanol"]


# ------------------------------------------------------------------ external identifiers re-verified offline
def _chebi_inchikeys() -> dict[str, str]:
    graph = Graph().parse(ROOT / "ontology" / "imports" / "chebi.ttl", format="turtle")
    prefix = "http://purl.obolibrary.org/obo/CHEBI_"
    return {str(s).replace(prefix, "CHEBI:"): str(o) for s, o in graph.subject_objects(INCHIKEY)}


def test_every_chebi_id_has_the_records_inchikey_in_the_shipped_module():
    keys = _chebi_inchikeys()
    wrong = {r["id"]: (r["chebi"], keys.get(r["chebi"])) for r in CHEMICALS + LIGANDS
             if r.get("chebi") and keys.get(r["chebi"]) != r["inchikey"]}
    assert wrong == {}
    assert keys["CHEBI:16183"] == BY_ID["methane"]["inchikey"] == "VNWKTOKETHGBQD-UHFFFAOYSA-N"


def test_every_pubchem_cid_has_the_records_inchikey_in_the_shipped_table():
    with (ROOT / "ontology" / "imports" / "pubchem.tsv").open(encoding="utf-8") as handle:
        table = {int(row["pubchem_cid"]): row["inchikey"] for row in csv.DictReader(handle, delimiter="\t")}
    wrong = {r["id"]: (r["pubchem_cid"], table.get(r["pubchem_cid"])) for r in CHEMICALS + LIGANDS
             if r.get("pubchem_cid") and table.get(r["pubchem_cid"]) != r["inchikey"]}
    assert wrong == {}
    assert table[887] == "OKKJLVBELUTLKV-UHFFFAOYSA-N"


def test_chebi_module_labels_match_the_chemical_names():
    graph = Graph().parse(ROOT / "ontology" / "imports" / "chebi.ttl", format="turtle")
    label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    assert graph.value(URIRef("http://purl.obolibrary.org/obo/CHEBI_17790"), label) == Literal("methanol", lang="en")
    assert graph.value(URIRef("http://purl.obolibrary.org/obo/CHEBI_16526"), label) == Literal("carbon dioxide",
                                                                                                lang="en")
