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
"""

from __future__ import annotations

import io
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from rdflib import OWL, RDF, RDFS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from nckg.sources.ontology import NCKG, NCKR, full_ontology_graph, ontology_dir

Triple = tuple[str, str, str]

INFERENCES_ONTOLOGY = "http://inferrences/"  # where owlready2 writes the reasoner's results
_OWLAPI_ERROR_NS = "http://org.semanticweb.owlapi/error#"
_ALIAS_NS = "https://w3id.org/nckg/alias#"
_REIFICATION = {RDF.subject, RDF.predicate, RDF.object}
_IGNORED_TYPES = {OWL.Thing, OWL.NamedIndividual, RDFS.Resource}
_BUILTIN_ANNOTATIONS = {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.versionInfo}
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
    module_size: int = 0
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


@lru_cache(maxsize=1)
def _ontology() -> Graph:
    return full_ontology_graph()


_LOADED_FROM: list = [None]


def _refresh() -> None:
    """Drop the ontology-derived caches when the ontology directory (NCKG_HOME) changed."""
    if _LOADED_FROM[0] != ontology_dir():
        for cached in (_ontology, _logical_ontology, _signature, _property_ancestors):
            cached.cache_clear()
        _LOADED_FROM[0] = ontology_dir()


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


@lru_cache(maxsize=1)
def _logical_ontology() -> tuple[tuple[Node, Node, Node], ...]:
    """The ontology without annotation assertions (labels, definitions, examples ...) and owl:imports: they carry no
    logical meaning, and leaving them out roughly halves what HermiT has to parse on every run."""
    ontology = _ontology()
    annotation = set(ontology.subjects(RDF.type, OWL.AnnotationProperty)) | _BUILTIN_ANNOTATIONS
    return tuple(t for t in ontology if t[1] not in annotation and t[1] != OWL.imports)


def _reasoner_input(data: Graph, aliases: _Aliases) -> bytes:
    """N-Triples for HermiT: the logical ontology + data without rdf:Statement reification (reserved vocabulary in
    OWL 2 DL; the plain relation triple is always asserted too)."""
    merged = Graph()
    for s, p, o in (*_logical_ontology(), *data):
        if p in _REIFICATION or (p == RDF.type and o == RDF.Statement) or p == OWL.imports:
            continue
        merged.add((aliases.out(s), aliases.out(p), aliases.out(o)))
    return merged.serialize(format="nt", encoding="utf-8")


# --------------------------------------------------------------------------- RDFS-level view of the data


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


def _closure(start: Iterable[URIRef], supers: dict[URIRef, set[URIRef]]) -> set[URIRef]:
    seen, todo = set(), list(start)
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(supers.get(node, ()))
    return seen


@lru_cache(maxsize=1024)
def _property_ancestors(prop: URIRef) -> frozenset[URIRef]:
    return frozenset(_ontology().transitive_objects(prop, RDFS.subPropertyOf))


# A type's justification: ("asserted", s, cls) | ("domain", s, prop, cls) | ("range", o, prop, cls) + via subclass.
Why = tuple


def _rdfs_types(data: Graph) -> dict[Node, dict[URIRef, Why]]:
    """Types of every data node from asserted types, rdfs:domain/range (through sub-properties) and subclasses,
    each with one justification."""
    ontology = _ontology()
    supers = _superclass_map(ontology)
    types: dict[Node, dict[URIRef, Why]] = defaultdict(dict)

    def add(node: Node, cls: URIRef, why: Why) -> None:
        for c in _closure([cls], supers):
            types[node].setdefault(c, why if c == cls else (*why, c))

    for s, p, o in data:
        if p == RDF.type:
            if isinstance(o, URIRef):
                add(s, o, ("asserted", s, o))
            continue
        for prop in _property_ancestors(p):
            for domain in ontology.objects(prop, RDFS.domain):
                if isinstance(domain, URIRef):
                    add(s, domain, ("domain", s, p, domain))
            if not isinstance(o, Literal):
                for rng in ontology.objects(prop, RDFS.range):
                    if isinstance(rng, URIRef):
                        add(o, rng, ("range", o, p, rng))
    return types


def _is_resource(node: Node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(str(NCKR))


# --------------------------------------------------------------------------- static (sound) consistency checks


def _short(node: Node, graph: Graph) -> str:
    if isinstance(node, Literal):
        suffix = f"^^{graph.namespace_manager.normalizeUri(node.datatype)}" if node.datatype else ""
        suffix = f"@{node.language}" if node.language else suffix
        return f'"{node}"{suffix}'
    if isinstance(node, URIRef):
        if str(node).startswith(str(NCKR)):
            return f"nckr:{node[len(NCKR):]}"
        return graph.namespace_manager.normalizeUri(node)
    return f"_:{node}"


def _explain_why(why: Why, g: Graph) -> str:
    kind, node, *rest = why
    via = f" ⊑ {_short(rest[-1], g)}" if (kind == "asserted" and len(rest) == 2) or len(rest) == 3 else ""
    if kind == "asserted":
        return f"asserted {_short(node, g)} a {_short(rest[0], g)}{via}"
    prop, cls = rest[0], rest[1]
    side = "subject" if kind == "domain" else "value"
    return f"{_short(node, g)} is the {side} of {_short(prop, g)} ({kind} {_short(cls, g)}{via})"


def _disjoint_pairs() -> list[tuple[URIRef, URIRef]]:
    ontology = _ontology()
    pairs = {tuple(sorted((a, b))) for a, b in ontology.subject_objects(OWL.disjointWith)}
    for group in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        members = sorted(ontology.items(ontology.value(group, OWL.members)))
        pairs |= {(a, b) for i, a in enumerate(members) for b in members[i + 1:]}
    return sorted(pairs)


_INTEGER_TYPES = {XSD.integer, XSD.int, XSD.long, XSD.short, XSD.nonNegativeInteger, XSD.positiveInteger,
                  XSD.negativeInteger, XSD.nonPositiveInteger, XSD.unsignedInt, XSD.unsignedLong}
_MIN_VALUE = {XSD.nonNegativeInteger: 0, XSD.positiveInteger: 1}


def _literal_fits(literal: Literal, datatype: URIRef) -> bool:
    """Whether the literal lies in the value space of the range datatype (the datatypes nckg uses)."""
    lexical_type = literal.datatype or (RDF.langString if literal.language else XSD.string)
    if datatype == XSD.string:
        return lexical_type == XSD.string
    if datatype == XSD.boolean:
        return lexical_type == XSD.boolean and literal.value is not None
    numeric = _INTEGER_TYPES | {XSD.decimal}
    if datatype in numeric:
        value = literal.value
        if lexical_type not in numeric or isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            return False
        if datatype != XSD.decimal and value != int(value):
            return False
        return value >= _MIN_VALUE.get(datatype, value)
    return True  # rdfs:Literal and datatypes outside this list are not checked here


def _static_problems(data: Graph, types: dict[Node, dict[URIRef, Why]]) -> list[tuple[Node, str]]:
    """Sound checks (each problem found makes ontology + data inconsistent) with readable messages."""
    ontology, g = _ontology(), data
    problems: list[tuple[Node, str]] = []
    for a, b in _disjoint_pairs():
        for node, why in types.items():
            if a in why and b in why:
                problems.append((node, f"{_short(node, g)} would be both {_short(a, g)} and {_short(b, g)}, which "
                                       f"are disjoint: {_explain_why(why[a], g)}; {_explain_why(why[b], g)}"))
    data_props = set(ontology.subjects(RDF.type, OWL.DatatypeProperty))
    object_props = set(ontology.subjects(RDF.type, OWL.ObjectProperty))
    for s, p, o in data:
        if p in object_props and isinstance(o, Literal):
            problems.append((s, f"{_short(p, g)} is an object property but {_short(s, g)} has the literal "
                                f"{_short(o, g)} as its value"))
        elif p in data_props and not isinstance(o, Literal):
            problems.append((s, f"{_short(p, g)} is a datatype property but {_short(s, g)} has the resource "
                                f"{_short(o, g)} as its value"))
        elif p in data_props:
            for prop in _property_ancestors(p):
                for rng in ontology.objects(prop, RDFS.range):
                    if isinstance(rng, URIRef) and not _literal_fits(o, rng):
                        problems.append((s, f"{_short(s, g)} {_short(p, g)} {_short(o, g)}: the value lies outside "
                                            f"the range {_short(rng, g)} of {_short(prop, g)}"))
    for prop in set(ontology.subjects(RDF.type, OWL.FunctionalProperty)) & data_props:
        for s in set(data.subjects(prop, None)):
            literals = list(data.objects(s, prop))
            if len({v.value if v.value is not None else str(v) for v in literals}) > 1:
                shown = ", ".join(sorted(_short(v, g) for v in literals))
                problems.append((s, f"{_short(s, g)} has several values for the functional property "
                                    f"{_short(prop, g)}: {shown}"))
    counts = (NCKG.statedFreeElectronCount, NCKG.derivedFreeElectronCount)
    for s in sorted({s for prop in counts for s in data.subjects(prop, None)}, key=str):
        values = sorted((str(p), v.value) for p in counts for v in data.objects(s, p) if isinstance(v.value, int))
        if any(v == 0 for _, v in values) and any(v > 0 for _, v in values):
            shown = "; ".join(f"{_short(URIRef(p), g)} {v}" for p, v in values)
            problems.append((s, f"{_short(s, g)} has free-electron counts {shown}: it would be both "
                                f"nckg:SuperatomicCluster (count >= 1) and nckg:CuIComplexCluster (count 0), "
                                f"which are disjoint"))
    return problems


# --------------------------------------------------------------------------- the reasoning module


@lru_cache(maxsize=1)
def _signature() -> frozenset[URIRef]:
    """Properties that occur in class expressions (restrictions), with their sub-properties and inverses."""
    ontology = _ontology()
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
    types = _rdfs_types(data) if types is None else types
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


def _entailed_relations(data: Graph) -> list[Triple]:
    """Object-property triples between resources entailed by rdfs:subPropertyOf and owl:SymmetricProperty.
    (HermiT's property-value output omits super-properties and owlready2 drops symmetric partners; this fragment
    is exact and cheap in Python.) Inverse helper properties such as nckg:isCatalystIn are not materialised."""
    ontology = _ontology()
    object_props = {p for p in ontology.subjects(RDF.type, OWL.ObjectProperty) if str(p).startswith(str(NCKG))}
    object_props -= set(ontology.subjects(OWL.inverseOf, None))
    symmetric = set(ontology.subjects(RDF.type, OWL.SymmetricProperty))
    todo = [(s, p, o) for s, p, o in data if p in object_props and _is_resource(s) and _is_resource(o)]
    found: set = set()
    while todo:
        s, p, o = todo.pop()
        if (s, p, o) in found:
            continue
        found.add((s, p, o))
        todo.extend((s, prop, o) for prop in _property_ancestors(p) & object_props)
        if p in symmetric:
            todo.append((o, p, s))
    return sorted((str(s), str(p), str(o)) for s, p, o in found if (s, p, o) not in data)


def _entailed_types(data: Graph, inferred: Graph, types: dict[Node, dict[URIRef, Why]]) -> tuple[list, list]:
    """(s, rdf:type, C) for resources: RDFS-level types plus HermiT's, closed under named superclasses, minus the
    asserted ones; and the unsatisfiable named classes HermiT reported."""
    supers = _superclass_map(_ontology(), inferred)
    found: dict[Node, set[URIRef]] = defaultdict(set)
    for node, classes in types.items():
        found[node] |= set(classes)
    for s, o in inferred.subject_objects(RDF.type):
        if isinstance(o, URIRef):
            found[s].add(o)
    triples = []
    for node, classes in found.items():
        if not _is_resource(node):
            continue
        asserted = set(data.objects(node, RDF.type))
        for cls in _closure(classes, supers) - asserted - _IGNORED_TYPES:
            triples.append((str(node), str(RDF.type), str(cls)))
    unsatisfiable = sorted(str(c) for c in inferred.subjects(OWL.equivalentClass, OWL.Nothing) if isinstance(c, URIRef))
    return sorted(triples), unsatisfiable


def _restore(inferred: Graph, aliases: _Aliases) -> Graph:
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
    types = _rdfs_types(graph)
    problems = _static_problems(_with_prefixes(graph), types)
    if problems:
        raise InconsistentOntologyError(*_format_problems(problems))
    module = reasoning_module(graph, types)
    aliases = _Aliases()
    try:
        inferred = _restore(_run_hermit(_reasoner_input(module, aliases)), aliases)
    except _Inconsistent:
        raise InconsistentOntologyError(*_search_culprits(module, search=explain)) from None
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


# --------------------------------------------------------------------------- explaining inconsistency

_HEADER = "The ontology plus data is inconsistent (no interpretation satisfies all axioms and triples)."


def _format_problems(problems: list[tuple[Node, str]]) -> tuple[str, list[str]]:
    lines = [_HEADER, "Cause(s):"] + [f"  - {text}" for _, text in problems]
    return "\n".join(lines), sorted({str(node) for node, _ in problems})


def _minimal_subjects(data: Graph) -> tuple[list[Node], bool]:
    """Delta debugging (ddmin: subsets, then complements) over subjects: a small set of subjects whose triples
    alone are inconsistent with the ontology (1-minimal when complete). Returns (subjects, complete); complete is
    False when the run or time budget ran out."""
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
        size = -(-len(current) // chunks)
        parts = [current[i:i + size] for i in range(0, len(current), size)]
        reduced = next((part for part in parts if inconsistent(part)), None)  # a part alone suffices
        if reduced is not None:
            current, chunks = reduced, 2
            continue
        if len(parts) > 2:  # complements (for a part of 2, its complement is the other part: already tested)
            reduced = next((rest for part in parts if (rest := [s for s in current if s not in part])
                            and inconsistent(rest)), None)
            if reduced is not None:
                current, chunks = reduced, max(chunks - 1, 2)
                continue
        if chunks >= len(current):
            break
        chunks = min(chunks * 2, len(current))
    return current, True


def _search_culprits(module: Graph, *, search: bool) -> tuple[str, list[str]]:
    module = _with_prefixes(module)
    if not search:
        return _HEADER + " (HermiT; explanation search disabled)", []
    subjects, complete = _minimal_subjects(module)
    if not subjects:
        return _HEADER + " The ontology itself (without data) is inconsistent.", []
    triples = [t for s in subjects for t in sorted(module.triples((s, None, None)))]
    note = "" if complete else " (search budget exhausted; the set may not be minimal)"
    lines = [_HEADER, f"HermiT: these {len(triples)} triples about {len(subjects)} resource(s) cannot all hold "
                      f"together with the ontology{note}:"]
    lines += [f"  {_short(s, module)} {_short(p, module)} {_short(o, module)} ." for s, p, o in triples]
    return "\n".join(lines), [str(s) for s in subjects]


def explain_inconsistency(data: Graph | Dataset | str | bytes, *, search: bool = True) -> tuple[str, list[str]]:
    """A readable explanation of why ontology + data is inconsistent, and the IRIs of the culprit resources."""
    _refresh()
    graph = _with_prefixes(as_graph(data))
    types = _rdfs_types(graph)
    problems = _static_problems(graph, types)
    if problems:
        return _format_problems(problems)
    return _search_culprits(reasoning_module(graph, types), search=search)


def _with_prefixes(data: Graph) -> Graph:
    """The data with the ontology's prefixes bound, for short names in messages."""
    graph = Graph()
    for prefix, ns in _ontology().namespaces():
        graph.bind(prefix, ns, override=True)
    graph.bind("nckr", NCKR)
    for triple in data:
        graph.add(triple)
    return graph
