"""One vocabulary: every controlled term (reaction, metric, product, ligand, ligand family, method, geometry ...)
with its IRI, id, label and synonyms, read from the graph (model-terms.rq: the ontology's labels and
`skos:altLabel`s, the data's abbreviations, synonyms and molecular formulas), and the one rule by which a typed
name resolves to a term.

A name is compared by its search key (`nckg.model.search.search_key`: letters and digits, case-folded, Unicode
sub- and superscripts as digits), so "CO₂RR", "co2rr" and "CO2-RR" are one name. The IRI and the id (local name)
always resolve; then labels and ids win over synonyms; several terms at the same level are ambiguous. Every face
(Python API, catalogue parameters over HTTP and the CLI) resolves through `Vocabulary.resolve`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from nckg.model.search import search_key
from nckg.model.terms import per_version
from nckg.store.graph import GraphStore

SHOWN = 100  # how many known names an error message lists at most


@dataclass(frozen=True)
class VocabularyTerm:
    """A controlled term: IRI, id (its local name: `ElectrochemicalCO2Reduction`, `formic-acid`), kind, label and
    synonyms (alternative labels, abbreviation, molecular formula)."""

    iri: str
    id: str
    kind: str
    label: str
    synonyms: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.label


class UnknownName(LookupError, ValueError):
    """No term of the wanted kind goes by this name; `known` lists the labels that do exist."""

    def __init__(self, name: str, kind: str, known: list[str]):
        self.name, self.kind, self.known = name, kind, known
        shown = ", ".join(known[:SHOWN]) + (f" … ({len(known)} in all)" if len(known) > SHOWN else "")
        super().__init__(f"no {kind} is called {name!r} (by label, id or synonym); known: {shown}")


class AmbiguousName(LookupError, ValueError):
    """Several terms go by this name; `candidates` lists them."""

    def __init__(self, name: str, kind: str, candidates: list[VocabularyTerm]):
        self.name, self.kind, self.candidates = name, kind, candidates
        listed = "; ".join(f"{c.label} ({c.id})" for c in candidates)
        super().__init__(f"{len(candidates)} {kind}s match {name!r}: {listed}. Give the id.")


def local_id(iri: str) -> str:
    """The id of a term: the part of its IRI after the last `#` or `/`."""
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


class Vocabulary:
    """Every term of the graph by IRI, with an index from name keys to terms."""

    def __init__(self, rows: Iterable[tuple[str, str, str, str]]):
        labels: dict[str, str] = {}
        synonyms: dict[str, list[str]] = defaultdict(list)
        kinds: dict[str, str] = {}
        for iri, kind, prop, name in rows:
            kinds.setdefault(iri, kind)
            if prop == "label":
                labels.setdefault(iri, name)
            elif name not in synonyms[iri]:
                synonyms[iri].append(name)
        self.terms = {iri: VocabularyTerm(iri, local_id(iri), kinds[iri], labels.get(iri) or local_id(iri),
                                          tuple(s for s in synonyms[iri] if s != labels.get(iri)))
                      for iri in kinds}
        self._primary: dict[str, set[str]] = defaultdict(set)  # key of label or id -> IRIs
        self._secondary: dict[str, set[str]] = defaultdict(set)  # key of a synonym -> IRIs
        for term in self.terms.values():
            for name in (term.label, term.id):
                self._primary[search_key(name)].add(term.iri)
            for name in term.synonyms:
                self._secondary[search_key(name)].add(term.iri)

    def __getitem__(self, iri: str) -> VocabularyTerm:
        return self.terms[iri]

    def __contains__(self, iri: str) -> bool:
        return iri in self.terms

    def of_kind(self, kind: str) -> list[VocabularyTerm]:
        """The terms of one kind, by label."""
        return sorted((t for t in self.terms.values() if t.kind == kind), key=lambda t: t.label.lower())

    def resolve(self, name: str, kind: str | None = None, among: Iterable[str] | None = None) -> VocabularyTerm:
        """The term called `name` (IRI, id, label or synonym), of `kind` and within the IRIs `among` when given.
        UnknownName when none is, AmbiguousName when several are (at the first level that matches)."""
        allowed = set(among) if among is not None else None
        wanted = kind or "term"

        def fits(iri: str) -> bool:
            return (kind is None or self.terms[iri].kind == kind) and (allowed is None or iri in allowed)

        text = str(name).strip()
        if text in self.terms and fits(text):
            return self.terms[text]
        key = search_key(text)
        for index in (self._primary, self._secondary):
            found = sorted(iri for iri in index.get(key, ()) if fits(iri)) if key else []
            if len(found) == 1:
                return self.terms[found[0]]
            if found:
                raise AmbiguousName(text, wanted, [self.terms[iri] for iri in found])
        known = sorted({t.label for t in self.terms.values() if fits(t.iri)}, key=str.lower)
        raise UnknownName(text, wanted, known)

    def label(self, iri: str | None) -> str | None:
        """The label of a term (None for None; the id for an IRI the vocabulary does not hold)."""
        if iri is None:
            return None
        term = self.terms.get(iri)
        return term.label if term else local_id(iri)


@per_version
def vocabulary(store: GraphStore) -> Vocabulary:
    """The vocabulary of a store (model-terms.rq), computed once per store version."""
    return Vocabulary((r["term"].value, r["kind"].value, r["property"].value, r["name"].value)
                      for r in store.run("model-terms"))


__all__ = ["AmbiguousName", "UnknownName", "Vocabulary", "VocabularyTerm", "local_id", "vocabulary"]
