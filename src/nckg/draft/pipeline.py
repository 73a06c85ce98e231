"""`draft(text)`: segment the text, spot formulas and values, attribute them, and collect the drafted records."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from nckg.draft import attribution, comparisons, formulas, references, segment, values
from nckg.draft.lexicon import Lexicon, load_lexicon
from nckg.draft.records import Draft, DraftMeasurement
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


def _conditions(sentence_masked: str, condition: Value | None, times: list[Value]) -> dict:
    found: dict = {}
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


def draft(text: str, *, doi: str | None = None, lexicon: Lexicon | None = None,
          data_dir: Path | None = None) -> Draft:
    """Propose cluster, measurement and comparison records for a plain text (a paper, an abstract, a section)."""
    lexicon = lexicon or load_lexicon(data_dir)
    sentences = segment.sentences(text)
    found = [(s, formulas.spot(s.text, lexicon)) for s in sentences]
    clusters, named = attribution.resolve_clusters(found)
    result = Draft(doi, sentences, clusters, [], [], {}, lexicon.reaction_mappings,
                   references.reference_dois(segment.reference_list(text)), {}, [], [], named)
    context: dict[int, tuple[str, str]] = {}  # paragraph -> (first, last) cluster of its last sentence naming any
    products: dict[int, str] = {}  # paragraph -> last product named in it
    in_paragraph: dict[int, list[str]] = {}  # paragraph -> clusters named in it so far
    seen_reactions: dict[str, Counter] = {}  # section -> reactions named so far
    for sentence, mentions in found:
        masked = _blank(sentence.masked, [(m.start, m.end) for m in mentions])
        here = named.get(sentence.index, [])
        if cited := references.cited(sentence.text):
            result.cited[sentence.index] = cited
        spotted = [name for _, name in comparisons.reactions_in(masked, lexicon)]
        for name in spotted:
            result.reactions.setdefault(name, []).append(sentence)
        seen = seen_reactions.setdefault(sentence.section, Counter())
        seen.update(spotted)
        reaction = _main_reaction(Counter(spotted)) or _main_reaction(seen)
        measured, potentials, times = [], [], []
        previous = next((s for s in reversed(sentences[max(0, sentence.index - 12): sentence.index])
                         if s.paragraph == sentence.paragraph), None)
        broken = (previous.masked if previous is not None and segment.continues(sentence.text)
                  else "")  # "(−0.23 eV)." after a figure broke the sentence
        for value in values.spot(masked):
            if value.unit == "times":
                continue
            value.metric = value.metric or values.name_metric(value, masked, lexicon, broken)
            if value.metric:
                value.product = values.name_product(value, masked, lexicon)
                measured.append(value)
            elif CONDITION_UNITS.get(value.unit) == "potential":
                potentials.append(value)
            elif CONDITION_UNITS.get(value.unit) == "time":
                times.append(value)
            elif value.unit != "celsius":
                result.unassigned.append((sentence, value))
        respectively = "respectively" in sentence.text
        after = sentences[sentence.index + 1] if sentence.index + 1 < len(sentences) else None
        before = context.get(sentence.paragraph, (None, None))[1 if broken else 0]
        scope = attribution.Scope(before, in_paragraph.get(sentence.paragraph, []),
                                  named[after.index][0][1] if after is not None and after.paragraph ==
                                  sentence.paragraph and named.get(after.index) else None)
        owners = attribution.attribute(measured, sentence, here, scope)
        for value, potential, owned in zip(measured, attribution.distribute(potentials, measured, respectively),
                                           owners):
            if value.product is None and value.metric not in values.NO_PRODUCT:
                value.product = products.get(sentence.paragraph)
            for key, confidence, how in owned:
                record = DraftMeasurement(value, sentence, clusters.get(key) if key else None,
                                          None if value.metric in NO_REACTION else reaction,
                                          _conditions(masked, potential, times), confidence, [how])
                if value.metric not in values.NO_PRODUCT and not _product_in_sentence(value, masked, lexicon):
                    record.confidence = round(record.confidence - 0.1, 2)
                    record.why.append("no product named in the sentence" + (
                        ": the last product named in the paragraph" if value.product else ""))
                (result.measurements if record.cluster else result.unattributed).append(record)
        result.comparisons += comparisons.compare(sentence, masked, here, clusters, lexicon, reaction)
        if here:
            # a new sentence goes on about the previous one's subject (its first cluster); the rest of a sentence
            # broken by a figure about the cluster named last before the break
            context[sentence.paragraph] = (here[0][1], here[-1][1])
            in_paragraph.setdefault(sentence.paragraph, []).extend(key for _, key in here)
        if named_products := values.products_in(masked, lexicon):
            products[sentence.paragraph] = named_products[-1]
    return result
