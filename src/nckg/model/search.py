"""The one cluster search, behind `kg.find_clusters`, the `find-cluster` question and the cluster browser
(`/clusters?q=...`, its CSV and JSON): find-cluster.rq, run once per word of the text; a cluster is found when every
word finds it. Text is compared by its search key: as people type or paste it ("Cu₂₆", "[Cu32(PET)24H8Cl2]",
"Carborane") reduced to lower-case letters and digits, Unicode sub- and superscripts folded to plain digits.

find-cluster.rq applies the same reduction to the graph's names in SPARQL (REPLACE of every non-letter,
non-digit); the cluster browser's script (static/js/table.js) does it in the browser over the same names."""

from __future__ import annotations

import unicodedata

from pyoxigraph import Literal

from nckg.store.graph import GraphStore

def search_key(text: str) -> str:
    """The comparison key of `text`: NFKC-folded (₂₆ -> 26), lower case, letters and digits only."""
    folded = unicodedata.normalize("NFKC", str(text)).lower()
    return "".join(ch for ch in folded if ch.isalnum())


def search_words(text: str) -> list[str]:
    """The keys of each whitespace-separated word of `text` (empty ones dropped): every one must match."""
    return [key for key in (search_key(word) for word in str(text).split()) if key]


def find_clusters(store: GraphStore, text: str) -> list[dict[str, str]]:
    """The clusters every word of `text` finds (find-cluster.rq), as {iri, id, label}, in the question's order
    (copper count, label). No word with a letter or digit finds nothing."""
    found: dict[str, dict[str, str]] | None = None
    for word in search_words(text):
        hits = {row["cluster"].value: {"iri": row["cluster"].value, "id": row["id"].value, "label": row["label"].value}
                for row in store.run("find-cluster", text=Literal(word))}
        found = hits if found is None else {iri: hit for iri, hit in found.items() if iri in hits}
    return list((found or {}).values())


__all__ = ["find_clusters", "search_key", "search_words"]
