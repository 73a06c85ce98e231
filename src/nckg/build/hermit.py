"""Running HermiT (owlready2, Java) on the reasoning module, and the search for a small set of resources whose
triples alone are inconsistent with the ontology (delta debugging), for the build's error message."""

from __future__ import annotations

import io
import time
from collections import defaultdict
from functools import lru_cache

from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.term import Node

from nckg.build.rdfs_checks import INCONSISTENT_HEADER, as_graph, ontology_graph, short_name, with_prefixes

INFERENCES_ONTOLOGY = "http://inferrences/"  # where owlready2 writes the reasoner's results
_ALIAS_NS = "https://w3id.org/nckg/alias#"
_REIFICATION = {RDF.subject, RDF.predicate, RDF.object}
_BUILTIN_ANNOTATIONS = {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.versionInfo}
_EXPLAIN_MAX_RUNS = 40
_EXPLAIN_MAX_SECONDS = 120.0


class Aliases:
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
def logical_ontology() -> tuple[tuple[Node, Node, Node], ...]:
    """The ontology without annotation assertions (labels, definitions, examples ...) and owl:imports: they carry no
    logical meaning, and leaving them out roughly halves what HermiT has to parse on every run."""
    ontology = ontology_graph()
    annotation = set(ontology.subjects(RDF.type, OWL.AnnotationProperty)) | _BUILTIN_ANNOTATIONS
    return tuple(t for t in ontology if t[1] not in annotation and t[1] != OWL.imports)


def reasoner_input(data: Graph, aliases: Aliases) -> bytes:
    """N-Triples for HermiT: the logical ontology + data without rdf:Statement reification (reserved vocabulary in
    OWL 2 DL; the plain relation triple is always asserted too)."""
    merged = Graph()
    for s, p, o in (*logical_ontology(), *data):
        if p in _REIFICATION or (p == RDF.type and o == RDF.Statement) or p == OWL.imports:
            continue
        merged.add((aliases.out(s), aliases.out(p), aliases.out(o)))
    return merged.serialize(format="nt", encoding="utf-8")


# --------------------------------------------------------------------------- running HermiT


class HermitInconsistent(Exception):
    pass


def run_hermit(ntriples: bytes) -> Graph:
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
            raise HermitInconsistent() from exc
        buffer = io.BytesIO()
        world.get_ontology(INFERENCES_ONTOLOGY).save(file=buffer, format="ntriples")
    finally:
        world.close()
    return Graph().parse(data=buffer.getvalue().decode("utf-8"), format="nt")


def consistent(data: Graph) -> bool:
    try:
        run_hermit(reasoner_input(data, Aliases()))
    except HermitInconsistent:
        return False
    return True


def minimal_subjects(data: Graph) -> tuple[list[Node], bool]:
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
        return not consistent(as_graph(t for s in subjects for t in by_subject[s]))

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


def search_culprits(module: Graph, *, search: bool) -> tuple[str, list[str]]:
    module = with_prefixes(module)
    if not search:
        return INCONSISTENT_HEADER + " (HermiT; explanation search disabled)", []
    subjects, complete = minimal_subjects(module)
    if not subjects:
        return INCONSISTENT_HEADER + " The ontology itself (without data) is inconsistent.", []
    triples = [t for s in subjects for t in sorted(module.triples((s, None, None)))]
    note = "" if complete else " (search budget exhausted; the set may not be minimal)"
    lines = [INCONSISTENT_HEADER, f"HermiT: these {len(triples)} triples about {len(subjects)} resource(s) cannot all hold "
                      f"together with the ontology{note}:"]
    lines += [f"  {short_name(s, module)} {short_name(p, module)} {short_name(o, module)} ." for s, p, o in triples]
    return "\n".join(lines), [str(s) for s in subjects]
