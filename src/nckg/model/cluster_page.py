"""The cluster page model: identity and core, composition, ligands and coordination modes, syntheses, measurements,
comparisons, relations, characterisation and sources."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import NamedNode

from nckg.namespaces import NCKG, NCKR
from nckg.store.graph import GraphStore
from nckg.model.plots import fe_series
from nckg.model.resources import Quote, _quote
from nckg.model.terms import Term, iri_list, labels, rows_of, value_of

# --- Cluster page ----------------------------------------------------------------------------------------------

@dataclass
class Component:
    role: str
    component: Term
    count: int | None
    abbreviation: str | None
    families: list[Term]
    binding_atoms: str
    electrons_withdrawn: int | None
    modes: list[dict[str, Any]]


@dataclass
class Synthesis:
    iri: Term
    method: Term
    roles: list[str] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    precursors: list[str] = field(default_factory=list)
    items: dict[str, list[Term]] = field(default_factory=dict)
    yields: list[tuple[Term, Any]] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)


@dataclass
class ClusterPage:
    """The cluster page: identity and core, composition, ligands and coordination modes, synthesis,
    measurements, comparisons, relations, characterisation and sources."""

    iri: str
    id: str
    label: str
    facts: dict[str, Term | None]
    alt_labels: list[str]
    motifs: list[Term]
    oxidation_states: str
    composition: list[Component]
    syntheses: list[Synthesis]
    measurements: list[dict[str, Any]]
    comparisons: list[dict[str, Any]]
    relations: list[dict[str, Any]]
    characterisations: list[dict[str, Any]]
    quotes: list[Quote]
    sources: list[Term]
    fe_series: list[dict[str, Any]]

    def fact(self, name: str) -> Term | None:
        return self.facts.get(name)

    @property
    def free_electrons(self) -> Term | None:
        return self.facts.get("statedFreeElectrons") or self.facts.get("derivedFreeElectrons")

    @property
    def percent_values(self) -> list[dict[str, Any]]:
        """Single-valued percentage measurements (efficiencies, yields, selectivities) for the cluster's bar chart."""
        points = []
        for m in self.measurements:
            if m["unit"] is not None and m["unit"].value == "percent" and m["value"] is not None:
                label = m["metric"].text + (f" ({m['product'].text})" if m["product"] is not None else "")
                if m["potential"] is not None:
                    reference = m["referenceElectrode"]
                    label += f" at {m['potential'].text} V" + (" vs RHE" if reference and reference.value == "RHE" else "")
                points.append({"label": label, "value": m["value"].python, "measurement": m["measurement"].value,
                               "qualifier": m["qualifier"].text if m["qualifier"] is not None else None})
        return points


def coordination_modes(store: GraphStore) -> dict[str, dict[str, Any]]:
    """Every coordination mode by IRI (page-coordination-modes.rq)."""
    lab = labels(store)
    return {r["mode"].value: {"mode": r["mode"], "label": r["label"].text if r["label"] else r["mode"].text,
                              "family": r["family"], "donor_atom": value_of(r["donorAtom"]),
                              "coppers_per_donor": value_of(r["coppersPerDonor"]),
                              "donors_per_copper": value_of(r["donorsPerCopper"]),
                              "hapticity": r["hapticity"].text if r["hapticity"] else "",
                              "bonding": value_of(r["bonding"]), "ring_motif": value_of(r["ringMotif"])}
            for r in rows_of(store.run("page-coordination-modes"), lab)}


_ROLE_ORDER = {"component": 0, "counter-ion": 1, "solvate": 2}


def cluster_page(store: GraphStore, iri: str) -> ClusterPage | None:
    """The cluster page model of `iri`, or None when it is not a cluster."""
    lab = labels(store)
    node = NamedNode(iri)
    head = rows_of(store.run("page-cluster", cluster=node), lab)
    if not head:
        return None
    facts = head[0]
    evidence = evidence_by_record(store, iri)

    modes = coordination_modes(store)
    composition = []
    for r in rows_of(store.run("page-cluster-composition", cluster=node), lab):
        composition.append(Component(
            role=r["role"].value, component=r["component"], count=value_of(r["count"]),
            abbreviation=r["abbreviation"].value if r["abbreviation"] else None,
            families=[t for t in iri_list(r["types"], lab) if t.value.startswith(NCKG) and t.value not in (
                NCKG + "Ligand", NCKG + "ChemicalEntity")],
            binding_atoms=r["bindingAtoms"].text if r["bindingAtoms"] else "",
            electrons_withdrawn=value_of(r["electronsWithdrawn"]),
            modes=[modes.get(m.value, {"mode": m, "label": m.text}) for m in iri_list(r["modes"], lab)]))
    composition.sort(key=lambda c: (_ROLE_ORDER.get(c.role, 9), c.component.value != NCKR + "element/Cu",
                                    c.component.value != NCKR + "element/H", c.component.text))

    syntheses: dict[str, Synthesis] = {}
    for r in rows_of(store.run("page-cluster-synthesis", cluster=node), lab):
        syn = syntheses.setdefault(r["synthesis"].value, Synthesis(r["synthesis"], r["method"],
                                                                     quotes=evidence.get(r["synthesis"].value, [])))
        if r["role"].value not in syn.roles:
            syn.roles.append(r["role"].value)
        part = r["part"].value
        if part == "step":
            step = {"order": value_of(r["order"]), "text": r["text"].value,
                    "colour_from": value_of(r["colourFrom"]), "colour_to": value_of(r["colourTo"])}
            if step not in syn.steps:
                syn.steps.append(step)
        elif part == "precursor" and r["text"].value not in syn.precursors:
            syn.precursors.append(r["text"].value)
        elif part == "condition" and r["text"].value not in syn.conditions:
            syn.conditions.append(r["text"].value)
        elif part == "yield":
            entry = (r["item"], value_of(r["value"]))
            if entry not in syn.yields:
                syn.yields.append(entry)
        elif r["item"] is not None and r["item"] not in syn.items.setdefault(part, []):
            syn.items[part].append(r["item"])
    for syn in syntheses.values():
        syn.steps.sort(key=lambda s: s["order"] or 0)

    measurements = [{key: value for key, value in m.items() if key != "cluster"}
                    for m in measurement_records(store, iri, evidence)]

    comparisons = []
    for r in rows_of(store.run("page-cluster-comparisons", cluster=node), lab):
        c = {key: value for key, value in r.items() if key != "cluster"}
        c["quotes"] = evidence.get(r["comparison"].value, [])
        comparisons.append(c)

    relations, seen = [], set()
    for r in rows_of(store.run("page-cluster-relations", cluster=node), lab):
        key = (r["direction"].value, r["relation"].value, r["other"].value)
        if key in seen:
            continue
        seen.add(key)
        relations.append({"direction": r["direction"].value, "relation": r["relation"], "other": r["other"],
                          "quotes": evidence.get(r["statement"].value, []) if r["statement"] else []})

    characterisations = [{"method": r["method"], "observation": r["observation"].text if r["observation"] else "",
                          "quotes": evidence.get(r["characterisation"].value, [])}
                         for r in rows_of(store.run("page-cluster-characterisation", cluster=node), lab)]

    sources = []
    for quotes in evidence.values():
        for q in quotes:
            for doi in (q.primary_source, q.quoted_from):
                if doi is not None and doi.value not in {s.value for s in sources}:
                    sources.append(doi)
    if facts["source"] is not None and facts["source"].value not in {s.value for s in sources}:
        sources.insert(0, facts["source"])

    return ClusterPage(
        iri=iri, id=iri[len(NCKR):], label=facts["label"].text, facts=facts,
        alt_labels=[a for a in (facts["altLabels"].value.split(" | ") if facts["altLabels"] else [])
                    if a != facts["label"].text],
        motifs=iri_list(facts["motifs"], lab), oxidation_states=facts["oxidationStates"].text if facts["oxidationStates"] else "",
        composition=composition, syntheses=list(syntheses.values()), measurements=measurements,
        comparisons=comparisons, relations=relations, characterisations=characterisations,
        quotes=evidence.get(iri, []), sources=sources, fe_series=fe_series(store, iri))


def evidence_by_record(store: GraphStore, cluster: str | None = None) -> dict[str, list[Quote]]:
    """The quotes supporting `cluster` and each record about it (page-cluster-evidence.rq), by record IRI;
    every cluster's when `cluster` is None."""
    lab = labels(store)
    evidence: dict[str, list[Quote]] = defaultdict(list)
    for row in rows_of(store.run("page-cluster-evidence", **_cluster_binding(cluster)), lab):
        evidence[row["record"].value].append(_quote(row, about="record"))
    return evidence


def measurement_records(store: GraphStore, cluster: str | None = None,
                        evidence: dict[str, list[Quote]] | None = None) -> list[dict[str, Any]]:
    """The measurements of `cluster` (every cluster's when None) from page-cluster-measurements.rq: the row's
    Terms (`cluster`, `metric`, `value` ...) plus `quotes` (from `evidence`, fetched when not given) and
    `value_text`."""
    evidence = evidence_by_record(store, cluster) if evidence is None else evidence
    records = []
    for r in rows_of(store.run("page-cluster-measurements", **_cluster_binding(cluster)), labels(store)):
        records.append({**r, "quotes": evidence.get(r["measurement"].value, []), "value_text": _value_text(r)})
    return records


def _cluster_binding(cluster: str | None) -> dict[str, NamedNode]:
    return {"cluster": NamedNode(cluster)} if cluster else {}


def _value_text(row: dict) -> str:
    """`92`, `90–95`, with the qualifier (`over 90`)."""
    if row.get("value") is not None:
        text = row["value"].text
    elif row.get("valueMin") is not None or row.get("valueMax") is not None:
        text = "–".join(x.text for x in (row.get("valueMin"), row.get("valueMax")) if x is not None)
    else:
        text = ""
    qualifier = row.get("qualifier")
    return f"{qualifier.text.replace('-', ' ')} {text}".strip() if qualifier else text
