"""Comparisons between two clusters ("25 times higher than", "16-fold", "outperforms") and reaction types.

A comparison needs a comparison cue and two different clusters in one sentence: the cluster named before the cue is
the subject, the first one after it the other side. "Lower than" makes the subject the better one only for metrics
where lower is better (energy barriers, overpotential). The ratio is the number of "N times"/"N-fold"/"sixfold".
"""

from __future__ import annotations

import re

from nckg.draft import rules
from nckg.draft.formulas import Mention
from nckg.draft.lexicon import Lexicon
from nckg.draft.records import DraftCluster, DraftComparison
from nckg.draft.segment import Sentence
from nckg.sources.quotes import _WORD_NUMBERS

_CUE = re.compile(r"(?:much |far |significantly |remarkably )?(?:higher|better|greater|larger|faster|superior|"
                  r"more (?:active|selective|efficient|stable|energetically favorable)|lower|smaller|slower|"
                  r"inferior|less (?:active|selective|efficient))\s+(?:than|to)|outperform\w*|surpass\w*|"
                  r"exceed\w*", re.IGNORECASE)
_RATIO = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(?:-\s*)?(?:times|fold)\b|\b(\w+)fold\b", re.IGNORECASE)
LOWER_IS_BETTER = {"FreeEnergyChange", "Overpotential", "ReactionTime"}
GENERIC_METRIC = "CatalyticActivity"


def _metric(masked_lower: str, lexicon: Lexicon, before: int) -> str:
    """The metric cue nearest before the comparison words, else anywhere in the sentence."""
    hits = [(m.start(), name) for pattern, name in lexicon.metric_cues for m in pattern.finditer(masked_lower)
            if name not in ("ReactionTime", "CatalyticCycles", "SubstrateExampleCount", "AbsorptionWavelength")]
    prior = [h for h in hits if h[0] < before]
    if prior:
        return max(prior)[1]
    return min(hits)[1] if hits else GENERIC_METRIC


def compare(sentence: Sentence, masked: str, named: list[tuple[Mention, str]], clusters: dict[str, DraftCluster],
            lexicon: Lexicon, reaction: str | None, previous: str | None = None) -> list[DraftComparison]:
    """The comparison of a sentence; `previous` is the cluster the paragraph was last about, the subject of "it is
    25 times more active than [Cu₁₆…]" when no cluster is named before the comparison words."""
    cue = _CUE.search(masked)
    ratio = _RATIO.search(masked)
    anchor = cue or ratio
    if anchor is None or not named:
        return []
    before = [key for m, key in named if m.end <= anchor.start()]
    if not before and previous in clusters and rules.on("comparison-subject"):
        before = [previous]
    after = [key for m, key in named if m.start >= anchor.end() and key not in before[-1:]]
    if not before or not after:
        return []
    subject, other = before[-1], after[0]
    if subject == other:
        return []
    metric = _metric(masked.lower(), lexicon, anchor.start())
    if cue and re.match(r"(?:\w+ )?(?:lower|smaller|slower|inferior|less)", cue.group(0), re.IGNORECASE) \
            and metric not in LOWER_IS_BETTER:
        subject, other = other, subject
    number = None
    if ratio:
        number = float(ratio.group(1)) if ratio.group(1) else _WORD_NUMBERS.get(ratio.group(2).lower() + "fold")
    span = (anchor.start(), anchor.end())
    text = ratio.group(0) if ratio else cue.group(0)
    confidence = (0.6 if cue and ratio else 0.5) - (0.1 if before == [previous] and previous not in
                                                     {key for _, key in named} else 0)
    return [DraftComparison(clusters[subject], clusters[other], metric, sentence, span, number, text, reaction,
                            confidence)]


def reactions_in(text: str, lexicon: Lexicon) -> list[tuple[int, str]]:
    """(offset, reaction type) of every reaction named in the text, longest cue first at a position."""
    hits = sorted(((m.start(), -(m.end() - m.start()), name) for pattern, name in lexicon.reaction_cues
                   for m in pattern.finditer(text)))
    found, taken = [], -1
    for start, negative_length, name in hits:
        if start >= taken:
            found.append((start, name))
            taken = start - negative_length
    return found
