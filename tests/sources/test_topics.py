"""Topic files and the reference list: specific facts of the review, and provenance of every record."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from nckg.sources import checks
from nckg.sources import loading as sources
from nckg.sources.documents import load_documents
from nckg.sources.schema import Evidenced

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
TOPICS = ["table2-half-reactions", "coordination-modes", "superatom", "synthesis-methods", "perspectives"]
REVIEW_DOI = "10.1007/s40820-024-01555-6"
REVIEW = load_documents()[REVIEW_DOI]


def raw(name: str) -> dict:
    path = DATA / "references.yaml" if name == "references" else DATA / "topics" / f"{name}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def by_id(records: list[dict]) -> dict:
    return {r["id"]: r for r in records}


# --- reference list ---------------------------------------------------------------------------------------------

def test_reference_list_complete_and_unique():
    pubs = raw("references")["publications"]
    refs = [p["ref"] for p in pubs if "ref" in p]
    assert refs == list(range(1, 197))
    assert len({p["doi"] for p in pubs}) == len(pubs) == 197
    assert all(p["doi"] == p["doi"].lower() for p in pubs)
    review = [p for p in pubs if "ref" not in p]
    assert [p["doi"] for p in review] == [REVIEW_DOI]
    assert review[0]["year"] == 2025 and review[0]["volume"] == "17" and review[0]["pages"] == "83"


@pytest.mark.parametrize("ref, doi, year, volume", [
    (6, "10.1016/j.nantod.2019.100767", 2019, "28"),        # split over a page break
    (44, "10.1021/acs.inorgchem.2c02306", 2022, "61"),       # split over a page break
    (56, "10.1002/anie.202306849", 2023, "62"),              # split over a page break
    (81, "10.1039/c39940000801", 1994, None),                # DOI split over two links, no volume
    (112, "10.1016/j.surfin.2022.102555", 2023, "36"),       # printed "surfn"; the link target is right
    (167, "10.1021/ed045p581", 1968, "45"),                  # volume with issue "(9)"
    (47, "10.1021/jacs.0c01053", 2020, "142"),               # volume inside garbled markup "142,}"
])
def test_tricky_references(ref, doi, year, volume):
    pub = next(p for p in raw("references")["publications"] if p.get("ref") == ref)
    assert (pub["doi"], pub["year"], pub.get("volume")) == (doi, year, volume)


def test_reference_titles_and_authors():
    pubs = {p.get("ref"): p for p in raw("references")["publications"]}
    assert pubs[104]["authors"] == "F. Sun, Q. Tang, D-e. Jiang"
    assert pubs[104]["title"].startswith("Theoretical advances")
    assert pubs[7]["journal"] == "Coord. Chem. Rev."
    assert pubs[167]["issue"] == "9"
    assert pubs[20]["title"] == "Superatomic orbital splitting in coinage metal nanoclusters"


def test_references_file_is_generated_from_the_seed():
    script = ROOT / "scripts" / "extract_references.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


# --- Table 2 ----------------------------------------------------------------------------------------------------

def test_table2_rows():
    rows = by_id(raw("table2-half-reactions")["half_reactions"])
    assert len(rows) == 12
    assert (rows["co2-to-methane"]["e0_v_rhe"], rows["co2-to-methane"]["electrons_transferred"]) == (0.17, 8)
    assert (rows["co2-to-carbon-monoxide"]["e0_v_rhe"], rows["co2-to-carbon-monoxide"]["product"]) == (-0.11, "carbon-monoxide")
    assert rows["co2-to-propanol"]["electrons_transferred"] == 18
    assert (rows["oxygen-evolution"]["e0_v_rhe"], rows["oxygen-evolution"]["electrons_transferred"]) == (1.23, 4)
    her = rows["hydrogen-evolution"]
    assert her["e0_v_rhe"] == 0 and "e0_v_rhe" in her["interpreted"] and "θ" in her["evidence"][0]["quote"]
    assert "(a0)" in rows["co2-to-methanol"]["equation_as_written"] and "(aq)" in rows["co2-to-methanol"]["equation"]


# --- coordination modes -----------------------------------------------------------------------------------------

def test_coordination_modes():
    modes = by_id(raw("coordination-modes")["coordination_modes"])
    assert [modes[f"s-mu{n}"]["coppers_per_donor"] for n in (1, 2, 3, 4)] == [1, 2, 3, 4]
    assert [modes[f"cu-s{n}"]["donors_per_copper"] for n in (1, 2, 3, 4)] == [1, 2, 3, 4]
    assert modes["p-mu3"]["coppers_per_donor"] == 3
    assert {modes["cu3p3-cyclic-triangle"]["ring_motif"], modes["cu4n4-cyclic-quadrangle"]["ring_motif"]} == {"Cu3P3", "Cu4N4"}
    named = [m for m in modes.values() if m.get("hapticity")]
    assert len(named) == 7                                   # "seven essential types of coordination modes"
    assert all(len(m["hapticity"]) == m["coppers_per_donor"] for m in named)
    assert all(m["broader"] in modes for m in named)
    sigma_only = {m["coppers_per_donor"] for m in modes.values()
                  if m["ligand_family"] == "AlkynylLigand" and m["bonding"] == "sigma"}
    assert sigma_only == {3, 4}


def test_hydride_coordination_modes():
    # 3.1: "12 triply coordinated H (μ3-H), 6 tetra-coordinated H (μ4-H), and 2 penta-coordinated H (μ5-H)"
    modes = by_id(raw("coordination-modes")["coordination_modes"])
    hydride = {ident: m for ident, m in modes.items() if m["ligand_family"] == "HydrideLigand"}
    assert {ident: m["coppers_per_donor"] for ident, m in hydride.items()} == {"h-mu3": 3, "h-mu4": 4, "h-mu5": 5}
    assert all(m["donor_atom"] == "H" and "bonding" not in m for m in hydride.values())  # the review names no bonding


# --- superatom / synthesis methods / perspectives ---------------------------------------------------------------

def test_superatom_concepts():
    concepts = by_id(raw("superatom")["concepts"])
    magic = concepts["superatom-magic-numbers"]
    assert magic["magic_numbers"] == [2, 8, 18, 34, 52]
    assert magic["noble_gases"] == ["He", "Ne", "Ar", "Kr", "Xe"]
    assert concepts["cu-valence-states"]["valence_states"] == ["Cu(0)", "Cu(I)", "Cu(II)"]
    potentials = {p["couple"]: p["e0_v"] for p in concepts["cu-standard-reduction-potentials"]["standard_potentials"]}
    assert potentials == {"Cu2+/Cu+": 0.34, "Cu+/Cu": 0.52}


def test_synthesis_methods():
    methods = by_id(raw("synthesis-methods")["synthesis_methods"])
    assert set(methods) == {"PrecursorReduction", "GradientReductionStrategy", "OnePotSynthesis",
                            "LigandExchangeInducedGrowth", "SizeTransformation", "LigandEtching"}
    grs = methods["GradientReductionStrategy"]
    assert (grs["introduced_by"], grs["year"], grs["named_by"], grs["named_year"]) == ("Zheng group", 2019, "Sun group", 2020)
    assert "overall yield might be quite low" in grs["disadvantages"]


def test_perspectives():
    items = raw("perspectives")["perspectives"]
    assert [p["number"] for p in items] == [1, 2, 3, 4, 5]
    p3 = items[2]
    assert p3["reference_ranges"] == [[186, 189]] and p3["core_configurations"] == ["CoreShell", "RodLike", "ArrayLike"]


# --- provenance through the project loader ----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["references", *TOPICS])
def test_quotes_and_numbers(name):
    path = DATA / "references.yaml" if name == "references" else DATA / "topics" / f"{name}.yaml"
    source = sources.load_file(path)                      # schema (unknown keys are errors)
    errors = []
    for kind in type(source.data).model_fields:
        for i, record in enumerate(getattr(source.data, kind) or []):
            if isinstance(record, Evidenced):
                errors.extend(str(e) for e in checks.check_evidence(source, (kind, i), record))
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("name", TOPICS)
def test_verbatim_text_fields(name):
    """statement/description/advantages/... and example statements are verbatim spans of the review."""
    fields = ("statement", "description", "advantages", "disadvantages", "applicability", "topic")
    bad = []
    for records in raw(name).values():
        for record in records:
            texts = [record[f] for f in fields if f in record]
            texts += [ex["statement"] for ex in record.get("examples", [])]
            bad += [f"{record['id']}: {t[:60]}" for t in texts if not REVIEW.contains(t)]
    assert not bad, "\n".join(bad)
