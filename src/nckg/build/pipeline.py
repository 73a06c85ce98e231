"""Build the graph: sources -> checked records -> quads -> SHACL -> reasoning -> a fresh store, swapped in atomically."""

from __future__ import annotations

import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import rdflib
from pyoxigraph import NamedNode, Quad, RdfFormat, Triple, parse, serialize

from nckg import config
from nckg.sources import checks
from nckg.build import compile
from nckg.sources import mappings
from nckg.build import reason
from nckg.build import shacl
from nckg.build.specific import most_specific_types
from nckg.sources import loading as sources
from nckg.store import graph as store
from nckg.sources.documents import load_documents
from nckg.namespaces import IMPORTS_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, term
from nckg.sources.vocabulary import load_vocabulary, ontology_files

ISSUE_KIND = term("issueKind")


class BuildError(Exception):
    """The build was refused; the previous store is untouched."""


@dataclass
class BuildReport:
    """What a build produced: triples per named graph, record coverage and timings."""

    store: Path
    graph_counts: dict[str, int]
    coverage: dict[str, int]
    quotes: int  # distinct verbatim quotes (evidence nodes), each verified against its source text
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    findings: dict[str, int] = field(default_factory=dict)  # chemistry findings (nckg:SourceIssue) per kind

    @property
    def total(self) -> int:
        """Quads in all named graphs, which equal the distinct triples (`check_each_fact_once`)."""
        return sum(self.graph_counts.values())


def load_sources(data_dir: Path | None = None, *, verify_quotes: bool = True):
    """Load, schema-check and cross-check every data file; raises sources.DataError listing file:line problems."""
    files = sources.load_all(data_dir)
    registry, errors = checks.build_registry(files)
    registry.documents = load_documents(data_dir)
    errors += checks.check(registry, load_vocabulary(), verify_quotes=verify_quotes, documents=registry.documents)
    if errors:
        raise sources.DataError(errors)
    return registry


def coverage(registry: sources.Registry) -> dict[str, int]:
    """Number of records per kind, e.g. clusters, measurements, comparisons."""
    return {kind: sum(len(getattr(f.data, kind)) for f in registry.files)
            for kind in compile.EMITTERS if any(getattr(f.data, kind) for f in registry.files)}


def quote_count(registry: sources.Registry) -> int:
    """Distinct verbatim quotes: the evidence nodes of the graph (records citing the same quote share one)."""
    return len({compile.evidence_iri(item, f) for f in registry.files for kind in compile.EMITTERS
                for record in getattr(f.data, kind) for item in record.evidence})


def ontology_quads() -> list[Quad]:
    """The ontology and its SSSOM mappings in the ontology graph, the extracted external modules in the imports graph.

    Chemical identifiers are left to the compiler, which emits them from the YAML registries."""
    quads = []
    for path in ontology_files():
        graph = ONTOLOGY_GRAPH if path.name == "nckg.ttl" else IMPORTS_GRAPH
        quads += [Quad(t.subject, t.predicate, t.object, graph) for t in parse(path=str(path), format=RdfFormat.TURTLE)]
    stated = {Triple(q.subject, q.predicate, q.object) for q in quads}  # e.g. nckg units' closeMatch in qudt.ttl
    quads += [Quad(s, p, o, ONTOLOGY_GRAPH) for s, p, o in mappings.mapping_triples(include_chemicals=False)
              if Triple(s, p, o) not in stated]
    return quads


def rdflib_graph(quads: list[Quad]) -> rdflib.Graph:
    """The union of the quads' graphs as one rdflib Graph (what pyshacl and owlready2 take)."""
    triples = (Triple(q.subject, q.predicate, q.object) for q in quads)
    return rdflib.Graph().parse(data=serialize(triples, format=RdfFormat.N_TRIPLES), format="nt")


def check_shapes(data_graph: rdflib.Graph) -> shacl.ShapesReport:
    """SHACL-validate the compiled data with the ontology; raise BuildError with pyshacl's report on violations."""
    report = shacl.validate_shapes(data_graph)
    if not report.conforms:
        raise BuildError(f"SHACL validation failed ({report.violations} violations):\n{report.text}")
    return report


def check_each_fact_once(quads: list[Quad]) -> None:
    """Refuse a triple stated in two named graphs: shared entities are described by one source only.

    This keeps the union default graph free of duplicate rows, so its quads are its distinct triples."""
    graphs: dict[Triple, set[str]] = {}
    for q in set(quads):
        graphs.setdefault(Triple(q.subject, q.predicate, q.object), set()).add(str(q.graph_name))
    repeated = sorted((str(t), sorted(g)) for t, g in graphs.items() if len(g) > 1)
    if repeated:
        shown = "\n".join(f"  {t} in {', '.join(g)}" for t, g in repeated[:10])
        raise BuildError(f"{len(repeated)} triple(s) stated in more than one named graph (describe each entity in "
                         f"one source only):\n{shown}")


def swap_in(target: Path, quads: list[Quad]) -> Path:
    """Write quads into a new versioned store directory and atomically point `target` (a symlink) at it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    version = target.parent / f"{target.name}-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    store.write_store(version, quads)
    if target.exists() and not target.is_symlink():  # an older plain directory: keep it aside
        target.rename(target.parent / f"{target.name}-legacy-{int(time.time())}")
    link = target.parent / f".{target.name}.swap"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(version.name)
    previous = target.resolve() if target.is_symlink() else None
    os.replace(link, target)
    _prune(target, keep={version.name, previous.name if previous else ""})
    return version


def _prune(target: Path, keep: set[str]) -> None:
    """Remove store versions other than the current and the previous one (readers may still hold it)."""
    for old in target.parent.glob(f"{target.name}-*"):
        if old.name not in keep and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)


def build(store_path: Path | None = None, data_dir: Path | None = None,
          beside: Callable[[Path], object] | None = None) -> BuildReport:
    """Run the whole pipeline; on any failure raise and leave the previous store answering. `beside(folder)` then
    writes what the faces keep next to the store versions (the CLI: the rendered /ontology page)."""
    started = time.perf_counter()
    timings = {}

    def lap(name: str, t0: float) -> float:
        now = time.perf_counter()
        timings[name] = round(now - t0, 3)
        return now

    t = started
    registry = load_sources(data_dir)
    t = lap("load+check", t)
    vocabulary = load_vocabulary()
    data = compile.compile_all(registry, vocabulary)
    ontology = ontology_quads()
    t = lap("compile", t)
    data_graph = rdflib_graph(data)
    check_shapes(data_graph)
    t = lap("shacl", t)
    try:
        inference = reason.reason(data_graph)
    except reason.InconsistentOntologyError as exc:
        raise BuildError(f"the ontology and data are inconsistent (HermiT):\n{exc.explanation}") from exc
    inferred = [Quad(NamedNode(s), NamedNode(p), NamedNode(o), INFERRED_GRAPH) for s, p, o in inference.triples]
    inferred += most_specific_types(ontology + data + inferred)  # nckg:mostSpecificType (nckg.build.specific)
    t = lap("reasoning", t)
    quads = ontology + data + inferred
    check_each_fact_once(quads)
    target = store_path or config.store_path()
    swap_in(target, quads)
    t = lap("store", t)
    if beside is not None:
        beside(target.parent)
        lap("beside the store", t)
    counts = Counter(q.graph_name.value if isinstance(q.graph_name, NamedNode) else "" for q in set(quads))
    kinds = Counter(q.object.value for q in data if q.predicate == ISSUE_KIND)
    return BuildReport(target, dict(sorted(counts.items())), coverage(registry), quote_count(registry),
                       round(time.perf_counter() - started, 2), timings, dict(sorted(kinds.items())))



