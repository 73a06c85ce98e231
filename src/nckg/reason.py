"""OWL 2 DL reasoning with HermiT (via owlready2): consistency check, classification and the triples to materialise.

`reason(data)` merges the ontology (plus imports) with the data, runs HermiT offline and returns the entailed
`rdf:type` triples (and inferred nckg object-property triples such as the symmetric partner of `polymorphOf`) for
resources under https://w3id.org/nckg/resource/ that the data does not assert. An inconsistent input raises
`InconsistentOntologyError` whose message names the responsible resources and triples.
"""

from __future__ import annotations

import io
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable

from rdflib import OWL, RDF, RDFS, XSD, BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from nckg.ontology import NCKG, NCKR, full_ontology_graph

Triple = tuple[str, str, str]

INFERENCES_ONTOLOGY = "http://inferrences/"  # where owlready2 writes the reasoner's results
_OWLAPI_ERROR_NS = "http://org.semanticweb.owlapi/error#"
_ALIAS_NS = "https://w3id.org/nckg/alias#"
_REIFICATION = {RDF.subject, RDF.predicate, RDF.object}
_EXPLAIN_MAX_RUNS = 40
_EXPLAIN_MAX_SECONDS = 120.0


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
    seconds: float = 0.0

    @property
    def triples(self) -> list[Triple]:
        return self.types + self.relations


# --------------------------------------------------------------------------- input handling


def as_graph(data: Graph | Dataset | str | bytes | Iterable[tuple[Node, Node, Node]]) -> Graph:
    """Data as one rdflib Graph: a Graph, the union of a Dataset's graphs, N-Triples text, or triples."""
    if isinstance(data, Dataset):
        graph = Graph()
        for s, p, o, _ in data.quads((None, None, None, None)):
            graph.add((s, p, o))
        return graph
    if isinstance(data, Graph):
        return data
    if isinstance(data, (str, bytes)):
        return Graph().parse(data=data if isinstance(data, str) else data.decode("utf-8"), format="nt")
    graph = Graph()
    for triple in data:
        graph.add(triple)
    return graph


class _Aliases:
    """OWLAPI (inside HermiT) treats any IRI containing 'genid' as a blank node (e.g. nckg:ChalcogenideLigand).
    Such IRIs are replaced by opaque aliases before reasoning and mapped back afterwards."""

    def __init__(self) -> None:
        self.forward: dict[URIRef, URIRef] = {}
        self.backward: dict[str, str] = {}

    def out(self, node: Node) -> Node:
        if isinstance(node, URIRef) and "genid" in node.lower():
            if node not in self.forward:
                alias = URIRef(f"{_ALIAS_NS}a{len(self.forward)}")
                self.forward[node] = alias
                self.backward[str(alias)] = str(node)
            return self.forward[node]
        return node

    def back(self, iri: str) -> str:
        return self.backward.get(iri, iri)


def _reasoner_input(data: Graph, aliases: _Aliases, with_ontology: bool = True) -> bytes:
    """N-Triples for HermiT: ontology + data without owl:imports and without rdf:Statement reification
    (reserved vocabulary in OWL 2 DL; the plain relation triple is always asserted too)."""
    merged = Graph()
    sources = (full_ontology_graph(), data) if with_ontology else (data,)
    for source in sources:
        for s, p, o in source:
            if p == OWL.imports or p in _REIFICATION or (p == RDF.type and o == RDF.Statement):
                continue
            merged.add((aliases.out(s), aliases.out(p), aliases.out(o)))
    return merged.serialize(format="nt", encoding="utf-8")


# --------------------------------------------------------------------------- running HermiT


class _Inconsistent(Exception):
    pass


def _run_hermit(ntriples: bytes) -> Graph:
    """Load N-Triples into a fresh owlready2 World, run HermiT, return the inferences ontology as a Graph."""
    import owlready2

    world = owlready2.World()
    try:
        world.get_ontology("https://w3id.org/nckg/reasoning-input/").load(
            fileobj=io.BytesIO(ntriples), format="ntriples"
        )
        try:
            owlready2.sync_reasoner_hermit(world, debug=0, ignore_unsupported_datatypes=True)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            raise _Inconsistent() from exc
        buffer = io.BytesIO()
        world.get_ontology(INFERENCES_ONTOLOGY).save(file=buffer, format="ntriples")
    finally:
        world.close()
    return Graph().parse(data=buffer.getvalue().decode("utf-8"), format="nt")


def _consistent(data: Graph) -> bool:
    try:
        _run_hermit(_reasoner_input(data, _Aliases()))
    except _Inconsistent:
        return False
    return True


# --------------------------------------------------------------------------- extracting results


def _superclass_map(*graphs: Graph) -> dict[URIRef, set[URIRef]]:
    """Direct named superclasses (rdfs:subClassOf and owl:equivalentClass between named classes)."""
    supers: dict[URIRef, set[URIRef]] = defaultdict(set)
    for graph in graphs:
        for sub, sup in graph.subject_objects(RDFS.subClassOf):
            if isinstance(sub, URIRef) and isinstance(sup, URIRef):
                supers[sub].add(sup)
        for a, b in graph.subject_objects(OWL.equivalentClass):
            if isinstance(a, URIRef) and isinstance(b, URIRef):
                supers[a].add(b)
                supers[b].add(a)
    return supers


def _closure(classes: set[URIRef], supers: dict[URIRef, set[URIRef]]) -> set[URIRef]:
    seen, todo = set(), list(classes)
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        todo.extend(supers.get(cls, ()))
    return seen


def _is_resource(node: Node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(str(NCKR))


_IGNORED_TYPES = {OWL.Thing, OWL.NamedIndividual, RDFS.Resource}


def _entailed_relations(data: Graph, ontology: Graph) -> list[Triple]:
    """Object-property triples between resources entailed by rdfs:subPropertyOf and owl:SymmetricProperty.
    (HermiT's property-value output omits super-properties and owlready2 drops symmetric partners, and this
    fragment is exact and cheap in Python.) Inverse helper properties such as nckg:isCatalystIn are skipped."""
    object_props = {p for p in ontology.subjects(RDF.type, OWL.ObjectProperty) if str(p).startswith(str(NCKG))}
    symmetric = set(ontology.subjects(RDF.type, OWL.SymmetricProperty))
    todo = [(s, p, o) for s, p, o in data if p in object_props and _is_resource(s) and _is_resource(o)]
    found: set = set()
    while todo:
        s, p, o = todo.pop()
        if (s, p, o) in found:
            continue
        found.add((s, p, o))
        todo.extend((s, prop, o) for prop in _property_ancestors(p, ontology) & object_props)
        if p in symmetric:
            todo.append((o, p, s))
    return sorted((str(s), str(p), str(o)) for s, p, o in found if (s, p, o) not in data)


def _extract(data: Graph, inferred: Graph, aliases: _Aliases, ontology: Graph) -> tuple[list, list, list]:
    """Turn the reasoner's additions into materialisable triples (types closed under named superclasses)."""
    restored = Graph()
    for s, p, o in inferred:
        if any(str(n).startswith(_OWLAPI_ERROR_NS) for n in (s, p, o)):
            continue
        restored.add(tuple(URIRef(aliases.back(str(n))) if isinstance(n, URIRef) else n for n in (s, p, o)))
    supers = _superclass_map(ontology, restored)
    asserted: dict[URIRef, set[URIRef]] = defaultdict(set)
    for s, o in data.subject_objects(RDF.type):
        if isinstance(o, URIRef):
            asserted[s].add(o)
    found: dict[URIRef, set[URIRef]] = defaultdict(set)
    for s, o in restored.subject_objects(RDF.type):
        if _is_resource(s) and isinstance(o, URIRef):
            found[s].add(o)
    types = []
    for subject in set(asserted) | set(found):
        if not _is_resource(subject):
            continue
        entailed = _closure(asserted[subject] | found[subject], supers)
        for cls in entailed - asserted[subject] - _IGNORED_TYPES:
            types.append((str(subject), str(RDF.type), str(cls)))
    relations = _entailed_relations(data, ontology)
    unsatisfiable = sorted(
        str(c) for c in restored.subjects(OWL.equivalentClass, OWL.Nothing) if isinstance(c, URIRef)
    )
    return sorted(types), sorted(relations), unsatisfiable


def reason(data: Graph | Dataset | str | bytes, *, explain: bool = True) -> Inference:
    """Run HermiT over ontology + data; return what to materialise. Raises InconsistentOntologyError."""
    started = time.monotonic()
    graph = as_graph(data)
    aliases = _Aliases()
    try:
        inferred = _run_hermit(_reasoner_input(graph, aliases))
    except _Inconsistent:
        raise InconsistentOntologyError(*explain_inconsistency(graph, search=explain)) from None
    types, relations, unsatisfiable = _extract(graph, inferred, aliases, full_ontology_graph())
    return Inference(types, relations, unsatisfiable, time.monotonic() - started)


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


# --------------------------------------------------------------------------- explaining inconsistency


def _short(node: Node, graph: Graph) -> str:
    if isinstance(node, Literal):
        suffix = f"^^{graph.namespace_manager.normalizeUri(node.datatype)}" if node.datatype else ""
        suffix = f"@{node.language}" if node.language else suffix
        return f'"{node}"{suffix}'
    if isinstance(node, URIRef):
        return graph.namespace_manager.normalizeUri(node)
    return f"_:{node}"


def _property_ancestors(prop: URIRef, ontology: Graph) -> set[URIRef]:
    return set(ontology.transitive_objects(prop, RDFS.subPropertyOf))


def _disjoint_pairs(ontology: Graph) -> set[frozenset]:
    pairs = {frozenset((a, b)) for a, b in ontology.subject_objects(OWL.disjointWith)}
    for group in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(ontology.items(ontology.value(group, OWL.members)))
        pairs |= {frozenset((a, b)) for i, a in enumerate(members) for b in members[i + 1:]}
    return {pair for pair in pairs if len(pair) == 2}


def _type_reasons(data: Graph, ontology: Graph) -> dict[Node, dict[URIRef, str]]:
    """RDFS-level types of every data node with the reason each type holds."""
    supers = _superclass_map(ontology)
    reasons: dict[Node, dict[URIRef, str]] = defaultdict(dict)

    def add(node: Node, cls: URIRef, why: str) -> None:
        for c in _closure({cls}, supers):
            reasons[node].setdefault(c, why if c == cls else f"{why}, and {_short(cls, data)} ⊑ {_short(c, data)}")

    for s, p, o in data:
        if p == RDF.type and isinstance(o, URIRef):
            add(s, o, f"asserted {_short(s, data)} a {_short(o, data)}")
            continue
        for prop in _property_ancestors(p, ontology):
            for domain in ontology.objects(prop, RDFS.domain):
                if isinstance(domain, URIRef):
                    add(s, domain, f"{_short(s, data)} uses {_short(p, data)} (domain {_short(domain, data)})")
            if not isinstance(o, Literal):
                for rng in ontology.objects(prop, RDFS.range):
                    if isinstance(rng, URIRef):
                        add(o, rng, f"{_short(o, data)} is the value of {_short(p, data)} (range {_short(rng, data)})")
    return reasons


_INTEGER_TYPES = {XSD.integer, XSD.int, XSD.long, XSD.short, XSD.nonNegativeInteger, XSD.positiveInteger,
                  XSD.negativeInteger, XSD.nonPositiveInteger, XSD.unsignedInt, XSD.unsignedLong}
_MIN_VALUE = {XSD.nonNegativeInteger: 0, XSD.positiveInteger: 1}


def _literal_fits(literal: Literal, datatype: URIRef) -> bool:
    """Whether the literal lies in the value space of the range datatype (OWL 2 datatype map subset)."""
    lexical_type = literal.datatype or (RDF.langString if literal.language else XSD.string)
    if datatype == RDFS.Literal:
        return True
    if datatype == XSD.string:
        return lexical_type == XSD.string
    if datatype == XSD.boolean:
        return lexical_type == XSD.boolean
    numeric = _INTEGER_TYPES | {XSD.decimal}
    if datatype in numeric:
        if lexical_type not in numeric or not isinstance(literal.value, (int, Decimal)):
            return False
        if datatype != XSD.decimal and literal.value != int(literal.value):
            return False
        return literal.value >= _MIN_VALUE.get(datatype, literal.value)
    return True  # datatypes outside this list are not checked here


def _static_problems(data: Graph, ontology: Graph) -> list[tuple[Node, str]]:
    """Cheap, sound checks that pinpoint the usual causes: disjoint types, literals outside their range,
    two values of a functional data property, and a free-electron count that is both zero and positive."""
    problems: list[tuple[Node, str]] = []
    reasons = _type_reasons(data, ontology)
    for pair in sorted(_disjoint_pairs(ontology), key=sorted):
        a, b = sorted(pair)
        for node, why in reasons.items():
            if a in why and b in why:
                problems.append((node, f"{_short(node, data)} would be both {_short(a, data)} and {_short(b, data)}, "
                                       f"which are disjoint: {why[a]}; {why[b]}"))
    data_props = set(ontology.subjects(RDF.type, OWL.DatatypeProperty))
    object_props = set(ontology.subjects(RDF.type, OWL.ObjectProperty))
    functional = set(ontology.subjects(RDF.type, OWL.FunctionalProperty)) & data_props
    for s, p, o in data:
        if p in object_props and isinstance(o, Literal):
            problems.append((s, f"{_short(p, data)} is an object property but {_short(s, data)} has the literal "
                                f"{_short(o, data)} as its value"))
        if p in data_props and not isinstance(o, Literal):
            problems.append((s, f"{_short(p, data)} is a datatype property but {_short(s, data)} has the resource "
                                f"{_short(o, data)} as its value"))
        if p in data_props and isinstance(o, Literal):
            for prop in _property_ancestors(p, ontology):
                for rng in ontology.objects(prop, RDFS.range):
                    if isinstance(rng, URIRef) and not _literal_fits(o, rng):
                        problems.append((s, f"{_short(s, data)} {_short(p, data)} {_short(o, data)}: the value is "
                                            f"outside the range {_short(rng, data)} of {_short(prop, data)}"))
    for prop in functional:
        for s in set(data.subjects(prop, None)):
            values = {v.value if v.value is not None else str(v) for v in data.objects(s, prop)}
            if len(values) > 1:
                shown = ", ".join(sorted(_short(v, data) for v in data.objects(s, prop)))
                problems.append((s, f"{_short(s, data)} has several values for the functional property "
                                    f"{_short(prop, data)}: {shown}"))
    counts = (NCKG.statedFreeElectronCount, NCKG.derivedFreeElectronCount)
    for s in {s for prop in counts for s in data.subjects(prop, None)}:
        values = {(prop, v.value) for prop in counts for v in data.objects(s, prop) if isinstance(v.value, int)}
        if any(v == 0 for _, v in values) and any(v > 0 for _, v in values):
            shown = "; ".join(f"{_short(p, data)} {v}" for p, v in sorted(values))
            problems.append((s, f"{_short(s, data)} has free-electron counts {shown}: it would be both "
                                f"nckg:SuperatomicCluster (count >= 1) and nckg:CuIComplexCluster (count 0), "
                                f"which are disjoint"))
    return problems


def _minimal_subjects(data: Graph) -> tuple[list[Node], bool]:
    """Delta-debugging over subjects: a small set of subjects whose triples alone are inconsistent.
    Returns (subjects, complete) where complete is False when the run/time budget stopped the search."""
    by_subject: dict[Node, list] = defaultdict(list)
    for triple in data:
        by_subject[triple[0]].append(triple)
    current = sorted(by_subject, key=str)
    started, runs, chunks = time.monotonic(), 0, 2

    def inconsistent(subjects: list[Node]) -> bool:
        nonlocal runs
        runs += 1
        return not _consistent(as_graph(t for s in subjects for t in by_subject[s]))

    if not current or inconsistent([]):
        return [], True  # the ontology alone is inconsistent
    while len(current) >= 2:
        if runs >= _EXPLAIN_MAX_RUNS or time.monotonic() - started > _EXPLAIN_MAX_SECONDS:
            return current, False
        size = max(1, len(current) // chunks)
        parts = [current[i:i + size] for i in range(0, len(current), size)]
        for part in parts:
            rest = [s for s in current if s not in part]
            if rest and inconsistent(rest):
                current, chunks = rest, max(chunks - 1, 2)
                break
        else:
            if chunks >= len(current):
                break
            chunks = min(chunks * 2, len(current))
    return current, True


def explain_inconsistency(data: Graph, *, search: bool = True) -> tuple[str, list[str]]:
    """A readable explanation of why ontology + data is inconsistent, and the IRIs of the culprit resources."""
    data = _with_prefixes(data)
    ontology = full_ontology_graph()
    problems = _static_problems(data, ontology)
    header = "The ontology plus data is inconsistent (HermiT found no model)."
    if problems:
        lines = [header, "Cause(s):"] + [f"  - {text}" for _, text in problems]
        return "\n".join(lines), sorted({str(node) for node, _ in problems})
    if not search:
        return header + " Run with explain=True to locate the responsible triples.", []
    subjects, complete = _minimal_subjects(data)
    if not subjects:
        return header + " The ontology itself (without data) is inconsistent.", []
    qualifier = "" if complete else " (search budget exhausted; the set may not be minimal)"
    lines = [header, f"These {sum(len(list(data.triples((s, None, None)))) for s in subjects)} triples about "
                     f"{len(subjects)} resource(s) cannot all hold together with the ontology{qualifier}:"]
    for subject in subjects:
        for s, p, o in sorted(data.triples((subject, None, None))):
            lines.append(f"  {_short(s, data)} {_short(p, data)} {_short(o, data)} .")
    return "\n".join(lines), [str(s) for s in subjects]


def _with_prefixes(data: Graph) -> Graph:
    graph = Graph()
    for prefix, ns in full_ontology_graph().namespaces():
        graph.bind(prefix, ns, override=True)
    graph.bind("nckr", NCKR)
    for triple in data:
        graph.add(triple)
    return graph
