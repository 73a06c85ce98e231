"""OWL 2 DL reasoning with HermiT (via owlready2): consistency check, classification and the triples to materialise.

`reason(data)` checks ontology + data and returns the entailed `rdf:type` triples, closed under named superclasses,
and the entailed nckg object-property triples (sub-property and symmetric partners, e.g. the reverse of
`polymorphOf`) for resources under https://w3id.org/nckg/resource/ that the data does not assert.

How (see ontology/README.md, "Reasoning"):
1. RDFS-level checks in Python over all data: disjoint types (asserted, subclass, domain/range), literals outside
   their datatype range, several values of a functional data property, a free-electron count both 0 and >= 1.
2. HermiT classifies the *reasoning module*: the rdf:type triples and the triples of the properties that occur in
   class expressions (hasLigand, hydrideCount, free-electron counts, catalyst, reaction, light, ...) for the nodes
   they connect. Free text and provenance never influence a defined class, and leaving them out keeps HermiT's
   realisation time proportional to the number of clusters rather than to the number of quotes.
Any inconsistency raises `InconsistentOntologyError` with a message naming the responsible resources and triples.
The RDFS-level view and checks live in nckg.build.rdfs_checks, running HermiT and the culprit search in
nckg.build.hermit.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import OWL, RDF, RDFS, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from nckg.build.hermit import (Aliases, HermitInconsistent, logical_ontology, reasoner_input, run_hermit,
                               search_culprits)
from nckg.build.rdfs_checks import (Why, as_graph, closure, format_problems, is_resource, ontology_graph,
                                    property_ancestors, rdfs_types, static_problems, superclass_map, with_prefixes)
from nckg.sources.ontology import NCKG, NCKR, ontology_dir

Triple = tuple[str, str, str]

_OWLAPI_ERROR_NS = "http://org.semanticweb.owlapi/error#"
_IGNORED_TYPES = {OWL.Thing, OWL.NamedIndividual, RDFS.Resource}


class InconsistentOntologyError(Exception):
    """The ontology plus data has no model; `explanation` says which resources and triples clash."""

    def __init__(self, explanation: str, culprits: Iterable[str] = ()):
        super().__init__(explanation)
        self.explanation = explanation
        self.culprits = tuple(culprits)


@dataclass(frozen=True)
class Inference:
    """Result of one reasoner run (IRIs as strings, sorted)."""

    types: list[Triple]
    relations: list[Triple]
    unsatisfiable_classes: list[str] = field(default_factory=list)
    module_size: int = 0
    seconds: float = 0.0

    @property
    def triples(self) -> list[Triple]:
        return self.types + self.relations


_LOADED_FROM: list = [None]


def _refresh() -> None:
    """Drop the ontology-derived caches when the ontology directory (NCKG_HOME) changed."""
    if _LOADED_FROM[0] != ontology_dir():
        for cached in (ontology_graph, logical_ontology, _signature, property_ancestors):
            cached.cache_clear()
        _LOADED_FROM[0] = ontology_dir()


# --------------------------------------------------------------------------- the reasoning module


@lru_cache(maxsize=1)
def _signature() -> frozenset[URIRef]:
    """Properties that occur in class expressions (restrictions), with their sub-properties and inverses."""
    ontology = ontology_graph()
    found = set(ontology.objects(None, OWL.onProperty))
    for prop in list(found):
        found |= set(ontology.objects(prop, OWL.inverseOf)) | set(ontology.subjects(OWL.inverseOf, prop))
    changed = True
    while changed:
        subs = {s for s, o in ontology.subject_objects(RDFS.subPropertyOf) if o in found} - found
        found |= subs
        changed = bool(subs)
    return frozenset(p for p in found if isinstance(p, URIRef))


def reasoning_module(data: Graph, types: dict[Node, dict[URIRef, Why]] | None = None) -> Graph:
    """The part of the data HermiT needs for the defined classes: candidate clusters (RDFS-typed
    nckg:MetalNanocluster) and every node linked through a signature property, with their rdf:type triples and
    their signature-property triples."""
    _refresh()
    types = rdfs_types(data) if types is None else types
    signature = _signature()
    nodes = {node for node, classes in types.items() if NCKG.MetalNanocluster in classes}
    for s, p, o in data:
        if p in signature:
            nodes.add(s)
            if not isinstance(o, Literal):
                nodes.add(o)
    module = Graph()
    for s, p, o in data:
        if s in nodes and (p == RDF.type or p in signature):
            module.add((s, p, o))
    return module


# --------------------------------------------------------------------------- extracting results


def _entailed_relations(data: Graph) -> list[Triple]:
    """Object-property triples between resources entailed by rdfs:subPropertyOf and owl:SymmetricProperty.
    (HermiT's property-value output omits super-properties and owlready2 drops symmetric partners; this fragment
    is exact and cheap in Python.) Inverse helper properties such as nckg:isCatalystIn are not materialised."""
    ontology = ontology_graph()
    object_props = {p for p in ontology.subjects(RDF.type, OWL.ObjectProperty) if str(p).startswith(str(NCKG))}
    object_props -= set(ontology.subjects(OWL.inverseOf, None))
    symmetric = set(ontology.subjects(RDF.type, OWL.SymmetricProperty))
    todo = [(s, p, o) for s, p, o in data if p in object_props and is_resource(s) and is_resource(o)]
    found: set = set()
    while todo:
        s, p, o = todo.pop()
        if (s, p, o) in found:
            continue
        found.add((s, p, o))
        todo.extend((s, prop, o) for prop in property_ancestors(p) & object_props)
        if p in symmetric:
            todo.append((o, p, s))
    return sorted((str(s), str(p), str(o)) for s, p, o in found if (s, p, o) not in data)


def _entailed_types(data: Graph, inferred: Graph, types: dict[Node, dict[URIRef, Why]]) -> tuple[list, list]:
    """(s, rdf:type, C) for resources: RDFS-level types plus HermiT's, closed under named superclasses, minus the
    asserted ones; and the unsatisfiable named classes HermiT reported."""
    supers = superclass_map(ontology_graph(), inferred)
    found: dict[Node, set[URIRef]] = defaultdict(set)
    for node, classes in types.items():
        found[node] |= set(classes)
    for s, o in inferred.subject_objects(RDF.type):
        if isinstance(o, URIRef):
            found[s].add(o)
    triples = []
    for node, classes in found.items():
        if not is_resource(node):
            continue
        asserted = set(data.objects(node, RDF.type))
        for cls in closure(classes, supers) - asserted - _IGNORED_TYPES:
            triples.append((str(node), str(RDF.type), str(cls)))
    unsatisfiable = sorted(str(c) for c in inferred.subjects(OWL.equivalentClass, OWL.Nothing) if isinstance(c, URIRef))
    return sorted(triples), unsatisfiable


def _restore(inferred: Graph, aliases: Aliases) -> Graph:
    restored = Graph()
    for triple in inferred:
        if any(str(n).startswith(_OWLAPI_ERROR_NS) for n in triple):
            continue
        restored.add(tuple(URIRef(aliases.back(str(n))) if isinstance(n, URIRef) else n for n in triple))
    return restored


def reason(data: Graph | Dataset | str | bytes, *, explain: bool = True) -> Inference:
    """Check and classify ontology + data; return what to materialise. Raises InconsistentOntologyError."""
    started = time.monotonic()
    _refresh()
    graph = as_graph(data)
    types = rdfs_types(graph)
    problems = static_problems(with_prefixes(graph), types)
    if problems:
        raise InconsistentOntologyError(*format_problems(problems))
    module = reasoning_module(graph, types)
    aliases = Aliases()
    try:
        inferred = _restore(run_hermit(reasoner_input(module, aliases)), aliases)
    except HermitInconsistent:
        raise InconsistentOntologyError(*search_culprits(module, search=explain)) from None
    type_triples, unsatisfiable = _entailed_types(graph, inferred, types)
    return Inference(type_triples, _entailed_relations(graph), unsatisfiable, len(module), time.monotonic() - started)


def infer(data: Graph | Dataset | str | bytes) -> list[Triple]:
    """Inferred (subject, predicate, object) IRI triples to store in the inferred named graph."""
    return reason(data).triples


def inferred_graph(data: Graph | Dataset | str | bytes) -> Graph:
    """The inferred triples as an rdflib Graph."""
    graph = Graph()
    graph.bind("nckg", NCKG)
    graph.bind("nckr", NCKR)
    for s, p, o in infer(data):
        graph.add((URIRef(s), URIRef(p), URIRef(o)))
    return graph


def unsatisfiable_classes() -> list[str]:
    """Named classes of the ontology (without data) that can have no instances; [] for a sound ontology."""
    return reason(Graph(), explain=False).unsatisfiable_classes


def explain_inconsistency(data: Graph | Dataset | str | bytes, *, search: bool = True) -> tuple[str, list[str]]:
    """A readable explanation of why ontology + data is inconsistent, and the IRIs of the culprit resources."""
    _refresh()
    graph = with_prefixes(as_graph(data))
    types = rdfs_types(graph)
    problems = static_problems(graph, types)
    if problems:
        return format_problems(problems)
    return search_culprits(reasoning_module(graph, types), search=search)
