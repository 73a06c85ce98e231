"""ontology/shapes.ttl accepts a complete valid fixture and rejects each kind of invalid data with its own message."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import RDF, Dataset, Graph, Literal, URIRef

from nckg.sources.ontology import NCKG, NCKR
from nckg.build.shacl import validate_shapes

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures"
QUDT_UNIT = URIRef("http://qudt.org/schema/qudt/unit")
PROV_QUOTED = URIRef("http://www.w3.org/ns/prov#wasQuotedFrom")
BIBO_DOI = URIRef("http://purl.org/ontology/bibo/doi")

CU25 = URIRef(NCKR + "cluster/cu25h22-pph3_12-1plus")
CU8_2 = URIRef(NCKR + "cluster/cu8-l1_4-tbus_4")
MEASUREMENT = URIRef(NCKR + "measurement/cu8-l1_4-tbus_4-faradaicefficiency-0a1b2c3d")
COMPARISON = URIRef(NCKR + "comparison/0a1b2c3d")
EVIDENCE = URIRef(NCKR + "evidence/cu8-fe")
COMPONENT = URIRef(NCKR + "cluster/cu25h22-pph3_12-1plus/pph3")
YIELD = URIRef(NCKR + "synthesis/cu25-cu18-one-pot/yield-cu25")
STATEMENT = URIRef(NCKR + "statement/cu8-isomers")
HYDRIDE_SITE = URIRef(NCKR + "hydride-site/cu25-h-mu3")
VACANCY = URIRef(NCKR + "vacancy/cu25-vertex")
DURABILITY = URIRef(NCKR + "durability/cu25-cycles")
SYNTHESIS = URIRef(NCKR + "synthesis/cu25-cu18-one-pot")
ISSUE = URIRef(NCKR + "source-issue/cu25-light")


@pytest.fixture(scope="module")
def valid() -> Graph:
    return Graph().parse(FIXTURES / "shacl_valid.ttl")


def _mutated(graph: Graph, remove=(), add=()) -> Graph:
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    for pattern in remove:
        copy.remove(pattern)
    for triple in add:
        copy.add(triple)
    return copy


def _messages(report) -> list[str]:
    return re.findall(r"Message: (.*)", report.text)


def test_valid_fixture_conforms(valid):
    report = validate_shapes(valid)
    assert report.conforms, report.text
    assert (report.results, report.violations, report.warnings) == (0, 0, 0)


# (id, triples to remove, triples to add, focus node, expected message)
MUTATIONS = [
    ("cluster-without-formula", [(CU25, NCKG.formulaAsWritten, None)], [], CU25,
     "a cluster needs exactly one formula as written"),
    ("cluster-without-cu-count", [(CU25, NCKG.copperAtomCount, None)], [], CU25,
     "a Cu nanocluster needs its Cu atom count"),
    ("cluster-without-evidence", [(CU25, NCKG.hasEvidence, None)], [], CU25,
     "a cluster needs evidence (a quote from the review)"),
    ("negative-count", [(COMPONENT, NCKG["count"], None)], [(COMPONENT, NCKG["count"], Literal(-12))], COMPONENT,
     "count must be one non-negative integer"),
    ("hydride-count-as-text", [(CU25, NCKG.hydrideCount, None)], [(CU25, NCKG.hydrideCount, Literal("22"))], CU25,
     "hydrideCount must be one non-negative integer"),
    ("measurement-without-unit", [(MEASUREMENT, QUDT_UNIT, None)], [], MEASUREMENT,
     "a measurement needs exactly one QUDT unit (qudt:unit)"),
    ("measurement-without-value", [(MEASUREMENT, NCKG.value, None)], [], MEASUREMENT,
     "a measurement needs a value, or a range given by valueMin and valueMax"),
    ("measurement-without-cluster", [(MEASUREMENT, NCKG.catalyst, None)], [], MEASUREMENT,
     "a measurement needs its catalyst or measured cluster (a metal nanocluster)"),
    ("measurement-without-metric", [(MEASUREMENT, NCKG.metric, None)], [], MEASUREMENT,
     "a measurement needs exactly one metric from the Metric vocabulary"),
    ("measurement-without-evidence", [(MEASUREMENT, NCKG.hasEvidence, None)], [], MEASUREMENT,
     "a measurement needs evidence with a quote"),
    ("percent-above-100", [(MEASUREMENT, NCKG.value, None)], [(MEASUREMENT, NCKG.value, Literal(Decimal("120")))],
     MEASUREMENT, "a value in percent must lie in [0, 100]"),
    ("value-as-double", [(MEASUREMENT, NCKG.value, None)], [(MEASUREMENT, NCKG.value, Literal(92.0))],
     Literal(92.0), "numbers must be typed xsd:integer or xsd:decimal (not xsd:double or text)"),
    ("yield-above-100", [(YIELD, NCKG.yieldPercent, None)], [(YIELD, NCKG.yieldPercent, Literal(123))],
     Literal(123), "a percentage must lie in [0, 100]"),
    ("evidence-without-quote", [(EVIDENCE, NCKG.quote, None)], [], EVIDENCE,
     "evidence needs exactly one verbatim quote"),
    ("evidence-from-elsewhere", [(EVIDENCE, PROV_QUOTED, None)],
     [(EVIDENCE, PROV_QUOTED, URIRef("https://doi.org/10.5555/nckg-fixture-52"))], EVIDENCE,
     "evidence must be prov:wasQuotedFrom the review (https://doi.org/10.1007/s40820-024-01555-6)"),
    ("primary-source-not-a-doi", [(EVIDENCE, NCKG.primarySource, None)],
     [(EVIDENCE, NCKG.primarySource, URIRef("https://example.org/paper/52"))], URIRef("https://example.org/paper/52"),
     "a publication is identified by https://doi.org/<DOI in lower case>"),
    ("upper-case-doi-iri", [], [(URIRef("https://doi.org/10.1021/JACS.0C06577"), RDF.type, NCKG.Publication)],
     URIRef("https://doi.org/10.1021/JACS.0C06577"),
     "a publication is identified by https://doi.org/<DOI in lower case>"),
    ("bibo-doi-with-prefix", [(URIRef("https://doi.org/10.5555/nckg-fixture-40"), BIBO_DOI, None)],
     [(URIRef("https://doi.org/10.5555/nckg-fixture-40"), BIBO_DOI, Literal("doi:10.5555/nckg-fixture-40"))],
     URIRef("https://doi.org/10.5555/nckg-fixture-40"), "bibo:doi must be a bare DOI such as 10.1021/jacs.0c06577"),
    ("comparison-against-itself", [(COMPARISON, NCKG.worse, None)], [(COMPARISON, NCKG.worse, CU8_2)], COMPARISON,
     "a comparison needs one better cluster, different from the worse one"),
    ("ligand-without-family", [(URIRef(NCKR + "ligand/l1"), RDF.type, None)],
     [(URIRef(NCKR + "ligand/l1"), RDF.type, NCKG.Ligand)], URIRef(NCKR + "ligand/l1"),
     "a ligand must be typed with a ligand family class (e.g. nckg:ThiolateLigand)"),
    ("reified-triple-not-asserted", [(CU8_2, NCKG.isomerOf, None)], [], STATEMENT, "is not asserted"),
    ("relation-to-non-cluster", [], [(CU8_2, NCKG.polymorphOf, URIRef(NCKR + "chemical/co"))],
     URIRef(NCKR + "chemical/co"), "cluster relations link two metal nanoclusters"),
    ("bad-inchikey", [(URIRef(NCKR + "chemical/formic-acid"), NCKG.inchikey, None)],
     [(URIRef(NCKR + "chemical/formic-acid"), NCKG.inchikey, Literal("BDAGIHXWWSANSR"))],
     URIRef(NCKR + "chemical/formic-acid"), "an InChIKey has the form XXXXXXXXXXXXXX-XXXXXXXXXX-X"),
    ("cluster-without-ligand", [(CU25, NCKG.hasLigand, None)], [], CU25,
     "a Cu nanocluster links its ligands (nckg:hasLigand) or states why the review names none"),
    ("cluster-with-ligand-and-reason-for-none", [], [(CU25, NCKG.ligandsNotNamed, Literal("none named"))], CU25,
     "a Cu nanocluster links its ligands (nckg:hasLigand) or states why the review names none"),
    ("component-without-count", [(COMPONENT, NCKG["count"], None)], [], COMPONENT,
     "a component count needs exactly one count, or nckg:countReported false"),
    ("component-count-and-not-reported", [], [(COMPONENT, NCKG.countReported, Literal(False))], COMPONENT,
     "a component count needs exactly one count, or nckg:countReported false"),
    ("lang-tagged-quote", [(EVIDENCE, NCKG.quote, None)], [(EVIDENCE, NCKG.quote, Literal("a quote", lang="en"))],
     EVIDENCE, None),
    # hydride sites, vacancies, durability, light sources, synthesis conditions, source issues
    ("hydride-site-without-mode", [(HYDRIDE_SITE, NCKG.coordinationMode, None)], [], HYDRIDE_SITE,
     "a hydride site needs exactly one μn coordination mode"),
    ("hydride-site-of-no-cluster", [(CU25, NCKG.hasHydrideSite, None)], [], HYDRIDE_SITE,
     "a hydride site belongs to exactly one cluster"),
    ("hydride-site-count-zero", [(HYDRIDE_SITE, NCKG.siteCount, None)], [(HYDRIDE_SITE, NCKG.siteCount, Literal(0))],
     HYDRIDE_SITE, "a hydride site count is one integer >= 1"),
    ("hydride-site-elsewhere", [(HYDRIDE_SITE, NCKG.siteLocation, None)],
     [(HYDRIDE_SITE, NCKG.siteLocation, Literal("somewhere"))], HYDRIDE_SITE,
     "a hydride site lies interstitial, interfacial or at the surface"),
    ("hydride-site-without-evidence", [(HYDRIDE_SITE, NCKG.hasEvidence, None)], [], HYDRIDE_SITE,
     "a hydride site needs evidence with a quote"),
    ("vacancy-without-count", [(VACANCY, NCKG.missingAtomCount, None)], [], VACANCY,
     "a vacancy needs its number of missing atoms (>= 1)"),
    ("vacancy-without-site", [(VACANCY, NCKG.vacancySite, None)], [], VACANCY, "a vacancy needs its site"),
    ("vacancy-two-parents", [], [(VACANCY, NCKG.relativeTo, CU25)], VACANCY,
     "a vacancy is relative to at most one parent cluster"),
    ("vacancy-without-evidence", [(VACANCY, NCKG.hasEvidence, None)], [], VACANCY,
     "a vacancy needs evidence with a quote"),
    ("durability-showing-nothing", [(DURABILITY, NCKG.cycleCount, None), (DURABILITY, NCKG.testDurationValue, None),
                                    (DURABILITY, NCKG.postReactionCharacterisation, None)], [], DURABILITY,
     "durability evidence needs a duration, cycles, media, a retained property or a post-reaction characterisation"),
    ("durability-of-no-cluster", [(CU25, NCKG.hasDurabilityEvidence, None)], [], DURABILITY,
     "durability evidence belongs to exactly one cluster"),
    ("post-reaction-record-not-a-characterisation", [], [(DURABILITY, NCKG.postReactionRecord, CU25)], DURABILITY,
     "a post-reaction record is a characterisation"),
    ("durability-without-evidence", [(DURABILITY, NCKG.hasEvidence, None)], [], DURABILITY,
     "durability evidence needs evidence with a quote"),
    ("light-source-free-text", [(MEASUREMENT, NCKG.lightSource, None)],
     [(MEASUREMENT, NCKG.lightSource, Literal("some lamp"))], MEASUREMENT,
     "lightSource is one of: visible light, blue light, blue LED, purple LED, UV LED"),
    ("band-edge-without-reference", [(MEASUREMENT, NCKG.metric, None)],
     [(MEASUREMENT, NCKG.metric, NCKG.ConductionBandMinimum)], MEASUREMENT,
     "a band edge needs its energy reference"),
    ("not-stated-unknown-field", [], [(SYNTHESIS, NCKG.conditionNotStated, Literal("mood"))], SYNTHESIS,
     "conditionNotStated names a condition field"),
    ("source-issue-without-cluster", [(ISSUE, NCKG.issueAbout, None)], [], ISSUE,
     "a source issue is about exactly one record"),
]


@pytest.mark.parametrize("remove, add, focus, message", [m[1:] for m in MUTATIONS], ids=[m[0] for m in MUTATIONS])
def test_invalid_data_is_rejected_with_its_message(valid, remove, add, focus, message):
    report = validate_shapes(_mutated(valid, remove, add))
    assert not report.conforms
    assert report.violations >= 1
    if message is not None:
        assert any(message in m for m in _messages(report)), report.text
    shown = focus.n3() if isinstance(focus, URIRef) else str(focus)
    assert shown in report.text or f"<{focus}>" in report.text or str(focus) in report.text, report.text


def test_a_count_not_reported_and_a_cluster_whose_ligands_are_not_named_conform(valid):
    # the review names PPh3 on Cu25 but (in this variation) not how many; a cluster with no ligand says why
    not_reported = _mutated(valid, remove=[(COMPONENT, NCKG["count"], None)],
                            add=[(COMPONENT, NCKG.countReported, Literal(False))])
    assert validate_shapes(not_reported).conforms
    unnamed = _mutated(valid, remove=[(CU25, NCKG.hasLigand, None)],
                       add=[(CU25, NCKG.ligandsNotNamed, Literal("named only for its Cu13 core"))])
    assert validate_shapes(unnamed).conforms


def test_warnings_do_not_fail_validation(valid):
    mode = URIRef(NCKR + "coordination-mode/p-mu3")
    report = validate_shapes(_mutated(valid, [(mode, NCKG.bondingType, None)], [(mode, NCKG.bondingType, Literal("sigma"))]))
    assert report.conforms and report.warnings == 1 and report.violations == 0
    assert "bondingType should be one of σ, π, σ+π" in report.text


def test_invalid_fixture_file_lists_every_problem():
    report = validate_shapes(Graph().parse(FIXTURES / "shacl_invalid.ttl"))
    assert not report.conforms
    messages = set(_messages(report))
    assert {"a cluster needs evidence (a quote from the review)", "copperAtomCount must be one integer >= 1",
            "a value in percent must lie in [0, 100]", "a measurement needs exactly one QUDT unit (qudt:unit)",
            "a publication is identified by https://doi.org/<DOI in lower case>",
            "a Cu nanocluster links its ligands (nckg:hasLigand) or states why the review names none "
            "(nckg:ligandsNotNamed)"} <= messages
    assert report.violations == 8


def test_dataset_graphs_are_validated_together(valid):
    """A measurement in one source graph may point to a cluster typed in another graph."""
    dataset = Dataset()
    clusters, rest = dataset.graph(URIRef("urn:g:clusters")), dataset.graph(URIRef("urn:g:rest"))
    for s, p, o in valid:
        (clusters if str(s).startswith(NCKR + "cluster/") else rest).add((s, p, o))
    report = validate_shapes(dataset)
    assert report.conforms, report.text
    assert len(clusters) > 20 and len(rest) > 100


def test_integer_and_decimal_values_are_numbers(valid):
    decimal = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
    for literal in (Literal(92), Literal(Decimal("92.5")), Literal("92.5", datatype=decimal)):
        graph = _mutated(valid, [(MEASUREMENT, NCKG.value, None)], [(MEASUREMENT, NCKG.value, literal)])
        assert validate_shapes(graph).conforms
