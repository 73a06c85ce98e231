"""Quads of the detailed chemistry records (hydride sites, vacancies, durability, light sources, synthesis-condition
fields, superatom status) and of the values derived from them (band gaps, source issues for a curator)."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

from pyoxigraph import Quad

from nckg.namespaces import QUDT, RDF, resource, term
from nckg.sources import formula
from nckg.sources.schema_detail import LIGHT_BANDS, SYNTHESIS_CONDITIONS

TYPE = RDF + "type"
NOT_STATED = "not stated"
BAND_EDGES = ("ConductionBandMinimum", "ValenceBandMaximum")


def digest(*parts) -> str:
    """A short stable hash of JSON-able parts (the suffix of record IRIs without an id)."""
    return hashlib.sha1(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:8]


def _part_of_cluster(e, record, kind: str, cls: str, link: str, *identity):
    """The node `nckr:<kind>/<cluster>-<digest of identity>` of a record about a cluster, typed and linked from it."""
    node = resource(kind, f"{record.cluster}-{digest(*identity)}")
    e.add(e.cluster_iri(record.cluster), link, node)
    e.add(node, TYPE, term(cls))
    return node


def hydride_site(e, site) -> None:
    node = _part_of_cluster(e, site, "hydride-site", "HydrideSite", "hasHydrideSite",
                            site.mode, site.location, site.model, site.role)
    e.add(node, "coordinationMode", resource("coordination-mode", site.mode))
    e.add(node, "siteCount", site.count)
    e.add(node, "siteLocation", site.location)
    e.add(node, "catalyticRole", site.role)
    e.add(node, "computedModel", site.model)
    e.evidence(node, site)


def vacancy(e, vac) -> None:
    node = _part_of_cluster(e, vac, "vacancy", "MetalVacancy", "hasVacancy", vac.parent, vac.site)
    e.add(node, "missingElement", term(vac.element))
    e.add(node, "missingAtomCount", vac.count)
    e.add(node, "relativeTo", e.cluster_iri(vac.parent) if vac.parent else None)
    e.add(node, "vacancySite", vac.site)
    e.add(node, "siteLocation", vac.location)
    e.evidence(node, vac)


def durability(e, d) -> None:
    node = _part_of_cluster(e, d, "durability", "DurabilityEvidence", "hasDurabilityEvidence",
                            d.test, d.duration, d.cycles, d.media, d.retained)
    e.add(node, "reaction", e.vocab(d.reaction))
    e.add(node, "durabilityTest", d.test)
    if d.duration:
        e.add(node, "testDurationValue", float(d.duration.value))
        e.add(node, "testDurationUnit", e.unit(d.duration.unit))
    e.add(node, "testPotential", d.potential_v)
    e.add(node, "cycleCount", d.cycles)
    e.add_all(node, "exposedTo", d.media)
    e.add(node, "retainedPerformance", d.retained)
    e.add_all(node, "postReactionCharacterisation", [term(m) for m in d.post_characterisation])
    e.add_all(node, "postReactionRecord", _post_reaction_records(e.registry, d))
    e.evidence(node, d)


# condition fields added after measurement IRIs were minted: left out of the IRI hash, so IRIs stay stable
UNHASHED_CONDITIONS = {"light_source", "wavelength_nm", "reference"}


def identity_fields(m) -> dict:
    """The fields of a measurement its IRI is hashed from (all but evidence and the later condition fields)."""
    exclude = {"evidence": True, "conditions": UNHASHED_CONDITIONS} if m.conditions else {"evidence"}
    return m.model_dump(exclude=exclude)


def characterisation_iri(ch):
    return resource("characterisation", f"{ch.cluster}-{ch.method.lower()}-{digest(ch.observation)}")


def _post_reaction_records(registry, d) -> list:
    """The characterisation records of the cluster that report the post-reaction check: same method, same quote."""
    quotes = {" ".join(q.split()) for q in d.quotes()}
    return [characterisation_iri(ch) for _, _, ch in registry.records("characterisations")
            if ch.cluster == d.cluster and ch.method in d.post_characterisation
            and quotes & {" ".join(q.split()) for q in ch.quotes()}]


def light(e, node, conditions_or_record) -> None:
    """The light source (LED type or band) and wavelength of a measurement, application or characterisation."""
    e.add(node, "lightSource", getattr(conditions_or_record, "light_source", None))
    e.add(node, "wavelength", getattr(conditions_or_record, "wavelength_nm", None))


def band_edge_reference(e, node, m) -> None:
    """A band edge carries the potential scale the review states, or "not stated"."""
    if m.metric in BAND_EDGES:
        e.add(node, "energyReference", (m.conditions.reference if m.conditions else None) or NOT_STATED)


def synthesis_conditions(e, node, syn) -> None:
    """Condition fields, each with its value or an explicit nckg:conditionNotStated naming the field."""
    e.add(node, "reactionTemperature", syn.temperature)
    e.add(node, "reactionTime", syn.time)
    e.add(node, "atmosphere", syn.atmosphere)
    for item in syn.equivalents:
        e.add(node, "equivalentsText", f"{item.value:g} equiv. {item.reagent}")
    e.add(node, "alternativeRouteTo", resource("synthesis", syn.alternative_to) if syn.alternative_to else None)
    stated = {"solvent": syn.solvents, "temperature": syn.temperature, "time": syn.time,
              "equivalents": syn.equivalents, "atmosphere": syn.atmosphere,
              "colour change": [s for s in syn.steps if s.colour_from or s.colour_to]}
    e.add_all(node, "conditionNotStated", [field for field in SYNTHESIS_CONDITIONS if not stated[field]])


def superatom_status(e, node, cl, derived: int | None) -> None:
    """Stated (the review's words) and derived (electron counting) superatom status, kept apart."""
    e.add(node, "statedSuperatom", cl.superatom_stated)
    if derived is not None:
        e.add(node, "derivedSuperatom", derived >= 1)


def _issue(e, cluster: str, kind: str, text: str) -> None:
    node = resource("source-issue", f"{cluster}-{digest(kind)}")
    e.add(node, TYPE, term("SourceIssue"))
    e.add(node, "issueAbout", e.cluster_iri(cluster))
    e.add(node, "issueKind", kind)
    e.add(node, "issueText", text)


def _lights(registry) -> dict[str, list[tuple[str, str]]]:
    """Cluster id -> (light source, where) of every record naming one."""
    found = defaultdict(list)
    for _, _, m in registry.records("measurements"):
        if m.conditions and m.conditions.light_source:
            found[m.cluster].append((m.conditions.light_source, f"{m.metric} measurement"))
    for kind in ("applications", "characterisations"):
        for _, _, rec in registry.records(kind):
            if rec.light_source:
                found[rec.cluster].append((rec.light_source, kind[:-1]))
    return found


def source_issues(registry, emitter) -> list[Quad]:
    """Problems of the source a curator should look at: conflicting light sources, odd or negative derived
    free-electron counts (a superatom count is even; an odd one points at a miscounted formula). Each issue goes
    into the graph of the file defining its cluster; `emitter(source)` makes the Emitter of a file."""
    quads = []
    for ident, lights in sorted(_lights(registry).items()):
        bands = {LIGHT_BANDS[name] for name, _ in lights} - {None}
        if len(bands) > 1:
            e = emitter(registry.clusters[ident][0])
            text = "; ".join(f"{name} ({where})" for name, where in sorted(set(lights)))
            _issue(e, ident, "conflicting light sources",
                   f"the review names different light sources for this cluster: {text}")
            quads += e.quads
    for source, _, cl in registry.records("clusters"):
        derived = formula.free_electrons(cl, registry.ligand_records)
        if derived is not None and (derived[0] < 0 or derived[0] % 2):
            kind = "negative derived electron count" if derived[0] < 0 else "odd derived electron count"
            e = emitter(source)
            _issue(e, cl.id, kind, f"derived free-electron count {derived[0]} ({derived[1]}); check the formula "
                                   "and charge")
            quads += e.quads
    return quads


def derived_band_gaps(e, measurements) -> None:
    """A band gap derived from the stored band edges of one cluster (VBM − CBM on the same stated scale), marked
    nckg:derivation, where the review states no band gap for it; it cites the edges' quotes."""
    edges = defaultdict(dict)
    for m in measurements:
        if m.metric in BAND_EDGES and m.value is not None:
            scale = (m.conditions.reference if m.conditions else None) or NOT_STATED
            edges[(m.cluster, scale)][m.metric] = m
    stated = {m.cluster for m in measurements if m.metric == "BandGap"}
    for (cluster, scale), pair in sorted(edges.items()):
        if len(pair) < 2 or cluster in stated:
            continue
        cbm, vbm = pair["ConductionBandMinimum"], pair["ValenceBandMaximum"]
        gap = round(vbm.value - cbm.value, 6)
        node = resource("measurement", f"{cluster}-bandgap-derived")
        e.add(node, TYPE, term("Measurement"))
        e.add(node, "measuredOn", e.cluster_iri(cluster))
        e.add(node, "metric", term("BandGap"))
        e.add(node, "value", gap)
        e.add(node, QUDT + "unit", e.unit("eV"))
        e.add(node, "unitAsWritten", "eV")
        e.add(node, "derivation", f"VBM {vbm.value:g} V − CBM {cbm.value:g} V = {gap:g} eV "
                                  f"(band edges on the same scale, reference {scale})")
        for record in (cbm, vbm):
            e.evidence(node, record.model_copy(update={"note": None, "interpreted": []}))
