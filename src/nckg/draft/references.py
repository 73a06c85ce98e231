"""Reference numbers in a sentence ("[27]", "[108, 109]", "[114–118]" and the review's Markdown anchors
"[[27\\]](#page-29-6)", "[\\[27](#page-29-6)]") and their DOIs from the text's own reference list."""

from __future__ import annotations

import re

_ANCHORED = re.compile(r"\[\\?\[?(\d{1,3})[,\\\]]*\]?\(#page-[^)]*\)")
_PLAIN = re.compile(r"\[(\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\](?!\()")
_ANCHOR_RANGE = re.compile(r"\[\\?\[?(\d{1,3})\]?\(#page-[^)]*\)\s*\[?[–-]\s*\[?\\?\[?(\d{1,3})")
_ENTRY = re.compile(r"^\s*(?:-\s*)?\[?(\d{1,3})[.\]]\s+(.*)$")
_LINKED_DOI = re.compile(r"\(https?://(?:dx\.)?doi\.org/(10\.\d{4,9}/[^\s)]+)\)", re.IGNORECASE)
_DOI = re.compile(r"(?:doi\.org/|doi:\s?)(10\.\d{4,9}/[^\s)\]>]+)", re.IGNORECASE)
_FIGURE = re.compile(r"(?:Figs?\.|Figures?|Tables?|Schemes?|Eqs?\.)\s*$")  # "Fig. [3](#page-10-0)b" is no citation
MAX_RANGE = 30  # a printed range longer than this is a misreading, not a citation


def _expand(text: str) -> list[int]:
    numbers = []
    for part in re.split(r"\s*,\s*", text):
        ends = [int(n) for n in re.split(r"\s*[–-]\s*", part) if n]
        if len(ends) == 2 and 0 < ends[1] - ends[0] <= MAX_RANGE:
            numbers += range(ends[0], ends[1] + 1)
        else:
            numbers += ends
    return numbers


def cited(sentence: str) -> list[int]:
    """The reference numbers a sentence cites, sorted, each once."""
    numbers = [int(m.group(1)) for m in _ANCHORED.finditer(sentence)
               if not _FIGURE.search(sentence[max(0, m.start() - 10): m.start()])]
    for low, high in _ANCHOR_RANGE.findall(sentence):
        if 0 < int(high) - int(low) <= MAX_RANGE:
            numbers += range(int(low), int(high) + 1)
    for group in _PLAIN.findall(sentence):
        numbers += _expand(group)
    return sorted(set(numbers))


def reference_dois(reference_list: str) -> dict[int, str]:
    """Reference number -> DOI for every entry of a reference list that prints a DOI."""
    dois, current = {}, None
    for line in reference_list.splitlines():
        if entry := _ENTRY.match(line):
            current = int(entry.group(1))
        if current is not None and current not in dois and (doi := _LINKED_DOI.search(line) or _DOI.search(line)):
            dois[current] = doi.group(1).rstrip(".,;").lower()
    return dois
