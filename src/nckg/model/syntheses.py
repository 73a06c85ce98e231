"""Syntheses and publications as records (the columns of tables.TABLES["syntheses"] and ["publications"])."""

from __future__ import annotations

from typing import Any

from nckg.model.tables import TABLES, bare_doi
from nckg.model.terms import per_version, plain_value
from nckg.model.vocabulary import local_id, vocabulary
from nckg.namespaces import GRAPH
from nckg.store.graph import GraphStore

DOI_GRAPH = GRAPH + "doi/"
_LISTS = [c.name for c in TABLES["syntheses"] if c.kind == "list" and c.name != "conditions"]


@per_version
def synthesis_records(store: GraphStore) -> list[dict[str, Any]]:
    """One row per synthesis procedure (model-syntheses.rq)."""
    from nckg.model.names import cluster_names  # noqa: PLC0415

    vocab = vocabulary(store)
    clusters = cluster_names(store)

    def name(iri: str) -> str:
        return clusters[iri].label if iri in clusters else vocab.label(iri)

    found: dict[str, dict[str, Any]] = {}
    for row in store.run("model-syntheses"):
        iri = row["synthesis"].value
        graph = row["graph"].value
        record = found.setdefault(iri, {
            "id": local_id(iri), "iri": iri, "method": vocab.label(row["method"].value),
            **{key: [] for key in _LISTS}, "yields": {}, "steps": 0, "conditions": [],
            "source_doi": bare_doi(graph[len(DOI_GRAPH):]) if graph.startswith(DOI_GRAPH) else None})
        part = plain_value(row["part"])
        if part in _LISTS and name(row["item"].value) not in record[part]:
            record[part].append(name(row["item"].value))
        elif part == "yields":
            record["yields"][name(row["item"].value)] = plain_value(row["value"])
        elif part == "steps":
            record["steps"] = plain_value(row["value"])
        elif part == "conditions":
            record["conditions"].append(row["text"].value)
    return list(found.values())


@per_version
def publication_records(store: GraphStore) -> list[dict[str, Any]]:
    """One row per publication (model-publications.rq): the review first, then its references by number."""
    return [{"doi": bare_doi(row["doi"].value), "reference": plain_value(row["reference"]),
             **{key: plain_value(row[key]) for key in ("title", "authors", "journal", "volume", "issue", "pages",
                                                      "year")}}
            for row in store.run("model-publications")]
