"""The schema of the curated YAML sources (pydantic models); see data/README.md."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from nckg.sources.schema_base import (  # noqa: F401  (re-exported: the schema's public names)
    Count, Doi, Evidence, Evidenced, Percent, Quantity, Record, Slug)
from nckg.sources.schema_detail import Durability, HydrideSite, LightSource, SynthesisConditionFields, Vacancy


class Source(Record):
    ref: int | None = Field(default=None, ge=1)
    doi: Doi


class DocumentRecord(Record):
    """The record of a source document under data/sources/: its text file, checksum, licence and attribution."""

    doi: Doi
    title: str
    citation: str
    licence: str
    licence_url: str = Field(pattern=r"^https?://")
    attribution: str
    text: str = Field(pattern=r"^[^/\\]+\.txt$")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class LigandCount(Record):
    """A ligand of a cluster and how many; `count: null` when the review names the ligand but not its count."""

    ligand: Slug
    count: Count | None


class ChemicalCount(Record):
    chemical: Slug
    count: Count = 1


class Composition(Record):
    Cu: int = Field(ge=1)
    hydride: Count | None = None
    ligands: list[LigandCount] = []


class Kernel(Record):
    formula: str | None = None
    nuclearity: Count | None = None
    charge: int | None = None
    geometry: str | None = None


class Shell(Record):
    formula: str | None = None
    nuclearity: Count | None = None


class Cluster(Evidenced):
    id: Slug
    variant: Slug | None = None
    labels: list[str] = []
    formula_as_written: str
    formula_complete: bool = True
    composition: Composition
    charge: int | None = None
    counter_ions: list[ChemicalCount] = []
    solvates: list[ChemicalCount] = []
    kernel: Kernel | None = None
    shell: Shell | None = None
    core_configuration: str | None = None
    geometry: str | None = None
    active_site_motifs: list[str] = []
    free_electrons: Count | None = None
    oxidation_states: list[Literal["Cu(0)", "Cu(I)", "Cu(II)"]] = []
    ligands_not_named: str | None = None  # why the cluster has no ligand: the review names none (see checks.py)
    superatom_stated: bool | None = None  # the review calls it a superatom (true) or says it is not one (false)


class Step(Record):
    text: str
    colour_from: str | None = None
    colour_to: str | None = None


class Yield(Record):
    product: Slug
    value: Percent


class Synthesis(Evidenced, SynthesisConditionFields):
    id: Slug
    method: str
    products: list[Slug] = []
    side_products: list[Slug] = []
    starting_clusters: list[Slug] = []
    copper_sources: list[Slug] = []
    precursors: list[str] = []
    ligand_reagents: list[Slug] = []
    reductants: list[Slug] = []
    solvents: list[Slug] = []
    bases: list[Slug] = []
    additives: list[Slug] = []
    steps: list[Step] = []
    yields: list[Yield] = []
    conditions: dict[str, str] = {}


class Conditions(Record):
    potential_v_rhe: float | None = None
    potential_v: float | None = None  # applied potential where the review names no reference electrode
    overpotential_v: float | None = None
    electrolyte: str | None = None
    light: str | None = None
    light_source: LightSource | None = None
    wavelength_nm: float | None = None
    reference: str | None = None  # the potential scale of a band edge as the review states it ("NHE")
    support: Slug | None = None
    loading: Quantity | None = None
    time: Quantity | None = None
    temperature: str | None = None
    text: str | None = None

    @model_validator(mode="after")
    def _one_potential(self):
        if self.potential_v_rhe is not None and self.potential_v is not None:
            raise ValueError("give the potential once: `potential_v_rhe` (vs RHE) or `potential_v` (no reference)")
        return self


class Measurement(Evidenced):
    cluster: Slug
    reaction: str | None = None
    product: Slug | None = None
    metric: str
    value: float | None = None
    value_min: float | None = None
    value_max: float | None = None
    unit: str
    qualifier: Literal["over", "approximately", "up-to", "nearly", "less-than", "at-least", "about"] | None = None
    method: str | None = None
    conditions: Conditions | None = None

    @model_validator(mode="after")
    def _value_or_range(self):
        if self.value is None and (self.value_min is None or self.value_max is None):
            raise ValueError("a measurement needs `value` or both `value_min` and `value_max`")
        if self.unit == "percent":
            for number in (self.value, self.value_min, self.value_max):
                if number is not None and not 0 <= number <= 100:
                    raise ValueError(f"a percentage must lie in [0, 100], got {number}")
        return self


class Comparison(Evidenced):
    better: Slug
    worse: Slug
    metric: str
    reaction: str | None = None
    product: Slug | None = None  # the product or generated species compared (chemical id)
    ratio: float | None = Field(default=None, gt=0)
    ratio_text: str | None = None
    structural_difference: str | None = None
    explanation: str | None = None


class Relation(Evidenced):
    subject: Slug
    predicate: str
    object: Slug


class Application(Evidenced):
    """A cluster used for a reaction where the review gives no figure (else use a measurement)."""

    cluster: Slug
    reaction: str
    light_source: LightSource | None = None


class Characterisation(Evidenced):
    cluster: Slug
    method: str
    observation: str
    light_source: LightSource | None = None  # the light of a photo-step the observation describes


class Identified(Record):
    """Structure and external identifiers of a molecule or ion (only where verified, see ontology/mappings)."""

    formula: str | None = None
    smiles: str | None = None
    inchi: str | None = None
    inchikey: str | None = Field(default=None, pattern=r"^[A-Z]{14}-[A-Z]{10}-[A-Z]$")
    chebi: str | None = Field(default=None, pattern=r"^CHEBI:\d+$")
    pubchem_cid: int | None = Field(default=None, ge=1)
    wikidata: str | None = Field(default=None, pattern=r"^Q\d+$")


class Ligand(Evidenced, Identified):
    """A ligand as bound in clusters (its identifiers describe the bound form, e.g. the thiolate)."""

    id: Slug
    abbreviation: str | None = None
    name: str
    family: str
    binding_atoms: list[str] = []
    electrons_withdrawn: Count | None = None
    precursor: Slug | None = None
    coordination_modes: list[Slug] = []
    synonyms: list[str] = []


class Chemical(Evidenced, Identified):
    id: Slug
    name: str
    roles: list[str] = []
    synonyms: list[str] = []  # other names a user may type (skos:altLabel): HCOOH, formate


class Publication(Evidenced):
    ref: int | None = Field(default=None, ge=0)
    doi: Doi
    title: str | None = None
    authors: str | None = None
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    year: int | None = Field(default=None, ge=1900, le=2100)


class HalfReaction(Evidenced):
    id: Slug
    reaction: str | None = None
    label: str | None = None
    equation: str
    equation_as_written: str | None = None
    product: Slug | None = None
    electrons_transferred: Count | None = None
    e0_v_rhe: float


class CoordinationMode(Evidenced):
    id: Slug
    label: str
    ligand_family: str
    donor_atom: str | None = None
    coppers_per_donor: Count | None = None
    donors_per_copper: Count | None = None
    hapticity: list[Count] = []
    bonding: Literal["sigma", "pi", "sigma-pi"] | None = None
    ring_motif: str | None = None
    broader: Slug | None = None  # a more general mode this one specialises


class Cited(Record):
    """Review reference numbers, single or as printed ranges "[186–189]" (both ends written)."""

    references: list[int] = []
    reference_ranges: list[tuple[int, int]] = []

    def cited(self) -> list[int]:
        expanded = [n for low, high in self.reference_ranges for n in range(low, high + 1)]
        return sorted(set(self.references) | set(expanded))


class StandardPotential(Record):
    couple: str
    e0_v: float


class Concept(Evidenced, Cited):
    id: Slug
    label: str
    statement: str
    magic_numbers: list[Count] = []
    noble_gases: list[str] = []
    valence_states: list[str] = []
    standard_potentials: list[StandardPotential] = []
    developed_by: str | None = None


class Example(Cited):
    statement: str


class Perspective(Evidenced, Cited):
    id: Slug
    number: int | None = None
    topic: str
    statement: str
    examples: list[Example] = []
    ligand_families: list[str] = []
    core_configurations: list[str] = []
    characterisation_methods: list[str] = []


class SynthesisMethodNote(Evidenced, Cited):
    id: str
    label: str | None = None
    abbreviation: str | None = None
    description: str | None = None
    advantages: str | None = None
    disadvantages: str | None = None
    applicability: str | None = None
    introduced_by: str | None = None
    year: int | None = None
    named_by: str | None = None
    named_year: int | None = None
    examples: list[Example] = []


class DataFile(Record):
    """One YAML file under data/: a primary paper's records or a topic."""

    source: Source | None = None
    clusters: list[Cluster] = []
    syntheses: list[Synthesis] = []
    measurements: list[Measurement] = []
    comparisons: list[Comparison] = []
    relations: list[Relation] = []
    applications: list[Application] = []
    characterisations: list[Characterisation] = []
    hydride_sites: list[HydrideSite] = []
    vacancies: list[Vacancy] = []
    durability: list[Durability] = []
    ligands: list[Ligand] = []
    chemicals: list[Chemical] = []
    publications: list[Publication] = []
    half_reactions: list[HalfReaction] = []
    coordination_modes: list[CoordinationMode] = []
    concepts: list[Concept] = []
    perspectives: list[Perspective] = []
    synthesis_methods: list[SynthesisMethodNote] = []
