"""The page model of any resource (its statements, parts, incoming links, evidence), its RDF description and its
schema.org JSON-LD."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import NamedNode, Triple

from nckg.namespaces import BIBO, DCTERMS, NCKG, NCKR, OWL, RDFS, SKOS
from nckg.store.graph import GraphStore
from nckg.model.terms import DATASET_IRI, INFERRED_GRAPH, RDF_TYPE, REVIEW_IRI, Term, labels, rows_of

SCHEMA = "https://schema.org/"

# Properties whose values identify the resource elsewhere (shown as "External identifiers").
EXTERNAL_PROPERTIES = (
    SKOS + "exactMatch", SKOS + "closeMatch", SKOS + "broadMatch", SKOS + "narrowMatch", SKOS + "relatedMatch",
    OWL + "sameAs", RDFS + "seeAlso", NCKG + "inchikey", NCKG + "inchi", NCKG + "smiles", NCKG + "pubchemCID",
    NCKG + "molecularFormula", BIBO + "doi", DCTERMS + "source",
)
# Shown in their own sections, not in the property table.
_SECTIONED = {RDF_TYPE, NCKG + "hasEvidence"}



# --- Evidence --------------------------------------------------------------------------------------------------

@dataclass
class Quote:
    """A quote from the review supporting a record: `quote` is its reading text (nckg:readingText, the verbatim
    text where the graph has none), `verbatim` the exact text the quote check verifies (nckg:quote)."""

    evidence: Term
    quote: str
    section: str = ""
    primary_source: Term | None = None
    quoted_from: Term | None = None
    about: Term | None = None
    verbatim: str = ""


def _quote(row: dict, about: str = "about") -> Quote:
    return Quote(evidence=row["evidence"], quote=(row.get("readingText") or row["quote"]).value,
                 verbatim=row["quote"].value,
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
    for row in rows_of(store.run("page-resource-properties", resource=node), lab):
        graph = row["graph"].value if row["graph"] else ""
        if row["subject"] is None:
            own.append((row["property"], row["value"], graph))
        else:
            parts_rows[row["subject"].value].append((row["property"], row["value"], graph))
    incoming = [Incoming(r["subject"], r["property"], r["parent"], r["graph"].value if r["graph"] else "")
                for r in rows_of(store.run("page-resource-incoming", resource=node), lab)]
    if not own and not incoming:
        return None
    statements = _merge(own)
    types = [s for s in statements if s.property.value == RDF_TYPE]
    asserted = [s.value for s in types if not s.inferred]
    inferred = [s.value for s in types if s.inferred and s.value.value != OWL + "Thing"]
    evidence = [_quote(r) for r in rows_of(store.run("page-resource-evidence", resource=node), lab)]
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


# --- Linked-data representations ---------------------------------------------------------------------------------

def describe(store: GraphStore, iri: str) -> list[Triple]:
    """The RDF description of a resource (page-resource-describe.rq); empty when unknown."""
    return list(store.run("page-resource-describe", resource=NamedNode(iri)))


def schema_org(page: ResourcePage, url: str, cluster: Any = None) -> dict[str, Any]:
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
