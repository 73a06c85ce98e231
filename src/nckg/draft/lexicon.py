"""The drafter's word lists, built from the project's own tables: the ontology's metrics and reaction types (their
labels and alternative labels), the reaction mappings (RXNO/MOP), the ligand and chemical registries and the units.

A few cue words the ontology does not spell ("selectivity" as a bare noun is its label, but "yield", "stable for",
"CH4" are how papers write them) are listed here, each mapped to a name that must exist in the vocabulary or
registry; a name that does not is dropped, so the tables cannot drift from the ontology.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from nckg import config
from nckg.draft import rules
from nckg.sources.loading import load_file
from nckg.sources.mappings import mappings_dir, read_sssom
from nckg.sources.vocabulary import load_vocabulary

# metric cues beyond the ontology's labels: (regex over masked lower-case text, metric name)
EXTRA_METRIC_CUES = [
    (r"\bfe(?=[a-z0-9])|\bfe\b|faradaic efficienc", "FaradaicEfficiency"),
    (r"\b(?:total|cumulative|overall)\s+(?:fe\b|faradaic efficienc\w*(?:\s*\(fe\))?)", "TotalFaradaicEfficiency"),
    (r"partial current densit", "PartialCurrentDensity"),
    (r"current densit", "CurrentDensity"),
    (r"overpotential", "Overpotential"),
    (r"selectiv", "Selectivity"),
    (r"\byield(?:s|ed)?\b(?!\s*rate)", "ProductYield"),
    (r"yield rate|production rate|evolution rate", "YieldRate"),
    (r"conversion", "Conversion"),
    (r"\btof\b|turnover frequenc", "TurnoverFrequency"),
    (r"rate constant|reaction rate|\bk\s*=", "RateConstant"),
    (r"stab|durab|long-term|continuous(?:ly)? (?:operat|electroly|run)", "StabilityDuration"),
    (r"within|completed? in|required|took|\bin\s+(?=\d)|after\s+(?=\d)", "ReactionTime"),
    (r"\bcycles?\b|\bruns\b|reused|recycl", "CatalyticCycles"),
    (r"band\s*gap|homo-lumo gap|\beg\b", "BandGap"),
    (r"\bcbm\b|conduction band", "ConductionBandMinimum"),
    (r"\bvbm\b|valence band", "ValenceBandMaximum"),
    (r"free energ|energy barrier|barrier|energy consumption|\bdelta ?g\b|δg|Δg", "FreeEnergyChange"),
    # "requires an energy gap of 1.08 eV" (a HOMO–LUMO or band gap is a BandGap)
    (r"(?<!band )(?<!lumo )energy gap", "FreeEnergyChange", "energy-gap"),
    (r"absor|\bbands?\b|\bpeaks? at\b", "AbsorptionWavelength"),
    (r"emission|emit|luminesc|\bpl\b", "EmissionWavelength"),
    (r"excitation|excited at|\bλex\b", "ExcitationWavelength"),
    (r"\bexcit(?:ed|ing)\b", "ExcitationWavelength", "exciting"),
    (r"loading|mol\s*%|catalyst amount", "CatalystLoading"),
    (r"substrates?\b|examples", "SubstrateExampleCount"),
    (r"cu-cu|cu⋯cu|cu···cu|cu\.\.\.cu|distance", "CuCuDistance"),
    (r"bond length|bond|cu-s|cu-n|cu-p|cu-h|cu-cl", "BondLength"),
]
# which metrics a unit may express (the unit's notation as YAML `unit:` values use it)
METRICS_OF_UNIT = {
    "percent": ["TotalFaradaicEfficiency", "FaradaicEfficiency", "Selectivity", "ProductYield", "Conversion"],
    "mA/cm2": ["PartialCurrentDensity", "CurrentDensity"],
    "V": ["Overpotential", "ConductionBandMinimum", "ValenceBandMaximum"],
    "eV": ["BandGap", "FreeEnergyChange"],
    "nm": ["ExcitationWavelength", "EmissionWavelength", "AbsorptionWavelength"],
    "h": ["StabilityDuration", "ReactionTime"],
    "min": ["StabilityDuration", "ReactionTime"],
    "s": ["StabilityDuration", "ReactionTime"],
    "1/h": ["TurnoverFrequency"],
    "1/min": ["RateConstant"],
    "mol%": ["CatalystLoading"],
    "angstrom": ["CuCuDistance", "BondLength"],
    "count": ["CatalyticCycles", "SubstrateExampleCount"],
    "m/z": ["MassToChargeRatio"],
}
# the metric a unit names on its own, when no cue word is written ("12 mA cm⁻²" is a current density)
METRIC_OF_UNIT_ALONE = {"mA/cm2": "CurrentDensity", "1/h": "TurnoverFrequency", "1/min": "RateConstant",
                        "mol%": "CatalystLoading", "m/z": "MassToChargeRatio"}
# how papers write products and species: (regex over masked text, chemical id of data/chemicals.yaml)
PRODUCT_CUES = [
    (r"CH\s?4\b|methane", "methane"), (r"C\s?2\s?H\s?4\b|ethylene", "ethylene"), (r"C\s?2\s?H\s?6\b|ethane", "ethane"),
    (r"HCOOH|HCO\s?2\s?H|HCOO\b|formate|formic acid", "formic-acid"),
    (r"\bCO\b(?!\s?2)|carbon monoxide", "carbon-monoxide"),
    (r"NH\s?3\b|ammonia", "ammonia"), (r"\bH\s?2\b(?!\s?O)|hydrogen evolution|\bHER\b", "hydrogen"),
    (r"CH\s?3\s?OH|methanol", "methanol"), (r"CH\s?3\s?CHO|acetaldehyde", "acetaldehyde"),
    (r"NO\s?2\s?-|nitrite", "nitrite"), (r"4-aminophenol", "4-aminophenol"), (r"cyclohexanol", "cyclohexanol"),
    (r"ferrocyanide", "ferrocyanide"), (r"ferricyanide", "ferricyanide"),
    (r"Fe\s?\(CN\)\s?6\s?\]?\s*4-", "ferrocyanide", "product-formula"),
    (r"Fe\s?\(CN\)\s?6\s?\]?\s*3-", "ferricyanide", "product-formula"), (r"dimethyl sulfoxide|sulfoxide", "dimethyl-sulfoxide"), (r"urea", "urea"),
    (r"formamide", "formamide"), (r"propanol", "propanol"), (r"\b1\s?O\s?2\b|singlet oxygen", "singlet-oxygen"),
]
# reaction cues beyond the ontology's labels
EXTRA_REACTION_CUES = [
    (r"e\s?CO\s?2\s?RR|CO\s?2\s?(?:electro)?reduction|electrochemical CO\s?2|CO\s?2\s?electroreduction",
     "ElectrochemicalCO2Reduction"),
    (r"e\s?NO\s?3\s?RR|nitrate reduction", "ElectrochemicalNitrateReduction"),
    (r"photo(?:catalytic\s+)?(?:CO\s?2\s?)?reduction of CO\s?2|CO\s?2\s?photoreduction|photoreduction of CO\s?2|"
     r"photocatalytic CO\s?2", "PhotocatalyticCO2Reduction"),
    (r"sulfides? oxidation|oxidation of sulfides|sulfoxides?", "PhotocatalyticSulfideOxidation"),
    (r"Ullman|C-N bond-forming|C-N coupling", "UllmannCNCoupling"),
    (r"click reaction|azide-alkyne|\bAAC\b|cycloaddition", "AzideAlkyneCycloaddition"),
    (r"Sonogashira", "SonogashiraCoupling"), (r"C\s?sp-C\s?sp\s?2|Csp-Csp2", "CspCsp2Coupling"),
    (r"redox-\s?A\s?3", "RedoxA3Coupling"), (r"(?<!redox-)\bA\s?3\s?coupling|A 3 coupling", "A3Coupling"),
    (r"indolizine", "IndolizineSynthesis"), (r"ferricyanide", "FerricyanideReduction"),
    (r"hydrogenation of cyclohexanone|cyclohexanone", "CyclohexanoneHydrogenation"),
    (r"4-nitrophenol|nitrophenol", "NitrophenolReduction"), (r"cinnamaldehyde", "CinnamaldehydeConjugateReduction"),
    (r"hydrogen evolution reaction|\bHER\b", "HydrogenEvolution"), (r"oxygen evolution|\bOER\b", "OxygenEvolution"),
]


@dataclass(frozen=True)
class Lexicon:
    metric_cues: list[tuple[re.Pattern, str]]
    metrics_of_unit: dict[str, list[str]]
    metric_of_unit_alone: dict[str, str]
    product_cues: list[tuple[re.Pattern, str]]
    reaction_cues: list[tuple[re.Pattern, str]]
    reaction_mappings: dict[str, list[str]]  # reaction type -> ["skos:closeMatch RXNO:0000270", …]
    ligands: dict[str, str]  # bare abbreviation / synonym / id -> ligand id
    units: frozenset[str]
    chemicals: frozenset[str] = frozenset()  # ids and lower-case names of the chemical registry


def bare(text: str) -> str:
    """Lower-case letters and digits only: how ligand abbreviations are compared ("^tBuS" = "tBuS" = "tbus")."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _label_pattern(label: str) -> re.Pattern:
    return re.compile(r"(?<![A-Za-z])" + re.escape(label.lower()).replace(r"\ ", r"\s+") + r"(?![a-z])")


def _ligand_index(data_dir: Path) -> dict[str, str]:
    index = {}
    path = data_dir / "ligands.yaml"
    if not path.exists():
        return index
    for ligand in load_file(path).data.ligands:
        for name in (ligand.id, ligand.abbreviation or "", *ligand.synonyms):
            if bare(name):
                index.setdefault(bare(name), ligand.id)
    return index


def _chemical_names(data_dir: Path) -> frozenset[str]:
    """The chemical registry's ids and lower-case names."""
    path = data_dir / "chemicals.yaml"
    chemicals = load_file(path).data.chemicals if path.exists() else []
    return frozenset(name for chem in chemicals for name in (chem.id, chem.name.lower()))


def _in_force(table: list[tuple], off: frozenset[str]) -> list[tuple[str, str]]:
    """(pattern, name) of the cue entries whose rule (an optional third item, see nckg.draft.rules) is on."""
    return [(entry[0], entry[1]) for entry in table if len(entry) < 3 or entry[2] not in off]


def load_lexicon(data_dir: Path | None = None) -> Lexicon:
    """The cue tables, checked against the vocabulary and the registries of `data_dir` (default data/), without the
    cues of the rules switched off (nckg.draft.rules)."""
    return _load_lexicon(data_dir or config.data_dir(), rules.off())


@lru_cache(maxsize=16)
def _load_lexicon(data_dir: Path, off: frozenset[str]) -> Lexicon:
    vocabulary = load_vocabulary()
    metrics, reactions = vocabulary.individuals["metric"], vocabulary.individuals["reaction"]
    metric_cues = [(re.compile(p), name) for p, name in _in_force(EXTRA_METRIC_CUES, off) if name in metrics]
    metric_cues += [(_label_pattern(label), name) for name in sorted(metrics)
                    for label in vocabulary.labels.get(name, ())]
    reaction_cues = [(re.compile(p, re.IGNORECASE), name) for p, name in EXTRA_REACTION_CUES if name in reactions]
    reaction_cues += [(re.compile(r"(?<![A-Za-z])" + re.escape(label) + r"(?![A-Za-z])",
                                  0 if label.isupper() else re.IGNORECASE), name)  # "HER", not "other"
                      for name in sorted(reactions) for label in vocabulary.labels.get(name, ())]
    chemicals = _chemical_names(data_dir)
    products = [(re.compile(p), chem) for p, chem in _in_force(PRODUCT_CUES, off) if chem in chemicals]
    mappings: dict[str, list[str]] = {}
    table = mappings_dir() / "reactions.sssom.tsv"
    if table.exists():
        for row in read_sssom(table).rows:
            name = row["subject_id"].removeprefix("nckg:")
            mappings.setdefault(name, []).append(f"{row['predicate_id']} {row['object_id']} ({row['object_label']})")
    by_unit = {unit: [m for m in names if m in metrics] for unit, names in METRICS_OF_UNIT.items()
               if unit in vocabulary.units}
    alone = {unit: name for unit, name in METRIC_OF_UNIT_ALONE.items() if name in by_unit.get(unit, [])}
    return Lexicon(metric_cues, by_unit, alone, products, reaction_cues, mappings, _ligand_index(data_dir),
                   frozenset(vocabulary.units), chemicals)
