"""Reading text of quotes (nckg.sources.reading): the rules one by one, and every quote of the real graph."""

from __future__ import annotations

import re

import pytest
from pyoxigraph import RdfFormat, parse

from nckg.namespaces import term
from nckg.sources import reading
from nckg.sources.reading import SUBSCRIPTS, SUPERSCRIPTS, reading_text

WORDS = frozenset({"first", "difference", "defined", "find", "effect"})


@pytest.mark.parametrize("verbatim, expected", [
    ("as reported [\\[27\\]](#page-29-6).", "as reported [27]."),
    ("clusters [[52](#page-30-8), [53\\]](#page-30-9)", "clusters [52, 53]"),
    ("(Fig. [3](#page-10-0)b)", "(Fig. 3b)"),
    ("$Cu_{57}H_{20}$ cluster", "Cu₅₇H₂₀ cluster"),
    ("$\\left[\\text{Cu}_{58}\\text{H}_{20}\\text{PET}_{36}(\\text{PPh}_3)_4\\right]^{2+}$", "[Cu₅₈H₂₀PET₃₆(PPh₃)₄]²⁺"),
    ("$FE_{CH4}$ of 50\\%", "FE(CH₄) of 50%"),
    ("$FE_{CO} > 90\\%$", "FE(CO) > 90%"),
    ("$2CO_2 + 12H^+ + 12e^- \\rightarrow C_2H_{4(aq)} + 4H_2O$", "2CO₂ + 12H⁺ + 12e⁻ → C₂H₄(aq) + 4H₂O"),
    ("$[Cu_{53}(C \\equiv C^{t}Bu)_{20}]^{+}$", "[Cu₅₃(C≡CᵗBu)₂₀]⁺"),
    ("$[C_{u_{28}}H_{10}(C_7H_7S)_{18}(TPP)_3]$", "[Cu₂₈H₁₀(C₇H₇S)₁₈(TPP)₃]"),
    ("the $\\mu_3$-H and $O_2^{\\bullet -}$", "the μ₃-H and O₂•⁻"),
    ("$(E^0_{\\text{Cu2+/Cu+}} = 0.34 \\text{ V})$", "(E⁰(Cu2+/Cu+) = 0.34 V)"),
    ("$S_2 \\text{CN}^n \\text{Bu}_2$", "S₂CNⁿBu₂"),
    ("the frst and diference, well defned; we fnd", "the first and difference, well defined; we find"),
    ("Efect of", "Effect of"),
    ("of the, if so", "of the, if so"),  # short words are never "repaired"
    ("the pseudo-frst-order", "the pseudo-first-order"),
    ("reducing agent of N a BH ₄ with", "reducing agent of NaBH₄ with"),
    ("into $[Fe(CN)₆]$ ⁴⁻ very", "into [Fe(CN)₆]⁴⁻ very"),
    ("(μ_4 -H), and 2 penta-coordinated H (μ ₅-H)", "(μ₄ -H), and 2 penta-coordinated H (μ₅-H)"),
    ("($Cu₈$ -2 and $Cu₈$ -3) and $H_2$ -production", "(Cu₈-2 and Cu₈-3) and H₂ -production"),
    ("**116**, 10 *via* a *COOH intermediate", "116, 10 via a *COOH intermediate"),
    ("<https://doi.org/10.1016/j.surfn.2022.102555>", "https://doi.org/10.1016/j.surfn.2022.102555"),
    ("[10.1016/j.surfn.2022](https://doi.org/10.1016/j.surfn.2022)", "10.1016/j.surfn.2022"),
])
def test_rules(verbatim, expected):
    assert reading_text(verbatim, WORDS) == expected


def test_ligature_needs_the_word_list():
    assert reading_text("the frst one", frozenset()) == "the frst one"
    assert reading.repaired("Diference", WORDS) == "Difference"
    assert reading.repaired("fts", frozenset({"fits", "flts"})) == "fts"  # two candidates: ambiguous, left alone


def test_word_list_takes_intact_spellings_only():
    words = reading.ligature_words(["the first effect, a fexible profle"])
    assert {"first", "effect"} <= words and "fexible" not in words and "profle" not in words
    assert "find" in words  # from the packaged supplement


_SCRIPT_BACK = {v: k for table in (SUBSCRIPTS, SUPERSCRIPTS) for k, v in table.items()}
_UNDONE = [re.compile(p) for p in (r"\]\(#page-[^)]*\)", r"\]\(https?://[^)]*\)", r"\\[A-Za-z]+")]


def _letters(text: str, verbatim: bool) -> str:
    """The letters and digits of a text with the known rules undone: anchor/link targets and LaTeX command names
    removed from the verbatim, sub/superscripts read back as ASCII, an "f" with the "f", "i" and "l" after it folded to one "f" on both sides (ligatures)."""
    if verbatim:
        for pattern in _UNDONE:
            text = pattern.sub("", text)
    text = "".join(_SCRIPT_BACK.get(c, c) for c in text)
    text = "".join(re.findall(r"[A-Za-z0-9]", text)).lower()
    return re.sub(r"f[fil]+", "f", text)


def test_every_quote_of_the_real_graph(store):
    quote, readable = term("quote"), term("readingText")
    pairs, texts = {}, {}
    for q in parse(store.dump(RdfFormat.N_QUADS), format=RdfFormat.N_QUADS):
        if q.predicate in (quote, readable):
            (pairs if q.predicate == quote else texts)[q.subject] = q.object.value
    assert len(pairs) > 600 and pairs.keys() == texts.keys()  # every evidence node has both
    debris = [t for t in texts.values() if any(bad in t for bad in ("](#page", "\\text", "$", "_{", "\\left"))]
    assert debris == []
    changed = [s for s in pairs if _letters(pairs[s], True) != _letters(texts[s], False)]
    assert changed == []
    assert sum(pairs[s] != texts[s] for s in pairs) > 300  # the rules do apply to the real quotes


CU32H20 = "/resource/cluster/cu32h20-dtp_12"


def test_pages_show_the_reading_text_with_the_verbatim_a_click_away(client):
    page = client.get(CU32H20).get_data(as_text=True)
    assert "nanocluster of Cu₃₂H₂₀L₁₂ (L is a dithiophosphate ligand), which offered" in page
    assert '<details class="verbatim">' in page and "nanocluster of $Cu_{32}H_{20}L_{12}$" in page


def test_api_rows_carry_reading_and_verbatim_quotes(store):
    from nckg.model.cluster import load_cluster  # noqa: PLC0415
    rows = load_cluster(store, "https://w3id.org/nckg/resource" + CU32H20.removeprefix("/resource")).evidence_rows
    row = next(r for r in rows if "dithiophosphate" in r["quote"])
    assert "Cu₃₂H₂₀L₁₂" in row["quote"] and "$Cu_{32}H_{20}L_{12}$" in row["quote_verbatim"]
