"""Terms of the graph as display values: Term (an RDF term with its label), Labels (every label of every IRI),
per-store-version memoisation, and plain Python values of RDF terms. No SPARQL here; queries run through GraphStore."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import wraps
from threading import Lock
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions

from nckg.namespaces import DCTERMS, GRAPH, NCKG, NCKR, PREFIXES, RDF, RDFS, REVIEW_DOI, SKOS, XSD
from nckg.store.graph import GraphStore
from nckg.store.remote import UNVERSIONED

INFERRED_GRAPH = GRAPH + "inferred"
DATASET_IRI = "https://w3id.org/nckg/dataset"
REVIEW_IRI = f"https://doi.org/{REVIEW_DOI}"
RDF_TYPE = RDF + "type"

_INTEGER_TYPES = {XSD + t for t in ("integer", "nonNegativeInteger", "positiveInteger", "negativeInteger",
                                    "nonPositiveInteger", "int", "long", "short", "byte", "unsignedInt", "gYear")}
_DECIMAL_TYPES = {XSD + t for t in ("decimal", "double", "float")}


# --- RDF terms as display values -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    """An RDF term ready for display: its value, kind (iri, literal, bnode), datatype/language and a label."""

    value: str
    kind: str = "literal"
    datatype: str | None = None
    language: str | None = None
    label: str = ""

    @property
    def is_iri(self) -> bool:
        return self.kind == "iri"

    @property
    def resource_id(self) -> str | None:
        """The id under `https://w3id.org/nckg/resource/` (served at /resource/<id>), else None."""
        return self.value[len(NCKR):] if self.is_iri and self.value.startswith(NCKR) else None

    @property
    def is_doi(self) -> bool:
        return self.is_iri and self.value.startswith("https://doi.org/")

    @property
    def local_name(self) -> str:
        return re.split(r"[#/]", self.value.rstrip("/#"))[-1]

    @property
    def python(self) -> Any:
        """int, float, bool or str (IRIs as their string)."""
        if self.kind != "literal" or self.datatype is None:
            return self.value
        try:
            if self.datatype in _INTEGER_TYPES:
                return int(self.value)
            if self.datatype in _DECIMAL_TYPES:
                return float(Decimal(self.value))
        except (ValueError, InvalidOperation):
            return self.value
        if self.datatype == XSD + "boolean":
            return self.value == "true"
        return self.value

    @property
    def text(self) -> str:
        """Display text: the label of an IRI, the lexical form of a literal (numbers tidied)."""
        if self.kind == "literal":
            if self.datatype in _DECIMAL_TYPES:
                return number_text(self.value)
            return self.value
        return self.label or self.value

    def __str__(self) -> str:
        return self.text


def number_text(lexical: str) -> str:
    """`-1.20` -> `-1.2`, `23.0` -> `23`, with a typographic minus left to the template."""
    try:
        number = Decimal(lexical)
    except InvalidOperation:
        return lexical
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


def humanise(local: str) -> str:
    """`FaradaicEfficiency` -> `Faradaic efficiency` (used only when the ontology gives no label)."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z][a-z])", " ", local).split(" ")
    return " ".join([words[0]] + [w.lower() if w[1:].islower() else w for w in words[1:]]) if words else local


def fallback_label(iri: str) -> str:
    """A readable label for an IRI nobody labelled."""
    if iri.startswith("https://doi.org/"):
        return "doi:" + iri[len("https://doi.org/"):]
    if iri.startswith(NCKG):
        return humanise(iri[len(NCKG):])
    if iri.startswith(NCKR):
        return iri[len(NCKR):].rsplit("/", 1)[-1]
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


class Labels:
    """Display labels of every labelled IRI (page-labels.rq): rdfs:label, then skos:prefLabel, dcterms:title,
    then the abbreviation; English or untagged literals first."""

    _RANK = {RDFS + "label": 0, SKOS + "prefLabel": 1, DCTERMS + "title": 2, NCKG + "abbreviation": 3}

    def __init__(self, rows: list[tuple[str, str, str, str]] = ()):
        best: dict[str, tuple[tuple, str]] = {}
        self._abbreviations: dict[str, str] = {}
        for iri, prop, label, lang in rows:
            if prop == NCKG + "abbreviation":
                self._abbreviations.setdefault(iri, label)
            rank = (0 if lang in ("", "en") or lang.startswith("en-") else 1, self._RANK.get(prop, 9), label)
            if iri not in best or rank < best[iri][0]:
                best[iri] = (rank, label)
        self._labels = {iri: label for iri, (_, label) in best.items()}

    def __call__(self, iri: str) -> str:
        return self._labels.get(iri) or fallback_label(iri)

    def has(self, iri: str) -> bool:
        return iri in self._labels

    def abbreviation(self, iri: str) -> str | None:
        return self._abbreviations.get(iri)

    def term(self, node) -> Term | None:
        """A pyoxigraph term (or None) as a display Term."""
        if node is None:
            return None
        if isinstance(node, NamedNode):
            return Term(node.value, "iri", label=self(node.value))
        if isinstance(node, BlankNode):
            return Term(node.value, "bnode", label="_:" + node.value)
        if isinstance(node, Literal):
            return Term(node.value, "literal", datatype=node.datatype.value if node.datatype else None,
                        language=node.language)
        return Term(str(node))

    def iri(self, iri: str | None) -> Term | None:
        return Term(iri, "iri", label=self(iri)) if iri else None


_per_version: dict[tuple, Any] = {}
_per_version_lock = Lock()


def per_version(function):
    """Memoise a whole-graph computation `function(store)` per store version: a built store never changes, so the
    landing counts, the cluster table and the label map are computed once per version and process (the first
    call pays; `warm` pays it at start). At 100 k clusters the cluster table alone takes seconds."""

    @wraps(function)
    def memoised(store: GraphStore):
        if not store.version or store.version == UNVERSIONED:  # an in-memory or unmarked remote store may change
            return function(store)
        key = (function.__qualname__, id(store.store), store.version)
        if key not in _per_version:
            value = function(store)
            with _per_version_lock:
                if len(_per_version) > 32:  # old versions and test stores
                    _per_version.clear()
                _per_version[key] = value
        return _per_version[key]

    return memoised


@per_version
def labels(store: GraphStore) -> Labels:
    """The label map of a store."""
    return Labels([(r["term"].value, r["property"].value, r["label"].value, r["lang"].value if r["lang"] else "")
                   for r in store.run("page-labels")])




def rows_of(result: QuerySolutions, lab: Labels) -> list[dict[str, Term | None]]:
    names = [v.value for v in result.variables]
    return [{name: lab.term(solution[name]) for name in names} for solution in result]


def iri_list(text: Term | None, lab: Labels) -> list[Term]:
    """A space-separated list of IRIs (GROUP_CONCAT) as labelled Terms."""
    return [lab.iri(value) for value in (text.value.split() if text else []) if value]


def value_of(term: Term | None) -> Any:
    """A display Term's Python value (int, float, bool, str); None stays None."""
    return term.python if term is not None else None


def text_of(term: Term | None) -> str | None:
    """A display Term's text (an IRI's label); None stays None."""
    return term.text if term is not None else None


def plain_value(node) -> Any:
    """A pyoxigraph term as a plain Python value: int, float or bool for typed numbers and booleans, else its
    string (an IRI's too); None stays None."""
    if node is None:
        return None
    if isinstance(node, Literal):
        return Term(node.value, "literal", node.datatype.value if node.datatype else None).python
    return node.value
