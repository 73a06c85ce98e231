"""One cluster as a Python object (`kg.cluster(name)`): identity, composition, ligands, core, syntheses, the papers
reporting on it, and its measurements and evidence as DataFrames. Built on the cluster page model and the cluster
records, so it says what the pages and tables say."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nckg.model import cluster_page
from nckg.model.clusters import cluster_records
from nckg.model.measurements import measurement_row, source_doi
from nckg.model.names import ClusterNotFound
from nckg.model.tables import to_dataframe
from nckg.model.terms import text_of, value_of
from nckg.model.vocabulary import local_id
from nckg.namespaces import NCKG
from nckg.store.graph import GraphStore

if TYPE_CHECKING:
    import pandas


@dataclass(frozen=True)
class Ligand:
    """A ligand of a cluster: how many, its families (ontology classes), binding atoms and coordination modes."""

    iri: str
    name: str
    count: int | None
    families: tuple[str, ...] = ()
    binding_atoms: str = ""
    coordination_modes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Core:
    """The metal core: kernel and shell formulas, nuclearities, geometry and core configuration (None: not stated)."""

    kernel: str | None
    kernel_nuclearity: int | None
    kernel_geometry: str | None
    shell: str | None
    shell_nuclearity: int | None
    geometry: str | None
    configuration: str | None


@dataclass(frozen=True)
class Synthesis:
    """A synthesis that makes, side-produces or starts from the cluster."""

    iri: str
    method: str
    roles: tuple[str, ...]
    steps: tuple[str, ...]
    precursors: tuple[str, ...]
    reagents: dict[str, tuple[str, ...]]
    yields: dict[str, Any]
    conditions: tuple[str, ...]
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class Cluster:
    """One copper nanocluster. `measurements` and `evidence` are pandas DataFrames (the analysis extra); the rest
    are plain values (None where the review says nothing)."""

    iri: str
    id: str
    label: str
    formula: str | None  # as the review writes it
    canonical_formula: str | None
    charge: int | None
    copper: int | None
    hydride: int | None
    free_electrons: int | None
    composition: dict[str, int | None]  # component (element symbol or ligand abbreviation) -> count
    counter_ions: dict[str, int | None]
    solvates: dict[str, int | None]
    ligands: tuple[Ligand, ...]
    core: Core
    syntheses: tuple[Synthesis, ...]
    reactions: tuple[str, ...]  # labels of the reactions it catalyses
    source_doi: str | None  # the DOI of its primary paper
    reference: int | None  # that paper's reference number in the review
    references: tuple[int, ...] = ()  # every paper reporting on it (structure, measurements, comparisons ...)
    source_dois: tuple[str, ...] = ()
    alt_labels: tuple[str, ...] = ()
    measurement_rows: tuple[dict[str, Any], ...] = field(default=(), repr=False)
    evidence_rows: tuple[dict[str, Any], ...] = field(default=(), repr=False)

    @property
    def measurements(self) -> pandas.DataFrame:
        """Every measurement on the cluster (the columns of `kg.measurements()`)."""
        return to_dataframe("measurements", self.measurement_rows)

    @property
    def evidence(self) -> pandas.DataFrame:
        """Every quote behind the cluster and the records about it: record, quote, section, source DOI."""
        return to_dataframe("evidence", self.evidence_rows)

    def __str__(self) -> str:
        return f"{self.label}: {self.formula or self.canonical_formula or self.id}"


def _name(component: cluster_page.Component) -> str:
    """An element by its symbol (`Cu`, `H`), a ligand or ion by its abbreviation, else its label."""
    if _is_element(component):
        return local_id(component.component.value)
    return component.abbreviation or component.component.text


def _is_element(component: cluster_page.Component) -> bool:
    return component.component.value.startswith(NCKG)  # elements are ontology individuals (nckg:Cu, nckg:H)


def _counts(page: cluster_page.ClusterPage, role: str) -> dict[str, int | None]:
    return {_name(c): c.count for c in page.composition if c.role == role}


def load_cluster(store: GraphStore, iri: str) -> Cluster:
    """The Cluster at `iri` (a cluster IRI, see names.resolve_cluster)."""
    page = cluster_page.cluster_page(store, iri)
    record = next((r for r in cluster_records(store) if r["iri"] == iri), None)
    if page is None or record is None:
        raise ClusterNotFound(f"{iri} is not a cluster of the graph")
    fact = lambda name: value_of(page.fact(name))  # noqa: E731
    ligands = tuple(Ligand(iri=c.component.value, name=_name(c), count=c.count,
                           families=tuple(f.text for f in c.families), binding_atoms=c.binding_atoms,
                           coordination_modes=tuple(m["label"] for m in c.modes))
                    for c in page.composition if c.role == "component" and not _is_element(c))
    core = Core(kernel=fact("kernelFormula"), kernel_nuclearity=fact("kernelNuclearity"),
                kernel_geometry=text_of(page.fact("kernelGeometry")), shell=fact("shellFormula"),
                shell_nuclearity=fact("shellNuclearity"), geometry=text_of(page.fact("geometry")),
                configuration=text_of(page.fact("coreConfiguration")))
    syntheses = tuple(Synthesis(
        iri=s.iri.value, method=s.method.text, roles=tuple(s.roles),
        steps=tuple(step["text"] for step in s.steps), precursors=tuple(s.precursors),
        reagents={part: tuple(t.text for t in items) for part, items in s.items.items()},
        yields={item.text: percent for item, percent in s.yields}, conditions=tuple(s.conditions),
        quotes=tuple(q.quote for q in s.quotes)) for s in page.syntheses)
    evidence = cluster_page.evidence_by_record(store, iri)
    evidence_rows = tuple({"record": record_iri, "quote": q.quote, "quote_verbatim": q.verbatim,
                           "section": q.section or None,
                           "source_doi": source_doi([q])}
                          for record_iri, quotes in evidence.items() for q in quotes)
    measurement_rows = tuple(measurement_row(r) for r in cluster_page.measurement_records(store, iri, evidence))
    return Cluster(
        iri=iri, id=record["id"], label=record["label"], formula=record["formula"],
        canonical_formula=record["canonical_formula"], charge=record["charge"], copper=record["copper"],
        hydride=record["hydride"], free_electrons=record["free_electrons"],
        composition=record["composition"], counter_ions=_counts(page, "counter-ion"),
        solvates=_counts(page, "solvate"), ligands=ligands, core=core, syntheses=syntheses,
        reactions=tuple(record["reactions"]), source_doi=record["source_doi"], reference=record["reference"],
        references=tuple(record["references"]), source_dois=tuple(record["source_dois"]),
        alt_labels=tuple(page.alt_labels), measurement_rows=measurement_rows, evidence_rows=evidence_rows)
