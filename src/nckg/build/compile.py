"""Compile validated curated records into RDF quads (one named graph per source document)."""

from __future__ import annotations

import hashlib
from functools import cached_property

from pyoxigraph import Literal, NamedNode, Quad

from nckg.build import compile_detail as detail
from nckg.build import compile_shared as shared
from nckg.build.compile_findings import finding_quads
from nckg.build.rdf_values import count, literal
from nckg.sources import formula
from nckg.sources import quotes
from nckg.sources import reading
from nckg.namespaces import (DCTERMS, PROV, QUDT, RDF, RDFS, REVIEW_DOI, SKOS, doi_iri, resource, source_graph, term)
from nckg.sources.schema import Cluster, Evidenced
from nckg.sources.loading import Registry, SourceFile
from nckg.sources.vocabulary import Vocabulary

TYPE = NamedNode(RDF + "type")
LABEL = NamedNode(RDFS + "label")


_hash = detail.digest


def evidence_iri(item, source: SourceFile) -> NamedNode:
    """The evidence node of a quote: one per quote text (whatever the YAML layout), review section and paper.

    Records citing the same quote share it; the number of these nodes is what every count calls "quotes"."""
    text = " ".join(item.quote.split())
    key = f"{item.section}|{text}|{source.doi if source.data.source else ''}"
    if item.quoted_from and item.quoted_from.lower() != REVIEW_DOI:
        key += f"|{item.quoted_from.lower()}"
    return resource("evidence", hashlib.sha1(key.encode()).hexdigest()[:12])


class Emitter:
    """Adds quads for one data file into its named graph."""

    def __init__(self, source: SourceFile, registry: Registry, vocabulary: Vocabulary):
        self.source, self.registry, self.vocabulary = source, registry, vocabulary
        self.graph = source_graph(source.doi)
        self.quads: list[Quad] = []

    @cached_property
    def words(self) -> frozenset[str]:
        """The ligature word list of the reading texts (nckg.sources.reading.ligature_words of the source texts)."""
        return reading.ligature_words(document.text() for document in self.registry.documents.values())

    def add(self, s, p: str, o) -> None:
        """Add (s, nckg:p or full IRI, o); None objects are skipped, Python values become literals."""
        if o is None:
            return
        pred = NamedNode(p) if p.startswith("http") else term(p)
        obj = o if isinstance(o, (NamedNode, Literal)) else literal(o)
        self.quads.append(Quad(s, pred, obj, self.graph))

    def add_all(self, s, p: str, values) -> None:
        for value in values:
            self.add(s, p, value)

    def evidence(self, node, record: Evidenced) -> None:
        """Link a record to its quotes, each an nckg:Evidence with section, review and primary source."""
        for item in record.evidence:
            text = " ".join(item.quote.split())
            ev = evidence_iri(item, self.source)
            self.add(node, "hasEvidence", ev)
            self.add(ev, TYPE.value, term("Evidence"))
            self.add(ev, "quote", text)
            self.add(ev, "readingText", reading.reading_text(text, self.words))
            self.add(ev, "reviewSection", item.section)
            self.add(ev, PROV + "wasQuotedFrom", doi_iri(item.quoted_from or REVIEW_DOI))
            if self.source.data.source:
                self.add(ev, "primarySource", doi_iri(self.source.doi))
        self.add(node, "note", record.note)
        for field in record.interpreted:
            self.add(node, "interpretedField", field)

    def cluster_iri(self, ident: str) -> NamedNode:
        return resource("cluster", ident)

    def chemical(self, ident: str | None):
        return resource("chemical", ident) if ident else None

    def vocab(self, name: str | None):
        return term(name) if name else None

    def unit(self, notation: str) -> NamedNode:
        return NamedNode(self.vocabulary.units[notation])


OXIDATION_STATES = {"Cu(0)": "Cu0", "Cu(I)": "CuI", "Cu(II)": "CuII"}


def _cluster(e: Emitter, cl: Cluster) -> None:
    ligands = e.registry.ligand_records
    node = e.cluster_iri(cl.id)
    e.add(node, TYPE.value, term("CopperNanocluster"))
    written = quotes.plain(cl.formula_as_written)  # as printed, minus the extraction's LaTeX markup
    e.add(node, LABEL.value, e.registry.cluster_labels[cl.id])  # unique: what tells same-named clusters apart
    e.add_all(node, SKOS + "altLabel", cl.labels)  # the literature labels as the review writes them
    e.add(node, "formulaAsWritten", written)
    e.add(node, "canonicalFormula", formula.canonical_formula(cl, ligands))
    e.add(node, "formulaComplete", cl.formula_complete)
    e.add(node, "copperAtomCount", count(cl.composition.Cu))
    e.add(node, "hydrideCount", count(cl.composition.hydride))
    e.add(node, "charge", cl.charge)
    e.add(node, "variant", cl.variant)
    components = [("Cu", term("Cu"), cl.composition.Cu)]  # elements are ontology individuals (nckg:Cu, nckg:H)
    if cl.composition.hydride:
        components.append(("H", term("H"), cl.composition.hydride))
    components += [(item.ligand, resource("ligand", item.ligand), item.count) for item in cl.composition.ligands]
    for ident, component, n in components:
        part = NamedNode(f"{node.value}/component/{ident}")
        e.add(node, "hasComponent", part)
        e.add(part, TYPE.value, term("ComponentCount"))
        e.add(part, "component", component)
        e.add(part, "count", count(n))
        if n is None:  # the review names the ligand but not how many
            e.add(part, "countReported", False)
    e.add_all(node, "hasLigand", [resource("ligand", item.ligand) for item in cl.composition.ligands])
    for field, prop in (("counter_ions", "hasCounterIon"), ("solvates", "hasSolvate")):
        for item in getattr(cl, field):
            part = NamedNode(f"{node.value}/{field.replace('_', '-')}/{item.chemical}")
            e.add(node, prop, part)
            e.add(part, TYPE.value, term("ComponentCount"))
            e.add(part, "component", e.chemical(item.chemical))
            e.add(part, "count", count(item.count))
    for unit, prop, cls in ((cl.kernel, "hasKernel", "Kernel"), (cl.shell, "hasShell", "Shell")):
        if unit is None:
            continue
        part = NamedNode(f"{node.value}/{cls.lower()}")
        e.add(node, prop, part)
        e.add(part, TYPE.value, term(cls))
        e.add(part, "kernelFormula", unit.formula)
        e.add(part, "nuclearity", count(unit.nuclearity))
        e.add(part, "charge", getattr(unit, "charge", None))
        e.add(part, "hasGeometry", e.vocab(getattr(unit, "geometry", None)))
    e.add(node, "coreConfiguration", e.vocab(cl.core_configuration))
    e.add(node, "hasGeometry", e.vocab(cl.geometry))
    e.add_all(node, "hasActiveSiteMotif", [term(m) for m in cl.active_site_motifs])
    e.add(node, "statedFreeElectronCount", count(cl.free_electrons))
    derived = formula.free_electrons(cl, ligands)
    if derived is not None:
        e.add(node, "derivedFreeElectronCount", derived[0])
        e.add(node, "derivation", derived[1])
    detail.superatom_status(e, node, cl, derived[0] if derived else None)
    e.add_all(node, "oxidationState", [term(OXIDATION_STATES[state]) for state in cl.oxidation_states])
    e.add(node, "ligandsNotNamed", cl.ligands_not_named)
    if e.source.data.source:
        e.add(node, DCTERMS + "source", doi_iri(e.source.doi))
    e.evidence(node, cl)


def _synthesis(e: Emitter, syn) -> None:
    node = resource("synthesis", syn.id)
    e.add(node, TYPE.value, term("SynthesisProcedure"))
    e.add(node, "synthesisMethod", term(syn.method))
    e.add_all(node, "product", [e.cluster_iri(c) for c in syn.products])
    e.add_all(node, "sideProduct", [e.cluster_iri(c) for c in syn.side_products])
    e.add_all(node, "startingCluster", [e.cluster_iri(c) for c in syn.starting_clusters])
    for field, prop in (("copper_sources", "copperSource"), ("ligand_reagents", "ligandReagent"),
                        ("reductants", "reductant"), ("solvents", "solvent"), ("bases", "base"),
                        ("additives", "additive")):
        e.add_all(node, prop, [e.chemical(c) for c in getattr(syn, field)])
    e.add_all(node, "precursorText", syn.precursors)
    for order, step in enumerate(syn.steps, start=1):
        s = NamedNode(f"{node.value}/step/{order}")
        e.add(node, "hasStep", s)
        e.add(s, TYPE.value, term("SynthesisStep"))
        e.add(s, "stepOrder", count(order))
        e.add(s, "stepText", step.text)
        e.add(s, "colourFrom", step.colour_from)
        e.add(s, "colourTo", step.colour_to)
    for item in syn.yields:
        y = NamedNode(f"{node.value}/yield/{item.product}")
        e.add(node, "hasYield", y)
        e.add(y, TYPE.value, term("Yield"))
        e.add(y, "yieldOf", e.cluster_iri(item.product))
        e.add(y, "yieldPercent", float(item.value))
    e.add_all(node, "conditionText", [f"{k}: {v}" for k, v in syn.conditions.items()])
    detail.synthesis_conditions(e, node, syn)
    e.evidence(node, syn)


def _measurement(e: Emitter, m) -> None:
    node = resource("measurement", f"{m.cluster}-{m.metric.lower()}-{_hash(detail.identity_fields(m))}")
    e.add(node, TYPE.value, term("Measurement"))
    e.add(node, "catalyst" if m.reaction else "measuredOn", e.cluster_iri(m.cluster))
    e.add(node, "reaction", e.vocab(m.reaction))
    e.add(node, "measuredProduct", e.chemical(m.product))
    e.add(node, "metric", term(m.metric))
    for field, prop in (("value", "value"), ("value_min", "valueMin"), ("value_max", "valueMax")):
        number = getattr(m, field)
        e.add(node, prop, number)
    e.add(node, QUDT + "unit", e.unit(m.unit))
    e.add(node, "unitAsWritten", m.unit)
    e.add(node, "qualifier", m.qualifier)
    e.add(node, "method", e.vocab(m.method))
    if c := m.conditions:
        e.add(node, "potentialVsRHE", c.potential_v_rhe)
        e.add(node, "appliedPotential", c.potential_v)
        for value, reference in ((c.potential_v_rhe, REFERENCE_RHE), (c.potential_v, REFERENCE_NOT_STATED)):
            if value is not None:  # the super-property, materialised, with the reference electrode as data
                e.add(node, "potential", value)
                e.add(node, "referenceElectrode", reference)
        e.add(node, "overpotential", c.overpotential_v)
        e.add(node, "electrolyte", c.electrolyte)
        e.add(node, "light", c.light)
        detail.light(e, node, c)
        e.add(node, "support", e.chemical(c.support))
        if c.loading:
            e.add(node, "loadingValue", float(c.loading.value))
            e.add(node, "loadingUnit", e.unit(c.loading.unit))
        if c.time:
            e.add(node, "durationValue", float(c.time.value))
            e.add(node, "durationUnit", e.unit(c.time.unit))
        e.add(node, "temperatureText", c.temperature)
        e.add(node, "conditionText", c.text)
    detail.band_edge_reference(e, node, m)
    e.evidence(node, m)


REFERENCE_RHE, REFERENCE_NOT_STATED = "RHE", "not stated"


def _comparison(e: Emitter, cmp) -> None:
    fields = cmp.model_dump(exclude={"evidence"} | ({"product"} if cmp.product is None else set()))  # stable IRIs
    node = resource("comparison", f"{cmp.better}-vs-{cmp.worse}-{_hash(fields)}")
    e.add(node, TYPE.value, term("Comparison"))
    e.add(node, "better", e.cluster_iri(cmp.better))
    e.add(node, "worse", e.cluster_iri(cmp.worse))
    e.add(node, "comparedMetric", term(cmp.metric))
    e.add(node, "reaction", e.vocab(cmp.reaction))
    e.add(node, "comparedProduct", e.chemical(cmp.product))
    e.add(node, "ratio", cmp.ratio)
    e.add(node, "ratioText", cmp.ratio_text)
    e.add(node, "structuralDifference", e.vocab(cmp.structural_difference))
    e.add(node, "explanation", cmp.explanation)
    e.evidence(node, cmp)


def _reified(e: Emitter, s, p: NamedNode, o, record: Evidenced) -> NamedNode:
    """Assert (s p o) and attach the record's evidence to an rdf:Statement about it."""
    e.add(s, p.value, o)
    statement = resource("statement", _hash(s.value, p.value, o.value))
    e.add(statement, TYPE.value, NamedNode(RDF + "Statement"))
    e.add(statement, RDF + "subject", s)
    e.add(statement, RDF + "predicate", p)
    e.add(statement, RDF + "object", o)
    e.evidence(statement, record)
    return statement


def _relation(e: Emitter, rel) -> None:
    _reified(e, e.cluster_iri(rel.subject), term(rel.predicate), e.cluster_iri(rel.object), rel)


def _application(e: Emitter, app) -> None:
    statement = _reified(e, e.cluster_iri(app.cluster), term("catalyses"), term(app.reaction), app)
    detail.light(e, statement, app)


def _characterisation(e: Emitter, ch) -> None:
    node = detail.characterisation_iri(ch)
    e.add(e.cluster_iri(ch.cluster), "characterisedBy", node)
    e.add(node, TYPE.value, term("Characterisation"))
    e.add(node, "characterisationMethod", term(ch.method))
    e.add(node, "observation", ch.observation)
    detail.light(e, node, ch)
    e.evidence(node, ch)


EMITTERS = {
    "clusters": _cluster, "syntheses": _synthesis, "measurements": _measurement, "comparisons": _comparison,
    "relations": _relation, "applications": _application, "characterisations": _characterisation,
    "ligands": shared.ligand, "chemicals": shared.chemical, "publications": shared.publication,
    "half_reactions": shared.half_reaction, "coordination_modes": shared.coordination_mode,
    "concepts": shared.concept, "perspectives": shared.perspective, "synthesis_methods": shared.synthesis_method,
    "hydride_sites": detail.hydride_site, "vacancies": detail.vacancy, "durability": detail.durability,
}


def compile_file(source: SourceFile, registry: Registry, vocabulary: Vocabulary) -> list[Quad]:
    """All quads of one data file, in its source-document graph."""
    e = Emitter(source, registry, vocabulary)  # the paper itself is described once, by its references.yaml entry
    for kind, emit in EMITTERS.items():
        for record in getattr(source.data, kind):
            emit(e, record)
    detail.derived_band_gaps(e, source.data.measurements)
    return e.quads


def document_quads(documents) -> list[Quad]:
    """The licence, attribution and citation of each source document under data/sources/, in the review's graph."""
    graph = source_graph(REVIEW_DOI)
    quads = []
    for doc in documents.values():
        node = doi_iri(doc.doi)
        quads += [Quad(node, NamedNode(DCTERMS + "license"), NamedNode(doc.record.licence_url), graph),
                  Quad(node, NamedNode(DCTERMS + "rights"), Literal(" ".join(doc.record.attribution.split())), graph),
                  Quad(node, NamedNode(DCTERMS + "bibliographicCitation"),
                       Literal(" ".join(doc.record.citation.split())), graph)]
    return quads


def compile_all(registry: Registry, vocabulary: Vocabulary) -> list[Quad]:
    """Quads of every data file and source document; every shared entity is described by one file only."""
    quads = [quad for source in registry.files for quad in compile_file(source, registry, vocabulary)]
    issues = detail.source_issues(registry, lambda source: Emitter(source, registry, vocabulary))
    findings = finding_quads(registry, lambda source: Emitter(source, registry, vocabulary))  # chemistry checks
    return quads + issues + findings + document_quads(registry.documents)
