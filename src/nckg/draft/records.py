"""The drafted records: what the drafter proposes, before it is written as YAML or HTML."""

from __future__ import annotations

from dataclasses import dataclass, field

from nckg.draft.formulas import Mention
from nckg.draft.segment import Sentence
from nckg.draft.values import Value


@dataclass
class DraftCluster:
    """One cluster of the text: its fullest formula and every sentence that names it."""

    key: str
    mention: Mention
    sentence: Sentence
    labels: list[str] = field(default_factory=list)
    evidence: list[Sentence] = field(default_factory=list)
    confidence: float = 0.5

    @property
    def id(self) -> str:
        return self.mention.cluster_id()


@dataclass
class DraftMeasurement:
    value: Value
    sentence: Sentence
    cluster: DraftCluster | None
    reaction: str | None = None
    conditions: dict = field(default_factory=dict)
    confidence: float = 0.5
    why: list[str] = field(default_factory=list)  # how the cluster, product and reaction were chosen

    @property
    def metric(self) -> str:
        return self.value.metric or ""


@dataclass
class DraftComparison:
    better: DraftCluster
    worse: DraftCluster
    metric: str
    sentence: Sentence
    cue: tuple[int, int]  # span of the comparison words in the sentence
    ratio: float | None = None
    ratio_text: str | None = None
    reaction: str | None = None
    confidence: float = 0.5


@dataclass
class Draft:
    """Everything drafted from one text."""

    doi: str | None
    sentences: list[Sentence]
    clusters: dict[str, DraftCluster]
    measurements: list[DraftMeasurement]
    comparisons: list[DraftComparison]
    reactions: dict[str, list[Sentence]]  # reaction type -> sentences naming it
    reaction_mappings: dict[str, list[str]]
    references: dict[int, str]  # reference number -> DOI (from the text's reference list)
    cited: dict[int, list[int]]  # sentence index -> reference numbers it cites
    unattributed: list[DraftMeasurement]
    unassigned: list[tuple[Sentence, Value]]  # numbers with a unit but no metric cue
    mentions: dict[int, list[tuple[Mention, str]]]  # sentence index -> (formula, cluster key)

    def new_ligands(self) -> dict[str, str]:
        """Proposed ligand id -> abbreviation as written, for every abbreviation the ligand registry lacks."""
        return {part.ligand: part.written for cl in self.clusters.values() for part in cl.mention.ligands
                if not part.known}
