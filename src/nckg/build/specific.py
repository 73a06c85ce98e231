"""The most specific nckg class of every resource, computed once at build time.

`most_specific_types(quads)` loads the built quads (ontology, data and the reasoner's inferences) into a scratch
embedded store, runs queries/build-most-specific-type.rq and returns `<resource> nckg:mostSpecificType <class>`
quads for the inferred graph. Questions then read one triple instead of evaluating `FILTER NOT EXISTS` over
`rdfs:subClassOf+` at query time, which engines evaluate differently (Virtuoso 7.2 found the generic nckg:Ligand
or nothing).
"""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import NamedNode, Quad, Store

from nckg.namespaces import INFERRED_GRAPH, NCKG
from nckg.store.graph import query_text

MOST_SPECIFIC_TYPE = NamedNode(NCKG + "mostSpecificType")


def most_specific_types(quads: Iterable[Quad]) -> list[Quad]:
    """`nckg:mostSpecificType` quads in the inferred graph for the resources of `quads` (sorted)."""
    scratch = Store()
    scratch.bulk_extend(quads)
    rows = scratch.query(query_text("build-most-specific-type"), use_default_graph_as_union=True)
    return sorted((Quad(r["resource"], MOST_SPECIFIC_TYPE, r["class"], INFERRED_GRAPH) for r in rows), key=str)
