"""`draft(text)`: segment the text, spot formulas and values, attribute them, and collect the drafted records."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from nckg.draft import attribution, comparisons, formulas, references, rules, segment, values
from nckg.draft.lexicon import Lexicon, load_lexicon
from nckg.draft.records import Draft, DraftMeasurement
from nckg.draft.segment import Sentence
from nckg.draft.values import LIGHT, TEMPERATURE, Value

# properties of the cluster itself, measured without a reaction
NO_REACTION = {"BondLength", "CuCuDistance", "BandGap", "ConductionBandMinimum", "ValenceBandMaximum",
               "AbsorptionWavelength", "EmissionWavelength", "ExcitationWavelength", "MassToChargeRatio"}
COMPETITOR = "HydrogenEvolution"
CONDITION_UNITS = {"V": "potential", "h": "time", "min": "time", "s": "time", "celsius": "temperature"}


def _product_in_sentence(value: Value, masked: str, lexicon: Lexicon) -> bool:
    return value.product is not None and value.product in values.products_in(masked, lexicon)


def _main_reaction(counts: Counter) -> str | None:
    """The reaction named most; hydrogen evolution only when nothing else is (it is mostly the competitor)."""
    ranked = [name for name, _ in counts.most_common() if name != COMPETITOR]
    return ranked[0] if ranked else (COMPETITOR if counts else None)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _conditions(sentence_masked: str, condition: Value | None, times: list[Value],
                loading: Value | None = None) -> dict:
    found: dict = {}
    if loading is not None and loading.value is not None:
        found["loading"] = {"value": loading.value, "unit": loading.unit}
    if condition is not None and condition.value is not None:
        found["potential_v_rhe" if condition.reference == "RHE" else "potential_v"] = condition.value
        if condition.reference and condition.reference != "RHE":
            found["text"] = f"potential vs {condition.reference}"
    if light := LIGHT.search(sentence_masked):
        found["light"] = light.group(0).strip()
    if temperature := TEMPERATURE.search(sentence_masked):
        found["temperature"] = temperature.group(0).strip()
    if len(times) == 1 and times[0].value is not None:
        found["time"] = {"value": times[0].value, "unit": times[0].unit}
    return found


@dataclass
class _Paragraphs:
    """What the sentences read so far said, per paragraph: the clusters of the last sentence naming any (first,
    last), every cluster named, the last product named; and per section the reactions named."""

    subject: dict[int, tuple[str, str]] = field(default_factory=dict)
    clusters: dict[int, list[str]] = field(default_factory=dict)
    product: dict[int, str] = field(default_factory=dict)
    reactions: dict[str, Counter] = field(default_factory=dict)

    labels_only: frozenset[str] = frozenset()

    def scope(self, sentence: Sentence, sentences: list[Sentence], named: dict, broken: bool) -> attribution.Scope:
        """A new sentence goes on about the previous one's subject (its first cluster); the rest of a sentence
        broken by a figure about the cluster named last before the break."""
        after = sentences[sentence.index + 1] if sentence.index + 1 < len(sentences) else None
        following = (named[after.index][0][1] if after is not None and after.paragraph == sentence.paragraph
                     and named.get(after.index) else None)
        last = self.subject.get(sentence.paragraph, (None, None))[1 if broken else 0]
        return attribution.Scope(last, self.clusters.get(sentence.paragraph, []), following, self.labels_only)

    def update(self, sentence: Sentence, here: list, products: list[str]) -> None:
        if here:
            self.subject[sentence.paragraph] = (here[0][1], here[-1][1])
            self.clusters.setdefault(sentence.paragraph, []).extend(key for _, key in here)
        if products:
            self.product[sentence.paragraph] = products[-1]


def _broken_start(sentence: Sentence, sentences: list[Sentence]) -> str:
    """The masked first part of a sentence a figure or page broke ("… than the Cu8-1 cluster" | "(−0.23 eV).");
    "" for a sentence that is whole."""
    if not segment.continues(sentence.text):
        return ""
    previous = next((s for s in reversed(sentences[max(0, sentence.index - 12): sentence.index])
                     if s.paragraph == sentence.paragraph), None)
    return previous.masked if previous is not None else ""


def _sort_values(sentence: Sentence, masked: str, broken: str, lexicon: Lexicon,
                 result: Draft) -> tuple[list[Value], list[Value], list[Value], Value | None]:
    """The sentence's values with a metric, its potentials, its times and its catalyst loading (conditions); the
    rest to the report."""
    measured, potentials, times = [], [], []
    for value in values.spot(masked):
        if value.unit == "times":  # a comparison's ratio
            continue
        value.metric = value.metric or values.name_metric(value, masked, lexicon, broken)
        if value.metric and values.of_chemical(value, masked, lexicon):
            result.unassigned.append((sentence, value))  # a band of a named chemical, not of the cluster
        elif value.metric:
            value.product = values.name_product(value, masked, lexicon)
            measured.append(value)
        elif CONDITION_UNITS.get(value.unit) == "potential":
            potentials.append(value)
        elif CONDITION_UNITS.get(value.unit) == "time":
            times.append(value)
        elif value.unit != "celsius":
            result.unassigned.append((sentence, value))
    loadings = [v for v in measured if v.metric == "CatalystLoading"]
    if not loadings or len(loadings) == len(measured) or not rules.on("loading-condition"):
        return measured, potentials, times, None
    # "with 0.025 mol% of Cu57 …, yields of 97% and 77%": the loading is a condition of the other values
    measured = [v for v in measured if v.metric != "CatalystLoading"]
    if len(loadings) > 1 or loadings[0].value is None:  # several loadings, or a range: to the report
        result.unassigned += [(sentence, v) for v in loadings]
        return measured, potentials, times, None
    return measured, potentials, times, loadings[0]


def draft(text: str, *, doi: str | None = None, lexicon: Lexicon | None = None,
          data_dir: Path | None = None) -> Draft:
    """Propose cluster, measurement and comparison records for a plain text (a paper, an abstract, a section)."""
    lexicon = lexicon or load_lexicon(data_dir)
    sentences = segment.sentences(text)
    found = [(s, formulas.spot(s.text, lexicon)) for s in sentences]
    clusters, named = attribution.resolve_clusters(found)
    result = Draft(doi, sentences, clusters, [], [], {}, lexicon.reaction_mappings,
                   references.reference_dois(segment.reference_list(text)), {}, [], [], named)
    # bare labels ("Cu₈", no ligands, no variant mark) that no full formula could be found for: family names
    state = _Paragraphs(labels_only=frozenset(key for key, cl in clusters.items()
                                              if not cl.mention.full and not cl.mention.variant))
    for sentence, mentions in found:
        masked = _blank(sentence.masked, [(m.start, m.end) for m in mentions])
        here = attribution.owners_named(sentence, named.get(sentence.index, []))
        if cited := references.cited(sentence.text):
            result.cited[sentence.index] = cited
        spotted = [name for _, name in comparisons.reactions_in(masked, lexicon)]
        for name in spotted:
            result.reactions.setdefault(name, []).append(sentence)
        seen = state.reactions.setdefault(sentence.section, Counter())
        seen.update(spotted)
        reaction = _main_reaction(Counter(spotted)) or _main_reaction(seen)
        broken = _broken_start(sentence, sentences)
        measured, potentials, times, loading = _sort_values(sentence, masked, broken, lexicon, result)
        scope = state.scope(sentence, sentences, named, bool(broken))
        owners = attribution.attribute(measured, sentence, here, scope)
        conditions = attribution.distribute(potentials, measured, "respectively" in sentence.text)
        for value, potential, owned in zip(measured, conditions, owners):
            if value.product is None and value.metric not in values.NO_PRODUCT:
                value.product = state.product.get(sentence.paragraph)
            for key, confidence, how in owned:
                record = DraftMeasurement(value, sentence, clusters.get(key) if key else None,
                                          None if value.metric in NO_REACTION else reaction,
                                          _conditions(masked, potential, times, loading), confidence, [how])
                if value.metric not in values.NO_PRODUCT and not _product_in_sentence(value, masked, lexicon):
                    record.confidence = round(record.confidence - 0.1, 2)
                    record.why.append("no product named in the sentence" + (
                        ": the last product named in the paragraph" if value.product else ""))
                (result.measurements if record.cluster else result.unattributed).append(record)
        result.comparisons += comparisons.compare(sentence, masked, here, clusters, lexicon, reaction, scope.last)
        state.update(sentence, here, values.products_in(masked, lexicon))
    return result
