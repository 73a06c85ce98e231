"""SHACL validation of nckg data against ontology/shapes.ttl with pyshacl.

The data is validated together with the ontology and its imports (vocabulary individuals, QUDT units, subclass
axioms), merged into one graph; a Dataset is validated as the union of its graphs because records refer to
clusters, ligands and chemicals defined in other source graphs."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import RDF, Dataset, Graph
from rdflib.namespace import SH

from nckg.sources.ontology import full_ontology_graph, shapes_graph


@dataclass(frozen=True)
class ShapesReport:
    """Outcome of a SHACL run: `conforms` ignores sh:Warning results; `text` is pyshacl's readable report;
    `results` counts all validation results (violations + warnings)."""

    conforms: bool
    text: str
    results: int
    violations: int = 0
    warnings: int = 0


def _with_ontology(data: Graph | Dataset) -> Graph:
    """A new graph: the data (all graphs of a Dataset) plus the ontology and its imports."""
    graph = full_ontology_graph()
    triples = (q[:3] for q in data.quads((None, None, None, None))) if isinstance(data, Dataset) else data
    for triple in triples:
        graph.add(triple)
    return graph


def validate_shapes(data: Graph | Dataset) -> ShapesReport:
    """Validate data (a Graph, or a Dataset whose graphs are merged) against ontology/shapes.ttl."""
    import pyshacl

    conforms, results_graph, text = pyshacl.validate(
        _with_ontology(data),
        shacl_graph=shapes_graph(),
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        meta_shacl=False,
        advanced=False,
    )
    top_level = [r for report in results_graph.subjects(RDF.type, SH.ValidationReport)
                 for r in results_graph.objects(report, SH.result)]  # not the nested sh:detail results
    severities = [results_graph.value(r, SH.resultSeverity) for r in top_level]
    return ShapesReport(
        conforms=bool(conforms),
        text=text,
        results=len(severities),
        violations=sum(1 for s in severities if s == SH.Violation),
        warnings=sum(1 for s in severities if s == SH.Warning),
    )
