"""Controlled vocabularies read from the ontology: the names data files may use."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Namespace, URIRef
from rdflib.namespace import SKOS

from nckg import config

NCKG = Namespace("https://w3id.org/nckg/ontology#")
NCKR = "https://w3id.org/nckg/resource/"

# YAML field -> the ontology class whose individuals it may name
INDIVIDUAL_KINDS = {
    "reaction": "ReactionType",
    "metric": "Metric",
    "synthesis_method": "SynthesisMethod",
    "characterisation_method": "CharacterisationMethod",
    "core_configuration": "CoreConfiguration",
    "geometry": "Geometry",
    "active_site_motif": "ActiveSiteMotif",
    "structural_difference": "StructuralDifference",
}


@dataclass(frozen=True)
class Vocabulary:
    """Names of the ontology's individuals per kind, ligand-family classes, relations and units."""

    individuals: dict[str, frozenset[str]]
    ligand_families: frozenset[str]
    relations: frozenset[str]
    units: dict[str, str]  # notation -> unit IRI
    labels: dict[str, tuple[str, ...]] = field(default_factory=dict)  # individual -> rdfs:label + skos:altLabel

    def knows(self, kind: str, name: str) -> bool:
        return name in self.individuals.get(kind, frozenset())

    def iri(self, name: str) -> URIRef:
        return NCKG[name]


def ontology_files(ontology_dir: Path | None = None) -> list[Path]:
    """The editable ontology and its extracted import modules."""
    root = ontology_dir or config.ontology_dir()
    return [root / "nckg.ttl", *sorted((root / "imports").glob("*.ttl"))]


def _local(iri) -> str | None:
    text = str(iri)
    return text[len(str(NCKG)):] if text.startswith(str(NCKG)) else None


@lru_cache(maxsize=4)
def load_vocabulary(ontology_dir: Path | None = None) -> Vocabulary:
    graph = Graph()
    for path in ontology_files(ontology_dir):
        if path.exists():
            graph.parse(path, format="turtle")
    individuals = {}
    for kind, cls in INDIVIDUAL_KINDS.items():
        names = set()
        for member in graph.subjects(RDF.type, NCKG[cls]):
            if (local := _local(member)) is not None:
                names.add(local)
        for sub in graph.transitive_subjects(RDFS.subClassOf, NCKG[cls]):  # individuals of subclasses
            for member in graph.subjects(RDF.type, sub):
                if (local := _local(member)) is not None:
                    names.add(local)
        individuals[kind] = frozenset(names)
    families = frozenset(
        local for sub in graph.transitive_subjects(RDFS.subClassOf, NCKG.Ligand) if (local := _local(sub))
    ) - {"Ligand"}
    relations = frozenset(
        local
        for kind in (OWL.ObjectProperty, OWL.SymmetricProperty)
        for prop in graph.subjects(RDF.type, kind)
        if (local := _local(prop))
    )
    units_graph = Graph()
    qudt_module = (ontology_dir or config.ontology_dir()) / "imports" / "qudt.ttl"
    if qudt_module.exists():
        units_graph.parse(qudt_module, format="turtle")
    units = {str(notation): str(unit) for unit, notation in units_graph.subject_objects(SKOS.notation)
             if isinstance(unit, URIRef)}
    labels = {name: tuple(sorted(str(text) for prop in (RDFS.label, SKOS.altLabel)
                                 for text in graph.objects(NCKG[name], prop)))
              for names in individuals.values() for name in names}
    return Vocabulary(individuals, families, relations, units, labels)
