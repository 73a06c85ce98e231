"""Spotting numbers with units in a sentence and naming what they measure.

Works on the masked sentence (`nckg.draft.segment.masked`) with the cluster formulas blanked, so a number inside a
formula is never a value. A value is a number or range with a unit of the unit table ("42.5%", "90–95 %",
"−1.4 V vs. RHE", "−119.0 mA cm⁻²", "3880 h⁻¹"); numbers listed before it ("−1.20 and −1.26 V") share its unit.
Its metric is the vocabulary metric allowed for the unit whose cue word follows it directly ("99% yield"), else
stands nearest before it, else just after it; a potential, time or wavelength with no metric cue is a condition of
the sentence's measurements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nckg.draft import rules
from nckg.draft.lexicon import Lexicon
from nckg.sources.quotes import _WORD_NUMBERS

_NUMBER = r"(?:(?<![A-Za-z0-9.])(-\s?)|(?<![A-Za-z0-9.-]))(\d+(?:\.\d+)?)"
UNITS = [  # (pattern right after the number, unit notation)
    (r"mol\s*%", "mol%"), (r"%\s*mol\b", "% mol"), (r"%", "percent"),  # "0.005% mol of substrates": mol%
    (r"mA\s?[·⋅]?\s?(?:cm\s*-\s*2|/\s?cm\s*2|cm\s*2)", "mA/cm2"),
    (r"eV\b", "eV"), (r"V\b", "V"), (r"nm\b", "nm"),
    (r"Å|A(?=\s*[,;)])", "angstrom"),  # "2.2118 A,": PDF text often loses the ring of Å
    (r"(?:h|hr|hours?)\s*-\s*1\b", "1/h"), (r"min\s*-\s*1\b", "1/min"),
    (r"(?:h|hrs?|hours?)\b", "h"), (r"min(?:utes?)?\b", "min"), (r"(?:s|sec|seconds?)\b(?!-)", "s"),
    (r"°\s?C\b", "celsius"), (r"(?:times|-?\s?fold)\b", "times"),
]
_UNIT = "|".join(f"(?P<u{i}>{pattern})" for i, (pattern, _) in enumerate(UNITS))
_VALUE = re.compile(_NUMBER + r"(?:\s*(?:-|to|~)\s*(-\s?)?(\d+(?:\.\d+)?))?\s*(?:" + _UNIT + ")")
# counted things (unit "count"): "three cycles", "71 examples", "14 substrates"; and m/z written before its number
_COUNT_WORDS = "|".join(sorted((w for w in _WORD_NUMBERS if not w.endswith(("fold", "mer", "le", "ly", "a"))),
                               key=len, reverse=True))
_COUNT = re.compile(r"(?<![\w.-])(\d+|" + _COUNT_WORDS + r")\s+(?:[a-z-]+\s+){0,2}?"
                    r"(?:catalytic\s+)?(cycles|runs|examples|substrates)\b", re.IGNORECASE)
_MZ = re.compile(r"m/z\s*(?:=|of|at|:)?\s*(\d+(?:\.\d+)?)")
_LISTED = re.compile(_NUMBER + r"\)?\s*(?:,\s*(?:and\s+)?|and\s+|or\s+|vs\.?\s+)$")
# the reference electrode after a potential: "V vs. RHE", "V (versus RHE)", "V_RHE", "V vs. reversible hydrogen electrode"
_REFERENCE = re.compile(r"\s*\(?\s*(?:(?:vs\.?|versus)\s*\.?\s*)?(RHE|reversible hydrogen electrode|SHE|NHE|SCE|"
                        r"Ag/AgCl)\b\)?", re.IGNORECASE)
_ELECTRODES = {"reversible hydrogen electrode": "RHE"}
_QUALIFIERS = [(r"(?:over|above|more than|exceed\w*|>)\s*$", "over"),
               (r"(?:~|≈|ca\.|approximately)\s*$", "approximately"),
               (r"(?:about|around)\s*$", "about"), (r"(?:nearly|almost)\s*$", "nearly"), (r"up to\s*$", "up-to"),
               (r"(?:less than|below|<)\s*$", "less-than"), (r"at least\s*$", "at-least")]
LIGHT = re.compile(r"visible[- ]light(?: irradiation)?|(?:blue|UV|white)[- ]LEDs?(?: irradiation)?|"
                   r"light irradiation|under (?:UV|visible|simulated sunlight)[\w -]*?light|photoexcitation")
TEMPERATURE = re.compile(r"room temperature|ambient conditions|\d+(?:\.\d+)?\s?°\s?C")
TOGETHER = 12  # characters within which two cue words count as one phrase
NO_PRODUCT = {"BondLength", "CuCuDistance", "BandGap", "ConductionBandMinimum", "ValenceBandMaximum",
              "AbsorptionWavelength", "EmissionWavelength", "ExcitationWavelength", "CatalystLoading",
              "SubstrateExampleCount", "CatalyticCycles", "StabilityDuration", "TotalFaradaicEfficiency"}


@dataclass
class Value:
    start: int
    end: int
    value: float | None
    low: float | None
    high: float | None
    unit: str
    reference: str | None = None  # reference electrode of a potential ("RHE")
    qualifier: str | None = None
    metric: str | None = None
    product: str | None = None

    @property
    def numbers(self) -> list[float]:
        return [n for n in (self.value, self.low, self.high) if n is not None]


def _number(sign: str | None, digits: str) -> float:
    return -float(digits) if sign else float(digits)


def spot(masked: str) -> list[Value]:
    """Every number with a unit of the table, ranges and listed numbers included, in order."""
    found = []
    for match in _VALUE.finditer(masked):
        unit = next(UNITS[int(k[1:])][1] for k, v in match.groupdict().items() if v is not None)
        if unit == "% mol":
            unit = "mol%" if rules.on("percent-mol") else "percent"
        first = _number(match.group(1), match.group(2))
        if match.group(4):
            low, high = sorted((first, _number(match.group(3), match.group(4))))
            value = Value(match.start(), match.end(), None, low, high, unit)
        else:
            value = Value(match.start(), match.end(), first, None, None, unit)
        listed_values, head = [], masked[: match.start()]
        floor = max((v.end for v in found), default=0)
        # "0.74 and 0.66 V", "85, 90 and 92%": the numbers listed before the value share its unit
        while (listed := _LISTED.search(head)) and listed.start() >= floor:
            listed_values.insert(0, Value(listed.start(), listed.start() + len(listed.group(0).rstrip(", and")),
                                          _number(listed.group(1), listed.group(2)), None, None, unit))
            head = head[: listed.start()]
        group = listed_values + [value]
        if unit == "V" and (ref := _REFERENCE.match(masked, match.end())):
            for item in group:
                item.reference = _ELECTRODES.get(ref.group(1).lower(), ref.group(1).upper().replace("AG/AGCL", "Ag/AgCl"))
        for pattern, name in _QUALIFIERS:
            if re.search(pattern, masked[max(0, group[0].start - 20): group[0].start]):
                for item in group:
                    item.qualifier = name
        found += group
    for match in _COUNT.finditer(masked):
        number = match.group(1).lower()
        count = float(number) if number.isdigit() else float(_WORD_NUMBERS[number])
        metric = "CatalyticCycles" if match.group(2).lower() in ("cycles", "runs") else "SubstrateExampleCount"
        found.append(Value(match.start(), match.end(), count, None, None, "count", metric=metric))
    for match in _MZ.finditer(masked):
        found.append(Value(match.start(), match.end(), float(match.group(1)), None, None, "m/z"))
    return sorted(found, key=lambda v: v.start)


def _cues(lower: str, lexicon: Lexicon, allowed: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, metric) of every cue of the allowed metrics, a cue inside a longer one of another metric dropped."""
    hits = [(m.start(), m.end(), name) for pattern, name in lexicon.metric_cues if name in allowed
            for m in pattern.finditer(lower)]
    return [h for h in hits if not any(o[0] <= h[0] and h[1] <= o[1] and o[2] != h[2] and (o[1] - o[0]) > (h[1] - h[0])
                                       for o in hits)]


def name_metric(value: Value, masked: str, lexicon: Lexicon, before_text: str = "") -> str | None:
    """The metric whose cue is nearest before the value, else just after it, else the last one of `before_text`
    (the part of the sentence before a figure or page broke it)."""
    allowed = lexicon.metrics_of_unit.get(value.unit, [])
    lower = masked.lower()
    hits = _cues(lower, lexicon, allowed)
    after = [h for h in hits if h[0] >= value.end and h[0] - value.end < 40]
    adjacent = [h for h in after if not masked[value.end: h[0]].strip()]
    if adjacent and rules.on("cue-after"):  # "up to 99% yield": a cue right after the value names it
        return _nearest(adjacent, allowed)
    before = [h for h in hits if h[0] < value.end and h[1] <= value.end]  # "m/z = 6613.5", "5 mol%" name themselves
    if before:
        return _nearest(before, allowed)
    if after:
        return min(after, key=lambda h: h[0])[2]
    earlier = _cues(before_text.lower(), lexicon, allowed)
    return _nearest(earlier, allowed) if earlier else lexicon.metric_of_unit_alone.get(value.unit)


def _nearest(hits: list[tuple[int, int, str]], allowed: list[str]) -> str:
    """The metric of the last cue; cues written together ("Cu–Cu bonding") go to the more specific metric (the
    one listed first for the unit)."""
    last = max(h[1] for h in hits)
    return min((h for h in hits if h[1] >= last - TOGETHER), key=lambda h: allowed.index(h[2]))[2]


_OF_CHEMICAL = re.compile(r"\s*(?:from|of|due to)\s+(?:the\s+)?([\w-]+)")
WAVELENGTH_UNITS = {"nm"}


def of_chemical(value: Value, masked: str, lexicon: Lexicon) -> str | None:
    """The registered chemical a wavelength is said to come from ("the peak at 400 nm from 4-nitrophenol"): a band of
    that chemical, not of a cluster."""
    if value.unit not in WAVELENGTH_UNITS or not rules.on("chemical-wavelength"):
        return None
    match = _OF_CHEMICAL.match(masked, value.end)
    return match.group(1) if match and match.group(1).lower() in lexicon.chemicals else None


def products_in(masked: str, lexicon: Lexicon) -> list[str]:
    """The products named in a sentence, in order."""
    return [chem for _, chem in sorted((m.start(), chem) for pattern, chem in lexicon.product_cues
                                       for m in pattern.finditer(masked))]


def name_product(value: Value, masked: str, lexicon: Lexicon) -> str | None:
    """The product written nearest to the value in the sentence (before it preferred)."""
    if value.metric in NO_PRODUCT:
        return None
    hits = [(m.start(), m.end(), chem) for pattern, chem in lexicon.product_cues for m in pattern.finditer(masked)]
    before = [h for h in hits if h[1] <= value.start]
    if before:
        return max(before, key=lambda h: h[1])[2]
    after = [h for h in hits if h[0] >= value.end]
    return min(after, key=lambda h: h[0])[2] if after else None
