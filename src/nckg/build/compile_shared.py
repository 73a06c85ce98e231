"""Quads of the shared entities and topics the review's registries describe once: ligands and chemicals with their
identifiers, publications, Table 2 half-reactions, coordination modes, section 1 concepts, section 4 perspectives and
the synthesis-method notes (emitters called by nckg.build.compile with its Emitter)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode

from nckg.build.rdf_values import count
from nckg.namespaces import (BIBO, DCTERMS, FABIO, OBO, PUBCHEM, RDF, RDFS, SKOS, WD, XSD, doi_iri, resource, term)

if TYPE_CHECKING:
    from nckg.build.compile import Emitter

TYPE = NamedNode(RDF + "type")
LABEL = NamedNode(RDFS + "label")


def ligand(e: Emitter, lig) -> None:
    node = resource("ligand", lig.id)
    e.add(node, TYPE.value, term(lig.family))
    e.add(node, LABEL.value, lig.name)
    e.add(node, "abbreviation", lig.abbreviation)
    e.add_all(node, "bindingAtom", [term(atom) for atom in lig.binding_atoms])
    e.add(node, "electronsWithdrawn", count(lig.electrons_withdrawn))
    e.add(node, "precursorMolecule", e.chemical(lig.precursor))
    e.add_all(node, SKOS + "altLabel", lig.synonyms)
    _identifiers(e, node, lig)
    e.evidence(node, lig)


def _identifiers(e: Emitter, node, rec) -> None:
    """Structure strings and verified external identifiers (skos:exactMatch to ChEBI, PubChem, Wikidata)."""
    e.add(node, "molecularFormula", rec.formula)
    e.add(node, "smiles", rec.smiles)
    e.add(node, "inchi", rec.inchi)
    e.add(node, "inchikey", rec.inchikey)
    if rec.chebi:
        e.add(node, SKOS + "exactMatch", NamedNode(OBO + rec.chebi.replace(":", "_")))
    if rec.pubchem_cid:
        e.add(node, "pubchemCID", rec.pubchem_cid)
        e.add(node, SKOS + "exactMatch", NamedNode(f"{PUBCHEM}{rec.pubchem_cid}"))
    if rec.wikidata:
        e.add(node, SKOS + "exactMatch", NamedNode(WD + rec.wikidata))


def chemical(e: Emitter, chem) -> None:
    node = resource("chemical", chem.id)
    e.add(node, TYPE.value, term("Chemical"))
    e.add(node, LABEL.value, chem.name)
    e.add_all(node, SKOS + "altLabel", chem.synonyms)
    _identifiers(e, node, chem)
    e.add_all(node, "role", chem.roles)
    e.evidence(node, chem)


def publication(e: Emitter, pub) -> None:
    node = doi_iri(pub.doi)
    e.add(node, TYPE.value, term("Publication"))
    e.add(node, BIBO + "doi", pub.doi.lower())
    e.add(node, "referenceNumber", pub.ref)
    e.add(node, DCTERMS + "title", pub.title)
    e.add(node, "authors", pub.authors)
    e.add(node, "journal", pub.journal)
    e.add(node, BIBO + "volume", pub.volume)
    e.add(node, BIBO + "issue", pub.issue)
    e.add(node, BIBO + "pages", pub.pages)
    if pub.year is not None:  # FaBiO's year and the Dublin Core term most people try first
        year = Literal(str(pub.year), datatype=NamedNode(XSD + "gYear"))
        e.add(node, FABIO + "hasPublicationYear", year)
        e.add(node, DCTERMS + "issued", year)
    e.evidence(node, pub)


def half_reaction(e: Emitter, hr) -> None:
    node = resource("half-reaction", hr.id)
    e.add(node, TYPE.value, term("HalfReaction"))
    e.add(node, LABEL.value, hr.label or hr.equation)
    e.add(node, "reaction", e.vocab(hr.reaction))
    e.add(node, "equation", hr.equation)
    e.add(node, "equationAsWritten", hr.equation_as_written)
    e.add(node, "halfReactionProduct", e.chemical(hr.product))
    e.add(node, "electronsTransferred", count(hr.electrons_transferred))
    e.add(node, "standardPotentialVsRHE", float(hr.e0_v_rhe))
    e.evidence(node, hr)


BONDING = {"sigma": "σ", "pi": "π", "sigma-pi": "σ+π"}


def coordination_mode(e: Emitter, mode) -> None:
    node = resource("coordination-mode", mode.id)
    e.add(node, TYPE.value, term("CoordinationMode"))
    e.add(node, LABEL.value, mode.label)
    e.add(node, "ligandFamily", term(mode.ligand_family))
    e.add(node, "donorAtom", e.vocab(mode.donor_atom))
    e.add(node, "coppersPerDonor", count(mode.coppers_per_donor))
    e.add(node, "bridgingNumber", count(mode.coppers_per_donor))
    e.add(node, "donorsPerCopper", count(mode.donors_per_copper))
    e.add(node, "hapticity", ",".join(f"η{h}" for h in mode.hapticity) if mode.hapticity else None)
    e.add(node, "bondingType", BONDING.get(mode.bonding))
    e.add(node, "ringMotif", mode.ring_motif)
    e.add(node, SKOS + "broader", resource("coordination-mode", mode.broader) if mode.broader else None)
    e.evidence(node, mode)


def _cite(e: Emitter, node, record) -> None:
    """nckg:citesReference to the publication of each review reference number the record cites."""
    by_number = e.registry.doi_by_reference
    e.add_all(node, "citesReference", [doi_iri(by_number[r]) for r in record.cited() if r in by_number])


def _examples(e: Emitter, node, examples, base: str) -> None:
    """Example statements as nodes `<base>/example/<n>` (always under the resource namespace)."""
    for n, example in enumerate(examples, start=1):
        ex = NamedNode(f"{base}/example/{n}")
        e.add(node, "hasExample", ex)
        e.add(ex, "statement", example.statement)
        _cite(e, ex, example)


def concept(e: Emitter, concept) -> None:
    node = resource("concept", concept.id)
    e.add(node, TYPE.value, NamedNode(SKOS + "Concept"))
    e.add(node, SKOS + "prefLabel", concept.label)
    e.add(node, SKOS + "definition", concept.statement)
    e.add_all(node, "magicNumber", [count(n) for n in concept.magic_numbers])
    e.add_all(node, "nobleGas", concept.noble_gases)
    e.add_all(node, "valenceState", concept.valence_states)
    for item in concept.standard_potentials:
        pot = NamedNode(f"{node.value}/potential/{item.couple.replace('/', '-').replace('+', 'p')}")
        e.add(node, "hasStandardPotential", pot)
        e.add(pot, "redoxCouple", item.couple)
        e.add(pot, "standardPotential", float(item.e0_v))
    e.add(node, "developedBy", concept.developed_by)
    _cite(e, node, concept)
    e.evidence(node, concept)


def perspective(e: Emitter, p) -> None:
    node = resource("perspective", p.id)
    e.add(node, TYPE.value, term("Perspective"))
    e.add(node, LABEL.value, p.topic)
    e.add(node, "perspectiveNumber", p.number)
    e.add(node, "topic", p.topic)
    e.add(node, "statement", p.statement)
    e.add_all(node, "discusses", [term(t) for t in p.ligand_families + p.core_configurations
                                  + p.characterisation_methods])
    _cite(e, node, p)
    _examples(e, node, p.examples, node.value)
    e.evidence(node, p)


def synthesis_method(e: Emitter, note) -> None:
    node = term(note.id)
    e.add(node, "abbreviation", note.abbreviation)
    e.add(node, SKOS + "scopeNote", note.description)
    e.add(node, "advantages", note.advantages)
    e.add(node, "disadvantages", note.disadvantages)
    e.add(node, "applicability", note.applicability)
    e.add(node, "introducedBy", note.introduced_by)
    e.add(node, "introducedYear", note.year)
    e.add(node, "namedBy", note.named_by)
    e.add(node, "namedYear", note.named_year)
    _cite(e, node, note)
    _examples(e, node, note.examples, resource("synthesis-method", note.id).value)
    e.evidence(node, note)
