"""Verbatim-quote helpers: normalise markup away for comparison, find numbers in quotes."""

from __future__ import annotations

import re
import unicodedata

_LINK_TARGET = re.compile(r"\]\((?:#page-[^)]*|https?://[^)]*)\)")
_LATEX_SYMBOLS = {r"\equiv": "≡", r"\textequiv": "≡", r"\cdot": "·", r"\bullet": "•", r"\mu": "μ", r"\eta": "η",
                  r"\sigma": "σ", r"\pi": "π", r"\rightarrow": "→", r"\to": "→", r"\circ": "°", r"\times": "×"}
_LATEX_COMMAND = re.compile(r"\\[A-Za-z]+")
_MARKUP = re.compile(r"[$\{\}_\\\[\]*`]")
_FORMULA_MARKUP = re.compile(r"[$\{\}_\\*`^]")
_SUPERSCRIPT = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻]+")
_SPACE = re.compile(r"\s+")
_DASHES = str.maketrans({"−": "-", "–": "-", "—": "-", "‐": "-", "‑": "-", "’": "'", "‘": "'", "“": '"', "”": '"'})

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "twenty": 20, "single": 1, "twofold": 2, "threefold": 3, "fourfold": 4, "fivefold": 5, "sixfold": 6,
    "sevenfold": 7, "eightfold": 8, "tenfold": 10, "dimer": 2, "trimer": 3, "double": 2, "triple": 3,
    "triply": 3, "tetra": 4, "penta": 5, "hexa": 6,
}
_WORD = re.compile(r"[A-Za-z]+")


def _strip(text: str, markup: re.Pattern, command_gap: str = " ") -> str:
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    text = _LINK_TARGET.sub("]", text)
    for command, symbol in _LATEX_SYMBOLS.items():
        text = text.replace(command, symbol)
    text = _LATEX_COMMAND.sub(command_gap, text)
    return _SPACE.sub(" ", markup.sub("", text)).strip()


def spaced(text: str) -> str:
    """Text with markup removed and unicode folded, single-spaced (numbers stay separated)."""
    text = _SUPERSCRIPT.sub(lambda m: " " + m.group(0), text)  # keep Cu₄²⁺ apart as "Cu4 2+"
    return _strip(text.replace("^", " "), _MARKUP)


def plain(text: str) -> str:
    """A formula as printed, markup removed but brackets kept: "[Cu23(tBuC≡C)13(CF3COO)6]"."""
    return _strip(text, _FORMULA_MARKUP, command_gap="")


def normalise(text: str) -> str:
    """Comparison form: markup and all whitespace removed, so layout differences do not matter."""
    return _SPACE.sub("", spaced(text))


def numbers_in(text: str) -> set[float]:
    """Every number written in the text, as digits or as a number word ("sixfold", "four")."""
    plain = spaced(text)
    found = {float(token) for token in _NUMBER.findall(plain)}
    found.update(float(_WORD_NUMBERS[w.lower()]) for w in _WORD.findall(plain) if w.lower() in _WORD_NUMBERS)
    return found


def number_in(value: float, quotes: list[str]) -> bool:
    """True when abs(value) is written in one of the quotes."""
    target = abs(float(value))
    return any(target in numbers_in(q) for q in quotes)
