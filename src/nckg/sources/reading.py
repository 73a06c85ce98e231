"""Reading text of a verbatim quote: the review's extracted text without its conversion debris.

The quotes of the graph are verbatim from the extracted text (what the quote check verifies), so they carry Markdown
anchors (`[\\[27\\]](#page-29-6)`), LaTeX (`$Cu_{57}H_{20}$`, `\\left[\\text{Cu}_{58}…`), emphasis markers, lost
ligatures ("frst", "diference") and stray spaces ("N a BH ₄"). `reading_text` undoes exactly these and nothing else:

1. anchors and links: `[\\[27\\]](#page-29-6)` → `[27]`, `[text](https://…)` → `text`, `<https://…>` → `https://…`;
2. emphasis: `**b**` → `b`, `*via*` → `via` (adsorbate stars such as `*COOH` stay);
3. LaTeX: `_{57}` → `₅₇`, `^{2+}` → `²⁺`, `\\equiv` → `≡`, `\\rightarrow` → `→`, Greek letters, `\\text{…}` and the
   other markup commands dropped (their argument kept), `$` dropped; a subscript without Unicode forms is written in
   parentheses (`FE_{CO}` → `FE(CO)`);
4. ligatures: a word missing its "fi", "ff" or "fl" is repaired only when the repaired word is in the word list
   (`ligature_words`: the spellings the source texts themselves print, plus `ligature_words.txt`);
5. spacing: no space before a sub/superscript (`BH ₄` → `BH₄`), around `≡` or inside a label (`Cu₈ -2` → `Cu₈-2`),
   a formula split letter by letter (`N a BH₄`) joined, runs of spaces collapsed.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Iterable

SUBSCRIPTS = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"))
SUPERSCRIPTS = dict(zip("0123456789+-=()abcdefghijklmnoprstuvwxyz•*",
                        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ•*"))
SUBSCRIPTS["−"], SUPERSCRIPTS["−"] = "₋", "⁻"
SYMBOLS = {
    "equiv": "≡", "textequiv": "≡", "rightarrow": "→", "to": "→", "leftarrow": "←", "leftrightarrow": "↔",
    "rightleftharpoons": "⇌", "cdot": "·", "bullet": "•", "ast": "*", "times": "×", "circ": "°", "degree": "°",
    "pm": "±", "approx": "≈", "sim": "~", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "neq": "≠", "cdots": "⋯",
    "ldots": "…", "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "Delta": "Δ", "epsilon": "ε",
    "varepsilon": "ε", "eta": "η", "theta": "θ", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "pi": "π",
    "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Omega": "Ω",
}
WRAPPERS = {"text", "mathrm", "textrm", "rm", "mathbf", "textbf", "textit", "mathit", "operatorname", "mbox"}
ESCAPES = {"%": "%", "[": "[", "]": "]", "{": "{", "}": "}", "_": "_", "&": "&", "#": "#", "$": "$", " ": " ",
           ",": " ", ";": " ", "!": "", "\\": " "}
LIGATURES = ("ffi", "ffl", "fi", "ff", "fl")  # what a lost ligature leaves as one "f"

_ANCHOR = re.compile(r"\[((?:\\[\[\]]|[^\[\]])*)\]\(#page-[^)]*\)")
_LINK = re.compile(r"\[((?:\\[\[\]]|[^\[\]])*)\]\((https?://[^)\s]*)\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]*)>")
_URL = re.compile(r"https?://\S+|\b10\.\d{4,9}/\S+")
_BOLD = re.compile(r"\*\*([^*]+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*([A-Za-z][A-Za-z /-]*[a-z])\*(?![\w*])")
_SPLIT_SYMBOL = re.compile(r"C_\{u_\{([^{}]*)\}")  # the extraction's "C_{u_{28}}" for Cu₂₈
_TEXT_GAP = re.compile(r"(?:(?<=[}A-Za-z)])|(?<=_\d))\s+(?=\\(?:text|mathrm)\{[A-Z(])")
_SCRIPT_CHARS = "".join(sorted(set(SUBSCRIPTS.values()) | set(SUPERSCRIPTS.values()) - {"•", "*"}))
_SPACE_BEFORE_SCRIPT = re.compile(rf"(?<=[^\W_]|[)\]])\s+(?=[{_SCRIPT_CHARS}])")
_AROUND_BOND = re.compile(r"\s*≡\s*")
_LABEL_GAP = re.compile(r"(?<=[₀-₉]) (?=-\d\b)")  # "$Cu₈$ -2" → "Cu₈-2"
_SPLIT_FORMULA = re.compile(r"(?<![\w.])([A-Z]) ([a-z]) (?=[A-Z][A-Za-z]*[₀-₉])")
_WORD = re.compile(r"(?<![\w./])[A-Za-z]{3,}(?![\w/]|\.\w)")
_SPACES = re.compile(r"\s+")


def reading_text(verbatim: str, words: Iterable[str] | None = None) -> str:
    """The reading text of a verbatim quote (rules in the module docstring); `words` is the ligature word list
    (default: `ligature_words()` of the packaged list only)."""
    vocabulary = frozenset(words) if words is not None else supplement_words()
    text = _AUTOLINK.sub(r"\1", verbatim)
    text = _ANCHOR.sub(lambda m: _unescape_brackets(m.group(1)), text)
    text = _LINK.sub(lambda m: _unescape_brackets(m.group(1)), text)
    text = _BOLD.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    text = "".join(piece if _URL.fullmatch(piece) else _prose(piece, vocabulary) for piece in _split_urls(text))
    return _SPACES.sub(" ", text).strip()


def _prose(text: str, vocabulary: frozenset[str]) -> str:
    text = _SPLIT_SYMBOL.sub(r"Cu_{\1}", text)
    text = _TEXT_GAP.sub("", text)
    text = _latex(text)
    text = _WORD.sub(lambda m: repaired(m.group(0), vocabulary), text)
    text = _SPACE_BEFORE_SCRIPT.sub("", text)
    text = _AROUND_BOND.sub("≡", text)
    text = _LABEL_GAP.sub("", text)
    return _SPLIT_FORMULA.sub(r"\1\2", text)


def _split_urls(text: str) -> list[str]:
    pieces, start = [], 0
    for match in _URL.finditer(text):
        pieces += [text[start:match.start()], match.group(0)]
        start = match.end()
    return pieces + [text[start:]]


def _unescape_brackets(text: str) -> str:
    return text.replace("\\[", "[").replace("\\]", "]")


def _latex(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            name = re.match(r"[A-Za-z]+", text[i + 1:])
            if name is None:  # an escaped character: \% \[ \, …
                out.append(ESCAPES.get(text[i + 1:i + 2], ""))
                i += 2
                continue
            i += 1 + len(name.group(0))
            command = name.group(0)
            if command in SYMBOLS:
                out.append(SYMBOLS[command])
            elif command in WRAPPERS and text[i:i + 1] == "{":
                group, i = _group(text, i)
                out.append(_latex(group))
            elif command == "n":  # the extraction's line break inside a formula
                out.append(" ")
            continue  # \left, \right, \rm and unknown commands: the command goes, its argument stays
        if char in "_^":
            argument, i = _argument(text, i + 1)
            out.append(_script(_latex(argument), SUBSCRIPTS if char == "_" else SUPERSCRIPTS))
            continue
        if char in "${}":
            i += 1
            continue
        out.append(char)
        i += 1
    return "".join(out)


def _group(text: str, i: int) -> tuple[str, int]:
    """The brace group opening at text[i] (unbalanced: to the end) and the index after it."""
    depth, j = 0, i
    while j < len(text):
        if text[j] == "\\":
            j += 2
            continue
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return text[i + 1:j], j + 1
        j += 1
    return text[i + 1:], len(text)


def _argument(text: str, i: int) -> tuple[str, int]:
    """The argument of _ or ^ at text[i]: a brace group, a command (`^\\bullet`) or one character."""
    if text[i:i + 1] == "{":
        return _group(text, i)
    command = re.match(r"\\[A-Za-z]+", text[i:])
    if command:
        return command.group(0), i + len(command.group(0))
    return text[i:i + 1], min(i + 1, len(text))


def _script(content: str, table: dict[str, str]) -> str:
    """Content as Unicode sub/superscript; where some character has no such form, the content in parentheses
    (chemical digits after a letter as subscripts: FE_{CH4} → FE(CH₄))."""
    compact = content.replace(" ", "")
    if not compact:
        return ""
    if all(c in table for c in compact):
        return "".join(table[c] for c in compact)
    lead = re.match(r"\d+", compact)  # C_2H_{4(aq)} → C₂H₄(aq)
    if lead and compact[lead.end()] == "(":
        return "".join(table[c] for c in lead.group(0)) + compact[lead.end():]
    if table is SUBSCRIPTS and re.fullmatch(r"[A-Za-z0-9]+", compact):
        compact = re.sub(r"(?<=[A-Za-z])\d+", lambda m: "".join(SUBSCRIPTS[c] for c in m.group(0)), compact)
    return compact if compact.startswith("(") and compact.endswith(")") else f"({compact})"


def repaired(word: str, vocabulary: frozenset[str]) -> str:
    """The word with its lost ligature restored when exactly one repair is in the word list; else the word."""
    lower = word.lower()
    if "f" not in lower or lower in vocabulary:
        return word
    found = {candidate for candidate in _repairs(lower) if candidate in vocabulary}
    if len(found) != 1:
        return word
    fixed = found.pop()
    return fixed.capitalize() if word[0].isupper() else fixed


def _repairs(word: str) -> set[str]:
    """Every spelling with one or two of its "f"s read as a ligature (frst → first, diference → difference)."""
    found = {word}
    for _ in range(2):
        found |= {w[:i] + lig + w[i + 1:] for w in found for i, c in enumerate(w) if c == "f" for lig in LIGATURES}
    found.discard(word)
    return found


@cache
def supplement_words() -> frozenset[str]:
    """The packaged ligature word list (`ligature_words.txt`): correct spellings the source texts print only garbled."""
    text = resources.files("nckg.sources").joinpath("ligature_words.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def ligature_words(texts: Iterable[str]) -> frozenset[str]:
    """The word list for ligature repair: the words with "fi" or "ff" that the texts print intact (a lost ligature
    never produces these letters; it can produce "fl": profile → profle), plus the packaged supplement."""
    return supplement_words().union(*(_intact_words(text) for text in texts))


@cache
def _intact_words(text: str) -> frozenset[str]:
    return frozenset(w for w in {w.lower() for w in re.findall(r"[A-Za-z]+", text)} if "fi" in w or "ff" in w)
