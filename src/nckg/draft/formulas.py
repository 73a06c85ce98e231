"""Spotting and parsing Cu cluster formulas in a sentence: Unicode (Cu₅₇H₂₀), LaTeX-ish ($Cu_{57}H_{20}$,
\\text{Cu}_{58}) and plain ([Cu25H22(PPh3)12]+) forms, with charge, hydride, ligands and variant marks.

The sentence is first compacted (markup dropped, sub/superscripts folded to digits and signs) keeping, for every
character, its offset in the original, so a formula found in the compact form maps back to its exact characters.
Ligand abbreviations are matched to the ligand registry (`nckg.draft.lexicon`); an abbreviation the registry does not
know is kept as a new ligand to register. A formula's numbers are composition, never measured values: the value
spotter skips the formula spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nckg.draft.lexicon import Lexicon, bare
from nckg.sources.formula import slug
from nckg.sources.schema import Cluster, Composition, LigandCount

MIN_COPPER = 3  # "Cu2+", "Cu1-S1" are ions and bonds, not clusters
_FOLD = str.maketrans("₀₁₂₃₄₅₆₇₈₉⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻−–", "01234567890123456789+---")
_DROP = set("${}_*`")
_SUPERSCRIPTS = set("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻")
_SYMBOLS = {r"\equiv": "≡", r"\textequiv": "≡", r"\cdot": "·"}
_COMMAND = re.compile(r"\\[A-Za-z]+|\\.")
_START = re.compile(r"(?<![A-Za-z0-9])(?:([A-Z])-)?\[?Cu(?=\d)")
_DIGITS = re.compile(r"\d+")
# counter-ions written after a formula (never ligands inside it) and their charge; after "]" a chloride or nitrate
# is a counter-ion too, so "[…]Cl" and "[…](ClO4)2" give the cluster's charge when it is not written
COUNTER_IONS = {"pf6": -1, "bf4": -1, "sbf6": -1, "clo4": -1, "bph4": -1, "otf": -1, "pph4": 1}
OUTER_IONS = {**COUNTER_IONS, "cl": -1, "no3": -1, "br": -1, "i": -1}
_OUTER = re.compile(r"\s?[·.]?\s?(?:\(([A-Za-z][A-Za-z0-9]*)\)(\d*)|([A-Z][A-Za-z]*\d*))")


@dataclass
class LigandPart:
    written: str
    count: int | None
    ligand: str  # registry id, or a proposed id for a new ligand
    known: bool


@dataclass
class Mention:
    """One formula as written in a sentence, parsed."""

    start: int  # offsets in the sentence text
    end: int
    written: str
    copper: int
    hydride: int | None = None
    ligands: list[LigandPart] = field(default_factory=list)
    charge: int | None = None
    variant: str | None = None
    counter_ion: str | None = None
    charge_from_counter_ion: bool = False

    @property
    def full(self) -> bool:
        return bool(self.ligands)

    @property
    def core(self) -> tuple[int, int]:
        return self.copper, self.hydride or 0

    def cluster_id(self) -> str:
        """The id `nckg validate` expects for this composition (nckg.sources.formula.slug)."""
        return slug(self.as_cluster([]))

    def as_cluster(self, evidence: list) -> Cluster:
        composition = Composition(Cu=self.copper, hydride=self.hydride,
                                  ligands=[LigandCount(ligand=p.ligand, count=p.count) for p in self.ligands])
        return Cluster.model_construct(id="", variant=self.variant, composition=composition, charge=self.charge,
                                       formula_as_written=self.written, evidence=evidence)


def compact(text: str) -> tuple[str, list[int]]:
    """Text without markup, digits folded; and the original offset of every kept character."""
    out, where, i = [], [], 0
    while i < len(text):
        if text[i] == "\\":
            match = _COMMAND.match(text, i)
            if match and match.group(0) in _SYMBOLS:
                out.append(_SYMBOLS[match.group(0)])
                where.append(i)
            i = match.end() if match else i + 1
            continue
        if text[i] in _SUPERSCRIPTS and (i == 0 or text[i - 1] not in _SUPERSCRIPTS):
            out.append("^")  # "Cu₄²⁺" -> "Cu4^2+": the charge stays apart from the count
            where.append(i)
        if text[i] not in _DROP:
            out.append(text[i].translate(_FOLD))
            where.append(i)
        i += 1
    return "".join(out), where


def _group_end(s: str, i: int) -> int:
    """Index after the parenthesis group opening at s[i] (nesting allowed); -1 when unclosed."""
    depth = 0
    for j in range(i, len(s)):
        depth += {"(": 1, ")": -1}.get(s[j], 0)
        if depth == 0:
            return j + 1
    return -1


def _number(s: str, i: int) -> tuple[int | None, int]:
    match = _DIGITS.match(s, i)
    return (int(match.group(0)), match.end()) if match else (None, i)


def _ligand(written: str, count: int | None, lexicon: Lexicon) -> LigandPart:
    key = bare(written)
    if key in lexicon.ligands:
        return LigandPart(written, count, lexicon.ligands[key], True)
    proposed = re.sub(r"[^a-z0-9]+", "-", written.lower()).strip("-") or "ligand"
    return LigandPart(written, count, proposed, False)


def _parse(s: str, i: int, lexicon: Lexicon) -> tuple[dict, int] | None:
    """Parse one formula starting at s[i] ("[" or "Cu"); (fields, end index) or None."""
    bracket = s[i] == "["
    j = i + 1 if bracket else i
    copper, j = _number(s, j + 2)
    if copper is None or copper < MIN_COPPER:
        return None
    fields: dict = {"copper": copper, "hydride": None, "ligands": [], "charge": None, "variant": None}
    while j < len(s):
        if s[j] == "-" and s[j + 1: j + 2] == "(":  # "Cu8(H)-(L1)6"
            j += 1
        elif s[j] == "H" and not s[j + 1: j + 2].islower() and fields["hydride"] is None:
            count, j = _number(s, j + 1)
            fields["hydride"] = count if count is not None else 1
        elif s[j] == "(":
            end = _group_end(s, j)
            inner = s[j + 1: end - 1] if end > 0 else ""
            if end < 0 or not inner.strip() or inner.strip().isdigit():
                break
            count, after = _number(s, end)
            if bare(inner) in COUNTER_IONS:  # "[Cu3(NHC)3(PF6)3]": the ions, not ligands
                fields["counter_ion"] = s[j:after]
                j = after
                continue
            if inner.strip() == "H":
                fields["hydride"], j = count or 1, after
                continue
            fields["ligands"].append(_ligand(inner.strip(), count if count is not None else 1, lexicon))
            j = after
        elif (bare_ligand := re.match(r"([A-Z][A-Za-z]*)(\d+)", s[j:])) and (bracket or fields["ligands"] or
                                                                             fields["hydride"] is not None):
            if bare(bare_ligand.group(0)) in COUNTER_IONS:  # "Cu8(H)-(L1)6PF6"
                fields["counter_ion"] = bare_ligand.group(0)
                fields["charge"] = -COUNTER_IONS[bare(bare_ligand.group(0))]
                fields["charge_from_counter_ion"] = True
                j += bare_ligand.end()
                break
            fields["ligands"].append(_ligand(bare_ligand.group(1), int(bare_ligand.group(2)), lexicon))
            j += bare_ligand.end()
        else:
            break
    if bracket and s[j: j + 1] == "]":
        j += 1
        charge = re.match(r"\^?(\d*)([+-])(?![A-Za-z0-9])", s[j:])
        if charge:
            fields["charge"] = int(charge.group(1) or 1) * (1 if charge.group(2) == "+" else -1)
            j += charge.end()
        elif counter := _OUTER.match(s, j):
            fields["counter_ion"] = counter.group(0).strip(" ·.")
            ion = bare(counter.group(1) or counter.group(3))
            if ion in OUTER_IONS:
                fields["charge"] = -OUTER_IONS[ion] * int(counter.group(2) or 1)
                fields["charge_from_counter_ion"] = True
            j = counter.end()
    elif not bracket:
        if variant := re.match(r"([a-z])(?![a-z])|\s?-([A-Z]{1,2}|\d)(?![A-Za-z0-9+])", s[j:]):
            fields["variant"] = (variant.group(1) or variant.group(2)).lower()
            j += variant.end()
        elif charge := re.match(r"\^(\d*)([+-])(?![A-Za-z0-9])", s[j:]):
            fields["charge"] = int(charge.group(1) or 1) * (1 if charge.group(2) == "+" else -1)
            j += charge.end()
    return fields, j


def spot(text: str, lexicon: Lexicon) -> list[Mention]:
    """Every Cu cluster formula of a sentence, in order, with its exact span."""
    s, where = compact(text)
    found, taken = [], -1
    for match in _START.finditer(s):
        begin = match.start() + (2 if match.group(1) else 0)
        if begin < taken:
            continue
        parsed = _parse(s, begin, lexicon)
        if parsed is None:
            continue
        fields, end = parsed
        if match.group(1) and not fields["variant"]:
            fields["variant"], begin = match.group(1).lower(), match.start()
        start, stop = where[begin], where[end - 1] + 1
        while stop < len(text) and text[stop] == "}":  # closing markup of the formula's last group
            stop += 1
        found.append(Mention(start, stop, text[start:stop], **fields))
        taken = end
    return found
