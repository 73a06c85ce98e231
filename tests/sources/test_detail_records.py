"""Hydride sites, vacancies, durability, light sources, synthesis conditions and superatom status: bad records are
reported with file and line; the compiler derives band gaps, marks unstated conditions and flags source issues."""

from __future__ import annotations

from pathlib import Path

import pytest

from nckg.build.compile import compile_all
from nckg.build.pipeline import load_sources
from nckg.namespaces import resource, term
from nckg.sources import checks
from nckg.sources import sanity
from nckg.sources import loading as sources
from nckg.sources.documents import load_documents
from nckg.sources.vocabulary import load_vocabulary

CU32H20_QUOTE = ("Meanwhile, the 20 hydrides are divided into 12 triply coordinated H (μ_3 -H), 6 tetra-coordinated H "
                 "(μ_4 -H), and 2 penta-coordinated H (μ ₅-H).")
CLUSTER = (
    "source: {ref: 51, doi: 10.1021/jacs.7b05591}\n"
    "clusters:\n"
    "  - id: cu32h20-dtp_12\n"
    "    formula_as_written: Cu32H20L12\n"
    "    composition: {Cu: 32, hydride: 20, ligands: [{ligand: dtp, count: 12}]}\n"
    "    charge: 0\n"
    "    superatom_stated: true\n"
    f"    evidence: {{section: '3.1', quote: '{CU32H20_QUOTE}'}}\n"
)


def _problems(tmp_path: Path, text: str) -> str:
    path = tmp_path / "ref051.yaml"
    path.write_text(text, encoding="utf-8")
    real = sources.load_all()
    registry, errors = checks.build_registry([f for f in real if f.path.name != "ref051-cu32h20.yaml"]
                                             + [sources.load_file(path)])
    registry.documents = load_documents()
    errors += checks.check(registry, load_vocabulary(), documents=registry.documents)
    return "\n".join(str(e) for e in errors)


def test_bad_detail_records_are_reported_with_file_and_line(tmp_path):
    text = CLUSTER + (
        "hydride_sites:\n"
        "  - cluster: cu32h20-dtp_12\n"
        "    mode: s-mu3\n"
        "    count: 13\n"
        f"    evidence: {{section: '3.1', quote: '{CU32H20_QUOTE}'}}\n"
        "vacancies:\n"
        "  - cluster: cu32h20-nowhere\n"
        "    parent: cu58-nowhere\n"
        "    site: a vertex\n"
        f"    evidence: {{section: '3.1', quote: '{CU32H20_QUOTE}'}}\n"
        "durability:\n"
        "  - cluster: cu32h20-dtp_12\n"
        "    cycles: 12\n"
        "    post_characterisation: [Tasting]\n"
        f"    evidence: {{section: '3.1', quote: '{CU32H20_QUOTE}'}}\n"
    )
    messages = _problems(tmp_path, text)
    assert "'s-mu3' is not a hydride mode" in messages
    assert "number 13 (count) does not occur in the record's quotes" in messages
    assert "unknown cluster id 'cu32h20-nowhere'" in messages and "unknown cluster id 'cu58-nowhere'" in messages
    assert "unknown characterisation method 'Tasting'" in messages
    assert "a stated superatom status needs a quote saying \"superatom\"" in messages
    assert "ref051.yaml:7:" in messages  # superatom_stated, reported at its line


def test_durability_without_any_evidence_of_durability_is_a_schema_error(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text("durability:\n  - cluster: cu6-nh\n    test: recycling\n"
                    f"    evidence: {{section: '3.1', quote: '{CU32H20_QUOTE}'}}\n", encoding="utf-8")
    with pytest.raises(sources.DataError) as err:
        sources.load_file(path)
    assert "durability evidence needs a duration, cycles" in str(err.value) and ":2:" in str(err.value)


@pytest.fixture(scope="module")
def quads():
    registry = load_sources()
    return [(q.subject, q.predicate, q.object) for q in compile_all(registry, load_vocabulary())]


def _objects(quads, subject, predicate: str) -> set[str]:
    return {o.value for s, p, o in quads if s == subject and p == term(predicate)}


def test_band_gaps_are_derived_from_stored_edges_and_marked(quads):
    # 3.2: CBM −1.20 / −1.26 V, VBM 0.74 / 0.66 V for Cu13a / Cu13b; the review gives no gap for them
    for cluster, gap in (("cu13-a", 1.94), ("cu13-b", 1.92)):
        node = resource("measurement", f"{cluster}-bandgap-derived")
        assert {float(v) for v in _objects(quads, node, "value")} == {gap}
        (derivation,) = _objects(quads, node, "derivation")
        assert "VBM" in derivation and "CBM" in derivation and "not stated" in derivation
        assert _objects(quads, node, "hasEvidence")
    # Cu6-NH has a stated gap (2.39 eV) and no edges: nothing derived
    assert not _objects(quads, resource("measurement", "cu6-nh-bandgap-derived"), "value")


def test_unstated_synthesis_conditions_are_marked_not_stated(quads):
    one_pot = resource("synthesis", "cu25-cu18-one-pot")  # 2.3: equivalents, C6H6, colours and 24 h are stated
    assert _objects(quads, one_pot, "conditionNotStated") == {"temperature", "atmosphere"}
    assert _objects(quads, one_pot, "reactionTime") == {"24 h"}
    alternative = resource("synthesis", "cu25-phen-ligand-exchange")
    assert _objects(quads, alternative, "alternativeRouteTo") == {
        resource("synthesis", "cu29-ligand-exchange-induced-growth").value}


def test_source_issues_flag_conflicting_light_and_odd_counts(quads):
    findings = {s for s, p, o in quads if p == term("issueKind") and o.value in sanity.KINDS}  # the chemistry checks
    issues = {s for s, p, o in quads if p.value.endswith("type") and o == term("SourceIssue")} - findings
    about = {o.value.rsplit("/", 1)[-1]: s for s, p, o in quads if s in issues and p == term("issueAbout")}
    assert set(about) == {"cu28h10-pph3_3-s-2meph_18", "cu18h3-cl_2-pph3_4-s-adm_12"}
    assert _objects(quads, about["cu28h10-pph3_3-s-2meph_18"], "issueKind") == {"conflicting light sources"}
    assert _objects(quads, about["cu18h3-cl_2-pph3_4-s-adm_12"], "issueKind") == {"odd derived electron count"}


def test_stated_and_derived_superatom_status_are_kept_apart(quads):
    cu31 = resource("cluster", "cu31-dppe_3-meoph-c2_21-2plus")  # "an eight-electron superatom"
    cu6 = resource("cluster", "cu6-dppe_3-meoph-c2_5-1plus")  # "a Cu(I) cluster not a superatom"
    cu50 = resource("cluster", "cu50h2-phcoo_10-pph3_1-s-4fph_20")  # 18 by counting; the review does not say
    assert _objects(quads, cu31, "statedSuperatom") == {"true"} == _objects(quads, cu31, "derivedSuperatom")
    assert _objects(quads, cu6, "statedSuperatom") == {"false"} == _objects(quads, cu6, "derivedSuperatom")
    assert not _objects(quads, cu50, "statedSuperatom") and _objects(quads, cu50, "derivedSuperatom") == {"true"}


def test_the_products_page_data_links_the_alternative_route_and_unstated_conditions(store):
    # 2.4: "the reaction of [Cu25H22(PPh3)12]Cl with 1,10-phenanthroline also yielded a deep blue molecule" — the
    # plain-phenanthroline route is shown with the Ph2phen synthesis on the Cu29 page
    cu29 = resource("cluster", "cu29h22-cl_4-ph2phen_12-1plus")
    rows = [{v: row[v] for v in ("part", "item", "text")} for row in store.run("page-cluster-synthesis", cluster=cu29)]
    alternatives = {r["item"].value for r in rows if r["part"].value == "alternative route"}
    assert alternatives == {resource("synthesis", "cu25-phen-ligand-exchange").value}
    conditions = {r["text"].value for r in rows if r["part"].value == "condition"}
    assert {"time: 15 min", "equivalents: 16 equiv. Ph2phen (4,7-diphenyl-1,10-phenanthroline)",
            "atmosphere: not stated", "solvent: not stated"} <= conditions
    assert "colour change: not stated" not in conditions  # dark green → dark blue is stated


def test_post_reaction_checks_link_the_characterisation_that_reports_them(quads):
    # 3.3.1: "XANES test after the catalytic test shows that the cluster undergoes no significant nuclearity changes";
    # 3.3.4: pyrazolate Cu8 has two SCXRD records, only the one quoting the stability test is linked
    linked = {s.value.split("/")[-1].rsplit("-", 1)[0]: o.value.split("/")[-1] for s, p, o in quads
              if p == term("postReactionRecord")}
    assert set(linked) == {"cu20-oac_6-ph-c2_12", "cu57h20-pet_36-pph3_4-1plus", "cu8-pz"}
    assert linked["cu20-oac_6-ph-c2_12"].startswith("cu20-oac_6-ph-c2_12-xanes-")
    pz_scxrd = {s for s, p, o in quads if p == term("characterisationMethod") and o == term("SingleCrystalXRD")
                and s.value.split("/")[-1].startswith("cu8-pz-")}
    assert len(pz_scxrd) == 2
