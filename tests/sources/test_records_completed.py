"""Records completed from the review's text (each with its quote): the syntheses count agrees everywhere, the Cu8
kernels, the Cu8 comparisons' product, both alkynes of the Cu13 size transformation, the Cu8 free energies' method."""

from __future__ import annotations

import pytest

from nckg.build.pipeline import load_sources
from nckg.sources import quotes


@pytest.fixture(scope="module")
def registry():
    return load_sources()


def _records(registry, kind):
    return [record for _, _, record in registry.records(kind)]


def test_the_syntheses_question_lists_every_synthesis(store):
    counted = {row["kind"].value: int(row["count"].value) for row in store.run("page-counts")}["syntheses"]
    listed = {row["synthesis"].value for row in store.run("syntheses")}
    assert len(listed) == counted == len(_records(load_sources(), "syntheses"))


@pytest.mark.parametrize("cluster", ["cu8-cz-cs2_4-s-tbu_4", "cu8-etocs2_4-s-tbu_4"])
def test_the_ditetrahedral_cu8_kernels_are_kernel_records(registry, cluster):
    _, record = registry.clusters[cluster]
    assert record.kernel.geometry == "DiTetrahedral" and record.kernel.nuclearity == 8
    assert any("two types of metal kernels (ditetrahedral vs. cubic)" in e.quote for e in record.evidence)


def test_the_cu8_comparisons_name_their_product(registry):
    cu8 = [c for c in _records(registry, "comparisons")
           if c.worse == "cu8h1-cz-cs2_6-1plus" and c.metric in ("FaradaicEfficiency", "FreeEnergyChange")]
    assert len(cu8) == 3 and all(c.product == "formic-acid" for c in cu8)


def test_both_alkynes_of_the_cu13_size_transformation(registry):
    _, synthesis = registry.syntheses["cu13-size-transformation-from-cu28"]
    assert synthesis.ligand_reagents == ["methyl-propiolate", "fluorophenylacetylene"]
    _, alkyne = registry.chemicals["fluorophenylacetylene"]
    assert alkyne.formula == "C8H5F" and alkyne.smiles is None  # the review does not say where the F sits
    assert any("C_6H_4F" in e.quote for e in alkyne.evidence)


def test_the_cu8_free_energies_carry_the_sentence_that_they_were_calculated(registry):
    energies = [m for m in _records(registry, "measurements")
                if m.metric == "FreeEnergyChange" and m.cluster in ("cu8h1-cz-cs2_6-1plus", "cu8-cz-cs2_4-s-tbu_4")]
    assert sorted(m.value for m in energies) == [-0.91, -0.23]
    for m in energies:
        text = " ".join(quotes.spaced(e.quote) for e in m.evidence)
        assert "were calculated" in text
        assert m.method is None  # the review names no method ("DFT" appears in none of the quotes)
        assert "DFT" not in text
