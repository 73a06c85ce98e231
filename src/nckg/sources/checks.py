"""Cross-file checks of the curated sources: ids, references, vocabulary, quotes and numbers."""

from __future__ import annotations

from typing import Iterable

from nckg.sources import formula
from nckg.sources import quotes
from nckg.sources.documents import SourceDocument, load_documents
from nckg.namespaces import REVIEW_DOI
from nckg.sources.schema import Evidenced
from nckg.sources.loading import Registry, SourceError, SourceFile
from nckg.sources.vocabulary import Vocabulary

# numeric fields that are curation conventions or external identifiers, not numbers read from the text
NOT_FROM_TEXT = {"electrons_withdrawn", "pubchem_cid"}
# formula notation leaves a count or charge of one unwritten ("[Cu8H(...)]+", "]Cl")
IMPLICIT_ONE = {"charge", "count", "hydride"}


def build_registry(files: list[SourceFile]) -> tuple[Registry, list[SourceError]]:
    """Index records by id; a duplicate id is an error at its second definition."""
    registry, errors = Registry(files), []
    for kind in ("clusters", "ligands", "chemicals", "syntheses", "coordination_modes"):
        index = getattr(registry, kind)
        for source, i, record in registry.records(kind):
            if record.id in index:
                first = index[record.id][0]
                errors.append(source.error((kind, i, "id"), f"duplicate {kind[:-1]} id {record.id!r} "
                                                              f"(first defined in {first.path.name})"))
            else:
                index[record.id] = (source, record)
    for source, i, record in registry.records("publications"):
        if record.doi.lower() in registry.publications:
            errors.append(source.error(("publications", i, "doi"), f"duplicate publication DOI {record.doi}"))
        registry.publications[record.doi.lower()] = (source, record)
    return registry, errors


def _numbers(value, key: str = "") -> Iterable[tuple[str, float]]:
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, (int, float)):
        yield key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _numbers(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _numbers(v, key)


def check_evidence(source: SourceFile, loc: tuple, record: Evidenced,
                   documents: dict[str, SourceDocument] | None = None) -> list[SourceError]:
    """Every quote occurs in the text of the document it cites; every number of the record occurs in its quotes."""
    documents = load_documents() if documents is None else documents
    errors = []
    for j, item in enumerate(record.evidence):
        doi = (item.quoted_from or REVIEW_DOI).lower()
        if doi not in documents:
            errors.append(source.error(loc + ("evidence", j, "quoted_from"),
                                       f"no source document with DOI {doi} in data/sources/ (add its text and record)"))
        elif not documents[doi].contains(item.quote):
            errors.append(source.error(loc + ("evidence", j, "quote"),
                                       f"quote not found in the text of {documents[doi].record.text}"))
    skip = {"evidence", "note", "interpreted", *record.interpreted}
    fields = record.model_dump(exclude=skip)
    for key, number in _numbers(fields):
        if key in NOT_FROM_TEXT or (key == "charge" and number == 0) or (key in IMPLICIT_ONE and number == 1):
            continue
        if not quotes.number_in(number, record.quotes()):
            errors.append(source.error(loc, f"number {number:g} ({key}) does not occur in the record's quotes"))
    return errors


def draft_markers(registry: Registry) -> list[SourceError]:
    """A record proposed by `nckg draft` still marked `status: draft` (or carrying its `confidence`) is refused:
    nothing drafted reaches the graph until a curator has reviewed it and removed both keys."""
    errors = []
    for source in registry.files:
        for kind in type(source.data).model_fields:
            for i, record in enumerate(getattr(source.data, kind) or []):
                if isinstance(record, Evidenced) and (record.status or record.confidence is not None):
                    key = "status" if record.status else "confidence"
                    errors.append(source.error((kind, i, key), f"{kind[:-1]} is still a draft (status: draft): "
                                               "review it against its quote, then remove `status` and `confidence`"))
    return errors


def _ligand_links(source: SourceFile, loc: tuple, cluster) -> list[SourceError]:
    """A cluster links its ligands, or states in `ligands_not_named` why it cannot (the review names none)."""
    if not cluster.composition.ligands and not cluster.ligands_not_named:
        return [source.error(loc + ("composition",), f"cluster {cluster.id!r} has no ligand: add the ligands the "
                             "review names (count: null where it gives no count) or say in `ligands_not_named` "
                             "why there are none")]
    if cluster.composition.ligands and cluster.ligands_not_named:
        return [source.error(loc + ("ligands_not_named",), f"cluster {cluster.id!r} has ligands and "
                                                            "`ligands_not_named`; keep one")]
    return []


class _Checker:
    """Collects reference and vocabulary problems for one registry."""

    def __init__(self, registry: Registry, vocabulary: Vocabulary):
        self.registry, self.vocabulary, self.errors = registry, vocabulary, []

    def ref(self, source, loc, kind: str, value) -> None:
        if value is not None and value not in getattr(self.registry, kind):
            self.errors.append(source.error(loc, f"unknown {kind[:-1]} id {value!r}"))

    def refs(self, source, loc, kind: str, values) -> None:
        for j, value in enumerate(values):
            self.ref(source, loc + (j,), kind, value)

    def term(self, source, loc, kind: str, value) -> None:
        if value is not None and not self.vocabulary.knows(kind, value):
            known = ", ".join(sorted(self.vocabulary.individuals.get(kind, ())))
            self.errors.append(source.error(loc, f"unknown {kind.replace('_', ' ')} {value!r}; known: {known}"))

    def family(self, source, loc, value: str) -> None:
        if value not in self.vocabulary.ligand_families:
            self.errors.append(source.error(loc, f"unknown ligand family {value!r}"))

    def unit(self, source, loc, value) -> None:
        if value is not None and value not in self.vocabulary.units:
            self.errors.append(source.error(loc, f"unknown unit {value!r}; known: "
                                                 f"{', '.join(sorted(self.vocabulary.units))}"))


def _check_detail(c: _Checker, registry: Registry) -> None:
    """References of the detailed records: hydride sites, vacancies, durability, alternative routes, superatoms."""
    for s, i, site in registry.records("hydride_sites"):
        c.ref(s, ("hydride_sites", i, "cluster"), "clusters", site.cluster)
        c.ref(s, ("hydride_sites", i, "mode"), "coordination_modes", site.mode)
        mode = registry.coordination_modes.get(site.mode)
        if mode and mode[1].ligand_family != "HydrideLigand":
            c.errors.append(s.error(("hydride_sites", i, "mode"), f"{site.mode!r} is not a hydride mode"))
    for s, i, vac in registry.records("vacancies"):
        c.ref(s, ("vacancies", i, "cluster"), "clusters", vac.cluster)
        c.ref(s, ("vacancies", i, "parent"), "clusters", vac.parent)
    for s, i, d in registry.records("durability"):
        loc = ("durability", i)
        c.ref(s, loc + ("cluster",), "clusters", d.cluster)
        c.term(s, loc + ("reaction",), "reaction", d.reaction)
        for j, method in enumerate(d.post_characterisation):
            c.term(s, loc + ("post_characterisation", j), "characterisation_method", method)
        if d.duration:
            c.unit(s, loc + ("duration", "unit"), d.duration.unit)
    for s, i, syn in registry.records("syntheses"):
        c.ref(s, ("syntheses", i, "alternative_to"), "syntheses", syn.alternative_to)
    for s, i, cl in registry.records("clusters"):
        if cl.superatom_stated is not None and not any("superatom" in q.lower() for q in cl.quotes()):
            c.errors.append(s.error(("clusters", i, "superatom_stated"), "a stated superatom status needs a quote "
                                                                         "saying \"superatom\""))


def check(registry: Registry, vocabulary: Vocabulary, *, verify_quotes: bool = True,
          documents: dict[str, SourceDocument] | None = None) -> list[SourceError]:
    """Every cross-file problem of the registry (empty list when the data is consistent).

    Quotes are checked against `documents` (default: data/sources/ of the project)."""
    c = _Checker(registry, vocabulary)
    c.errors += draft_markers(registry)
    for s in registry.files:  # a paper is described once, by its entry of the reference list
        if s.data.source and registry.publications:
            entry = registry.publications.get(s.data.source.doi.lower())
            if entry is None:
                c.errors.append(s.error(("source", "doi"), f"source DOI {s.data.source.doi} is not in the "
                                                           "reference list (data/references.yaml)"))
            elif entry[1].ref != s.data.source.ref:
                c.errors.append(s.error(("source", "ref"), f"source ref {s.data.source.ref} but the reference "
                                                           f"list numbers {s.data.source.doi} {entry[1].ref}"))
    for s, i, cl in registry.records("clusters"):
        loc = ("clusters", i)
        expected = formula.slug(cl)
        if cl.id != expected:
            c.errors.append(s.error(loc + ("id",), f"cluster id {cl.id!r} does not match its composition; "
                                                   f"expected {expected!r}"))
        for j, item in enumerate(cl.composition.ligands):
            c.ref(s, loc + ("composition", "ligands", j, "ligand"), "ligands", item.ligand)
            if item.count is None and cl.formula_complete:
                c.errors.append(s.error(loc + ("composition", "ligands", j, "count"),
                                        "a complete formula states every ligand count (count: null needs "
                                        "formula_complete: false)"))
        c.errors += _ligand_links(s, loc, cl)
        for field in ("counter_ions", "solvates"):
            for j, item in enumerate(getattr(cl, field)):
                c.ref(s, loc + (field, j, "chemical"), "chemicals", item.chemical)
        c.term(s, loc + ("core_configuration",), "core_configuration", cl.core_configuration)
        c.term(s, loc + ("geometry",), "geometry", cl.geometry)
        if cl.kernel:
            c.term(s, loc + ("kernel", "geometry"), "geometry", cl.kernel.geometry)
        for j, motif in enumerate(cl.active_site_motifs):
            c.term(s, loc + ("active_site_motifs", j), "active_site_motif", motif)
    for s, i, syn in registry.records("syntheses"):
        loc = ("syntheses", i)
        c.term(s, loc + ("method",), "synthesis_method", syn.method)
        for field in ("products", "side_products", "starting_clusters"):
            c.refs(s, loc + (field,), "clusters", getattr(syn, field))
        for field in ("copper_sources", "ligand_reagents", "reductants", "solvents", "bases", "additives"):
            c.refs(s, loc + (field,), "chemicals", getattr(syn, field))
        for j, item in enumerate(syn.yields):
            if item.product not in syn.products + syn.side_products:
                c.errors.append(s.error(loc + ("yields", j, "product"),
                                        f"yield product {item.product!r} is not a product of this synthesis"))
    for s, i, m in registry.records("measurements"):
        loc = ("measurements", i)
        c.ref(s, loc + ("cluster",), "clusters", m.cluster)
        c.ref(s, loc + ("product",), "chemicals", m.product)
        c.term(s, loc + ("reaction",), "reaction", m.reaction)
        c.term(s, loc + ("metric",), "metric", m.metric)
        c.term(s, loc + ("method",), "characterisation_method", m.method)
        c.unit(s, loc + ("unit",), m.unit)
        if m.conditions:
            c.ref(s, loc + ("conditions", "support"), "chemicals", m.conditions.support)
            for field in ("loading", "time"):
                if (quantity := getattr(m.conditions, field)) is not None:
                    c.unit(s, loc + ("conditions", field, "unit"), quantity.unit)
    for s, i, cmp in registry.records("comparisons"):
        loc = ("comparisons", i)
        c.ref(s, loc + ("better",), "clusters", cmp.better)
        c.ref(s, loc + ("worse",), "clusters", cmp.worse)
        c.term(s, loc + ("metric",), "metric", cmp.metric)
        c.term(s, loc + ("reaction",), "reaction", cmp.reaction)
        c.ref(s, loc + ("product",), "chemicals", cmp.product)
        c.term(s, loc + ("structural_difference",), "structural_difference", cmp.structural_difference)
    for s, i, rel in registry.records("relations"):
        loc = ("relations", i)
        c.ref(s, loc + ("subject",), "clusters", rel.subject)
        c.ref(s, loc + ("object",), "clusters", rel.object)
        if rel.predicate not in vocabulary.relations:
            c.errors.append(s.error(loc + ("predicate",), f"unknown relation {rel.predicate!r}"))
    for s, i, app in registry.records("applications"):
        c.ref(s, ("applications", i, "cluster"), "clusters", app.cluster)
        c.term(s, ("applications", i, "reaction"), "reaction", app.reaction)
    for s, i, ch in registry.records("characterisations"):
        c.ref(s, ("characterisations", i, "cluster"), "clusters", ch.cluster)
        c.term(s, ("characterisations", i, "method"), "characterisation_method", ch.method)
    for s, i, lig in registry.records("ligands"):
        loc = ("ligands", i)
        c.family(s, loc + ("family",), lig.family)
        c.ref(s, loc + ("precursor",), "chemicals", lig.precursor)
        c.refs(s, loc + ("coordination_modes",), "coordination_modes", lig.coordination_modes)
    for s, i, hr in registry.records("half_reactions"):
        c.ref(s, ("half_reactions", i, "product"), "chemicals", hr.product)
        c.term(s, ("half_reactions", i, "reaction"), "reaction", hr.reaction)
    for s, i, mode in registry.records("coordination_modes"):
        c.family(s, ("coordination_modes", i, "ligand_family"), mode.ligand_family)
        c.ref(s, ("coordination_modes", i, "broader"), "coordination_modes", mode.broader)
    for s, i, p in registry.records("perspectives"):
        for field, kind in (("core_configurations", "core_configuration"),
                            ("characterisation_methods", "characterisation_method")):
            for j, name in enumerate(getattr(p, field)):
                c.term(s, ("perspectives", i, field, j), kind, name)
        for j, family in enumerate(p.ligand_families):
            c.family(s, ("perspectives", i, "ligand_families", j), family)
    for s, i, note in registry.records("synthesis_methods"):
        c.term(s, ("synthesis_methods", i, "id"), "synthesis_method", note.id)
    _check_detail(c, registry)
    if verify_quotes:
        documents = load_documents() if documents is None else documents
        for source in registry.files:
            for kind in type(source.data).model_fields:
                for i, record in enumerate(getattr(source.data, kind) or []):
                    if isinstance(record, Evidenced):
                        c.errors.extend(check_evidence(source, (kind, i), record, documents))
    return c.errors
