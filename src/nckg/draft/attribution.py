"""Which cluster a formula, a value or a comparison belongs to.

Clusters: a full formula is a cluster; a short label written right after it in brackets ("[…]⁺ (Cu₅₇H₂₀)") is its
label; another short label ("Cu₅₇H₂₀", "Cu₅₇") names the one full formula of the same section (else of the text)
with that copper and hydride count; labels with a variant mark (Cu13a, Cu₆-NH, Cu₈-1) stay clusters of their own.
Values: the cluster named in the sentence nearest before the value (else after it); values listed with
"respectively" go to the clusters in the order written; a sentence without a formula inherits the last cluster of
its paragraph (the subject of the last sentence that names one), with a lower confidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nckg.draft import rules
from nckg.draft.formulas import Mention
from nckg.draft.records import DraftCluster
from nckg.draft.segment import Sentence
from nckg.draft.values import Value

_ALIAS_GAP = re.compile(r"^[\s$]*(?:\\left)?[\s$]*\([\s$]*$")


def _short_key(m: Mention) -> str:
    return f"cu{m.copper}" + (f"h{m.hydride}" if m.hydride else "") + (f"-{m.variant}" if m.variant else "")


def resolve_clusters(found: list[tuple[Sentence, list[Mention]]]) -> tuple[dict[str, DraftCluster],
                                                                           dict[int, list[tuple[Mention, str]]]]:
    """Cluster records and, per sentence, each formula with the key of the cluster it names."""
    clusters: dict[str, DraftCluster] = {}
    aliases: dict[str, str] = {}
    for sentence, mentions in found:  # full formulas first, and the labels printed right after them
        _respective_labels(sentence, mentions, aliases)  # before "C (Cu8-1, …, respectively)" reads as C's label
        for i, m in enumerate(mentions):
            if not m.full:
                continue
            key = m.cluster_id()
            clusters.setdefault(key, DraftCluster(key, m, sentence, confidence=_formula_confidence(m)))
            if i + 1 < len(mentions) and not mentions[i + 1].full:
                nxt = mentions[i + 1]
                if _ALIAS_GAP.match(sentence.text[m.end:nxt.start]):
                    aliases.setdefault(_short_key(nxt), key)
    citing = _citing_sections(sentence for sentence, _ in found)
    full_by_core: dict[tuple, list[tuple[str, str]]] = {}
    for key, cl in clusters.items():
        full_by_core.setdefault((cl.mention.copper, cl.mention.hydride or 0), []).append((key, cl.sentence.section))
        full_by_core.setdefault((cl.mention.copper, None), []).append((key, cl.sentence.section))
    keys: dict[int, list[tuple[Mention, str]]] = {}
    for sentence, mentions in found:
        for m in mentions:
            key = m.cluster_id() if m.full else _short(m, sentence, aliases, full_by_core, citing)
            if key not in clusters:
                clusters[key] = DraftCluster(key, m, sentence, confidence=_formula_confidence(m))
            cl = clusters[key]
            label = re.sub(r"\s+", "", m.written.strip("$ ()"))
            if label and label not in cl.labels:
                cl.labels.append(label)
            if sentence not in cl.evidence and len(cl.evidence) < 3:
                cl.evidence.append(sentence)
            keys.setdefault(sentence.index, []).append((m, key))
    return clusters, keys


def _respective_labels(sentence: Sentence, mentions: list[Mention], aliases: dict[str, str]) -> None:
    """"A, B and C (Cu8-1, Cu8-2 and Cu8-3, respectively)": the labels name the formulas in order."""
    if "respectively" not in sentence.text:
        return
    full = [m for m in mentions if m.full]
    labels = [m for m in mentions if not m.full and full and m.start > full[-1].end]
    if len(full) > 1 and len(labels) >= len(full):
        for formula, label in zip(full, labels):
            aliases.setdefault(_short_key(label), formula.cluster_id())


_CAPTION = re.compile(r"^(Fig\.|Table|Scheme) (\d+)$")
_CITED_FIGURE = re.compile(r"\b(Fig|Table|Scheme)(?:ure)?s?\.?\s*\[?(\d+)")


def _citing_sections(sentences) -> dict[str, set[str]]:
    """For each figure, table or scheme ("Fig. 9"): the body sections whose sentences cite it ("Fig. [9b]")."""
    citing: dict[str, set[str]] = {}
    for sentence in sentences:
        if _CAPTION.match(sentence.section):
            continue
        for match in _CITED_FIGURE.finditer(sentence.text):
            kind = "Fig." if match.group(1) == "Fig" else match.group(1)
            citing.setdefault(f"{kind} {match.group(2)}", set()).add(sentence.section)
    return citing


def _short(m: Mention, sentence: Sentence, aliases: dict[str, str], full_by_core: dict,
           citing: dict[str, set[str]] | None = None) -> str:
    """The cluster a formula without ligands names: its alias, the one full formula with its core, or itself. A
    caption's label ("ESI MS spectrum of Cu₆₁ NC") is read in the sections that cite the figure."""
    short = _short_key(m)
    if short in aliases:
        return aliases[short]
    if m.variant:
        return short
    candidates = full_by_core.get((m.copper, m.hydride or 0) if m.hydride else (m.copper, None), [])
    sections = {sentence.section}
    if citing and rules.on("caption-label"):
        sections |= citing.get(sentence.section, set())
    same_section = {key for key, section in candidates if section in sections}
    anywhere = {key for key, _ in candidates} if m.hydride else set()  # "Cu26" alone is too vague text-wide
    for pool in (same_section, anywhere):
        if len(pool) == 1:
            return next(iter(pool))
    return short


def _formula_confidence(m: Mention) -> float:
    if not m.full:
        return 0.5
    known = sum(p.known for p in m.ligands) / len(m.ligands)
    return round(0.6 + 0.3 * known, 2)


_VERSUS = re.compile(r"\d\)?\s*vs\.?\s*\(?-?\d")  # "(0.27 vs. 0.58 eV)": the values in the clusters' order
_PLURAL = re.compile(r"\b(?:all|each of)\s+(?:the\s+|these\s+)?(two|three|four)\b|"  # "all three", "each of the two"
                     r"\b(both|two|three|four)\s+(?:\w+\s+)?(?:clusters|nanoclusters|catalysts|isomers|NCs)\b|"
                     r"\b(both)\b|"
                     r"\b(?:all|each of)\s+(?:the\s+|these\s+)?(?:clusters|nanoclusters|catalysts|NCs)\b|"
                     r"\bvalues\s+(?:were|are)\b", re.IGNORECASE)  # "all the clusters", "the FE values were"
_HOW_MANY = {"both": 2, "two": 2, "three": 3, "four": 4}
AFTER = 30  # characters after a value within which a potential is its condition ("85% for CO at −0.8 V")
_MOST = 4  # "all the clusters" / "the values were": every cluster of the paragraph, if it names 2 to 4
_INTERMEDIATE = re.compile(r"^[\s$]*(?:-\s*)?[*A-Za-z0-9]*\s*\*?\s*(?:intermediates?|adsorbates?)\b")
# a full formula with an adsorbed species written after it ("Cu₃₂H₁₉L₁₂-HCOO", "…-*COOH") is an intermediate too
_ADSORBATE = re.compile(r"^[\s$]*-\s*\*?\s*(?:HCOO|COOH|OCHO|CHO|COH|CO2?|NO[23]?|NHO|NH2O|NH[23]?|OH|H)"
                        r"\s*\*?(?![\w-])")

Owner = tuple[str | None, float, str]  # cluster key, confidence, how it was chosen


@dataclass
class Scope:
    """The clusters around a sentence: the one its paragraph was last about (the subject of the last sentence naming
    a cluster; the cluster named just before the break for the rest of a broken sentence), every one named in the
    paragraph so far (in order), and the first one named in the next sentence of the paragraph."""

    last: str | None = None
    paragraph: list[str] = field(default_factory=list)
    following: str | None = None
    labels_only: frozenset[str] = frozenset()  # clusters known only by a bare label ("Cu₈"): family names


def _plural(sentence: Sentence, distinct: list[str], scope: Scope) -> list[str]:
    """The clusters a plural subject ("both clusters", "the three catalysts") stands for, if any."""
    match = _PLURAL.search(sentence.masked)
    if not match:
        return []
    word = next((g for g in match.groups() if g), None)
    if (word is None or match.group(1)) and not rules.on("all-the-values"):
        return []
    in_sentence, latest = len(distinct) >= 2, rules.on("latest-plural")
    pool = distinct if in_sentence else list(dict.fromkeys(reversed(scope.paragraph) if latest
                                                           else scope.paragraph))  # latest first
    kept = [key for key in pool if key not in scope.labels_only]
    if len(kept) >= 2 and rules.on("family-label"):  # "Cu₈" beside Cu₈-1, Cu₈-2: a family name
        pool = kept
    if word is None:  # every cluster: of the sentence, else of the paragraph
        return pool if 2 <= len(pool) <= _MOST else []
    n = _HOW_MANY[word.lower()]
    if len(pool) < n:
        return []
    return pool[:n] if in_sentence or latest else pool[-n:]


def owners_named(sentence: Sentence, named: list[tuple[Mention, str]]) -> list[tuple[Mention, str]]:
    """The formulas of a sentence that can own its values: not a reaction intermediate ("the Cu₃₂H₁₉L₁₂-HCOO
    intermediate" is a state of Cu₃₂H₂₀ on its way to the product)."""
    if not rules.on("intermediate"):
        return named
    return [(m, key) for m, key in named if not _INTERMEDIATE.match(sentence.masked[m.end:])
            and not (m.full and _ADSORBATE.match(sentence.masked[m.end:]))]


def attribute(values: list[Value], sentence: Sentence, named: list[tuple[Mention, str]],
              scope: Scope) -> list[list[Owner]]:
    """The owners (cluster key, confidence, how) of each value of the sentence: one cluster, or each of the
    clusters of a plural subject ("both clusters … over 99%")."""
    distinct = list(dict.fromkeys(key for _, key in named))
    result: list[list[Owner]] = []
    respectively = "respectively" in sentence.text or bool(_VERSUS.search(sentence.masked))
    plural = _plural(sentence, distinct, scope)
    by_metric: dict[str, list[Value]] = {}
    for value in values:
        by_metric.setdefault(value.metric or value.unit, []).append(value)
    for value in values:
        group = by_metric[value.metric or value.unit]
        if respectively and len(distinct) > 1 and len(group) == len(distinct):
            result.append([(distinct[group.index(value)], 0.8, "listed with 'respectively' (or 'vs.')")])
        elif plural and len(group) == 1:
            result.append([(key, 0.55, "a plural subject ('both clusters'): one record per cluster")
                           for key in plural])
        elif len(distinct) == 1:
            result.append([(distinct[0], 0.85, "the one cluster named in the sentence")])
        elif distinct:
            before = [(m, key) for m, key in named if m.end <= value.start]
            m, key = before[-1] if before else min(named, key=lambda item: item[0].start - value.end)
            result.append([(key, 0.65, "the cluster named nearest before the value" if before
                            else "the cluster named just after the value")])
        elif scope.last:
            result.append([(scope.last, 0.5, "no cluster in the sentence: the one the paragraph was last about")])
        elif scope.following:
            result.append([(scope.following, 0.4, "no cluster before it in the paragraph: the first one named in "
                                                  "the next sentence")])
        else:
            result.append([(None, 0.0, "no cluster named in the sentence or around it in the paragraph")])
    return result


def distribute(conditions: list[Value], measured: list[Value], respectively: bool) -> list[Value | None]:
    """The condition value (e.g. a potential) that goes with each measured value."""
    if not conditions:
        return [None] * len(measured)
    if respectively and len(conditions) == len(measured) > 1:
        return list(conditions)
    return [_following(v, conditions, measured) or max((c for c in conditions if c.start < v.start),
                                                       key=lambda c: c.start, default=conditions[0])
            for v in measured]


def _following(value: Value, conditions: list[Value], measured: list[Value]) -> Value | None:
    """The condition written just after a value ("90% at −0.9 V", "70% yield at −0.7 V"), before any other value."""
    if not rules.on("condition-after"):
        return None
    nxt = min((v.start for v in measured if v.start >= value.end), default=None)
    after = [c for c in conditions if value.end <= c.start <= value.end + AFTER and (nxt is None or c.start < nxt)]
    return min(after, key=lambda c: c.start) if after else None
