"""Curation review: facts a chemist who knows the review checks in the curated data.

Every assertion is a statement of the review (cu-nanoclusters-review.txt, doi:10.1007/s40820-024-01555-6); the
comment names the section. Values are read from the loaded sources (`nckg.build.pipeline.load_sources()`), never recomputed
from memory.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from nckg.sources import formula
from nckg.build.pipeline import load_sources

# ids of the clusters checked below (computed from composition, see docs/design.md "Cluster slug")
CU8_1, CU8_2, CU8_3 = "cu8h1-cz-cs2_6-1plus", "cu8-cz-cs2_4-s-tbu_4", "cu8-etocs2_4-s-tbu_4"
CU32H20 = "cu32h20-dtp_12"
CU6_MBD = "cu6-mbd_6"
CU13_3PF6, CU26_4PF6 = "cu13-3plus", "cu26-4plus"
CU57, CU58 = "cu57h20-pet_36-pph3_4-1plus", "cu58h20-pet_36-pph3_4-2plus"
CU20_H8, CU20_H9 = "cu20h8-tf-dpf_10-2plus", "cu20h9-tf-dpf_10-1plus"
CU41_1H, CU41_2H = "cu41h19-cf3coo_6-cl_2-pph3_6-s-2fph_12-2minus", "cu41h19-bo3_3-cl_3-pph3_6-s-25dmph_12"
CU20_1, CU20_2 = "cu20-phcoo_6-pph3_2-se_1-se-ph_12", "cu20-cf3coo_6-pph3_2-se_1-se-ph_12"
CU23A, CU23B = "cu23-cf3coo_6-tbu-c2_13-a", "cu23-cf3coo_6-tbu-c2_13-b"
CU25H22, CU18H17, CU29 = "cu25h22-pph3_12-1plus", "cu18h17-pph3_10-1plus", "cu29h22-cl_4-ph2phen_12-1plus"
CU66 = "cu66h24-cl_8-pph3_8-s-et_32-2plus"
CU8_PZ = "cu8-pz"


@pytest.fixture(scope="module")
def reg():
    return load_sources()


def _all(reg, kind):
    return [record for _, _, record in reg.records(kind)]


def cluster(reg, cid):
    return reg.clusters[cid][1]


def measurements(reg, cid, metric=None, **where):
    out = []
    for m in _all(reg, "measurements"):
        if m.cluster != cid or (metric and m.metric != metric):
            continue
        if all(getattr(m, k) == v for k, v in where.items()):
            out.append(m)
    return out


def values(ms):
    return sorted(m.value for m in ms)


def comparison(reg, better, worse, metric=None):
    found = [c for c in _all(reg, "comparisons")
             if c.better == better and c.worse == worse and (metric is None or c.metric == metric)]
    assert found, f"no comparison {better} > {worse} ({metric})"
    return found[0]


def related(reg, subject, predicate, obj):
    return any(r.subject == subject and r.predicate == predicate and r.object == obj
               for r in _all(reg, "relations"))


def ligands(reg):
    return {k: v[1] for k, v in reg.ligands.items()}


# --- provenance ---------------------------------------------------------------------------------------------------

def test_every_quote_and_number_checks_pass():
    # load_sources raises DataError when a quote is not in the review or a number is not in its record's quotes
    registry = load_sources()
    assert registry.clusters


def test_primary_paper_doi_matches_reference_list(reg):
    # References: each paper file's source DOI is the DOI printed for its reference number
    refs = {p.ref: p.doi.lower() for p in _all(reg, "publications") if p.ref}
    for f in reg.files:
        if f.data.source is not None and f.data.source.ref:
            assert refs[f.data.source.ref] == f.data.source.doi.lower(), f.path.name


# --- cluster inventory and identity ----------------------------------------------------------------------------------

# Cu nuclearity of every cluster the review names, in order of appearance (counted by reading sections 2-3.4):
# 2.1 Cu18H3, Cu32, Cu31, Cu6 side product, Cu50-1 (of four Cu50, the only one named), Cu41 1H, Cu41 2H;
# 2.2 Cu53 (ref 48), Cu53 (ref 37), SD/Cu23a, SD/Cu23b, Cu13a, Cu13b, Cu26 (ref 38);
# 2.3 Cu25H22, Cu18H17, Cu20; 2.4 Cu29, Cu13 (R = C(O)OMe), Cu13 (R = C6H4F), Cu28H15, Cu8H side product;
# 3.1 Cu32H20L12, Cu8-1, Cu8-2, Cu8-3, Cu6(MBD)6, Cu13·3PF6, Cu26·4PF6; 3.2 Cu6-NH, Cu6-N, Cu61;
# 3.3.1 Cu58, Cu57 (= Cu57H20 of 3.4, same formula); 3.3.2 Cu28, Cu25 (named for its Cu13 core), Cu7;
# 3.3.3 Cu3NC, array Cu8, cubic [Cu8(RS)6(PPh3)4(MeCN)4H]+; 3.3.4 pyrazolate Cu8, Cu10, Cu18; 3.3.5 Cu18H;
# 3.3.6 Cu66, Cu54, Cu50, Cu25 (SeCu20 = Cu20-1 of 3.4); 3.4 Cu20H9, Cu20H8, Cu20-1, Cu20-2.
# Not counted: the C-/A-Cu57H20 enantiomers (resolved components of Cu57H20, kept as two extra records), the
# unnamed deep-blue product of Cu25H22 + phen (2.4), the DFT models (Cu57H20)opt/(Cu58H20)opt, Ag/Au clusters.
REVIEW_CU_COUNTS = [18, 32, 31, 6, 50, 41, 41, 53, 53, 23, 23, 13, 13, 26, 25, 18, 20, 29, 13, 13, 28, 8,
                    32, 8, 8, 8, 6, 13, 26, 6, 6, 61, 58, 57, 28, 25, 7, 3, 8, 8, 8, 10, 18, 18, 66, 54, 50, 25,
                    20, 20, 20, 20]


def test_the_review_names_52_cu_clusters(reg):
    assert len(REVIEW_CU_COUNTS) == 52
    distinct = [c for cid, (_, c) in reg.clusters.items() if cid not in (CU57 + "-c", CU57 + "-a")]
    assert Counter(c.composition.Cu for c in distinct) == Counter(REVIEW_CU_COUNTS)
    assert len(reg.clusters) == 54  # + C- and A-Cu57H20


def test_no_composition_is_defined_twice(reg):
    # a cluster is its composition: the same formula may recur only as marked variants linked by a relation
    # (SD/Cu23a/b polymorphs 2.2, C-/A-Cu57H20 enantiomers 3.4)
    groups = defaultdict(list)
    for cid, (_, c) in reg.clusters.items():
        if c.formula_complete:
            key = (c.composition.Cu, c.composition.hydride or 0, c.charge,
                   tuple(sorted((i.ligand, i.count) for i in c.composition.ligands)))
            groups[key].append(c)
    rel = {(r.subject, r.object) for r in _all(reg, "relations")}
    for members in groups.values():
        if len(members) == 1:
            continue
        assert sum(1 for c in members if c.variant is None) <= 1, [c.id for c in members]
        for c in members:
            if c.variant:
                assert any((c.id, o.id) in rel or (o.id, c.id) in rel for o in members if o is not c), c.id


def test_cu57_of_the_click_reaction_is_the_cu57h20_of_nitrophenol_reduction(reg):
    # 3.3.1 [Cu57H20PET36(PPh3)4]+ (Cu57) and 3.4 [Cu57H20(PET)36(TPP)4]+ (Cu57H20): one formula, one cluster
    assert measurements(reg, CU57, "ProductYield", reaction="AzideAlkyneCycloaddition")
    assert measurements(reg, CU57, "RateConstant", reaction="NitrophenolReduction")
    assert not [cid for cid in reg.clusters if cid.startswith("cu57") and cid.endswith("ref57")]


def test_stated_free_electron_counts_agree_with_the_formula(reg):
    # 2.1 Cu31 "eight-electron superatom"; 2.2 Cu23 "four valent electrons"; 2.4 [Cu13]11+ core "two free electrons"
    stated = {cid: c.free_electrons for cid, (_, c) in reg.clusters.items() if c.free_electrons is not None}
    assert stated == {"cu31-dppe_3-meoph-c2_21-2plus": 8, CU23A: 4, CU23B: 4,
                      "cu13-meo2c-c2_4-s2cnbu2_6-1plus": 2, "cu13-fph-c2_4-s2cnbu2_6-1plus": 2}
    for cid, n in stated.items():
        assert formula.free_electrons(cluster(reg, cid), ligands(reg))[0] == n, cid


# --- section 2: synthesis ------------------------------------------------------------------------------------------

def test_cu18h3_precursor_reduction_turns_colorless_to_red(reg):
    # 2.1 Cu(CH3CN)4BF4 + PPh3, then Adm-SH; NaBH4 methanol solution: colorless -> red
    s = reg.syntheses["cu18h3-precursor-reduction"][1]
    assert s.method == "PrecursorReduction" and s.reductants == ["nabh4"]
    assert any(st.colour_from == "colorless" and st.colour_to == "red" for st in s.steps)
    assert cluster(reg, "cu18h3-cl_2-pph3_4-s-adm_12").composition.hydride == 3


def test_cu32_is_a_dianion_with_two_pph4_and_eight_hydrides(reg):
    # 2.1 [Cu32(PET)24H8Cl2](PPh4)2 (printed "(PPh_4)_{22}"; the title of ref. 39 has (PPh4)2)
    c = cluster(reg, "cu32h8-cl_2-pet_24-2minus")
    assert (c.charge, c.composition.hydride) == (-2, 8)
    assert [(i.chemical, i.count) for i in c.counter_ions] == [("pph4", 2)]


def test_cu31_has_the_cu6_cu_i_cluster_as_side_product(reg):
    # 2.1 side product [Cu6(4-MeO-PhC≡C)5(dppe)3](ClO4), "a Cu(I) cluster not a superatom"
    s = reg.syntheses["cu31-precursor-reduction"][1]
    assert s.side_products == ["cu6-dppe_3-meoph-c2_5-1plus"]
    assert cluster(reg, "cu6-dppe_3-meoph-c2_5-1plus").oxidation_states == ["Cu(I)"]


def test_sd_cu23a_and_b_are_solvent_dependent_polymorphs(reg):
    # 2.2 [Cu23(tBuC≡C)13(CF3COO)6] (SD/Cu23a) or ...·CHCl3 (SD/Cu23b); [Cu4]0 kernel in a Cu19 shell
    assert related(reg, CU23B, "polymorphOf", CU23A)
    a, b = cluster(reg, CU23A), cluster(reg, CU23B)
    assert [(i.chemical, i.count) for i in b.solvates] == [("chloroform", 1)] and not a.solvates
    for c in (a, b):
        assert (c.kernel.formula, c.kernel.charge, c.kernel.geometry) == ("[Cu4]0", 0, "Tetrahedral")
        assert c.shell.nuclearity == 19
    assert reg.syntheses["cu23-gradient-reduction"][1].method == "GradientReductionStrategy"


def test_one_pot_cu25h22_23_percent_and_cu18h17_14_percent(reg):
    # 2.3 13 equiv Ph2SiH2 + 24 Cu(OAc) + 12 PPh3 + 1 CuCl in C6H6, 24 h; yields 23 % and 14 %
    s = reg.syntheses["cu25-cu18-one-pot"][1]
    assert s.method == "OnePotSynthesis" and s.reductants == ["diphenylsilane"] and s.solvents == ["benzene"]
    assert {y.product: y.value for y in s.yields} == {CU25H22: 23, CU18H17: 14}
    assert s.time == "24 h"


def test_cu29_grows_from_cu25_in_84_percent_yield(reg):
    # 2.4 [Cu25H22(PPh3)12]Cl + 16 equiv Ph2phen: dark green -> dark blue, 15 min, 84 %
    s = reg.syntheses["cu29-ligand-exchange-induced-growth"][1]
    assert s.method == "LigandExchangeInducedGrowth" and s.starting_clusters == [CU25H22]
    assert {y.product: y.value for y in s.yields} == {CU29: 84}
    assert any(st.colour_from == "dark green" and st.colour_to == "dark blue" for st in s.steps)
    assert related(reg, CU25H22, "transformsInto", CU29)


def test_cu13_by_size_transformation_of_cu28h15_with_cu8h_side_product(reg):
    # 2.4 [Cu28H15(S2CNnBu2)12]+ + HC≡CR -> [Cu13(S2CNnBu2)6(C≡CR)4]+ ([Cu13]11+ cuboctahedral core), Cu8H side product
    s = reg.syntheses["cu13-size-transformation-from-cu28"][1]
    assert s.method == "SizeTransformation" and s.starting_clusters == ["cu28h15-s2cnbu2_12-1plus"]
    assert s.side_products == ["cu8h1-s2cnbu2_6-1plus"]
    k = cluster(reg, "cu13-meo2c-c2_4-s2cnbu2_6-1plus").kernel
    assert (k.formula, k.charge, k.geometry) == ("[Cu13]11+", 11, "Cuboctahedral")


# --- section 3.1: electrocatalysis -----------------------------------------------------------------------------------

def test_cu32h20_hydrides_core_and_lattice_hydride_energetics(reg):
    # 3.1 Cu32H20L12: 14-Cu hexacapped rhombohedral core; ΔG 0.32 eV (lattice hydride) vs 1.08 eV (proton channel)
    c = cluster(reg, CU32H20)
    assert (c.composition.hydride, c.kernel.nuclearity, c.kernel.geometry) == (20, 14, "HexacappedRhombohedral")
    assert values(measurements(reg, CU32H20, "FreeEnergyChange", product="formic-acid")) == [0.32, 1.08]
    fe = measurements(reg, CU32H20, "TotalFaradaicEfficiency")
    assert [(m.value, m.qualifier) for m in fe] == [(90, "over")]


def test_cu8_2_formate_faradaic_efficiency_92_percent_at_minus_1_0_v(reg):
    # 3.1 FE(HCO2H) 90 % and 92 % at -0.9 and -1.0 V; no reference electrode named
    fe = {m.conditions.potential_v: m.value
          for m in measurements(reg, CU8_2, "FaradaicEfficiency", product="formic-acid")}
    assert fe == {-0.9: 90, -1.0: 92}
    assert all(m.conditions.potential_v_rhe is None for m in measurements(reg, CU8_2, "FaradaicEfficiency"))


def test_cu8_kernels_cubic_versus_ditetrahedral(reg):
    # 3.1 Cu8-1 slightly twisted cubic Cu8 8+ core; Cu8-2 and Cu8-3 di-tetrahedral; ΔG(*CO2->HCOO*) -0.91 vs -0.23 eV
    assert cluster(reg, CU8_1).kernel.charge == 8 and cluster(reg, CU8_1).geometry == "Cubic"
    assert cluster(reg, CU8_2).geometry == cluster(reg, CU8_3).geometry == "DiTetrahedral"
    assert values(measurements(reg, CU8_2, "FreeEnergyChange")) == [-0.91]
    assert values(measurements(reg, CU8_1, "FreeEnergyChange")) == [-0.23]
    assert comparison(reg, CU8_2, CU8_1, "FaradaicEfficiency").structural_difference == "KernelShape"


def test_cu6_mbd_cus2n1_sites_give_methane(reg):
    # 3.1 CuS2N1 sites; FE(CH4) 42.5 % at -1.4 V with -119.0 mA cm-2; FE(C2H4) 23.0 % with -64.4 mA cm-2
    assert cluster(reg, CU6_MBD).active_site_motifs == ["CuS2N1"]
    assert values(measurements(reg, CU6_MBD, "FaradaicEfficiency", product="methane")) == [42.5]
    assert values(measurements(reg, CU6_MBD, "PartialCurrentDensity", product="methane")) == [-119.0]
    assert values(measurements(reg, CU6_MBD, "FaradaicEfficiency", product="ethylene")) == [23.0]
    assert values(measurements(reg, CU6_MBD, "PartialCurrentDensity", product="ethylene")) == [-64.4]
    assert {m.conditions.potential_v for m in measurements(reg, CU6_MBD, "FaradaicEfficiency")} == {-1.4}


def test_cu6_mbd_is_compared_with_the_cus3_cluster_cu8_tbus_4_l2_4(reg):
    # 3.1 Cu6(MBD)6 (asymmetric CuS2N1) activates CO2 better than Cu8(tBuS)4(L2)4 (symmetric CuS3) = Cu8-3
    assert cluster(reg, CU8_3).active_site_motifs == ["CuS3"]
    assert comparison(reg, CU6_MBD, CU8_3).structural_difference == "CoordinationSymmetry"


def test_cu26_dimer_nitrate_reduction_85_1_percent_at_minus_0_85_v_rhe(reg):
    # 3.1 Cu26·4PF6 dimer of Cu13·3PF6; FE(NH3) 85.1 % at -0.85 V vs. RHE in 0.1 M KNO3/0.5 M K2SO4; RDS 0.27 vs 0.58 eV
    assert related(reg, CU26_4PF6, "dimerOf", CU13_3PF6)
    [m] = measurements(reg, CU26_4PF6, "FaradaicEfficiency", product="ammonia")
    assert (m.value, m.conditions.potential_v_rhe, m.conditions.electrolyte) == (85.1, -0.85, "0.1 M KNO3 in 0.5 M K2SO4")
    assert values(measurements(reg, CU26_4PF6, "FreeEnergyChange")) == [0.27]
    assert values(measurements(reg, CU13_3PF6, "FreeEnergyChange")) == [0.58]


def test_only_the_nitrate_reduction_potential_is_stated_versus_rhe(reg):
    # 3.1 "-0.85 V (vs. RHE)" is the only applied potential of section 3 with a named reference electrode
    assert {m.cluster for m in _all(reg, "measurements")
            if m.conditions and m.conditions.potential_v_rhe is not None} == {CU26_4PF6}


# --- section 3.2: photocatalysis -------------------------------------------------------------------------------------

def test_cu6_nh_and_cu6_n_band_gaps_and_co_selectivity(reg):
    # 3.2 band gaps 2.36 (Cu6-N) and 2.39 eV (Cu6-NH); CO selectivity over 99 % for both; CO rate Cu6-NH > Cu6-N
    assert values(measurements(reg, "cu6-nh", "BandGap")) == [2.39]
    assert values(measurements(reg, "cu6-n", "BandGap")) == [2.36]
    for cid in ("cu6-nh", "cu6-n"):
        assert any(m.value == 99 and m.qualifier == "over" for m in measurements(reg, cid, "Selectivity"))
    assert comparison(reg, "cu6-nh", "cu6-n", "YieldRate").structural_difference == "Protonation"


def test_cu13a_cu13b_band_edges(reg):
    # 3.2 CBM -1.20 / -1.26 V and VBM 0.74 / 0.66 V for Cu13a / Cu13b; quasi-structural isomers
    assert values(measurements(reg, "cu13-a", "ConductionBandMinimum")) == [-1.20]
    assert values(measurements(reg, "cu13-b", "ConductionBandMinimum")) == [-1.26]
    assert values(measurements(reg, "cu13-a", "ValenceBandMaximum")) == [0.74]
    assert values(measurements(reg, "cu13-b", "ValenceBandMaximum")) == [0.66]
    assert related(reg, "cu13-a", "quasiIsomerOf", "cu13-b")


def test_cu61_mass_spectrum_and_absorption(reg):
    # 3.2 / Fig. 9: molecular ion at m/z 6613.5; bands at 355 and 440 nm; Ullmann C–N coupling
    cid = "cu61h14-cl_6-s_6-s-tbu_26"
    assert values(measurements(reg, cid, "MassToChargeRatio")) == [6613.5]
    assert values(measurements(reg, cid, "AbsorptionWavelength")) == [355, 440]
    assert any(a.cluster == cid and a.reaction == "UllmannCNCoupling" for a in _all(reg, "applications"))


# --- section 3.3: organic reactions ----------------------------------------------------------------------------------

def test_cu20_core_shell_solvates_and_click_loading(reg):
    # 3.3.1 4 THF solvates; tetrahedral [Cu4]2+ core in a [Cu16(C≡CPh)12(OAc)6]2- shell; 0.05 mol% on silica
    c = cluster(reg, "cu20-oac_6-ph-c2_12")
    assert [(i.chemical, i.count) for i in c.solvates] == [("thf", 4)]
    assert (c.kernel.formula, c.kernel.charge, c.kernel.geometry) == ("[Cu4]2+", 2, "Tetrahedral")
    assert c.shell.nuclearity == 16
    [m] = measurements(reg, c.id, "CatalystLoading", reaction="AzideAlkyneCycloaddition")
    assert (m.value, m.unit, m.conditions.support) == (0.05, "mol%", "silica")


def test_cu57_97_percent_versus_cu58_77_percent_click_yield(reg):
    # 3.3.1 0.025 mol%, 1.5 h light: 97 % (Cu57) and 77 % (Cu58); one surface Cu atom removed
    y57 = measurements(reg, CU57, "ProductYield", reaction="AzideAlkyneCycloaddition")
    y58 = measurements(reg, CU58, "ProductYield", reaction="AzideAlkyneCycloaddition")
    assert values(y57) == [97] and values(y58) == [77]
    for m in y57 + y58:
        assert (m.conditions.loading.value, m.conditions.time.value, m.conditions.time.unit) == (0.025, 1.5, "h")
    assert related(reg, CU57, "differsByOneAtomFrom", CU58)
    assert comparison(reg, CU57, CU58).structural_difference == "OneAtom"


def test_cu58_multishell_kernel(reg):
    # 3.3.1 five concentric shells Cu8@Cu6@Cu24@Cu12@Cu8
    c = cluster(reg, CU58)
    assert c.kernel.formula == "Cu8@Cu6@Cu24@Cu12@Cu8" and c.core_configuration == "Multishell"
    assert c.charge == 2 and cluster(reg, CU57).charge == 1


def test_cu28_anticuboctahedral_core_shell_and_sonogashira_yield(reg):
    # 3.3.2 centered Cu13 anti-cuboctahedron core, cage-like Cu15S18P3 shell; 82 % Sonogashira product
    c = cluster(reg, "cu28h10-pph3_3-s-2meph_18")
    assert c.composition.hydride == 10
    assert (c.kernel.nuclearity, c.kernel.geometry, c.shell.formula) == (13, "AntiCuboctahedral", "Cu15S18P3")
    assert values(measurements(reg, c.id, "ProductYield", reaction="SonogashiraCoupling")) == [82]


def test_cu7_hydride_free_photoluminescence_and_loading(reg):
    # 3.3.2 hydride-free [Cu7(SC5H9)7(PPh3)3]; excitation 395 nm, emission 436 nm; 5 mol% Cu
    c = cluster(reg, "cu7-pph3_3-s-c5h9_7")
    assert c.composition.hydride == 0 and c.kernel.geometry == "Tetrahedral"
    assert values(measurements(reg, c.id, "ExcitationWavelength")) == [395]
    assert values(measurements(reg, c.id, "EmissionWavelength")) == [436]
    assert values(measurements(reg, c.id, "CatalystLoading", reaction="CspCsp2Coupling")) == [5]


def test_cu3nc_substrate_scope(reg):
    # 3.3.3 71 examples of A3 coupling and 14 of redox-A3 coupling, both up to 99 % yield
    assert values(measurements(reg, "cu3-nhc_3-3plus", "SubstrateExampleCount", reaction="A3Coupling")) == [71]
    assert values(measurements(reg, "cu3-nhc_3-3plus", "SubstrateExampleCount", reaction="RedoxA3Coupling")) == [14]
    for reaction in ("A3Coupling", "RedoxA3Coupling"):
        [m] = measurements(reg, "cu3-nhc_3-3plus", "ProductYield", reaction=reaction)
        assert (m.value, m.qualifier) == (99, "up-to")


def test_array_cu8_beats_the_cubic_cu8_in_a3_coupling(reg):
    # 3.3.3 array-based [Cu8(Tf-dpf)4(NO3)2](NO3)2 vs [Cu8(RS)6(PPh3)4(MeCN)4H]+ with the cubic core
    c = comparison(reg, "cu8-no3_2-tf-dpf_4-2plus", "cu8h1-mecn_4-pph3_4-rs_6-1plus")
    assert c.reaction == "A3Coupling"
    assert cluster(reg, "cu8-no3_2-tf-dpf_4-2plus").core_configuration == "ArrayLike"


def test_pyrazolate_cu8_indolizine_tof_3880_per_hour(reg):
    # 3.3.4 TOF 3880 h-1; optimized 0.005 % mol; Cu10 and Cu18 give much lower yields
    assert [(m.value, m.unit) for m in measurements(reg, CU8_PZ, "TurnoverFrequency")] == [(3880, "1/h")]
    assert values(measurements(reg, CU8_PZ, "CatalystLoading")) == [0.005]
    for worse, nuclearity in (("cu10-ref62", 10), ("cu18-ref62", 18)):
        assert comparison(reg, CU8_PZ, worse).reaction == "IndolizineSynthesis"
        assert cluster(reg, worse).composition.Cu == nuclearity


def test_cu18h_helical_kernel_and_14_second_ferricyanide_reduction(reg):
    # 3.3.5 triple-stranded helical Cu15 kernel; [Fe(CN)6]3- fully reduced within 14 s
    c = cluster(reg, "cu18h1-pet_14-pph3_6-scn_3")
    assert (c.kernel.nuclearity, c.kernel.geometry) == (15, "TripleHelical")
    [m] = measurements(reg, c.id, "ReactionTime", reaction="FerricyanideReduction")
    assert (m.value, m.unit, m.product) == (14, "s", "ferrocyanide")


def test_cu66_cyclohexanol_selectivity_and_comparison_catalysts(reg):
    # 3.3.6 Cu66/XC-72: cyclohexanol selectivity nearly 100 %, complete conversion within 40 h; Cu54, Cu50, Cu20, Cu25 lower
    [sel] = measurements(reg, CU66, "Selectivity", product="cyclohexanol")
    assert (sel.value, sel.qualifier, sel.conditions.support) == (100, "nearly", "carbon-black-xc72")
    assert values(measurements(reg, CU66, "ReactionTime")) == [40]
    worse = {c.worse for c in _all(reg, "comparisons") if c.better == CU66}
    assert {cluster(reg, w).composition.Cu for w in worse} == {54, 50, 20, 25}
    assert CU20_1 in worse  # SeCu20(PhSe)12(PPh3)2(C6H5COO)6 is Cu20-1 of 3.4


# --- section 3.4: other reactions ------------------------------------------------------------------------------------

def test_cu57h20_nitrophenol_rate_and_enantiomers(reg):
    # 3.4 pseudo-first-order rate 18 min-1; unit cell holds C- and A-Cu57H20
    [m] = measurements(reg, CU57, "RateConstant")
    assert (m.value, m.unit) == (18, "1/min")
    assert related(reg, CU57 + "-c", "enantiomerOf", CU57 + "-a")


def test_cu20h8_is_25_times_more_active_than_cu20h9(reg):
    # 3.4 one hydride difference; [Cu20H9(Tf-dpf)10]·BF4 vs [Cu20H8(Tf-dpf)10]·(BF4)2
    c = comparison(reg, CU20_H8, CU20_H9)
    assert (c.ratio, c.reaction, c.structural_difference) == (25, "CinnamaldehydeConjugateReduction", "OneHydride")
    assert (cluster(reg, CU20_H8).charge, cluster(reg, CU20_H9).charge) == (2, 1)


def test_cu41_2h_sixfold_rate_constant_over_1h(reg):
    # 3.4 2H (more open sites) ~ sixfold rate constant of 1H; isostructural; both H19; 1H is a dianion
    c = comparison(reg, CU41_2H, CU41_1H)
    assert (c.ratio, c.metric, c.reaction) == (6, "RateConstant", "NitrophenolReduction")
    assert related(reg, CU41_1H, "isostructuralWith", CU41_2H)
    assert cluster(reg, CU41_1H).charge == -2
    assert cluster(reg, CU41_1H).composition.hydride == cluster(reg, CU41_2H).composition.hydride == 19


def test_cu20_1_is_16_fold_more_active_than_cu20_2(reg):
    # 3.4 benzoate Cu20-1 vs trifluoroacetate Cu20-2, 16-fold, carboxylate effect
    c = comparison(reg, CU20_1, CU20_2)
    assert (c.ratio, c.reaction, c.structural_difference) == (16, "NitrophenolReduction", "LigandSwap")


# --- Table 1: every catalyst has its reaction ------------------------------------------------------------------------

# clusters the text uses as catalysts (sections 2.2 and 3), each with the reaction(s) it names
CATALYSTS = {
    "cu26h11-cf3coo_8-ch3o_2-dppe_3-tbu-c2_4-1plus": {"ElectrochemicalCO2Reduction"},
    CU32H20: {"ElectrochemicalCO2Reduction"}, CU8_1: {"ElectrochemicalCO2Reduction"},
    CU8_2: {"ElectrochemicalCO2Reduction"}, CU8_3: {"ElectrochemicalCO2Reduction"},
    CU6_MBD: {"ElectrochemicalCO2Reduction"},
    CU13_3PF6: {"ElectrochemicalNitrateReduction"}, CU26_4PF6: {"ElectrochemicalNitrateReduction"},
    "cu6-nh": {"PhotocatalyticCO2Reduction"}, "cu6-n": {"PhotocatalyticCO2Reduction"},
    "cu13-a": {"PhotocatalyticSulfideOxidation"}, "cu13-b": {"PhotocatalyticSulfideOxidation"},
    "cu61h14-cl_6-s_6-s-tbu_26": {"UllmannCNCoupling"},
    "cu20-oac_6-ph-c2_12": {"AzideAlkyneCycloaddition"},
    CU58: {"AzideAlkyneCycloaddition"}, CU57: {"AzideAlkyneCycloaddition", "NitrophenolReduction"},
    "cu28h10-pph3_3-s-2meph_18": {"SonogashiraCoupling"}, "cu7-pph3_3-s-c5h9_7": {"CspCsp2Coupling"},
    "cu3-nhc_3-3plus": {"A3Coupling", "RedoxA3Coupling"},
    "cu8-no3_2-tf-dpf_4-2plus": {"A3Coupling"}, "cu8h1-mecn_4-pph3_4-rs_6-1plus": {"A3Coupling"},
    CU8_PZ: {"IndolizineSynthesis"}, "cu10-ref62": {"IndolizineSynthesis"}, "cu18-ref62": {"IndolizineSynthesis"},
    "cu18h1-pet_14-pph3_6-scn_3": {"FerricyanideReduction"},
    CU66: {"CyclohexanoneHydrogenation"}, "cu54-cl_12-no3_12-s_1-s-c4h9_20": {"CyclohexanoneHydrogenation"},
    "cu50h2-phcoo_10-pph3_1-s-4fph_20": {"CyclohexanoneHydrogenation"},
    "cu25h10-s-phcl2_18-3minus": {"CyclohexanoneHydrogenation"},
    CU20_1: {"NitrophenolReduction", "CyclohexanoneHydrogenation"}, CU20_2: {"NitrophenolReduction"},
    CU20_H8: {"CinnamaldehydeConjugateReduction"}, CU20_H9: {"CinnamaldehydeConjugateReduction"},
    CU41_1H: {"NitrophenolReduction"}, CU41_2H: {"NitrophenolReduction"},
}


def test_every_catalyst_has_a_record_of_each_reaction(reg):
    found = defaultdict(set)
    for m in _all(reg, "measurements"):
        if m.reaction:
            found[m.cluster].add(m.reaction)
    for c in _all(reg, "comparisons"):
        if c.reaction:
            found[c.better].add(c.reaction)
            found[c.worse].add(c.reaction)
    for a in _all(reg, "applications"):
        found[a.cluster].add(a.reaction)
    for cid, reactions in CATALYSTS.items():
        assert cid in reg.clusters, cid
        assert reactions <= found[cid], (cid, reactions - found[cid])
    # and no cluster carries a reaction the text does not use it for
    assert {cid: r for cid, r in found.items() if r} == CATALYSTS


# --- ligand links, display labels, photogenerated species ----------------------------------------------------------

def _ligand_counts(reg, cid):
    return {item.ligand: item.count for item in cluster(reg, cid).composition.ligands}


def test_clusters_whose_ligands_the_review_names_link_them_with_count_not_reported(reg):
    # 3.1: "utilized bulky carborane-alkynyl ligand to prepare atom-precise monomer Cu13·3PF6 and bridged dimer
    # Cu26·4PF6"; "each Cu13 monomer loses a carbocycloalkynyl ligand and the adjacent PPh3, and the vacated space is
    # occupied by the nido-carboranealkynyl ligands unit of the other monomer"; 2.2: CZ-PrAH for Cu13a/Cu13b;
    # 3.3.4: "pyrazolate (denote as Pz) ligands were employed to synthesize Cu8 nanoclusters". No count is given.
    assert _ligand_counts(reg, CU13_3PF6) == {"carboranealkynyl": None, "pph3": None}
    assert _ligand_counts(reg, CU26_4PF6) == {"carboranealkynyl": None, "nido-carboranealkynyl": None, "pph3": None}
    assert _ligand_counts(reg, "cu13-a") == _ligand_counts(reg, "cu13-b") == {"cz-pra": None}
    assert _ligand_counts(reg, CU8_PZ) == {"pz": None}
    assert reg.ligands["pz"][1].family == "PyrazolateLigand"


def test_a_count_not_reported_stays_out_of_the_id_and_shows_as_n(reg):
    cu13 = cluster(reg, CU13_3PF6)
    assert formula.slug(cu13) == "cu13-3plus"  # ids of such clusters stay stable when their ligands are added
    assert formula.canonical_formula(cu13, reg.ligand_records) == \
        "[Cu13(carborane-alkynyl)n(PPh3)n]3+ (partial)"
    assert formula.free_electrons(cu13, reg.ligand_records) is None


def test_only_clusters_whose_ligands_the_review_does_not_name_lack_ligand_links(reg):
    # 3.2: Cu6-NH / Cu6-N described by donor atoms only; 3.3.2: Cu25 named for its Cu13 core;
    # 3.3.4: "Other Cu nanoclusters such as Cu10 or Cu18 had a much lower yield".
    without = {cl.id for cl in _all(reg, "clusters") if not cl.composition.ligands}
    assert without == {"cu6-nh", "cu6-n", "cu25-ref58", "cu10-ref62", "cu18-ref62"}
    assert all(cluster(reg, cid).ligands_not_named for cid in without)


def test_every_cluster_has_a_unique_display_label_and_keeps_its_literature_labels(reg):
    labels = reg.cluster_labels
    assert len(set(labels.values())) == len(labels) == len(reg.clusters)
    # three clusters are called "Cu25": [Cu25H22(PPh3)12]Cl (2.3), [Cu25(SPhCl2)18H10]3- (3.3.6), and the Cu25 named
    # only for its core beside Cu28 (3.3.2, ref. 58)
    assert labels[CU25H22] == "Cu25 ([Cu25H22(PPh3)12]Cl)"
    assert labels["cu25-ref58"] == "Cu25 (ref. 58)"
    assert labels["cu18-ref62"] == "Cu18 (ref. 62)"
    assert labels[CU32H20] == cluster(reg, CU32H20).labels[0]  # a label no other cluster uses stays as it is
    assert cluster(reg, CU25H22).labels[0] == "Cu25"


def test_singlet_oxygen_and_superoxide_are_photogenerated_species_of_sulfide_oxidation(reg):
    # 3.2: "Cu13a presented lower superoxide radical (O2•−) yield and higher singlet oxygen (1O2) compared to that of
    # Cu13b"; Fig. 8e: "Mechanism of Cu13 cluster and 3O2 for 1O2 and O2•- photogeneration".
    found = {(c.better, c.worse, c.product) for c in _all(reg, "comparisons") if c.metric == "PhotogenerationYield"}
    assert found == {("cu13-a", "cu13-b", "singlet-oxygen"), ("cu13-b", "cu13-a", "superoxide")}
    assert {c.reaction for c in _all(reg, "comparisons") if c.metric == "PhotogenerationYield"} == \
        {"PhotocatalyticSulfideOxidation"}
    assert not [c for c in _all(reg, "comparisons") if c.metric == "ProductYield" and c.reaction is None]


# --- hydride sites, vacancies, durability, light sources, synthesis conditions -------------------------------------

def test_hydride_sites_add_up_to_the_hydride_count_where_all_are_given(reg):
    # 3.1: "the 20 hydrides are divided into 12 triply coordinated H (μ3-H), 6 tetra-coordinated H (μ4-H), and 2
    # penta-coordinated H (μ5-H)"
    sites = [s for s in _all(reg, "hydride_sites") if s.cluster == CU32H20]
    assert {s.mode: s.count for s in sites} == {"h-mu3": 12, "h-mu4": 6, "h-mu5": 2}
    assert sum(s.count for s in sites) == cluster(reg, CU32H20).composition.hydride
    # 3.4: "the exposed interfacial μ3-H might be involved in the catalytic reaction" (BD4− test); its μ5-H form is
    # stated for the perfect (Cu58H20)opt model, not for the crystal
    cu57 = {(s.mode, s.location): s for s in _all(reg, "hydride_sites") if s.cluster == CU57}
    assert set(cu57) == {("h-mu3", "interfacial"), ("h-mu5", "interstitial")}
    assert "D−" in cu57["h-mu3", "interfacial"].role and cu57["h-mu3", "interfacial"].model is None
    assert "Cu58H20" in cu57["h-mu5", "interstitial"].model
    # every site names a hydride mode, and only hydride clusters have sites
    modes = {k for k, (_, m) in reg.coordination_modes.items() if m.ligand_family == "HydrideLigand"}
    assert {s.mode for s in _all(reg, "hydride_sites")} <= modes == {"h-mu3", "h-mu4", "h-mu5"}
    assert all(cluster(reg, s.cluster).composition.hydride for s in _all(reg, "hydride_sites"))


def test_vacancies_match_the_parent_cluster_copper_count(reg):
    # 3.3.1: Cu57 "with one surface Cu atom removed"; "one Cu atom was removed on shell-4"; 3.3.2: Cu28 "one Cu atom
    # is missing in one tetrahedron's vertex"; 3.1: Cu13·3PF6 "with one vertex of the pentagonal bipyramid being lost"
    vacancies = _all(reg, "vacancies")
    assert {v.cluster for v in vacancies} == {CU57, "cu28h10-pph3_3-s-2meph_18", CU13_3PF6}
    for v in vacancies:
        if v.parent:
            assert cluster(reg, v.parent).composition.Cu - cluster(reg, v.cluster).composition.Cu == v.count
    assert {v.parent for v in vacancies if v.cluster == CU57} == {CU58}
    assert any("shell 4" in v.site for v in vacancies if v.cluster == CU57)


def test_durability_evidence_covers_every_stability_statement(reg):
    # 3.1 (Cu8-1/-2/-3, 8 h; Cu13/Cu26 "fair stability"), 3.2 (Cu6-NH 24 h PXRD), 3.3.1 (three cycles; XANES after
    # the click reaction), 3.3.4 (pyrazolate Cu8 in acid, alkali, boiling water; Cu10/Cu18 "not stable in basic
    # conditions"), 3.3.6 (Cu66/XC-72 "no significant decay"), 3.4 (ESI-MS of Cu57H20 after the test)
    records = _all(reg, "durability")
    by_cluster = defaultdict(list)
    for d in records:
        by_cluster[d.cluster].append(d)
    assert {d.duration.value for d in by_cluster[CU8_2]} == {8} and by_cluster[CU8_2][0].potential_v == -0.9
    assert by_cluster[CU8_2][0].retained and not by_cluster[CU8_1][0].retained  # only Cu8-2's current held
    assert {d.cycles for d in by_cluster[CU57] + by_cluster[CU58] if d.cycles} == {3}
    assert "boiling water" in by_cluster[CU8_PZ][0].media
    assert {m for d in records for m in d.post_characterisation} == {
        "PowderXRD", "XANES", "SingleCrystalXRD", "ESIMassSpectrometry"}
    assert len(records) == 14
    # the older StabilityDuration / CatalyticCycles measurements agree with the durability records
    for m in _all(reg, "measurements"):
        if m.metric == "StabilityDuration":
            assert m.value in {d.duration.value for d in by_cluster[m.cluster] if d.duration}
        if m.metric == "CatalyticCycles":
            assert m.value in {d.cycles for d in by_cluster[m.cluster]}


def test_light_sources_agree_with_the_light_as_written(reg):
    # 3.2 "visible light"; 3.3.2 Cu28 "Upon UV-LEDs irradiation", Cu7 "Under purple light irradiation from LEDs"
    for m in _all(reg, "measurements"):
        c = m.conditions
        if c and c.light:
            assert c.light_source, f"{m.cluster} {m.metric}: light {c.light!r} without a light source"
            band = c.light_source.split()[0].lower()  # visible / blue / purple / uv
            assert band in c.light.lower(), f"{m.cluster}: {c.light_source!r} is not what {c.light!r} says"
    sources = {(m.cluster, m.conditions.light_source) for m in _all(reg, "measurements")
               if m.conditions and m.conditions.light_source}
    assert ("cu28h10-pph3_3-s-2meph_18", "UV LED") in sources and ("cu7-pph3_3-s-c5h9_7", "purple LED") in sources


def test_synthesis_condition_fields_hold_what_the_review_states(reg):
    # 2.3 (Scheme 4): "adding 13 equiv. of Ph2SiH2 to a slurry containing 24 equiv. of Cu(OAc), 12 equiv. of PPh3,
    # and 1 equiv. of CuCl in C6H6 ... after keeping stirring in 24 h"; 2.4: "16 equiv of ... (Ph2phen)", "workup of
    # this mixture for 15 min"; no synthesis states a temperature or an atmosphere
    syntheses = {syn.id: syn for syn in _all(reg, "syntheses")}
    one_pot = syntheses["cu25-cu18-one-pot"]
    assert {(e.reagent, e.value) for e in one_pot.equivalents} == {
        ("Ph2SiH2", 13), ("Cu(OAc)", 24), ("PPh3", 12), ("CuCl", 1)}
    assert one_pot.time.startswith("24 h") and one_pot.solvents == ["benzene"]
    growth = syntheses["cu29-ligand-exchange-induced-growth"]
    assert [e.value for e in growth.equivalents] == [16] and growth.time.startswith("15 min")
    assert syntheses["cu25-phen-ligand-exchange"].alternative_to == growth.id
    assert not any(syn.temperature or syn.atmosphere for syn in syntheses.values())
    assert not any("time" in syn.conditions for syn in syntheses.values())  # a field now, not free text


def test_stated_superatoms_are_the_clusters_the_review_calls_so(reg):
    # 2.1 "an eight-electron superatom" (Cu31) and "not a superatom" (Cu6 side product); 2.2 "the Cu23 nanoclusters
    # are superatoms"; ref. 103 title "a two-electron superatom"
    stated = {cl.id: cl.superatom_stated for cl in _all(reg, "clusters") if cl.superatom_stated is not None}
    assert stated == {"cu31-dppe_3-meoph-c2_21-2plus": True, "cu6-dppe_3-meoph-c2_5-1plus": False,
                      CU23A: True, CU23B: True, "cu13-meo2c-c2_4-s2cnbu2_6-1plus": True,
                      "cu13-fph-c2_4-s2cnbu2_6-1plus": True}
    for cid, is_superatom in stated.items():
        derived = formula.free_electrons(cluster(reg, cid), reg.ligand_records)
        assert derived is None or (derived[0] >= 1) == is_superatom


def test_the_cu41_pair_has_formula_based_labels(reg):
    # 3.4: "[Cu41Cl2(2-FC6H4S)12(CF3COO)6(PPh3)6H19]2− (1H) and [Cu41(2,5-di-Methyl-C6H3S)12(BO3)3Cl3(PPh3)6H19] (2H)"
    labels = reg.cluster_labels
    assert labels[CU41_1H].startswith("Cu41H19") and labels[CU41_1H].endswith("(1H)")
    assert labels[CU41_2H].startswith("Cu41H19") and labels[CU41_2H].endswith("(2H)")
    assert {"1H", "Cu41"} <= set(cluster(reg, CU41_1H).labels) and "2H" in cluster(reg, CU41_2H).labels
