"""Page models of the web front end: results of `queries/page-*.rq` and `queries/plot-*.rq` as plain Python.

The server (`server/ui.py`, `server/resources.py`) only renders these models. Every query runs through
GraphStore; this module holds no SPARQL and never imports flask.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import wraps
from threading import Lock
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions, RdfFormat, Triple, serialize

from nckg.namespaces import BIBO, DCTERMS, GRAPH, NCKG, NCKR, OWL, PREFIXES, RDF, RDFS, REVIEW_DOI, SKOS, XSD
from nckg.model.linked_data import serialize_triples
from nckg.store.remote import UNVERSIONED
from nckg.model.search import search_key
from nckg.store.graph import GraphStore, query_text

INFERRED_GRAPH = GRAPH + "inferred"
DATASET_IRI = "https://w3id.org/nckg/dataset"
REVIEW_IRI = f"https://doi.org/{REVIEW_DOI}"
RDF_TYPE = RDF + "type"
SCHEMA = "https://schema.org/"

_INTEGER_TYPES = {XSD + t for t in ("integer", "nonNegativeInteger", "positiveInteger", "negativeInteger",
                                    "nonPositiveInteger", "int", "long", "short", "byte", "unsignedInt", "gYear")}
_DECIMAL_TYPES = {XSD + t for t in ("decimal", "double", "float")}

# Properties whose values identify the resource elsewhere (shown as "External identifiers").
EXTERNAL_PROPERTIES = (
    SKOS + "exactMatch", SKOS + "closeMatch", SKOS + "broadMatch", SKOS + "narrowMatch", SKOS + "relatedMatch",
    OWL + "sameAs", RDFS + "seeAlso", NCKG + "inchikey", NCKG + "inchi", NCKG + "smiles", NCKG + "pubchemCID",
    NCKG + "molecularFormula", BIBO + "doi", DCTERMS + "source",
)
# Shown in their own sections, not in the property table.
_SECTIONED = {RDF_TYPE, NCKG + "hasEvidence"}


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


def warm(store: GraphStore) -> None:
    """Compute the per-version whole-graph results now (a server calls this at start, off the request path)."""
    labels(store)
    counts(store)
    cluster_table(store)


def _rows(result: QuerySolutions, lab: Labels) -> list[dict[str, Term | None]]:
    names = [v.value for v in result.variables]
    return [{name: lab.term(solution[name]) for name in names} for solution in result]


def _iris(text: Term | None, lab: Labels) -> list[Term]:
    """A space-separated list of IRIs (GROUP_CONCAT) as labelled Terms."""
    return [lab.iri(value) for value in (text.value.split() if text else []) if value]


def _value(term: Term | None) -> Any:
    return term.python if term is not None else None


# --- Landing page ----------------------------------------------------------------------------------------------

COUNT_ORDER = ("clusters", "ligands", "chemicals", "syntheses", "measurements", "comparisons", "half-reactions",
               "coordination modes", "publications", "quotes", "triples", "named graphs")


@per_version
def counts(store: GraphStore) -> dict[str, int]:
    """What the graph holds: records per kind, triples and named graphs (always every key, 0 when absent)."""
    found = {r["kind"].value: int(r["count"].value) for r in store.run("page-counts")}
    return {kind: found.get(kind, 0) for kind in COUNT_ORDER}


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
    for row in _rows(store.run("page-clusters"), lab):
        core = " / ".join(x.text for x in (row["kernel"], row["shell"]) if x)
        table.append({
            "id": row["cluster"].resource_id, "iri": row["cluster"].value, "label": row["label"].text,
            "formula": row["formula"].text if row["formula"] else "",
            "canonical_formula": row["canonicalFormula"].text if row["canonicalFormula"] else "",
            "copper": _value(row["copper"]), "hydride": _value(row["hydride"]), "charge": _value(row["charge"]),
            "ligands": ", ".join(sorted(row["ligands"].text.split(", "), key=str.lower)) if row["ligands"] else "",
            "core": core,
            "geometry": row["geometry"].text if row["geometry"] else "",
            "core_configuration": row["coreConfiguration"].text if row["coreConfiguration"] else "",
            "free_electrons": _value(row["freeElectrons"]),
            "reactions": "; ".join(sorted({t.text for t in _iris(row["reactions"], lab)})),
            "measurements": _value(row["measurements"]) or 0,
            "reference": _value(row["reference"]), "source": row["source"].value if row["source"] else "",
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


# --- Evidence --------------------------------------------------------------------------------------------------

@dataclass
class Quote:
    """A verbatim quote from the review supporting a record."""

    evidence: Term
    quote: str
    section: str = ""
    primary_source: Term | None = None
    quoted_from: Term | None = None
    about: Term | None = None


def _quote(row: dict, about: str = "about") -> Quote:
    return Quote(evidence=row["evidence"], quote=row["quote"].value,
                 section=row["section"].value if row.get("section") else "",
                 primary_source=row.get("primarySource"), quoted_from=row.get("quotedFrom"), about=row.get(about))


# --- Generic resource page -------------------------------------------------------------------------------------

@dataclass
class Statement:
    property: Term
    value: Term
    graphs: list[str] = field(default_factory=list)

    @property
    def inferred(self) -> bool:
        return bool(self.graphs) and all(g == INFERRED_GRAPH for g in self.graphs)


@dataclass
class Incoming:
    subject: Term
    property: Term
    parent: Term | None
    graph: str


@dataclass
class ResourcePage:
    """Everything the HTML page of one resource shows."""

    iri: str
    id: str
    label: str
    types: list[Term]
    inferred_types: list[Term]
    statements: list[Statement]
    parts: dict[str, list[Statement]]
    part_labels: dict[str, str]
    incoming: list[Incoming]
    evidence: list[Quote]
    external: list[Statement]
    graphs: list[str]
    description: str = ""
    abbreviation: str | None = None

    @property
    def type_names(self) -> set[str]:
        return {t.value for t in self.types + self.inferred_types}

    def values(self, prop: str) -> list[Term]:
        return [s.value for s in self.statements + self.external if s.property.value == prop]

    def first(self, prop: str) -> Term | None:
        found = self.values(prop)
        return found[0] if found else None

    @property
    def kind(self) -> str:
        """The first path segment of the id: cluster, ligand, chemical, measurement ..."""
        return self.id.split("/", 1)[0]


def _merge(rows: list[tuple[Term, Term, str]]) -> list[Statement]:
    merged: dict[tuple, Statement] = {}
    for prop, value, graph in rows:
        key = (prop.value, value.kind, value.value, value.datatype, value.language)
        statement = merged.setdefault(key, Statement(prop, value))
        if graph and graph not in statement.graphs:
            statement.graphs.append(graph)
    return list(merged.values())


def resource_page(store: GraphStore, iri: str) -> ResourcePage | None:
    """The page model of `iri`, or None when the graph says nothing about it (neither as subject nor object)."""
    lab = labels(store)
    node = NamedNode(iri)
    own, parts_rows = [], defaultdict(list)
    for row in _rows(store.run("page-resource-properties", resource=node), lab):
        graph = row["graph"].value if row["graph"] else ""
        if row["subject"] is None:
            own.append((row["property"], row["value"], graph))
        else:
            parts_rows[row["subject"].value].append((row["property"], row["value"], graph))
    incoming = [Incoming(r["subject"], r["property"], r["parent"], r["graph"].value if r["graph"] else "")
                for r in _rows(store.run("page-resource-incoming", resource=node), lab)]
    if not own and not incoming:
        return None
    statements = _merge(own)
    types = [s for s in statements if s.property.value == RDF_TYPE]
    asserted = [s.value for s in types if not s.inferred]
    inferred = [s.value for s in types if s.inferred and s.value.value != OWL + "Thing"]
    evidence = [_quote(r) for r in _rows(store.run("page-resource-evidence", resource=node), lab)]
    external = [s for s in statements if s.property.value in EXTERNAL_PROPERTIES]
    shown = [s for s in statements if s.property.value not in _SECTIONED and s.property.value not in EXTERNAL_PROPERTIES]
    parts = {part: _merge(rows) for part, rows in sorted(parts_rows.items())}
    part_labels = {part: _part_label(part, iri, parts[part]) for part in parts}
    graphs = sorted({g for s in statements for g in s.graphs} | {g for rows in parts.values() for s in rows
                                                                 for g in s.graphs})
    description = next((s.value.text for s in statements if s.property.value in (
        RDFS + "comment", SKOS + "definition", NCKG + "statement", NCKG + "observation", NCKG + "explanation")), "")
    ident = iri[len(NCKR):] if iri.startswith(NCKR) else iri
    return ResourcePage(iri=iri, id=ident, label=lab(iri) if lab.has(iri) else _derived_label(ident, statements),
                        types=asserted, inferred_types=[t for t in inferred if t.value not in {a.value for a in asserted}],
                        statements=shown, parts=parts, part_labels=part_labels, incoming=incoming, evidence=evidence,
                        external=external, graphs=graphs, description=description,
                        abbreviation=lab.abbreviation(iri))


def _part_label(part: str, parent: str, statements: list[Statement]) -> str:
    """`component/pet` -> "component: PET" (the label of what the part points at, when it has one)."""
    path = part[len(parent) + 1:] if part.startswith(parent + "/") else part
    target = next((s.value for s in statements if s.property.value in (NCKG + "component", NCKG + "yieldOf")), None)
    order = next((s.value.text for s in statements if s.property.value == NCKG + "stepOrder"), None)
    head = path.split("/", 1)[0].replace("-", " ")
    if target is not None:
        return f"{head}: {target.text}"
    if order is not None:
        return f"{head} {order}"
    return path.replace("/", " ")


def _derived_label(ident: str, statements: list[Statement]) -> str:
    """A label for an unlabelled resource (a measurement, comparison, evidence ...): its kind and a key value."""
    kind = ident.split("/", 1)[0].replace("-", " ")
    by = {s.property.value: s.value for s in statements}
    if NCKG + "metric" in by:
        parts = [by[NCKG + "metric"].text]
        for prop in (NCKG + "measuredProduct", NCKG + "catalyst", NCKG + "measuredOn"):
            if prop in by:
                parts.append(by[prop].text)
        return f"{kind}: " + ", ".join(parts)
    if NCKG + "better" in by and NCKG + "worse" in by:
        return f"{kind}: {by[NCKG + 'better'].text} vs {by[NCKG + 'worse'].text}"
    if NCKG + "quote" in by:
        text = by[NCKG + "quote"].text
        return f"{kind}: “{text[:60]}{'…' if len(text) > 60 else ''}”"
    return ident


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
                    label += f" at {m['potential'].text} V"
                points.append({"label": label, "value": m["value"].python, "measurement": m["measurement"].value,
                               "qualifier": m["qualifier"].text if m["qualifier"] is not None else None})
        return points


def coordination_modes(store: GraphStore) -> dict[str, dict[str, Any]]:
    """Every coordination mode by IRI (page-coordination-modes.rq)."""
    lab = labels(store)
    return {r["mode"].value: {"mode": r["mode"], "label": r["label"].text if r["label"] else r["mode"].text,
                              "family": r["family"], "donor_atom": _value(r["donorAtom"]),
                              "coppers_per_donor": _value(r["coppersPerDonor"]),
                              "donors_per_copper": _value(r["donorsPerCopper"]),
                              "hapticity": r["hapticity"].text if r["hapticity"] else "",
                              "bonding": _value(r["bonding"]), "ring_motif": _value(r["ringMotif"])}
            for r in _rows(store.run("page-coordination-modes"), lab)}


_ROLE_ORDER = {"component": 0, "counter-ion": 1, "solvate": 2}


def cluster_page(store: GraphStore, iri: str) -> ClusterPage | None:
    """The cluster page model of `iri`, or None when it is not a cluster."""
    lab = labels(store)
    node = NamedNode(iri)
    head = _rows(store.run("page-cluster", cluster=node), lab)
    if not head:
        return None
    facts = head[0]
    evidence = evidence_by_record(store, iri)

    modes = coordination_modes(store)
    composition = []
    for r in _rows(store.run("page-cluster-composition", cluster=node), lab):
        composition.append(Component(
            role=r["role"].value, component=r["component"], count=_value(r["count"]),
            abbreviation=r["abbreviation"].value if r["abbreviation"] else None,
            families=[t for t in _iris(r["types"], lab) if t.value.startswith(NCKG) and t.value not in (
                NCKG + "Ligand", NCKG + "ChemicalEntity")],
            binding_atoms=r["bindingAtoms"].text if r["bindingAtoms"] else "",
            electrons_withdrawn=_value(r["electronsWithdrawn"]),
            modes=[modes.get(m.value, {"mode": m, "label": m.text}) for m in _iris(r["modes"], lab)]))
    composition.sort(key=lambda c: (_ROLE_ORDER.get(c.role, 9), c.component.value != NCKR + "element/Cu",
                                    c.component.value != NCKR + "element/H", c.component.text))

    syntheses: dict[str, Synthesis] = {}
    for r in _rows(store.run("page-cluster-synthesis", cluster=node), lab):
        syn = syntheses.setdefault(r["synthesis"].value, Synthesis(r["synthesis"], r["method"],
                                                                     quotes=evidence.get(r["synthesis"].value, [])))
        if r["role"].value not in syn.roles:
            syn.roles.append(r["role"].value)
        part = r["part"].value
        if part == "step":
            step = {"order": _value(r["order"]), "text": r["text"].value,
                    "colour_from": _value(r["colourFrom"]), "colour_to": _value(r["colourTo"])}
            if step not in syn.steps:
                syn.steps.append(step)
        elif part == "precursor" and r["text"].value not in syn.precursors:
            syn.precursors.append(r["text"].value)
        elif part == "condition" and r["text"].value not in syn.conditions:
            syn.conditions.append(r["text"].value)
        elif part == "yield":
            entry = (r["item"], _value(r["value"]))
            if entry not in syn.yields:
                syn.yields.append(entry)
        elif r["item"] is not None and r["item"] not in syn.items.setdefault(part, []):
            syn.items[part].append(r["item"])
    for syn in syntheses.values():
        syn.steps.sort(key=lambda s: s["order"] or 0)

    measurements = [{key: value for key, value in m.items() if key != "cluster"}
                    for m in measurement_records(store, iri, evidence)]

    comparisons = []
    for r in _rows(store.run("page-cluster-comparisons", cluster=node), lab):
        c = {key: value for key, value in r.items() if key != "cluster"}
        c["quotes"] = evidence.get(r["comparison"].value, [])
        comparisons.append(c)

    relations, seen = [], set()
    for r in _rows(store.run("page-cluster-relations", cluster=node), lab):
        key = (r["direction"].value, r["relation"].value, r["other"].value)
        if key in seen:
            continue
        seen.add(key)
        relations.append({"direction": r["direction"].value, "relation": r["relation"], "other": r["other"],
                          "quotes": evidence.get(r["statement"].value, []) if r["statement"] else []})

    characterisations = [{"method": r["method"], "observation": r["observation"].text if r["observation"] else "",
                          "quotes": evidence.get(r["characterisation"].value, [])}
                         for r in _rows(store.run("page-cluster-characterisation", cluster=node), lab)]

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
        motifs=_iris(facts["motifs"], lab), oxidation_states=facts["oxidationStates"].text if facts["oxidationStates"] else "",
        composition=composition, syntheses=list(syntheses.values()), measurements=measurements,
        comparisons=comparisons, relations=relations, characterisations=characterisations,
        quotes=evidence.get(iri, []), sources=sources, fe_series=fe_series(store, iri))


def evidence_by_record(store: GraphStore, cluster: str | None = None) -> dict[str, list[Quote]]:
    """The quotes supporting `cluster` and each record about it (page-cluster-evidence.rq), by record IRI;
    every cluster's when `cluster` is None."""
    lab = labels(store)
    evidence: dict[str, list[Quote]] = defaultdict(list)
    for row in _rows(store.run("page-cluster-evidence", **_cluster_binding(cluster)), lab):
        evidence[row["record"].value].append(_quote(row, about="record"))
    return evidence


def measurement_records(store: GraphStore, cluster: str | None = None,
                        evidence: dict[str, list[Quote]] | None = None) -> list[dict[str, Any]]:
    """The measurements of `cluster` (every cluster's when None) from page-cluster-measurements.rq: the row's
    Terms (`cluster`, `metric`, `value` ...) plus `quotes` (from `evidence`, fetched when not given) and
    `value_text`."""
    evidence = evidence_by_record(store, cluster) if evidence is None else evidence
    records = []
    for r in _rows(store.run("page-cluster-measurements", **_cluster_binding(cluster)), labels(store)):
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


# --- Plots -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Plot:
    """A plot page: the query that feeds it, what the axes show, and which columns a row needs to be drawn
    (`needs`: (column, why a row without it is left out)); the page counts what it shows and leaves out."""

    name: str
    query: str
    title: str
    description: str
    x_label: str
    y_label: str
    needs: tuple[tuple[str, str], ...] = ()
    unit: str = "measurement"  # what one row is, for "shows 5 measurements"


PLOTS: dict[str, Plot] = {p.name: p for p in (
    Plot("fe-potential", "plot-fe-potential", "Faradaic efficiency versus applied potential",
         "Faradaic efficiency of each product against the applied potential, one series per catalyst cluster, "
         "product and reference electrode as the review states it: potentials vs RHE (circles) and potentials "
         "for which the review names no reference electrode (triangles) are separate series, never converted.",
         "Applied potential (V; vs RHE, or reference not stated)", "Faradaic efficiency (%)",
         needs=(("potential", "the review states no potential for it"),
                ("value", "the review gives a range or bound, not one value"))),
    Plot("comparisons", "plot-comparisons", "Comparison ratios",
         "How many times better one cluster performs than a structurally related one (where the review states a "
         "ratio), with the structural difference that explains it.", "Ratio (better / worse)", "Comparison",
         needs=(("ratio", "the review states no numeric ratio for it"),), unit="comparison"),
    Plot("band-edges", "plot-band-edges", "Band edges of cluster photocatalysts",
         "Conduction band minimum (CBM) and valence band maximum (VBM) of each cluster, as stated in the review.",
         "Cluster", "Potential (V, as stated)", unit="cluster"),
    Plot("half-reactions", "plot-half-reactions", "Standard potentials of CO₂ reduction half-reactions (Table 2)",
         "Thermodynamic equilibrium potentials E⁰ (V vs RHE) in aqueous electrolyte at pH 7, 1 atm and 25 °C, "
         "for each product of CO₂ reduction and for hydrogen and oxygen evolution (Table 2 of the review).",
         "E⁰ (V vs RHE)", "Half-reaction", needs=(("e0", "the review gives no potential for it"),),
         unit="half-reaction"),
)}

# how the plots name the reference electrode of a potential (plot-fe-potential.rq's ?reference)
REFERENCE_NAMES = {"vs RHE": "vs RHE", "not stated": "reference electrode not stated"}


def plot_table(store: GraphStore, name: str, **substitutions) -> tuple[list[str], list[dict[str, Any]]]:
    """Column names and rows (plain values: IRIs as strings, numbers as numbers) of a plot's query."""
    result = store.run(PLOTS[name].query, **substitutions)
    columns = [v.value for v in result.variables]
    rows = [{c: plain_value(solution[c]) for c in columns} for solution in result]
    return columns, rows


def plain_value(node) -> Any:
    """A pyoxigraph term as a plain Python value: int, float or bool for typed numbers and booleans, else its
    string (an IRI's too); None stays None."""
    if node is None:
        return None
    if isinstance(node, Literal):
        return Term(node.value, "literal", node.datatype.value if node.datatype else None).python
    return node.value


def split_plottable(plot: Plot, rows: list[dict[str, Any]]) -> tuple[list[dict], list[dict]]:
    """(rows the plot draws, rows it leaves out each with its `reason`): a row needs a number in each column of
    `plot.needs`."""
    shown, left_out = [], []
    for row in rows:
        reason = next((why for column, why in plot.needs if not _is_number(row.get(column))), None)
        if reason is None:
            shown.append(row)
        else:
            left_out.append({**row, "reason": reason})
    return shown, left_out


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def plot_csv(store: GraphStore, name: str) -> bytes:
    """The plot's data as SPARQL CSV (one row per record, those the plot leaves out included, a header line)."""
    return GraphStore.serialize(store.run(PLOTS[name].query), "text/csv")


def plot_json(store: GraphStore, name: str) -> dict[str, Any]:
    """The plot's data as a JSON-ready document: title, axes, columns, the rows it draws (`rows`, counted in
    `shown`) and those it leaves out with the reason (`left_out`)."""
    plot = PLOTS[name]
    columns, rows = plot_table(store, name)
    shown, left_out = split_plottable(plot, rows)
    data = {"plot": plot.name, "title": plot.title, "description": plot.description, "x": plot.x_label,
            "y": plot.y_label, "source": REVIEW_IRI, "columns": columns, "rows": shown, "shown": len(shown),
            "left_out": left_out, "unit": plot.unit}
    if name == "fe-potential":
        data["series"] = _fe_group(shown)
    return data


def fe_series(store: GraphStore, cluster: str | None = None) -> list[dict[str, Any]]:
    """FE-versus-potential points grouped into series (cluster, product, metric, reference electrode), for one
    cluster or all; measurements without a potential or a single value are not drawn."""
    _, rows = plot_table(store, "fe-potential", **({"cluster": NamedNode(cluster)} if cluster else {}))
    return _fe_group(split_plottable(PLOTS["fe-potential"], rows)[0])


def _fe_group(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Plottable FE rows grouped into named series, points sorted by potential."""
    series: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        product = row["productLabel"] or (fallback_label(row["product"]) if row["product"] else "")
        metric = row["metricLabel"] or fallback_label(row["metric"])
        reference = REFERENCE_NAMES.get(row["reference"], row["reference"] or "")
        name = f"{row['clusterLabel']}: {metric}" + (f" ({product})" if product else "") + f", {reference}"
        entry = series.setdefault((row["cluster"], row["product"], row["metric"], row["reference"]),
                                  {"name": name, "cluster": row["cluster"], "clusterLabel": row["clusterLabel"],
                                   "product": row["product"], "productLabel": product, "metric": metric,
                                   "reference": row["reference"], "points": []})
        entry["points"].append({"x": row["potential"], "y": row["value"], "qualifier": row["qualifier"]})
    for entry in series.values():
        entry["points"].sort(key=lambda p: p["x"])
    return list(series.values())


# --- Linked-data representations ---------------------------------------------------------------------------------

def describe(store: GraphStore, iri: str) -> list[Triple]:
    """The RDF description of a resource (page-resource-describe.rq); empty when unknown."""
    return list(store.run("page-resource-describe", resource=NamedNode(iri)))


def schema_org(page: ResourcePage, url: str, cluster: ClusterPage | None = None) -> dict[str, Any]:
    """schema.org JSON-LD embedded in the HTML page (search engines, Bioschemas-aware harvesters)."""
    types = page.type_names
    doc: dict[str, Any] = {"@context": "https://schema.org", "@id": page.iri, "url": url, "name": page.label,
                           "identifier": page.iri}
    if NCKG + "CopperNanocluster" in types:
        doc["@type"] = "ChemicalSubstance"
        formula = page.first(NCKG + "formulaAsWritten")
        if formula:
            doc["chemicalComposition"] = formula.text
        alternates = [v.text for v in page.values(SKOS + "altLabel") if v.text != page.label]
        if alternates:
            doc["alternateName"] = alternates
    elif NCKG + "Chemical" in types or NCKG + "ChemicalEntity" in types or any(t.startswith(NCKG) and t.endswith("Ligand") for t in types):
        doc["@type"] = "MolecularEntity"
        for prop, key in ((NCKG + "molecularFormula", "molecularFormula"), (NCKG + "inchikey", "inChIKey"),
                          (NCKG + "inchi", "inChI"), (NCKG + "smiles", "smiles")):
            value = page.first(prop)
            if value:
                doc[key] = value.text
        if page.abbreviation:
            doc["alternateName"] = page.abbreviation
    elif NCKG + "Publication" in types:
        doc["@type"] = "ScholarlyArticle"
    elif NCKG + "Evidence" in types:
        doc["@type"] = "Quotation"
        quote = page.first(NCKG + "quote")
        if quote:
            doc["text"] = quote.text
    else:
        doc["@type"] = "Thing"
    if page.description:
        doc["description"] = page.description
    same = [s.value.value for s in page.external if s.property.value in (SKOS + "exactMatch", OWL + "sameAs")
            and s.value.is_iri]
    if same:
        doc["sameAs"] = same
    dois = sorted({q.primary_source.value for q in page.evidence if q.primary_source}
                  | {s.value.value for s in page.external if s.property.value == DCTERMS + "source" and s.value.is_doi}
                  | ({REVIEW_IRI} if page.evidence else set()))
    if dois:
        doc["citation"] = [{"@type": "ScholarlyArticle", "@id": d, "url": d,
                            "identifier": "doi:" + d[len("https://doi.org/"):]} for d in dois]
    doc["isPartOf"] = {"@type": "Dataset", "@id": DATASET_IRI, "name": "Nanocluster Knowledge Graph (nckg)",
                       "license": "https://creativecommons.org/licenses/by/4.0/"}
    return doc


def dataset_schema_org(base: str) -> dict[str, Any]:
    """schema.org Dataset JSON-LD for the landing page: licence, source, SPARQL endpoint and dumps (`base`: site root)."""
    return {
        "@context": "https://schema.org", "@type": "Dataset", "@id": DATASET_IRI, "url": base,
        "name": "Nanocluster Knowledge Graph (nckg)",
        "description": "A FAIR knowledge graph of atomically precise Cu nanoclusters: composition, ligands and "
                       "coordination modes, cores, syntheses, catalytic measurements and comparisons, each backed "
                       "by a verbatim quote from the review doi:10.1007/s40820-024-01555-6.",
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "isBasedOn": {"@type": "ScholarlyArticle", "@id": REVIEW_IRI, "url": REVIEW_IRI},
        "keywords": ["copper nanoclusters", "atomically precise nanoclusters", "catalysis", "CO2 reduction",
                     "knowledge graph"],
        "distribution": [{"@type": "DataDownload", "name": d.title, "encodingFormat": d.media_type,
                          "contentUrl": base + "download/" + d.name} for d in DUMPS.values()],
        "potentialAction": {"@type": "SearchAction", "target": base + "sparql?query={query}",
                            "query-input": "required name=query"},
    }


def json_script(doc: dict[str, Any]) -> str:
    """JSON for a <script> element (no `</` sequences that could close it)."""
    return json.dumps(doc, ensure_ascii=False, indent=1).replace("</", "<\\/")


# --- Dataset descriptions and dumps ------------------------------------------------------------------------------

def void_description(store: GraphStore, base: str) -> list[Triple]:
    """VoID description of the dataset (page-void.rq); relative IRIs resolve against `base` (the site root)."""
    return list(store.query(query_text("page-void"), base_iri=base))


def dcat_description(store: GraphStore, base: str) -> list[Triple]:
    """DCAT catalogue record of the dataset (page-dcat.rq); relative IRIs resolve against `base`."""
    return list(store.query(query_text("page-dcat"), base_iri=base))


@dataclass(frozen=True)
class Dump:
    name: str
    title: str
    media_type: str
    description: str


DUMPS: dict[str, Dump] = {d.name: d for d in (
    Dump("nckg.nq", "N-Quads", "application/n-quads", "Every named graph (one per source document, the ontology, "
         "imports and inferences), one quad per line."),
    Dump("nckg.trig", "TriG", "application/trig", "Every named graph, in the Turtle-like TriG syntax."),
    Dump("nckg.ttl", "Turtle", "text/turtle", "The union of the named graphs as one graph (graph names dropped)."),
)}


def dump(store: GraphStore, name: str) -> bytes:
    """A whole-graph dump: N-Quads / TriG keep the named graphs; Turtle is their union (export_union.rq)."""
    if name == "nckg.nq":
        return store.dump(RdfFormat.N_QUADS)
    if name == "nckg.trig":
        return store.dump(RdfFormat.TRIG)
    if name == "nckg.ttl":
        return serialize(store.union_triples(), format=RdfFormat.TURTLE, prefixes=PREFIXES)
    raise KeyError(name)


__all__ = [
    "CLUSTER_COLUMNS", "COUNT_ORDER", "DUMPS", "HYDRIDE_STATES", "PLOTS", "REFERENCE_NAMES", "SEARCH_COLUMNS",
    "ClusterPage", "Labels", "Quote", "ResourcePage", "Term", "cluster_facets", "cluster_page", "cluster_search_names",
    "cluster_table", "counts", "dcat_description", "describe", "dump", "fe_series", "labels", "plot_csv", "plot_json",
    "plot_table", "resource_page", "schema_org", "serialize_triples", "split_plottable", "void_description",
]
