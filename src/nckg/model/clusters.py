"""Clusters as records: one row per cluster (the columns of tables.TABLES["clusters"]), the same for the cluster
browser, its CSV and JSON, `kg.clusters()` and the Table 1 view, plus the browser's facets and its search."""

from __future__ import annotations

from typing import Any

from pyoxigraph import Literal

from nckg.model.ligands import ligand_name, ligands_by_iri
from nckg.model.search import find_clusters, search_key
from nckg.model.syntheses import publication_records
from nckg.model.tables import bare_doi
from nckg.model.terms import per_version, plain_value
from nckg.model.vocabulary import local_id, vocabulary
from nckg.namespaces import NCKG
from nckg.store.graph import GraphStore

# (key, column header) of the cluster browser's table, in display order (keys of the cluster records).
CLUSTER_COLUMNS = (
    ("label", "Cluster"), ("formula", "Formula (as written)"), ("copper", "Cu"), ("hydride", "H⁻"),
    ("charge", "Charge"), ("ligands", "Ligands"), ("core", "Metal core"), ("geometry", "Geometry"),
    ("core_configuration", "Core configuration"), ("free_electrons", "Free e⁻"), ("reactions", "Catalytic reactions"),
    ("measurements", "Measurements"), ("references", "Ref."),
)

# the cluster browser's hydride facet: state -> label
HYDRIDE_STATES = {"with": "with hydrides", "free": "hydride-free", "unknown": "hydride count not reported"}

# find-cluster.rq's columns of what a cluster can be found by
SEARCH_COLUMNS = ("names", "ligands", "ligand_families", "classes", "core_configuration", "geometries", "methods",
                  "reactions", "products")


def _iris(value) -> list[str]:
    return value.value.split() if value is not None else []


@per_version
def cluster_records(store: GraphStore) -> list[dict[str, Any]]:
    """Every cluster (page-clusters.rq) as a record: plain values, lists as lists, None where missing, DOIs bare;
    plus `core` (kernel / shell), `search` (the browser's search keys) and `hydride_state` for the browser."""
    vocab = vocabulary(store)
    ligands = ligands_by_iri(store)
    numbers = {r["doi"]: r["reference"] for r in publication_records(store)}  # bare DOI -> reference number
    compositions = _compositions(store)
    names = cluster_search_names(store)
    records = []
    for row in store.run("page-clusters"):
        iri = row["cluster"].value
        cited = sorted({d for d in map(bare_doi, _iris(row["papers"])) if numbers.get(d) is not None},
                       key=lambda d: (numbers[d], d))
        kernel, shell = plain_value(row["kernel"]), plain_value(row["shell"])
        found = names.get(iri, {})
        record = {
            "id": local_id(iri), "iri": iri, "label": row["label"].value,
            "formula": plain_value(row["formula"]), "canonical_formula": plain_value(row["canonicalFormula"]),
            "copper": plain_value(row["copper"]), "hydride": plain_value(row["hydride"]),
            "charge": plain_value(row["charge"]), "free_electrons": plain_value(row["freeElectrons"]),
            "ligands": sorted({ligand_name(ligands[i]) for i in _iris(row["ligands"]) if i in ligands}, key=str.lower),
            "ligand_families": sorted(found.get("ligand_families", set()) - {"ligand"}, key=str.lower),
            "kernel": kernel, "shell": shell, "core": " / ".join(x for x in (kernel, shell) if x) or None,
            "geometry": vocab.label(plain_value(row["geometry"])),
            "core_configuration": vocab.label(plain_value(row["coreConfiguration"])),
            "reactions": sorted({vocab.label(r) for r in _iris(row["reactions"])}, key=str.lower),
            "measurements": plain_value(row["measurements"]) or 0,
            "reference": plain_value(row["reference"]), "source_doi": bare_doi(plain_value(row["source"])),
            "references": [numbers[d] for d in cited], "source_dois": cited,
            "composition": compositions.get(iri, {}),
        }
        record["search"] = " ".join(sorted({search_key(n) for kind in found.values() for n in kind}))
        record["hydride_state"] = HYDRIDE_STATES[_hydride_state(record["hydride"])]
        records.append(record)
    return records


def _compositions(store: GraphStore) -> dict[str, dict[str, int | None]]:
    """Cluster IRI -> component (element symbol, ligand abbreviation or label) -> count."""
    ligands = ligands_by_iri(store)
    vocab = vocabulary(store)
    found: dict[str, dict[str, int | None]] = {}
    for row in store.run("page-cluster-composition"):
        if row["role"].value != "component":
            continue
        component = row["component"].value
        if component.startswith(NCKG):  # an element (nckg:Cu, nckg:H)
            name = local_id(component)
        elif component in ligands:
            name = ligand_name(ligands[component])
        else:
            name = vocab.label(component)
        found.setdefault(row["cluster"].value, {})[name] = plain_value(row["count"])
    return found


def _hydride_state(count) -> str:
    return "unknown" if count is None else "with" if count > 0 else "free"


@per_version
def cluster_search_names(store: GraphStore) -> dict[str, dict[str, set[str]]]:
    """Every name a cluster can be found by (find-cluster.rq with an empty text): cluster IRI -> column of
    SEARCH_COLUMNS -> names."""
    found: dict[str, dict[str, set[str]]] = {}
    for row in store.run("find-cluster", text=Literal("")):
        found[row["cluster"].value] = {column: {name for name in row[column].value.split(" | ") if name}
                                       for column in SEARCH_COLUMNS if row[column] is not None}
    return found


def cluster_table(store: GraphStore, search: str | None = None) -> list[dict[str, Any]]:
    """The cluster records, only those the search text finds when given (the one search: find-cluster.rq)."""
    records = cluster_records(store)
    if not search or not search.strip():
        return records
    wanted = {c["iri"] for c in find_clusters(store, search)}
    return [r for r in records if r["iri"] in wanted]


def cluster_facets(rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The values the cluster browser can narrow its table to: ligand family, reaction, hydride, core
    configuration (each sorted, each present in some row)."""
    return {
        "ligand_families": sorted({f for r in rows for f in r["ligand_families"]}, key=str.lower),
        "reactions": sorted({x for r in rows for x in r["reactions"]}, key=str.lower),
        "hydride_state": [label for label in HYDRIDE_STATES.values() if any(r["hydride_state"] == label for r in rows)],
        "core_configuration": sorted({r["core_configuration"] for r in rows if r["core_configuration"]}),
    }
