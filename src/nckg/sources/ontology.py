"""Locate and load the nckg ontology, its extracted imports and SHACL shapes; look up controlled terms and units.

Files are read from `nckg.config.ontology_dir()` (the repository's ontology/, or `$NCKG_HOME/ontology`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Namespace, URIRef
from rdflib.namespace import SKOS

from nckg import config

REPO_ROOT = config.project_root()
ONTOLOGY_TTL = REPO_ROOT / "ontology" / "nckg.ttl"  # repository defaults (tests); code uses ontology_dir()
IMPORTS_DIR = REPO_ROOT / "ontology" / "imports"

NCKG = Namespace("https://w3id.org/nckg/ontology#")
NCKR = Namespace("https://w3id.org/nckg/resource/")
QUDT = Namespace("http://qudt.org/schema/qudt/")
ONTOLOGY_IRI = URIRef("https://w3id.org/nckg/ontology")
REVIEW_IRI = URIRef("https://doi.org/10.1007/s40820-024-01555-6")

# Classes whose individuals form the controlled vocabularies of docs/design.md (YAML refers to them by local name).
VOCABULARY_CLASSES = (
    "ReactionType", "Metric", "SynthesisMethod", "CharacterisationMethod", "CoreConfiguration", "Geometry",
    "ActiveSiteMotif", "StructuralDifference", "ReactionCategory", "OxidationState", "Element",
)


def _parse(paths: list[Path]) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    graph.bind("nckg", NCKG)
    graph.bind("nckr", NCKR)
    return graph


def ontology_dir() -> Path:
    return config.ontology_dir()


def import_paths(root: Path | None = None) -> list[Path]:
    """The extracted external-vocabulary modules, sorted by file name."""
    return sorted(((root or ontology_dir()) / "imports").glob("*.ttl"))


@lru_cache(maxsize=16)
def _graph(which: str, root: Path) -> Graph:
    if which == "ontology":
        return _parse([root / "nckg.ttl"])
    if which == "imports":
        return _parse(import_paths(root))
    if which == "shapes":
        return _parse([root / "shapes.ttl"])
    return _parse([root / "nckg.ttl", *import_paths(root)])


def _cached(which: str) -> Graph:
    return _graph(which, ontology_dir())


def _copy(graph: Graph) -> Graph:
    copy = Graph()
    for prefix, ns in graph.namespaces():
        copy.bind(prefix, ns, override=True)
    for triple in graph:
        copy.add(triple)
    return copy


def ontology_graph() -> Graph:
    """A fresh copy of ontology/nckg.ttl (the `ontology` named graph)."""
    return _copy(_cached("ontology"))


def imports_graph() -> Graph:
    """A fresh copy of ontology/imports/*.ttl (the `imports` named graph)."""
    return _copy(_cached("imports"))


def full_ontology_graph() -> Graph:
    """Ontology plus imports, as used by the reasoner and by SHACL (ont_graph)."""
    return _copy(_cached("all"))


def shapes_graph() -> Graph:
    """A fresh copy of ontology/shapes.ttl."""
    return _copy(_cached("shapes"))


def controlled_terms() -> dict[str, set[str]]:
    """Local names of the individuals of every vocabulary class, e.g. {"Metric": {"FaradaicEfficiency", ...}}."""
    graph = _cached("ontology")
    return {
        cls: {str(s)[len(NCKG):] for s in graph.subjects(RDF.type, NCKG[cls]) if str(s).startswith(str(NCKG))}
        for cls in VOCABULARY_CLASSES
    }


def subclasses(class_local_name: str) -> set[str]:
    """Local names of all (transitive, asserted) subclasses of an nckg class, e.g. the ligand families of 'Ligand'."""
    graph = _cached("ontology")
    found = {str(c)[len(NCKG):] for c in graph.transitive_subjects(RDFS.subClassOf, NCKG[class_local_name])}
    found.discard(class_local_name)
    return found


def unit_notations() -> dict[str, URIRef]:
    """Map of YAML unit notation (skos:notation in imports/qudt.ttl) to the unit IRI."""
    graph = _cached("imports")
    return {
        str(notation): unit
        for unit in graph.subjects(RDF.type, QUDT.Unit)
        for notation in graph.objects(unit, SKOS.notation)
    }


def is_declared(iri: URIRef) -> bool:
    """True when the IRI is declared (typed) in the ontology or its imports."""
    graph = _cached("all")
    return (iri, RDF.type, None) in graph and (iri, RDF.type, OWL.Ontology) not in graph
