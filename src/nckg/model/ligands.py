"""Ligands as records: the ligand table (one row per ligand) and the cluster-ligand table (one row per pair)."""

from __future__ import annotations

from typing import Any

from nckg.model.terms import per_version, plain_value
from nckg.model.vocabulary import local_id, vocabulary
from nckg.namespaces import OBO
from nckg.store.graph import GraphStore

CHEBI = OBO + "CHEBI_"


@per_version
def ligand_records(store: GraphStore) -> list[dict[str, Any]]:
    """One row per ligand (model-ligands.rq), columns of tables.TABLES["ligands"]."""
    vocab = vocabulary(store)
    found: dict[str, dict[str, Any]] = {}
    for row in store.run("model-ligands"):
        iri = row["ligand"].value
        record = found.setdefault(iri, {
            "id": local_id(iri), "iri": iri, "label": row["label"].value,
            "abbreviation": plain_value(row["abbreviation"]), "family": vocab.label(row["family"].value),
            "binding_atoms": [], "smiles": plain_value(row["smiles"]), "inchikey": plain_value(row["inchikey"]),
            "chebi": None, "pubchem_cid": plain_value(row["pubchem"]),
            "precursor": local_id(row["precursor"].value) if row["precursor"] is not None else None,
            "clusters": plain_value(row["clusters"]) or 0})
        atom = plain_value(row["atom"])
        if atom is not None and atom not in record["binding_atoms"]:
            record["binding_atoms"].append(atom)
        match = plain_value(row["match"])
        if match is not None and match.startswith(CHEBI):
            record["chebi"] = "CHEBI:" + match[len(CHEBI):]
    return sorted(found.values(), key=lambda r: (r["family"] or "", (r["abbreviation"] or r["label"]).lower()))


def ligand_name(record: dict[str, Any]) -> str:
    """How tables name a ligand: its abbreviation, else its label."""
    return record["abbreviation"] or record["label"]


@per_version
def ligands_by_iri(store: GraphStore) -> dict[str, dict[str, Any]]:
    return {r["iri"]: r for r in ligand_records(store)}


@per_version
def cluster_ligand_records(store: GraphStore) -> list[dict[str, Any]]:
    """One row per cluster and ligand with its count (page-cluster-composition.rq for every cluster),
    columns of tables.TABLES["cluster_ligands"], in cluster table order."""
    from nckg.model.clusters import cluster_records  # noqa: PLC0415 - clusters build on ligands, not the reverse

    ligands = ligands_by_iri(store)
    by_cluster: dict[str, list[dict[str, Any]]] = {}
    for row in store.run("page-cluster-composition"):
        ligand = ligands.get(row["component"].value)
        if row["role"].value != "component" or ligand is None:
            continue
        by_cluster.setdefault(row["cluster"].value, []).append({
            "ligand_id": ligand["id"], "ligand": ligand_name(ligand), "family": ligand["family"],
            "count": plain_value(row["count"])})
    rows = []
    for cluster in cluster_records(store):
        for entry in sorted(by_cluster.get(cluster["iri"], []), key=lambda e: e["ligand"].lower()):
            rows.append({"cluster_id": cluster["id"], "cluster": cluster["label"], **entry})
    return rows
