"""The RDFS-level view of the data and the sound consistency checks run before HermiT: types by subclass, domain
and range; disjoint types, literals outside their datatype, several values of a functional property; and the
readable messages naming the resources and triples at fault."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache

from rdflib import OWL, RDF, RDFS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from nckg.sources.ontology import NCKG, NCKR, full_ontology_graph


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
def ontology_graph() -> Graph:
    return full_ontology_graph()


# --------------------------------------------------------------------------- RDFS-level view of the data


def superclass_map(*graphs: Graph) -> dict[URIRef, set[URIRef]]:
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


def closure(start: Iterable[URIRef], supers: dict[URIRef, set[URIRef]]) -> set[URIRef]:
    seen, todo = set(), list(start)
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(supers.get(node, ()))
    return seen


@lru_cache(maxsize=1024)
def property_ancestors(prop: URIRef) -> frozenset[URIRef]:
    return frozenset(ontology_graph().transitive_objects(prop, RDFS.subPropertyOf))


# A type's justification: ("asserted", s, cls) | ("domain", s, prop, cls) | ("range", o, prop, cls) + via subclass.
Why = tuple


def rdfs_types(data: Graph) -> dict[Node, dict[URIRef, Why]]:
    """Types of every data node from asserted types, rdfs:domain/range (through sub-properties) and subclasses,
    each with one justification."""
    ontology = ontology_graph()
    supers = superclass_map(ontology)
    types: dict[Node, dict[URIRef, Why]] = defaultdict(dict)

    def add(node: Node, cls: URIRef, why: Why) -> None:
        for c in closure([cls], supers):
            types[node].setdefault(c, why if c == cls else (*why, c))

    for s, p, o in data:
        if p == RDF.type:
            if isinstance(o, URIRef):
                add(s, o, ("asserted", s, o))
            continue
        for prop in property_ancestors(p):
            for domain in ontology.objects(prop, RDFS.domain):
                if isinstance(domain, URIRef):
                    add(s, domain, ("domain", s, p, domain))
            if not isinstance(o, Literal):
                for rng in ontology.objects(prop, RDFS.range):
                    if isinstance(rng, URIRef):
                        add(o, rng, ("range", o, p, rng))
    return types


def is_resource(node: Node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(str(NCKR))


# --------------------------------------------------------------------------- static (sound) consistency checks


def short_name(node: Node, graph: Graph) -> str:
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
    via = f" ⊑ {short_name(rest[-1], g)}" if (kind == "asserted" and len(rest) == 2) or len(rest) == 3 else ""
    if kind == "asserted":
        return f"asserted {short_name(node, g)} a {short_name(rest[0], g)}{via}"
    prop, cls = rest[0], rest[1]
    side = "subject" if kind == "domain" else "value"
    return f"{short_name(node, g)} is the {side} of {short_name(prop, g)} ({kind} {short_name(cls, g)}{via})"


def _disjoint_pairs() -> list[tuple[URIRef, URIRef]]:
    ontology = ontology_graph()
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


def static_problems(data: Graph, types: dict[Node, dict[URIRef, Why]]) -> list[tuple[Node, str]]:
    """Sound checks (each problem found makes ontology + data inconsistent) with readable messages."""
    ontology, g = ontology_graph(), data
    problems: list[tuple[Node, str]] = []
    for a, b in _disjoint_pairs():
        for node, why in types.items():
            if a in why and b in why:
                problems.append((node, f"{short_name(node, g)} would be both {short_name(a, g)} and {short_name(b, g)}, which "
                                       f"are disjoint: {_explain_why(why[a], g)}; {_explain_why(why[b], g)}"))
    data_props = set(ontology.subjects(RDF.type, OWL.DatatypeProperty))
    object_props = set(ontology.subjects(RDF.type, OWL.ObjectProperty))
    for s, p, o in data:
        if p in object_props and isinstance(o, Literal):
            problems.append((s, f"{short_name(p, g)} is an object property but {short_name(s, g)} has the literal "
                                f"{short_name(o, g)} as its value"))
        elif p in data_props and not isinstance(o, Literal):
            problems.append((s, f"{short_name(p, g)} is a datatype property but {short_name(s, g)} has the resource "
                                f"{short_name(o, g)} as its value"))
        elif p in data_props:
            for prop in property_ancestors(p):
                for rng in ontology.objects(prop, RDFS.range):
                    if isinstance(rng, URIRef) and not _literal_fits(o, rng):
                        problems.append((s, f"{short_name(s, g)} {short_name(p, g)} {short_name(o, g)}: the value lies outside "
                                            f"the range {short_name(rng, g)} of {short_name(prop, g)}"))
    for prop in set(ontology.subjects(RDF.type, OWL.FunctionalProperty)) & data_props:
        for s in set(data.subjects(prop, None)):
            literals = list(data.objects(s, prop))
            if len({v.value if v.value is not None else str(v) for v in literals}) > 1:
                shown = ", ".join(sorted(short_name(v, g) for v in literals))
                problems.append((s, f"{short_name(s, g)} has several values for the functional property "
                                    f"{short_name(prop, g)}: {shown}"))
    counts = (NCKG.statedFreeElectronCount, NCKG.derivedFreeElectronCount)
    for s in sorted({s for prop in counts for s in data.subjects(prop, None)}, key=str):
        values = sorted((str(p), v.value) for p in counts for v in data.objects(s, p) if isinstance(v.value, int))
        if any(v == 0 for _, v in values) and any(v > 0 for _, v in values):
            shown = "; ".join(f"{short_name(URIRef(p), g)} {v}" for p, v in values)
            problems.append((s, f"{short_name(s, g)} has free-electron counts {shown}: it would be both "
                                f"nckg:SuperatomicCluster (count >= 1) and nckg:CuIComplexCluster (count 0), "
                                f"which are disjoint"))
    return problems


INCONSISTENT_HEADER = "The ontology plus data is inconsistent (no interpretation satisfies all axioms and triples)."


def format_problems(problems: list[tuple[Node, str]]) -> tuple[str, list[str]]:
    lines = [INCONSISTENT_HEADER, "Cause(s):"] + [f"  - {text}" for _, text in problems]
    return "\n".join(lines), sorted({str(node) for node, _ in problems})


def with_prefixes(data: Graph) -> Graph:
    """The data with the ontology's prefixes bound, for short names in messages."""
    graph = Graph()
    for prefix, ns in ontology_graph().namespaces():
        graph.bind(prefix, ns, override=True)
    graph.bind("nckr", NCKR)
    for triple in data:
        graph.add(triple)
    return graph
