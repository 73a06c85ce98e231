"""The ontology parses (rdflib, owlready2), documents every term, covers docs/design.md and is consistent (HermiT)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from nckg.sources.ontology import (
    IMPORTS_DIR,
    NCKG,
    ONTOLOGY_IRI,
    ONTOLOGY_TTL,
    controlled_terms,
    full_ontology_graph,
    ontology_graph,
    subclasses,
    unit_notations,
)

REPO = Path(__file__).resolve().parents[2]
QUDT = "http://qudt.org/schema/qudt/"
UNIT = "http://qudt.org/vocab/unit/"
DECLARATION_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                     OWL.NamedIndividual, RDFS.Datatype}

# Property local names the compiler (src/nckg/compile.py) emits; they must exist in the ontology.
COMPILER_PROPERTIES = """
formulaAsWritten canonicalFormula formulaComplete copperAtomCount hydrideCount charge hasComponent component count
hasCounterIon hasSolvate hasLigand hasKernel hasShell kernelFormula nuclearity hasGeometry coreConfiguration
hasActiveSiteMotif statedFreeElectronCount derivedFreeElectronCount derivation oxidationState variant
synthesisMethod product sideProduct startingCluster copperSource precursorText ligandReagent reductant solvent base
additive hasStep stepOrder stepText colourFrom colourTo yieldPercent yieldOf hasYield conditionText
catalyst measuredOn reaction measuredProduct metric value valueMin valueMax unitAsWritten qualifier method
potentialVsRHE overpotential electrolyte light support loadingValue loadingUnit durationValue durationUnit
temperatureText better worse comparedMetric ratio ratioText structuralDifference explanation hasEvidence quote
reviewSection primarySource note referenceNumber journal abbreviation bindingAtom electronsWithdrawn
precursorMolecule hasCoordinationMode smiles inchi inchikey molecularFormula pubchemCID equation halfReactionProduct
electronsTransferred standardPotentialVsRHE characterisedBy characterisationMethod observation topic statement
citesReference bridgingNumber hapticity bondingType donorAtom donorsPerCopper coppersPerDonor ringMotif ligandFamily
""".split()


@pytest.fixture(scope="module")
def onto() -> Graph:
    return ontology_graph()


def _design_vocabularies() -> dict[str, list[str]]:
    """Parse the 'Controlled vocabularies' bullets of docs/design.md into {key: [names]}."""
    text = (REPO / "docs" / "design.md").read_text(encoding="utf-8")
    section = text.split("## Controlled vocabularies", 1)[1].split("\n## ", 1)[0]
    bullets, current = [], None
    for line in section.splitlines():
        if line.startswith("- "):
            current = [line[2:]]
            bullets.append(current)
        elif current is not None and line.startswith("  "):
            current.append(line.strip())
    found = {}
    for bullet in (" ".join(parts) for parts in bullets):
        bullet = re.sub(r"^([^:(]*?)\s*\([^)]*\)", r"\1", bullet)  # drop "(classes, subclasses of nckg:Ligand)"
        key, items = (part.strip() for part in bullet.split(":", 1))
        if key == "Units":
            found[key] = re.findall(r"`([^`]+)`", items.split("IRI:", 1)[1])
        else:
            found[key] = [item.strip() for item in items.split(",") if item.strip()]
    return found


DESIGN = _design_vocabularies()
INDIVIDUAL_VOCABULARIES = ["ReactionType", "Metric", "SynthesisMethod", "CharacterisationMethod",
                           "CoreConfiguration", "Geometry", "ActiveSiteMotif", "StructuralDifference"]


def test_design_parsing_finds_all_vocabularies():
    assert set(INDIVIDUAL_VOCABULARIES) | {"LigandFamily", "Cluster relations", "Units"} <= set(DESIGN)
    assert len(DESIGN["ReactionType"]) == 17 and len(DESIGN["Metric"]) == 29 and len(DESIGN["LigandFamily"]) == 24
    assert DESIGN["Units"][:3] == ["percent", "V", "eV"] and len(DESIGN["Units"]) == 16


def test_ontology_header_metadata(onto):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    assert onto.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef("https://w3id.org/nckg/ontology/0.1.0")
    assert onto.value(ONTOLOGY_IRI, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.creator, OWL.versionInfo):
        assert onto.value(ONTOLOGY_IRI, prop) is not None, prop
    module_iris = {s for path in IMPORTS_DIR.glob("*.ttl") for s in Graph().parse(path).subjects(RDF.type, OWL.Ontology)}
    imported = set(onto.objects(ONTOLOGY_IRI, OWL.imports))
    assert len(imported) == 6 and imported <= module_iris  # every owl:imports resolves to a local module (offline)


def test_every_nckg_term_has_label_and_definition(onto):
    terms = {s for t in DECLARATION_TYPES for s in onto.subjects(RDF.type, t)
             if isinstance(s, URIRef) and str(s).startswith(str(NCKG))}
    assert len(terms) > 250
    missing = sorted(str(t) for t in terms if onto.value(t, RDFS.label) is None or onto.value(t, SKOS.definition) is None)
    assert missing == []


def test_every_nckg_iri_used_is_declared():
    """No typo'd or undeclared nckg term in the ontology, the shapes or the test fixtures."""
    declared = {s for s in full_ontology_graph().subjects(RDF.type, None) if str(s).startswith(str(NCKG))}
    used = set()
    for path in [ONTOLOGY_TTL, REPO / "ontology" / "shapes.ttl", *sorted((REPO / "tests" / "fixtures").glob("*.ttl"))]:
        graph = Graph().parse(path)
        used |= {n for triple in graph for n in triple if isinstance(n, URIRef) and str(n).startswith(str(NCKG))}
    assert sorted(str(u) for u in used - declared) == []


def test_external_terms_come_from_import_modules(onto):
    """Every non-builtin predicate or class the ontology uses is declared in ontology/imports (offline, DL-safe)."""
    builtin = (str(RDF), str(RDFS), str(OWL), "http://www.w3.org/2001/XMLSchema#", str(NCKG))
    imports = Graph()
    for path in IMPORTS_DIR.glob("*.ttl"):
        imports.parse(path)
    used = set(onto.predicates()) | set(onto.objects(None, RDFS.subClassOf)) | set(onto.objects(None, RDFS.range))
    external = {u for u in used if isinstance(u, URIRef) and not str(u).startswith(builtin)}
    assert external, "expected PROV/SKOS/QUDT terms"
    assert sorted(str(u) for u in external if (u, RDF.type, None) not in imports) == []


@pytest.mark.parametrize("vocabulary", INDIVIDUAL_VOCABULARIES)
def test_design_vocabulary_individuals_exist(onto, vocabulary):
    for name in DESIGN[vocabulary]:
        term = NCKG[name]
        assert (term, RDF.type, NCKG[vocabulary]) in onto, name
        assert (term, RDF.type, OWL.NamedIndividual) in onto, name
        assert onto.value(term, RDFS.label) and onto.value(term, SKOS.definition), name
    assert controlled_terms()[vocabulary] >= set(DESIGN[vocabulary])


def test_design_ligand_families_are_ligand_subclasses(onto):
    families = subclasses("Ligand")
    assert set(DESIGN["LigandFamily"]) <= families
    for name in DESIGN["LigandFamily"]:
        assert (NCKG[name], RDF.type, OWL.Class) in onto
    assert (NCKG.DiphosphineLigand, RDFS.subClassOf, NCKG.PhosphineLigand) in onto
    assert (NCKG.AmidinateLigand, RDFS.subClassOf, NCKG.NitrogenDonorLigand) in onto


def test_design_cluster_relations(onto):
    symmetric = set(onto.subjects(RDF.type, OWL.SymmetricProperty))
    for name in DESIGN["Cluster relations"]:
        prop = NCKG[name]
        assert (prop, RDF.type, OWL.ObjectProperty) in onto, name
        assert NCKG.clusterRelation in set(onto.transitive_objects(prop, RDFS.subPropertyOf)), name
    assert {NCKG.transformsInto, NCKG.sideProductOf, NCKG.dimerOf}.isdisjoint(symmetric)
    assert {NCKG.polymorphOf, NCKG.isomerOf, NCKG.quasiIsomerOf, NCKG.isostructuralWith} <= symmetric


def test_design_unit_notations_map_to_units():
    units = unit_notations()
    assert set(DESIGN["Units"]) <= set(units)
    assert units["percent"] == URIRef(UNIT + "PERCENT")
    assert units["kJ/mol"] == URIRef(UNIT + "KiloJ-PER-MOL")
    assert units["mA/cm2"] == NCKG["MilliA-PER-CentiM2"]
    graph = full_ontology_graph()
    assert graph.value(NCKG["MilliA-PER-CentiM2"], URIRef(QUDT + "conversionMultiplier")).value == 10
    assert graph.value(NCKG["MilliA-PER-CentiM2"], SKOS.closeMatch) == URIRef(UNIT + "A-PER-M2")
    assert all((u, RDF.type, URIRef(QUDT + "Unit")) in graph for u in units.values())


def test_compiler_property_names_exist(onto):
    kinds = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    missing = [n for n in COMPILER_PROPERTIES if not any((NCKG[n], RDF.type, k) in onto for k in kinds)]
    assert missing == []
    assert (NCKG.catalyst, RDFS.subPropertyOf, NCKG.measuredOn) in onto
    assert (URIRef(QUDT + "unit"), RDF.type, OWL.ObjectProperty) in full_ontology_graph()


def test_reaction_category_classes_match_category_values(onto):
    category_class = {NCKG.Electrocatalytic: NCKG.ElectrocatalyticReaction,
                      NCKG.Photocatalytic: NCKG.PhotocatalyticReaction,
                      NCKG.Organic: NCKG.OrganicReaction, NCKG.ThermalOrChemical: NCKG.ThermalOrChemicalReaction}
    for reaction in onto.subjects(RDF.type, NCKG.ReactionType):
        categories = set(onto.objects(reaction, NCKG.reactionCategory))
        assert categories, reaction
        expected = {category_class[c] for c in categories}
        assert set(onto.objects(reaction, RDF.type)) & set(category_class.values()) == expected, reaction
    assert set(onto.objects(NCKG.ElectrochemicalCO2Reduction, NCKG.reactionCategory)) == {NCKG.Electrocatalytic}


def test_magic_numbers_are_those_named_by_the_review(onto):
    definition = onto.value(NCKG.SuperatomMagicNumber, OWL.equivalentClass)
    values = [v.value for v in onto.items(onto.value(definition, OWL.oneOf))]
    assert values == [2, 8, 18, 34, 52]


def test_no_nominals_in_class_expressions(onto):
    """owl:hasValue/owl:oneOf on individuals would make HermiT realisation several times slower."""
    nominal_values = [v for v in onto.objects(None, OWL.hasValue) if not isinstance(v, Literal)]
    assert nominal_values == []


def test_ontology_loads_in_owlready2():
    import owlready2

    graph = full_ontology_graph()
    graph.remove((None, OWL.imports, None))
    world = owlready2.World()
    world.get_ontology("https://w3id.org/nckg/test-load/").load(
        fileobj=io.BytesIO(graph.serialize(format="nt", encoding="utf-8")), format="ntriples")
    cu = world[str(NCKG.CopperNanocluster)]
    assert world[str(NCKG.MetalNanocluster)] in cu.is_a
    assert owlready2.SymmetricProperty in world[str(NCKG.polymorphOf)].is_a
    assert owlready2.FunctionalProperty in world[str(NCKG.copperAtomCount)].is_a
    assert world[str(NCKG.ElectrochemicalCO2Reduction)] in world[str(NCKG.ReactionType)].instances()
    world.close()


def test_ontology_is_consistent_without_unsatisfiable_classes():
    from nckg.build.reason import reason

    result = reason(Graph())
    assert result.unsatisfiable_classes == []
    assert result.types == [] and result.relations == []


def test_documentation_html_covers_classes_definitions_and_vocabularies():
    from nckg.model.ontology_docs import render_html

    page = render_html()
    assert page.lstrip().lower().startswith("<!doctype html") or "<html" in page[:500].lower()
    assert "Nanocluster Knowledge Graph (nckg) ontology" in page
    assert "thiolate-protected cluster" in page
    assert "Equivalent to: MetalNanocluster and (hasLigand some ThiolateLigand)" in page
    assert 'id="vocabularies"' in page and 'href="#vocabularies"' in page
    for term in ("ElectrochemicalCO2Reduction", "FaradaicEfficiency", "GradientReductionStrategy", "CuS2N1"):
        assert f'id="vocab-{term}"' in page


@pytest.mark.parametrize("fmt, parse_as", [("turtle", "turtle"), ("ttl", "turtle"), ("xml", "xml"),
                                           ("json-ld", "json-ld"), ("nt", "nt")])
def test_serialisations_round_trip(onto, fmt, parse_as):
    from nckg.model.ontology_docs import serialise

    payload = serialise(fmt)
    parsed = Graph().parse(data=payload, format=parse_as)
    assert len(parsed) == len(onto)
    assert (NCKG.CopperNanocluster, RDFS.subClassOf, NCKG.MetalNanocluster) in parsed


def test_turtle_is_the_commented_source():
    from nckg.model.ontology_docs import serialise

    assert serialise("turtle") == ONTOLOGY_TTL.read_bytes()
    with pytest.raises(ValueError):
        serialise("yaml")


@pytest.mark.parametrize("accept, expected", [
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),
    ("text/turtle", "turtle"),
    ("application/ld+json;q=0.5, text/turtle;q=0.4", "json-ld"),
    ("application/rdf+xml", "xml"),
    ("*/*", "html"),
    (None, "html"),
])
def test_content_negotiation(accept, expected):
    from nckg.model.ontology_docs import format_for_accept

    assert format_for_accept(accept) == expected
