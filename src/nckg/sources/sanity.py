"""Chemistry sanity checks of the curated records: they flag where the review's text is chemically inconsistent and
never change a value (the graph stays faithful to the text; a finding says where the text is wrong).

Kinds of finding:
- `unbalanced-equation`: a Table 2 half-reaction whose elements or charge do not balance, as printed;
- `gas-phase`: a species that is a gas at 25 °C and 1 atm printed "(aq)";
- `unbalanced-brackets`: a cluster formula whose ( ) or [ ] do not pair up, as printed;
- `counter-ion-charge`: a cluster whose counter-ions disagree with its charge, or whose printed formula writes its
  counter-ions inside the brackets without a charge (so it reads as neutral).

A finding becomes data (an `nckg:SourceIssue` with `nckg:issueAbout` the record, kind and text; nckg.build.compile),
is listed by `nckg validate` (as findings, not errors) and by the catalogue question `source-issues`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from nckg.sources import quotes
from nckg.sources.loading import Registry, SourceError, SourceFile, line_of

KINDS = ("unbalanced-equation", "gas-phase", "unbalanced-brackets", "counter-ion-charge")
# Species that are gases at 25 °C and 1 atm (boiling points far below 25 °C), by formula as Table 2 writes them.
GASES = {"H2": "hydrogen", "O2": "oxygen", "N2": "nitrogen", "CO": "carbon monoxide", "CO2": "carbon dioxide",
         "CH4": "methane", "C2H4": "ethylene", "C2H6": "ethane"}
_TERM = re.compile(r"^(\d*)\s*(.+?)(?:\((aq|g|l|s|a0)\))?$")
_ARROW = re.compile(r"→|->|\\rightarrow")
_PLUS = re.compile(r"\s\+\s")
_PAIRS = {")": "(", "]": "["}


@dataclass(frozen=True)
class Finding:
    """One place where the printed text is chemically inconsistent: the record (kind of record and id), the file and
    line that curate it, the finding's kind and a message for a reader."""

    record_kind: str  # a DataFile field: "clusters", "half_reactions"
    record_id: str
    kind: str
    message: str
    path: Path
    line: int

    def __str__(self) -> str:  # "data/topics/…yaml:119: co2-to-propionaldehyde: unbalanced-equation: …"
        return str(SourceError(self.path, self.line, f"{self.record_id}: {self.kind}: {self.message}"))


def findings(registry: Registry) -> list[Finding]:
    """Every finding of the curated data, in file order."""
    found: list[Finding] = []
    for source, index, record in registry.records("half_reactions"):
        for kind, message in equation_findings(record.equation):
            found.append(_finding(source, "half_reactions", index, record.id, kind, message, "equation"))
    for source, index, cluster in registry.records("clusters"):
        for kind, message in cluster_findings(cluster, registry):
            field = "charge" if kind == "counter-ion-charge" else "formula_as_written"
            found.append(_finding(source, "clusters", index, cluster.id, kind, message, field))
    return found


def _finding(source: SourceFile, kind_of_record: str, index: int, ident: str, kind: str, message: str,
             field: str) -> Finding:
    return Finding(kind_of_record, ident, kind, message, source.path,
                   line_of(source.root, (kind_of_record, index, field)))


def equation_findings(equation: str) -> list[tuple[str, str]]:
    """(kind, message) for an equation as read from the table: element and charge balance, gases printed (aq)."""
    sides = _ARROW.split(equation)
    if len(sides) != 2:
        return []
    parsed = [[_term(t) for t in _PLUS.split(side.strip()) if t.strip()] for side in sides]
    if any(term is None for side in parsed for term in side):
        return []
    found = []
    totals = [_totals(side) for side in parsed]
    (left, left_charge), (right, right_charge) = totals
    differences = [f"{left[e]} {e} on the left, {right[e]} on the right"
                   for e in _element_order(left | right) if left[e] != right[e]]
    if left_charge != right_charge:
        differences.append(f"charge {_signed(left_charge)} on the left, {_signed(right_charge)} on the right")
    if differences:
        found.append(("unbalanced-equation", "as printed in the review: unbalanced — " + "; ".join(differences)))
    for side in parsed:
        for _, formula, phase, _counts, _charge in side:
            if phase in ("aq", "a0") and formula in GASES:
                found.append(("gas-phase", f"as printed in the review: {GASES[formula]} ({formula}) is given as "
                                           f"({phase}); it is a gas at 25 °C and 1 atm"))
    return found


def _term(text: str):
    """(coefficient, formula, phase, element counts, charge) of one term, e.g. "2H2O", "16e-", "C2H4(aq)"."""
    from nckg.sources.chemistry import ChemistryError, parse_formula  # noqa: PLC0415 - RDKit loads on use

    match = _TERM.match(text.strip())
    if match is None:
        return None
    number, formula, phase = int(match.group(1) or 1), match.group(2).strip(), match.group(3)
    if formula == "e-":
        return number, formula, phase, Counter(), -1
    try:
        counts, charge = parse_formula(formula)
    except ChemistryError:
        return None
    return number, formula, phase, counts, charge


def _totals(side) -> tuple[Counter, int]:
    counts: Counter = Counter()
    charge = 0
    for number, _, _, elements, term_charge in side:
        for element, n in elements.items():
            counts[element] += number * n
        charge += number * term_charge
    return counts, charge


def _element_order(counts: Counter) -> list[str]:
    return sorted(counts, key=lambda e: ({"C": 0, "H": 1}.get(e, 2), e))


def _signed(charge: int) -> str:
    return f"{charge:+d}" if charge else "0"


def bracket_problem(formula: str) -> str | None:
    """What is unpaired in a formula's ( ) and [ ], or None when they pair up."""
    stack: list[str] = []
    for char in formula:
        if char in "([":
            stack.append(char)
        elif char in ")]":
            if not stack or stack[-1] != _PAIRS[char]:
                return f"'{char}' without its opening '{_PAIRS[char]}'"
            stack.pop()
    if stack:
        return ", ".join(f"'{c}'" for c in stack) + (" is" if len(stack) == 1 else " are") + " never closed"
    return None


def cluster_findings(cluster, registry: Registry) -> list[tuple[str, str]]:
    """(kind, message) for a cluster: its printed formula's brackets, its charge against its counter-ions."""
    found = []
    printed = quotes.plain(cluster.formula_as_written)
    problem = bracket_problem(printed)
    if problem:
        found.append(("unbalanced-brackets", f"as printed in the review: {printed} — {problem}"))
    ions = _ion_charges(cluster, registry)
    if ions is None:
        return found
    balance = -sum(count * charge for _, count, charge in ions)
    named = ", ".join(f"{count} {name}" for name, count, _ in ions)
    if cluster.charge is None or cluster.charge != balance:
        stated = "no charge" if cluster.charge is None else f"charge {_signed(cluster.charge)}"
        found.append(("counter-ion-charge", f"the record has {stated}, but its counter-ions ({named}) imply "
                                            f"{_signed(balance)}"))
    elif balance and printed.startswith("[") and printed.index("]") == len(printed) - 1:  # [..(PF6)3], no charge
        found.append(("counter-ion-charge", f"as printed in the review: {printed} writes its counter-ions ({named}) "
                                            "inside the brackets without a charge, so it reads as neutral; the "
                                            f"counter-ions imply {_signed(balance)}, recorded as interpreted"))
    return found


def _ion_charges(cluster, registry: Registry) -> list[tuple[str, int, int]] | None:
    """(name, count, charge) of each counter-ion, or None when there are none or a count or charge is unknown."""
    from nckg.sources.chemistry import ChemistryError, parse_formula  # noqa: PLC0415

    ions = []
    for item in cluster.counter_ions:
        _, record = registry.chemicals.get(item.chemical, (None, None))
        formula = getattr(record, "formula", None)
        if item.count is None or not formula:
            return None
        try:
            _, charge = parse_formula(formula)
        except ChemistryError:
            return None
        ions.append((getattr(record, "name", item.chemical), item.count, charge))
    return ions or None
