"""HermiT (via owlready2) classifies fixture clusters into the defined classes and explains inconsistencies."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, Dataset, Graph, URIRef

from nckg.sources.ontology import NCKG, NCKR
from nckg.build.reason import InconsistentOntologyError, as_graph, explain_inconsistency, infer, reason, reasoning_module

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures"
CLUSTER = NCKR + "cluster/"
DEFINED = {"ThiolateProtectedCluster", "SelenolateProtectedCluster", "PhosphineProtectedCluster",
           "AlkynylProtectedCluster", "NitrogenLigandProtectedCluster", "HydrideContainingCluster",
           "MixedLigandCluster", "SuperatomicCluster", "CuIComplexCluster", "MagicNumberCluster", "Catalyst",
           "Electrocatalyst", "Photocatalyst", "OrganicReactionCatalyst", "CuS3SiteCluster", "CuS2N1SiteCluster"}

# cluster slug -> exactly the defined classes the fixture data implies
EXPECTED = {
    "cu23-cf3coo_6-tbuc2_13-a": {"AlkynylProtectedCluster", "MixedLigandCluster", "SuperatomicCluster"},
    "cu32h20-dtp_12": {"CuIComplexCluster", "HydrideContainingCluster", "Catalyst", "Electrocatalyst"},
    "cu13-c2r_4-s2cnnbu2_6-1plus": {"AlkynylProtectedCluster", "MixedLigandCluster", "SuperatomicCluster",
                                    "MagicNumberCluster"},
    "cu6-mbd_6": {"ThiolateProtectedCluster", "CuS2N1SiteCluster", "Catalyst", "Electrocatalyst"},
    "cu61h14-cl_6-s_6-stbu_26": {"ThiolateProtectedCluster", "MixedLigandCluster", "HydrideContainingCluster",
                                 "Catalyst", "Photocatalyst", "OrganicReactionCatalyst"},
    "cu20-c2ph_12-oac_6": {"AlkynylProtectedCluster", "MixedLigandCluster", "Catalyst", "OrganicReactionCatalyst"},
    "cu7-pph3_3-sc5h9_7": {"ThiolateProtectedCluster", "PhosphineProtectedCluster", "MixedLigandCluster"},
    "cu20h8-tf-dpf_10-2plus": {"NitrogenLigandProtectedCluster", "HydrideContainingCluster"},
    "cu20h9-tf-dpf_10-1plus": {"NitrogenLigandProtectedCluster", "HydrideContainingCluster"},
    "cu26-4plus": {"Catalyst", "Electrocatalyst"},
    "cu13-3plus": set(),
    "cu8-l2_4-stbu_4": {"ThiolateProtectedCluster", "MixedLigandCluster", "CuS3SiteCluster"},
    "cu20-phcoo_6-pph3_2-phse_12-se_1": {"SelenolateProtectedCluster", "PhosphineProtectedCluster",
                                         "MixedLigandCluster"},
}


def test_fixture_exercises_every_defined_class():
    assert set().union(*EXPECTED.values()) == DEFINED


@pytest.fixture(scope="module")
def data() -> Graph:
    return Graph().parse(FIXTURES / "reasoning_clusters.ttl")


@pytest.fixture(scope="module")
def result(data):
    return reason(data)


def _types(result, subject: str) -> set[str]:
    return {o[len(NCKG):] for s, p, o in result.types if s == subject and o.startswith(str(NCKG))}


@pytest.mark.parametrize("slug", sorted(EXPECTED))
def test_defined_class_members(result, slug):
    assert _types(result, CLUSTER + slug) & DEFINED == EXPECTED[slug]


def test_superclasses_are_materialised(result):
    types = _types(result, CLUSTER + "cu13-c2r_4-s2cnnbu2_6-1plus")
    assert {"MetalNanocluster", "ChemicalEntity", "SuperatomicCluster"} <= types  # MagicNumber ⊑ Superatomic
    assert (NCKR + "evidence/ev-cu23", str(RDF.type), "http://www.w3.org/ns/prov#Entity") in result.types


def test_types_from_property_domains(result):
    untyped = NCKR + "measurement/cu6-mbd_6-faradaicefficiency-00000002"
    assert "Measurement" in _types(result, untyped)
    assert {"Ligand", "NitrogenDonorLigand"} <= _types(result, NCKR + "ligand/tf-dpf")


def test_only_new_triples_about_resources(result, data):
    assert result.types and result.relations
    for s, p, o in result.triples:
        assert s.startswith(str(NCKR)), s
        assert (URIRef(s), URIRef(p), URIRef(o)) not in data
        assert "owlapi/error" not in o and "nckg/alias#" not in o


def test_symmetric_and_super_property_relations(result):
    a, b = CLUSTER + "cu23-cf3coo_6-tbuc2_13-a", CLUSTER + "cu23-cf3coo_6-tbuc2_13-b"
    relations = set(result.relations)
    assert (b, str(NCKG.polymorphOf), a) in relations
    assert (a, str(NCKG.clusterRelation), b) in relations and (b, str(NCKG.clusterRelation), a) in relations
    h8, h9 = CLUSTER + "cu20h8-tf-dpf_10-2plus", CLUSTER + "cu20h9-tf-dpf_10-1plus"
    assert (h9, str(NCKG.differsByOneHydrideFrom), h8) in relations
    assert (NCKR + "measurement/cu20-click", str(NCKG.measuredOn), CLUSTER + "cu20-c2ph_12-oac_6") in relations
    assert (CLUSTER + "cu13-3plus", str(NCKG.dimerOf), CLUSTER + "cu26-4plus") not in relations  # not symmetric
    assert not any(p == str(NCKG.isCatalystIn) for _, p, _ in relations)


def test_genid_iris_survive_hermit():
    """OWLAPI reads IRIs containing 'genid' as blank nodes (nckg:ChalcogenideLigand!); reason.py aliases them."""
    data = Graph().parse(data="""
        @prefix nckg: <https://w3id.org/nckg/ontology#> .
        <https://w3id.org/nckg/resource/ligand/s> a nckg:ChalcogenideLigand .
        <https://w3id.org/nckg/resource/ligand/pet> a nckg:ThiolateLigand .
        <https://w3id.org/nckg/resource/cluster/genid-x> a nckg:CopperNanocluster ;
            nckg:hasLigand <https://w3id.org/nckg/resource/ligand/s> , <https://w3id.org/nckg/resource/ligand/pet> .
        """, format="turtle")
    result = reason(data)
    assert {"MixedLigandCluster", "ThiolateProtectedCluster"} <= _types(result, CLUSTER + "genid-x")


def test_dataset_and_ntriples_inputs(data, result):
    dataset = Dataset()
    first, second = dataset.graph(URIRef("urn:g:1")), dataset.graph(URIRef("urn:g:2"))
    for i, triple in enumerate(sorted(data)):
        (first if i % 2 else second).add(triple)
    assert set(infer(dataset)) == set(result.triples)  # the union of the named graphs is reasoned over
    assert set(as_graph(data.serialize(format="nt"))) == set(data)


def test_module_leaves_out_quotes_and_evidence(data):
    module = reasoning_module(data)
    assert (None, NCKG.quote, None) not in module and (None, NCKG.hasEvidence, None) not in module
    assert (URIRef(CLUSTER + "cu6-mbd_6"), NCKG.hasActiveSiteMotif, NCKG.CuS2N1) in module
    assert len(module) < len(data) / 2


def test_valid_shacl_fixture_is_consistent_and_classified():
    result = reason(Graph().parse(FIXTURES / "shacl_valid.ttl"))
    cu25 = _types(result, CLUSTER + "cu25h22-pph3_12-1plus")
    assert {"MagicNumberCluster", "HydrideContainingCluster", "PhosphineProtectedCluster"} <= cu25  # 25-22-1 = 2
    assert "Electrocatalyst" in _types(result, CLUSTER + "cu8-l1_4-tbus_4")


def test_static_inconsistencies_are_explained():
    data = Graph().parse(FIXTURES / "inconsistent_static.ttl")
    with pytest.raises(InconsistentOntologyError) as caught:
        reason(data)
    text = caught.value.explanation
    assert "nckr:ligand/pph3-or-pet would be both nckg:PhosphineLigand and nckg:ThiolateLigand, which are disjoint" in text
    assert ("nckr:cluster/cu13-bad has free-electron counts nckg:derivedFreeElectronCount 0; "
            "nckg:statedFreeElectronCount 2") in text
    assert "the value lies outside the range xsd:nonNegativeInteger of nckg:hydrideCount" in text
    assert "several values for the functional property nckg:copperAtomCount" in text
    assert "nckg:count (domain nckg:ComponentCount)" in text  # a cluster used as a component count
    assert set(caught.value.culprits) == {NCKR + "ligand/pph3-or-pet", CLUSTER + "cu13-bad", CLUSTER + "cu8-bad"}


def test_reasoner_only_inconsistency_is_located():
    """An asserted Cu(I)-complex class contradicting a stated free-electron count needs HermiT to detect; the
    delta-debugging search names exactly the responsible cluster and its triples."""
    data = Graph().parse(FIXTURES / "inconsistent_reasoner.ttl")
    text, culprits = explain_inconsistency(data, search=False)
    assert culprits == []  # no RDFS-level cause: only the OWL reasoner sees it
    with pytest.raises(InconsistentOntologyError) as caught:
        reason(data)
    assert caught.value.culprits == (CLUSTER + "cu23-asserted-cu1",)
    assert "nckr:cluster/cu23-asserted-cu1 rdf:type nckg:CuIComplexCluster ." in caught.value.explanation
    assert 'nckr:cluster/cu23-asserted-cu1 nckg:statedFreeElectronCount "4"^^xsd:integer .' in caught.value.explanation
