"""Text segmentation for drafting: sections, paragraphs and sentences with their character offsets.

A sentence keeps the exact characters of the text it came from (`text[start:end]`), so its quote passes the
project's quote check by construction. `masked()` gives a same-length copy in which markup is blanked and Unicode
sub/superscripts and dashes are folded to ASCII one character for one, so offsets found in it hold in the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# "3.1 Cu NCs for Electrocatalysis": a numbered heading line (short, no final full stop)
_HEADING = re.compile(r"^(\d+(?:\.\d+)*)\s+[A-Z][^\n]{0,110}$")
_CAPTION = re.compile(r"^(Fig\.|Table|Scheme)\s+(\d+)\b")
_ABSTRACT = re.compile(r"^(ABSTRACT|Abstract)\b")
_REFERENCES = re.compile(r"^(References|REFERENCES|Bibliography)\s*$")
# a sentence ends at . ! ? followed by space and a capital, a formula, a bracket or a digit
_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[A-Z$\[(\d\\*])")
_ABBREVIATIONS = ("et al.", "Fig.", "Figs.", "Ref.", "Refs.", "e.g.", "i.e.", "vs.", "ca.", "approx.", "No.", "Eq.",
                  "Eqs.", "etc.", "cf.", "Dr.", "Prof.", "St.", "resp.")
_FOLD = str.maketrans({**dict(zip("₀₁₂₃₄₅₆₇₈₉⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻−–—‐‑", "01234567890123456789+------", strict=True)),
                       "$": " ", "{": " ", "}": " ", "_": " ", "^": " ", "\\": " ", "*": " ", "`": " ",
                       "\u00a0": " ", "\u2009": " ", "\u202f": " "})
MIN_QUOTE = 8  # the shortest quote the schema accepts (nckg.sources.schema.Evidence)
_INITIAL = re.compile(r"(?<!\d )\b[A-Z]\.$")  # "J. Smith", but not the unit of "at -0.9 V."
_CONTINUED = re.compile(r"^[a-z(]")
_LATEX_WORD = re.compile(r"\\(?:text|mathrm|left|right|mathbf|rm|operatorname)(?![A-Za-z])")
_ANCHOR = re.compile(r"\]\(#page-[^)]*\)")


@dataclass(frozen=True)
class Sentence:
    """One sentence: where it is in the text, the section it belongs to, and its exact characters."""

    index: int
    section: str
    paragraph: int  # line number of the paragraph (of its first part when a page or figure broke it)
    start: int
    end: int
    text: str

    @property
    def masked(self) -> str:
        return masked(self.text)


def masked(text: str) -> str:
    """Same-length text for pattern matching: LaTeX words, link targets and markup blanked, digits folded."""
    text = _LATEX_WORD.sub(lambda m: " " * len(m.group(0)), text)
    text = _ANCHOR.sub(lambda m: "]" + " " * (len(m.group(0)) - 1), text)
    return text.translate(_FOLD)


def continues(text: str) -> bool:
    """Whether a paragraph or sentence goes on from an earlier one (begins in lower case or with a bracket)."""
    return bool(_CONTINUED.match(text))


def _section_of(line: str, current: str) -> tuple[str, str]:
    """(section of this paragraph, section that continues after it)."""
    if _ABSTRACT.match(line):
        return "Abstract", current
    if (heading := _HEADING.match(line)) and not line.rstrip().endswith("."):
        return heading.group(1), heading.group(1)
    if caption := _CAPTION.match(line):
        return f"{caption.group(1)} {caption.group(2)}", current
    return current, current


def _split(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in a paragraph, not splitting after an abbreviation."""
    spans, start = [], 0
    for boundary in _BOUNDARY.finditer(paragraph):
        before = paragraph[start:boundary.start()]
        if before.endswith(_ABBREVIATIONS) or _INITIAL.search(before):
            continue
        spans.append((start, boundary.start()))
        start = boundary.end()
    spans.append((start, len(paragraph.rstrip())))
    merged: list[tuple[int, int]] = []
    for a, b in (span for span in spans if span[1] > span[0]):  # a fragment too short to quote joins its neighbour
        if merged and (b - a < MIN_QUOTE or merged[-1][1] - merged[-1][0] < MIN_QUOTE):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def sentences(text: str, *, default_section: str = "Abstract") -> list[Sentence]:
    """Every sentence of the text with its section; stops at the reference list (see nckg.draft.references)."""
    found, section, offset, body = [], default_section, 0, -1
    for number, line in enumerate(text.split("\n")):
        start, stripped = offset, line.strip()
        offset += len(line) + 1
        if not stripped:
            continue
        if _REFERENCES.match(stripped):
            break
        here, section = _section_of(stripped, section)
        if _HEADING.match(stripped) and not stripped.endswith("."):
            continue  # the heading itself is not a statement
        paragraph = number
        if here == section:  # body text, not a caption
            # a paragraph broken by a page or a figure goes on in lower case or with a bracket
            paragraph = body if body >= 0 and continues(stripped) else number
            body = paragraph
        lead = len(line) - len(line.lstrip())
        for a, b in _split(stripped):
            found.append(Sentence(len(found), here, paragraph, start + lead + a, start + lead + b, stripped[a:b]))
    return found


def reference_list(text: str) -> str:
    """The text after the "References" heading ("" when there is none)."""
    match = re.search(r"^(?:References|REFERENCES|Bibliography)\s*$", text, re.MULTILINE)
    return text[match.end():] if match else ""
