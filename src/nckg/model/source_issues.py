"""The source issues (nckg:SourceIssue, e.g. the chemistry findings of nckg.sources.sanity) about one record, for
its page."""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import NamedNode

from nckg.store.graph import GraphStore


@dataclass(frozen=True)
class SourceIssue:
    """Where the review's printed text does not add up: the finding's kind and a message for a reader."""

    kind: str
    message: str


def source_issues(store: GraphStore, iri: str) -> list[SourceIssue]:
    """The source issues of the record `iri` (queries/page-source-issues.rq), by kind."""
    return [SourceIssue(row["kind"].value, row["text"].value)
            for row in store.run("page-source-issues", resource=NamedNode(iri))]
