"""Clusters and measurements as Python objects for the API (nckg.api): name look-up, the Cluster object, table rows.

Built on the page models of nckg.model.pages (the same queries as the web pages: page-cluster*.rq, page-clusters.rq)
plus api-cluster-names.rq for the name look-up; no SPARQL here.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nckg.model import cluster_page
from nckg.model import clusters as cluster_model
from nckg.model import terms
from nckg.namespaces import NCKG, NCKR
from nckg.store.graph import GraphStore

if TYPE_CHECKING:
    import pandas

CLUSTER_PREFIX = NCKR + "cluster/"


class ClusterNotFound(LookupError):
    """No cluster has this name, formula, id or IRI."""


class AmbiguousCluster(LookupError):
    """Several clusters go by this name; `candidates` lists them as {iri, id, label}."""

    def __init__(self, name: str, candidates: list[dict[str, str]]):
        self.name = name
        self.candidates = candidates
        listed = "; ".join(f"{c['label']} ({c['id']})" for c in candidates)
        super().__init__(f"{len(candidates)} clusters match {name!r}: {listed}. Give the id or the full formula.")


def normalise(name: str) -> str:
    """A name as compared in look-ups: Unicode subscripts and superscripts as plain digits and signs (NFKC), a
    typographic minus as '-', no spaces, case-folded."""
    text = unicodedata.normalize("NFKC", name).replace("\u2212", "-")
    return "".join(text.split()).casefold()


def _names(store: GraphStore) -> dict[str, tuple[str, list[str]]]:
    """cluster IRI -> (label, names) from api-cluster-names.rq."""
    names: dict[str, tuple[str, list[str]]] = {}
    for row in store.run("api-cluster-names"):
        entry = names.setdefault(row["cluster"].value, (row["label"].value, []))
        entry[1].append(row["name"].value)
    return names


def _candidate(iri: str, label: str) -> dict[str, str]:
    return {"iri": iri, "id": iri[len(CLUSTER_PREFIX):], "label": label}


def resolve_cluster(store: GraphStore, name: str) -> str:
    """The IRI of the cluster called `name`: an IRI, an id (`cu32h8-cl_2-pet_24-2minus`, `cluster/...`), or a
    label, else an alternative label or formula, matched exactly after `normalise`; failing both, a substring of
    one of its names. Several clusters at the first level that matches raise AmbiguousCluster."""
    if not isinstance(name, str) or not name.strip():
        raise ClusterNotFound("give a cluster name, formula, id or IRI")
    names = _names(store)
    text = name.strip()
    ident = text[len(NCKR):] if text.startswith(NCKR) else text
    iri = CLUSTER_PREFIX + ident.removeprefix("cluster/")
    if iri in names:
        return iri
    wanted = normalise(text)
    for matches in ([i for i, (label, _) in names.items() if normalise(label) == wanted],
                    [i for i, (_, ns) in names.items() if any(normalise(n) == wanted for n in ns)],
                    [i for i, (_, ns) in names.items() if any(wanted in normalise(n) for n in ns)]):
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise AmbiguousCluster(name, [_candidate(i, names[i][0]) for i in matches])
    raise ClusterNotFound(f"no cluster is called {name!r} (by label, formula, id or IRI); "
                          "kg.clusters() lists them all")


def find_clusters(store: GraphStore, text: str) -> list[dict[str, str]]:
    """Clusters one of whose names contains `text` (compared after `normalise`), as {iri, id, label}."""
    wanted = normalise(text)
    return [_candidate(iri, label) for iri, (label, names) in _names(store).items()
            if any(wanted in normalise(n) for n in names)]


# --- Rows of the API's tables ------------------------------------------------------------------------------------

def _label(component: cluster_page.Component) -> str:
    """An element by its symbol (`Cu`, `H`), a ligand or ion by its abbreviation, else its label."""
    if _is_element(component):
        return component.component.local_name
    return component.abbreviation or component.component.text


def _is_element(component: cluster_page.Component) -> bool:
    return component.component.value.startswith(NCKG)  # elements are ontology individuals (nckg:Cu, nckg:H)


def cluster_rows(store: GraphStore) -> list[dict[str, Any]]:
    """The cluster browser's rows (cluster_model.cluster_table) with `composition`: component label -> count."""
    compositions: dict[str, dict[str, int]] = {}
    for row in store.run("page-cluster-composition"):
        if row["role"].value == "component":
            component = cluster_page.Component(role="component", component=terms.labels(store).term(row["component"]),
                                        count=terms.plain_value(row["count"]),
                                        abbreviation=terms.plain_value(row["abbreviation"]), families=[],
                                        binding_atoms="", electrons_withdrawn=None, modes=[])
            compositions.setdefault(row["cluster"].value, {})[_label(component)] = component.count
    return [{**row, "composition": compositions.get(row["iri"], {})} for row in cluster_model.cluster_table(store)]


def _text(term: terms.Term | None) -> str | None:
    return term.text if term is not None else None


MEASUREMENT_COLUMNS = (
    "cluster", "cluster_label", "measurement", "role", "reaction", "metric", "product", "value", "value_min",
    "value_max", "value_text", "unit", "qualifier", "method", "potential_v_rhe", "potential_v", "overpotential",
    "electrolyte", "light", "support", "temperature", "conditions", "source_doi", "quote")
EVIDENCE_COLUMNS = ("record", "quote", "section", "source_doi")


def _py(term: terms.Term | None) -> Any:
    return term.python if term is not None else None


def _measurement_row(record: dict[str, Any]) -> dict[str, Any]:
    """One measurement as a flat row of plain values (labels for IRIs, numbers as numbers)."""
    quotes = record["quotes"]
    doi = next((q.primary_source.value for q in quotes if q.primary_source is not None), None)
    return {
        "cluster": record["cluster"].value, "cluster_label": _text(record["cluster"]),
        "measurement": record["measurement"].value, "role": record["role"].value,
        "reaction": _text(record["reaction"]), "metric": _text(record["metric"]), "product": _text(record["product"]),
        "value": _py(record["value"]), "value_min": _py(record["valueMin"]), "value_max": _py(record["valueMax"]),
        "value_text": record["value_text"], "unit": _text(record["unit"]), "qualifier": _text(record["qualifier"]),
        "method": _text(record["method"]), "potential_v_rhe": _py(record["potential"]),
        "potential_v": _py(record["appliedPotential"]),
        "overpotential": _py(record["overpotential"]), "electrolyte": _text(record["electrolyte"]),
        "light": _text(record["light"]), "support": _text(record["support"]),
        "temperature": _text(record["temperature"]), "conditions": _text(record["conditionText"]),
        "source_doi": doi.removeprefix("https://doi.org/") if doi else None,
        "quote": " … ".join(q.quote for q in quotes) or None,
    }


def _term_names(store: GraphStore) -> dict[str, set[str]]:
    """Reaction, metric and product IRI -> its other names, normalised (api-measurement-term-names.rq)."""
    names: dict[str, set[str]] = {}
    for row in store.run("api-measurement-term-names"):
        names.setdefault(row["term"].value, set()).add(normalise(row["name"].value))
    return names


def _matches(term: terms.Term | None, wanted: str | None, names: dict[str, set[str]]) -> bool:
    """Whether a filter value names the term: its IRI, local name, label, alternative label, abbreviation or
    molecular formula (compared after `normalise`)."""
    if wanted is None:
        return True
    if term is None:
        return False
    key = normalise(wanted)
    return key in {normalise(term.value), normalise(term.local_name), normalise(term.text)} \
        or key in names.get(term.value, ())


def measurement_rows(store: GraphStore, cluster: str | None = None, *, reaction: str | None = None,
                     metric: str | None = None, product: str | None = None) -> list[dict[str, Any]]:
    """Measurement rows (see _measurement_row) of one cluster or all, filtered by reaction, metric and product
    (each matched by IRI, local name, label, alternative label, abbreviation or formula). A filter value that names
    nothing measured raises ValueError listing the known values."""
    records = cluster_page.measurement_records(store, cluster)
    names = _term_names(store) if (reaction, metric, product) != (None, None, None) else {}
    filters = {"reaction": reaction, "metric": metric, "product": product}
    for key, wanted in filters.items():
        if wanted is not None and not any(_matches(r[key], wanted, names) for r in records):
            known = sorted({r[key].text for r in records if r[key] is not None})
            raise ValueError(f"no measurement has {key} {wanted!r}; known: {', '.join(known)}")
    return [_measurement_row(r) for r in records if all(_matches(r[k], w, names) for k, w in filters.items())]


# --- The Cluster object ------------------------------------------------------------------------------------------

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
    are plain values."""

    iri: str
    id: str
    label: str
    formula: str | None  # as the review writes it
    canonical_formula: str | None
    charge: int | None
    copper: int | None
    hydride: int | None
    free_electrons: int | None
    composition: dict[str, int]  # component (element or ligand abbreviation) -> count
    counter_ions: dict[str, int]
    solvates: dict[str, int]
    ligands: tuple[Ligand, ...]
    core: Core
    syntheses: tuple[Synthesis, ...]
    source: str | None  # the DOI of the primary paper
    reference: int | None  # its reference number in the review
    alt_labels: tuple[str, ...] = ()
    measurement_rows: tuple[dict[str, Any], ...] = field(default=(), repr=False)
    evidence_rows: tuple[dict[str, Any], ...] = field(default=(), repr=False)

    @property
    def measurements(self) -> pandas.DataFrame:
        """Every measurement on the cluster: value, unit, metric, reaction, product, conditions, source DOI, quote."""
        from nckg.api import require_pandas  # noqa: PLC0415

        return require_pandas().DataFrame.from_records(list(self.measurement_rows), columns=MEASUREMENT_COLUMNS)

    @property
    def evidence(self) -> pandas.DataFrame:
        """Every quote behind the cluster and the records about it: record, quote, section, source DOI."""
        from nckg.api import require_pandas  # noqa: PLC0415

        return require_pandas().DataFrame.from_records(list(self.evidence_rows), columns=EVIDENCE_COLUMNS)

    def __str__(self) -> str:
        return f"{self.label}: {self.formula or self.canonical_formula or self.id}"


def _counts(page: cluster_page.ClusterPage, role: str) -> dict[str, int]:
    return {_label(c): c.count for c in page.composition if c.role == role}


def load_cluster(store: GraphStore, iri: str) -> Cluster:
    """The Cluster at `iri` (a cluster IRI, see resolve_cluster)."""
    page = cluster_page.cluster_page(store, iri)
    if page is None:
        raise ClusterNotFound(f"{iri} is not a cluster of the graph")
    fact = lambda name: _py(page.fact(name))  # noqa: E731
    ligands = tuple(Ligand(iri=c.component.value, name=_label(c), count=c.count,
                           families=tuple(f.text for f in c.families), binding_atoms=c.binding_atoms,
                           coordination_modes=tuple(m["label"] for m in c.modes))
                    for c in page.composition if c.role == "component" and not _is_element(c))
    core = Core(kernel=fact("kernelFormula"), kernel_nuclearity=fact("kernelNuclearity"),
                kernel_geometry=_text(page.fact("kernelGeometry")), shell=fact("shellFormula"),
                shell_nuclearity=fact("shellNuclearity"), geometry=_text(page.fact("geometry")),
                configuration=_text(page.fact("coreConfiguration")))
    syntheses = tuple(Synthesis(
        iri=s.iri.value, method=s.method.text, roles=tuple(s.roles),
        steps=tuple(step["text"] for step in s.steps), precursors=tuple(s.precursors),
        reagents={part: tuple(t.text for t in items) for part, items in s.items.items()},
        yields={item.text: percent for item, percent in s.yields}, conditions=tuple(s.conditions),
        quotes=tuple(q.quote for q in s.quotes)) for s in page.syntheses)
    evidence = cluster_page.evidence_by_record(store, iri)
    evidence_rows = tuple({"record": record, "quote": q.quote, "section": q.section or None,
                           "source_doi": q.primary_source.value.removeprefix("https://doi.org/")
                           if q.primary_source is not None else None}
                          for record, quotes in evidence.items() for q in quotes)
    measurement_rows = tuple(_measurement_row(r) for r in cluster_page.measurement_records(store, iri, evidence))
    source = page.fact("source")
    return Cluster(
        iri=iri, id=iri[len(CLUSTER_PREFIX):], label=page.label, formula=fact("formula"),
        canonical_formula=fact("canonicalFormula"), charge=fact("charge"), copper=fact("copper"),
        hydride=fact("hydride"), free_electrons=_py(page.free_electrons),
        composition=_counts(page, "component"), counter_ions=_counts(page, "counter-ion"),
        solvates=_counts(page, "solvate"), ligands=ligands, core=core, syntheses=syntheses,
        source=source.value.removeprefix("https://doi.org/") if source is not None else None,
        reference=fact("sourceReference"), alt_labels=tuple(page.alt_labels),
        measurement_rows=measurement_rows, evidence_rows=evidence_rows)
