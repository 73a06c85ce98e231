"""Search keys: text as people type or paste it ("Cu₂₆", "[Cu32(PET)24H8Cl2]", "Carborane") reduced to what a
search compares - lower-case letters and digits, Unicode sub- and superscripts folded to plain digits.

find-cluster.rq applies the same reduction to the graph's names in SPARQL (REPLACE of every non-letter,
non-digit); the cluster browser's script (static/js/table.js) does it in the browser."""

from __future__ import annotations

import unicodedata

def search_key(text: str) -> str:
    """The comparison key of `text`: NFKC-folded (₂₆ -> 26), lower case, letters and digits only."""
    folded = unicodedata.normalize("NFKC", str(text)).lower()
    return "".join(ch for ch in folded if ch.isalnum())


def search_words(text: str) -> list[str]:
    """The keys of each whitespace-separated word of `text` (empty ones dropped): every one must match."""
    return [key for key in (search_key(word) for word in str(text).split()) if key]


__all__ = ["search_key", "search_words"]
