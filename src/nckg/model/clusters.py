"""The cluster browser's table (one row per cluster) and its facets."""

from __future__ import annotations

from typing import Any

from pyoxigraph import Literal

from nckg.store.graph import GraphStore
from nckg.model.search import search_key
from nckg.model.terms import iri_list, labels, per_version, rows_of, value_of

# --- Cluster browser -------------------------------------------------------------------------------------------

# (key, column header) of the cluster table, in display order; `ClusterRow` dicts use these keys.
CLUSTER_COLUMNS = (
    ("label", "Cluster"), ("formula", "Formula (as written)"), ("copper", "Cu"), ("hydride", "H⁻"),
    ("charge", "Charge"), ("ligands", "Ligands"), ("core", "Metal core"), ("geometry", "Geometry"),
    ("core_configuration", "Core configuration"), ("free_electrons", "Free e⁻"), ("reactions", "Catalytic reactions"),
    ("measurements", "Measurements"), ("reference", "Ref."),
)


@per_version
def cluster_table(store: GraphStore) -> list[dict[str, Any]]:
    """Every cluster (page-clusters.rq) as a flat row: plain values for the table, CSV and JSON."""
    lab = labels(store)
    table = []
    for row in rows_of(store.run("page-clusters"), lab):
        core = " / ".join(x.text for x in (row["kernel"], row["shell"]) if x)
        table.append({
            "id": row["cluster"].resource_id, "iri": row["cluster"].value, "label": row["label"].text,
            "formula": row["formula"].text if row["formula"] else "",
            "canonical_formula": row["canonicalFormula"].text if row["canonicalFormula"] else "",
            "copper": value_of(row["copper"]), "hydride": value_of(row["hydride"]), "charge": value_of(row["charge"]),
            "ligands": ", ".join(sorted(row["ligands"].text.split(", "), key=str.lower)) if row["ligands"] else "",
            "core": core,
            "geometry": row["geometry"].text if row["geometry"] else "",
            "core_configuration": row["coreConfiguration"].text if row["coreConfiguration"] else "",
            "free_electrons": value_of(row["freeElectrons"]),
            "reactions": "; ".join(sorted({t.text for t in iri_list(row["reactions"], lab)})),
            "measurements": value_of(row["measurements"]) or 0,
            "reference": value_of(row["reference"]), "source": row["source"].value if row["source"] else "",
        })
    found = cluster_search_names(store)
    for entry in table:
        names = found.get(entry["iri"], {})
        entry["search"] = " ".join(sorted({search_key(name) for kind in names.values() for name in kind}))
        entry["ligand_families"] = sorted(names.get("ligand_families", set()) - {"ligand"}, key=str.lower)
        entry["hydride_state"] = HYDRIDE_STATES[_hydride_state(entry["hydride"])]
    return table


# the cluster browser's hydride facet: state -> label
HYDRIDE_STATES = {"with": "with hydrides", "free": "hydride-free", "unknown": "hydride count not reported"}


def _hydride_state(count) -> str:
    return "unknown" if count is None else "with" if count > 0 else "free"


# find-cluster.rq's columns of what a cluster can be found by
SEARCH_COLUMNS = ("names", "ligands", "ligand_families", "classes", "core_configuration", "reactions", "products")


def cluster_search_names(store: GraphStore) -> dict[str, dict[str, set[str]]]:
    """Every name a cluster can be found by (find-cluster.rq with an empty text): cluster IRI -> column (names,
    ligands, ligand_families, classes, core_configuration, reactions, products) -> names."""
    found: dict[str, dict[str, set[str]]] = {}
    for row in store.run("find-cluster", text=Literal("")):
        found[row["cluster"].value] = {column: {name for name in row[column].value.split(" | ") if name}
                                       for column in SEARCH_COLUMNS if row[column] is not None}
    return found


def cluster_facets(rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The values the cluster browser can narrow its table to: ligand family, reaction, hydride, core
    configuration (each sorted, each present in some row)."""
    return {
        "ligand_families": sorted({f for r in rows for f in r["ligand_families"]}, key=str.lower),
        "reactions": sorted({x for r in rows for x in r["reactions"].split("; ") if x}, key=str.lower),
        "hydride_state": [label for label in HYDRIDE_STATES.values() if any(r["hydride_state"] == label for r in rows)],
        "core_configuration": sorted({r["core_configuration"] for r in rows if r["core_configuration"]}),
    }
