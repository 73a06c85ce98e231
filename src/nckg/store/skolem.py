"""Skolemisation for remote stores and the content version of a dataset.

A remote store receives no blank nodes: each is replaced by an RDF 1.1 skolem IRI under `GENID`
(`https://w3id.org/.well-known/genid/nckg/<label>`), the label being the blank node's canonical id
(pyoxigraph's dataset canonicalisation), so the same build gives the same IRIs in every upload and no write request
has to carry a whole blank-node structure. Answers read back from a remote store turn these IRIs into blank nodes
again (`unskolemise`), so remote answers look like the embedded store's (which keeps its blank nodes).

`content_version` names a dataset by a hash of its canonical N-Quads: an unchanged build keeps its version, and
with it every cache keyed on the version.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from pyoxigraph import (
    BlankNode,
    CanonicalizationAlgorithm,
    Dataset,
    NamedNode,
    Quad,
    RdfFormat,
    serialize,
)

GENID = "https://w3id.org/.well-known/genid/nckg/"
VERSION_PREFIX = "sha256-"


def canonical(quads: Iterable[Quad]) -> Dataset:
    """The quads as a Dataset whose blank nodes carry canonical labels (stable for the same content)."""
    dataset = Dataset(quads)
    dataset.canonicalize(CanonicalizationAlgorithm.UNSTABLE)
    return dataset


def _skolem(term):
    return NamedNode(GENID + term.value) if isinstance(term, BlankNode) else term


def skolemise(dataset: Iterable[Quad]) -> list[Quad]:
    """The quads (canonically labelled, see `canonical`) with every blank node as its skolem IRI, sorted."""
    return sorted((Quad(_skolem(q.subject), q.predicate, _skolem(q.object), q.graph_name) for q in dataset), key=str)


def content_version(quads: list[Quad]) -> str:
    """`sha256-<first 20 hex digits>` of the sorted N-Quads of skolemised quads (see `skolemise`)."""
    digest = hashlib.sha256(serialize(quads, format=RdfFormat.N_QUADS) or b"").hexdigest()
    return VERSION_PREFIX + digest[:20]


def unskolemise(term):
    """A skolem IRI of nckg's as the blank node it stands for; any other term unchanged."""
    if isinstance(term, NamedNode) and term.value.startswith(GENID):
        return BlankNode(term.value[len(GENID):])
    return term
