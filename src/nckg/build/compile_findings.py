"""The chemistry findings of nckg.sources.sanity as data: one nckg:SourceIssue per finding, in the graph of the file
that curates the record it is about (the vocabulary of the compiler's other source issues)."""

from __future__ import annotations

from typing import Callable

from pyoxigraph import Quad

from nckg.namespaces import RDF, resource, term
from nckg.sources import sanity
from nckg.sources.loading import Registry, SourceFile

RECORD_IRIS = {"clusters": "cluster", "half_reactions": "half-reaction"}  # record kinds a finding may be about


def finding_quads(registry: Registry, emitter: Callable[[SourceFile], object]) -> list[Quad]:
    """nckr:source-issue/<record id>-<kind> a nckg:SourceIssue; nckg:issueAbout the record; nckg:issueKind;
    nckg:issueText — for every finding; `emitter(source)` makes the compiler's Emitter for a data file."""
    by_path = {source.path: source for source in registry.files}
    quads: list[Quad] = []
    for finding in sanity.findings(registry):
        e = emitter(by_path[finding.path])
        issue = resource("source-issue", f"{finding.record_id}-{finding.kind}")
        e.add(issue, RDF + "type", term("SourceIssue"))
        e.add(issue, "issueAbout", resource(RECORD_IRIS[finding.record_kind], finding.record_id))
        e.add(issue, "issueKind", finding.kind)
        e.add(issue, "issueText", finding.message)
        quads += e.quads
    return quads
