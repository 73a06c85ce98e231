"""SSSOM mapping tables, the shipped external-term modules and nckg.sources.mappings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyoxigraph import NamedNode
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from nckg.sources import mappings

ROOT = Path(__file__).resolve().parents[2]
IMPORTS = ROOT / "ontology" / "imports"
SETS = mappings.mapping_sets()
ROWS = [(mset, row) for mset in SETS for row in mset.rows]
NCKG = "https://w3id.org/nckg/ontology#"
MODULE_OF = {"RXNO": "rxno.ttl", "MOP": "mop.ttl", "CHMO": "chmo.ttl", "CHEBI": "chebi.ttl", "npo": "npo.ttl",
             "quantitykind": "qudt-quantitykinds.ttl", "unit": "qudt.ttl"}


def _id(value) -> str:
    if isinstance(value, mappings.MappingSet):
        return value.path.name.split(".")[0]
    return f"{value.get('subject_id') or value.get('subject_label')}->{value.get('object_id')}"


def _graph(*names: str) -> Graph:
    graph = Graph()
    for name in names:
        graph.parse(ROOT / "ontology" / name, format="turtle")
    return graph


MODULES = {name: _graph("imports/" + name) for name in set(MODULE_OF.values())}
ONTOLOGY = _graph("nckg.ttl")


def _row(subject: str, obj: str) -> dict:
    return next(row for _, row in ROWS if row["subject_id"] == subject and row["object_id"] == obj)


def test_expected_tables_exist_with_sssom_metadata():
    names = {mset.path.name for mset in SETS}
    assert {"reactions.sssom.tsv", "methods.sssom.tsv", "units.sssom.tsv", "classes.sssom.tsv",
            "chemicals.sssom.tsv"} <= names
    for mset in SETS:
        assert mset.metadata["mapping_set_id"].endswith(mset.path.name)
        assert mset.metadata["license"] == "https://creativecommons.org/licenses/by/4.0/"
        assert "curie_map" in mset.metadata


@pytest.mark.parametrize("mset,row", ROWS, ids=_id)
def test_row_is_a_justified_skos_mapping(mset, row):
    assert row["predicate_id"] in mappings.MAPPING_PREDICATES        # never owl:sameAs
    assert row["mapping_justification"].startswith("semapv:")
    assert row["subject_id"] or row.get("subject_type") == "rdfs literal"
    if row["predicate_id"] != "skos:exactMatch" and mset.path.name != "chemicals.sssom.tsv":
        assert row["comment"], "a non-exact mapping must say why"


@pytest.mark.parametrize("mset,row", ROWS, ids=_id)
def test_every_external_term_exists_in_the_shipped_modules(mset, row):
    prefix = row["object_id"].split(":", 1)[0]
    if prefix in ("pubchem.compound", "wikidata"):
        return                                                     # checked by InChIKey in test_chemistry
    graph = MODULES[MODULE_OF[prefix]]
    iri = URIRef(mset.expand(row["object_id"]))
    assert (iri, RDF.type, None) in graph, f"{row['object_id']} not declared in {MODULE_OF[prefix]}"
    if row["object_label"] and prefix not in ("unit",):
        labels = {str(label) for label in graph.objects(iri, RDFS.label)}
        assert row["object_label"] in labels or prefix == "quantitykind"


@pytest.mark.parametrize("mset,row", [(m, r) for m, r in ROWS if r["subject_id"].startswith("nckg:")],
                         ids=_id)
def test_every_nckg_subject_is_declared(mset, row):
    iri = URIRef(mset.expand(row["subject_id"]))
    declared = ONTOLOGY + MODULES["qudt.ttl"]
    assert (iri, RDF.type, None) in declared, row["subject_id"]


def test_every_reaction_type_and_method_is_mapped_except_documented_gaps():
    mapped = {row["subject_id"] for _, row in ROWS}
    for cls, gaps in (("ReactionType", set()), ("CharacterisationMethod", {"nckg:DFTCalculation"})):
        individuals = {"nckg:" + str(s).split("#")[1] for s in ONTOLOGY.subjects(RDF.type, URIRef(NCKG + cls))}
        assert len(individuals) >= 12
        assert individuals - mapped == gaps


def test_specific_mappings():
    assert _row("nckg:SingleCrystalXRD", "CHMO:0000159")["predicate_id"] == "skos:exactMatch"
    assert _row("nckg:AzideAlkyneCycloaddition", "RXNO:0000270")["predicate_id"] == "skos:closeMatch"
    assert _row("nckg:SonogashiraCoupling", "RXNO:0000137")["predicate_id"] == "skos:closeMatch"  # Pd-free here
    assert _row("nckg:NitrophenolReduction", "RXNO:0000337")["predicate_id"] == "skos:broadMatch"
    assert _row("nckg:MilliA-PER-CentiM2", "unit:A-PER-M2")["predicate_id"] == "skos:closeMatch"
    assert _row("nckr:chemical/methanol", "CHEBI:17790")["predicate_id"] == "skos:exactMatch"


def test_reactions_without_an_rxno_class_have_no_exact_match():
    """RXNO has no A3 coupling, electrochemical CO2/nitrate reduction or indolizine synthesis class."""
    for subject in ("nckg:A3Coupling", "nckg:ElectrochemicalCO2Reduction", "nckg:ElectrochemicalNitrateReduction",
                    "nckg:IndolizineSynthesis"):
        predicates = {row["predicate_id"] for _, row in ROWS if row["subject_id"] == subject}
        assert predicates and "skos:exactMatch" not in predicates, subject


def test_mapping_triples_are_named_nodes_and_include_a_known_triple():
    triples = mappings.mapping_triples()
    assert all(isinstance(part, NamedNode) for triple in triples for part in triple)
    assert (NamedNode(NCKG + "XANES"), NamedNode(mappings.SKOS + "exactMatch"),
            NamedNode("http://purl.obolibrary.org/obo/CHMO_0000305")) in triples
    assert len(triples) == len(set(triples))
    without = mappings.mapping_triples(include_chemicals=False)
    assert len(without) < len(triples)
    assert not any(str(s.value).startswith("https://w3id.org/nckg/resource/chemical/") for s, _, _ in without)


def test_owl_same_as_is_rejected(tmp_path):
    (tmp_path / "bad.sssom.tsv").write_text(
        "# mapping_set_id: x\nsubject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\tmapping_justification\n"
        "nckg:XPS\tXPS\towl:sameAs\tCHMO:0000404\tXPS\tsemapv:ManualMappingCuration\n", encoding="utf-8")
    with pytest.raises(mappings.MappingError):
        mappings.mapping_triples(tmp_path)


def test_chemicals_table_is_in_sync_with_the_registries():
    text = (ROOT / "ontology" / "mappings" / "chemicals.sssom.tsv").read_text(encoding="utf-8")
    assert text == mappings.render_chemicals_table(), "run: python -m nckg.sources.mappings --write-chemicals"


def test_link_counts_per_external_source():
    counts = mappings.link_counts()
    assert counts["CHMO"] == 11 and counts["RXNO"] >= 7 and counts["MOP"] >= 8
    assert counts["PubChem"] >= 90 and counts["ChEBI"] >= 30 and counts["QUDT quantity kinds"] >= 20
    pubchem_rows = {row["subject_id"] for _, row in ROWS if row["object_id"].startswith("pubchem.compound:")}
    assert counts["PubChem"] == len(pubchem_rows)


@pytest.mark.parametrize("name", ["rxno.ttl", "mop.ttl", "chmo.ttl", "chebi.ttl", "npo.ttl", "qudt-quantitykinds.ttl"])
def test_module_terms_have_label_source_version_and_local_parents(name):
    graph = MODULES[name]
    header = next(graph.subjects(RDF.type, OWL.Ontology))
    assert graph.value(header, OWL.versionInfo) is not None
    terms = [s for s in graph.subjects(RDFS.isDefinedBy, None)]
    assert terms
    for term in terms:
        assert graph.value(term, RDFS.label) is not None and graph.value(term, OWL.versionInfo) is not None
        for parent in graph.objects(term, RDFS.subClassOf):
            assert (parent, RDF.type, OWL.Class) in graph, f"{term} has a dangling parent {parent}"


def test_modules_are_small_and_generated():
    for name in ("rxno.ttl", "mop.ttl", "chmo.ttl", "chebi.ttl", "npo.ttl", "qudt-quantitykinds.ttl"):
        text = (IMPORTS / name).read_text(encoding="utf-8")
        assert "GENERATED by scripts/extract_imports.py" in text
        assert len(re.findall(r" a owl:Class| a <http://qudt.org/schema/qudt/QuantityKind>", text)) < 200


@pytest.mark.parametrize("path", sorted((ROOT / "queries" / "federation").glob("*.rq")), ids=lambda p: p.stem)
def test_federation_examples_parse_and_document_themselves(path):
    """The federation queries are documentation, but they must at least be valid SPARQL 1.1 with a SERVICE call."""
    from rdflib.plugins.sparql import prepareQuery

    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Federation example") and "SERVICE <https://" in text
    assert "SERVICE is disabled on the public nckg endpoint" in text or "keeps SERVICE" in text
    prepareQuery(text)  # parse only: no network call
