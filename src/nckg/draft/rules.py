"""The drafter's later rules, each with the section of the review whose missed or wrong records led to it.

The first rules were written looking at sections 3.1 and 3.2 only. The rules below were added after reading the
missed records of other sections too, so those sections are no longer unseen. To keep a fair held-out figure, the
evaluation's leave-one-section-out mode (`python -m bench.draft_eval`, nckg.draft.evaluate) drafts each section
with the rules that its own misses led to switched off: a section is scored only by rules found on other sections.

Rules are switched off with `without(names)` (a context manager); the code asks `on(name)`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# rule name -> (section whose misses led to it, what it does); "tests" and "issue #24" mark rules written from made-up
# fixture texts or from the list, without reading a review section: they stay on in every section
RULES: dict[str, tuple[str, str]] = {
    "energy-gap": ("3.1", '"energy gap" (not a band or HOMO-LUMO gap) is a free-energy cue'),
    "all-the-values": ("3.1", '"all three", "each of the clusters", "the … values were": one record per cluster'),
    "family-label": ("3.1", 'a short label ("Cu8") beside full formulas of its family is not one of "all" clusters'),
    "intermediate": ("3.1", 'a formula written as an intermediate ("…-HCOO", "… intermediate") owns no value'),
    "latest-plural": ("3.3.1", '"both clusters" without a formula: the two named last in the paragraph'),
    "loading-condition": ("3.3.1", "a mol% loading beside other values is their condition, not a record"),
    "exciting": ("3.3.2", '"exciting … at 395 nm" is an excitation cue'),
    "cue-after": ("3.3.3", 'a cue written right after the value ("99% yield") names it'),
    "percent-mol": ("3.3.4", '"0.005% mol" is a loading in mol%'),
    "product-formula": ("3.3.5", "[Fe(CN)6]4-/3- name ferrocyanide/ferricyanide"),
    "chemical-wavelength": ("3.4", 'a wavelength "from 4-nitrophenol" belongs to that chemical, not to a cluster'),
    "comparison-subject": ("issue #24", 'no cluster before "higher than [Cu16…]": the paragraph\'s subject is compared'),
    "condition-after": ("tests", 'a potential written just after a value ("70% yield at −0.7 V") is its condition'),
    "caption-label": ("Fig. 9", "a caption's short label is read in the sections that cite the figure"),
}

_OFF: ContextVar[frozenset[str]] = ContextVar("draft_rules_off", default=frozenset())


def on(name: str) -> bool:
    """Whether a rule is in force (all are, unless switched off by `without`)."""
    if name not in RULES:
        raise KeyError(f"unknown drafting rule {name!r}")
    return name not in _OFF.get()


def off() -> frozenset[str]:
    """The rules switched off now."""
    return _OFF.get()


def learned_on(section: str) -> frozenset[str]:
    """The rules that a section's own misses led to."""
    return frozenset(name for name, (origin, _) in RULES.items() if origin == section)


@contextmanager
def without(names: frozenset[str] | set[str]) -> Iterator[None]:
    """Draft with some rules switched off."""
    unknown = set(names) - set(RULES)
    if unknown:
        raise KeyError(f"unknown drafting rules {sorted(unknown)}")
    token = _OFF.set(frozenset(names))
    try:
        yield
    finally:
        _OFF.reset(token)
