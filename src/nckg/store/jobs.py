"""Query jobs: what a worker is asked to run (Job), what it answers (Answer, Failure), the failures a caller sees
(JobFailed: QueryTimeout, WorkerCrashed, PoolBusy), and `execute`, the job runner shared by the worker processes
and the in-process mode."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

_in_worker = [False]  # set in a worker process: answers then name the process that ran them


def mark_worker_process() -> None:
    """Called once by a worker process at start."""
    _in_worker[0] = True


@dataclass(frozen=True)
class Job:
    """One query to run: the protocol's dataset, the media type negotiated per result kind, the row cap."""

    sparql: str
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    substitutions: Mapping[str, object] | None = None  # variable name -> pyoxigraph term
    base_iri: str | None = None
    media_types: Mapping[str, str | None] = field(default_factory=lambda: {
        "solutions": "application/sparql-results+json", "boolean": "application/sparql-results+json",
        "triples": "text/turtle"})  # result kind -> media type (None: not acceptable)
    asked: str = ""  # what the client asked for (Accept / format), for the 406 message
    row_limit: int | None = None
    truncation_link: str | None = None  # a URL a truncated SPARQL JSON/XML result links to (head link)
    allowed_services: tuple[str, ...] = ()
    cpu_seconds: float | None = None  # CPU budget of this job inside the worker (a backstop to the wall-clock timeout)


@dataclass(frozen=True)
class Answer:
    """A serialized result."""

    body: bytes
    content_type: str
    kind: str  # solutions | boolean | triples
    rows: int  # rows (solutions or triples) written; -1 when not counted (no row limit)
    truncated: bool
    seconds: float  # evaluation + serialization time inside the worker
    worker: int | None = None  # pid of the worker process (None: in-process)
    store_version: str | None = None


@dataclass(frozen=True)
class Failure:
    """A job that ended with an error the client should hear about; `kind` tells the HTTP status."""

    kind: str  # query | update | service | not-acceptable | evaluation | upstream | unavailable | internal
    message: str
    detail: str = ""  # a syntax error: the parser's full text (at the message's position)
    line: int | None = None
    column: int | None = None


class JobFailed(Exception):
    """Raised by WorkerPool.run / run_in_process for a Failure, and (as subclasses) for pool-level failures."""

    kind = "internal"

    def __init__(self, message: str, kind: str | None = None, detail: str = "", line: int | None = None,
                 column: int | None = None):
        super().__init__(message)
        self.message, self.detail, self.line, self.column = message, detail, line, column
        if kind:
            self.kind = kind

    @classmethod
    def of(cls, failure: Failure) -> JobFailed:
        return cls(failure.message, failure.kind, failure.detail, failure.line, failure.column)


class QueryTimeout(JobFailed):
    """The query ran longer than the timeout; its worker was killed and is being replaced."""

    kind = "timeout"


class WorkerCrashed(JobFailed):
    """The worker died while running the query (segfault, out of memory); it is being replaced."""

    kind = "crashed"


class PoolBusy(JobFailed):
    """No worker became free in time."""

    kind = "busy"


# --- the job runner (worker side, or in-process) ----------------------------------------------------------------

def execute(handle, job: Job, *, network_isolated: bool = False) -> Answer | Failure:
    """Run `job` on the store of `handle` (nckg.store.graph.StoreHandle); never raises for a bad query."""
    from pyoxigraph import QueryBoolean, QueryTriples  # noqa: PLC0415

    from nckg.store.limits import ServiceRefused, check_services, uses_keyword  # noqa: PLC0415
    from nckg.store.graph import QueryError, ServiceNotAllowed, UpdateRefused, formats_for  # noqa: PLC0415

    started = time.perf_counter()
    try:
        store = handle.get()
    except OSError as error:
        kind = {502: "upstream", 504: "timeout"}.get(getattr(error, "status", None), "unavailable")
        return Failure(kind, f"The knowledge graph store is not available: {error}")
    try:
        check_services(job.sparql, job.allowed_services)
        if not network_isolated and "service" in job.sparql.lower():  # the kernel does not stop SERVICE here
            refusal = _verify_services(job.sparql, job.allowed_services, job.base_iri)
            if refusal:
                return Failure("service", refusal)
        result = store.query(job.sparql, default_graph_uris=job.default_graph_uris,
                             named_graph_uris=job.named_graph_uris, substitutions=job.substitutions,
                             base_iri=job.base_iri, allowed_services=job.allowed_services)
        kind = "triples" if isinstance(result, QueryTriples) else "boolean" if isinstance(result, QueryBoolean) \
            else "solutions"
        formats = formats_for(result)
        media_type = (job.media_types or {}).get(kind)
        if media_type is None or media_type not in formats:
            return Failure("not-acceptable", f"Cannot answer this query ({'graph' if kind == 'triples' else kind} "
                                             f"result) as {job.asked or 'requested'}. Available: {', '.join(formats)}")
        body, rows, truncated = store.serialize_limited(result, media_type, job.row_limit, job.truncation_link)
    except UpdateRefused as error:
        return Failure("update", str(error))
    except (ServiceNotAllowed, ServiceRefused) as error:
        return Failure("service", str(error))
    except QueryError as error:
        return Failure("query", error.message, error.detail, error.line, error.column)
    except OSError as error:
        remote_status = getattr(error, "status", None)  # nckg.store.remote.RemoteStoreError: 502, 503 or 504
        if remote_status:
            kind = {502: "upstream", 503: "unavailable", 504: "timeout"}[remote_status]
            return Failure(kind, f"The knowledge graph's SPARQL store failed: {error}")
        if uses_keyword(job.sparql, "SERVICE") or "service" in job.sparql.lower():
            if network_isolated:
                return Failure("service", "SERVICE is not allowed: queries on this endpoint have no network access.")
            return Failure("upstream", f"The remote SERVICE endpoint failed: {error}")
        return Failure("unavailable", f"The knowledge graph store could not be read: {error}")
    except (RuntimeError, ValueError, TypeError) as error:  # pyoxigraph evaluation errors
        return Failure("evaluation", f"The query could not be evaluated: {error}")
    except RecursionError:
        return Failure("query", "The query is too deeply nested to evaluate.")
    except MemoryError:
        return Failure("evaluation", "The query needs more memory than a query may use.")
    return Answer(body, formats[media_type].media_type, kind, rows, truncated,
                  round(time.perf_counter() - started, 6), os.getpid() if _in_worker[0] else None, store.version)


def _verify_services(sparql: str, allowed, base_iri: str | None) -> str | None:
    """Parser-level SERVICE check (rdflib's grammar) for workers that can reach the network: the query mentions
    'service' somewhere, so make sure every SERVICE clause calls an allowlisted IRI. Returns a refusal or None."""
    try:
        from rdflib.plugins.sparql.algebra import translateQuery  # noqa: PLC0415
        from rdflib.plugins.sparql.parser import parseQuery  # noqa: PLC0415
        from rdflib.term import URIRef  # noqa: PLC0415

        algebra = translateQuery(parseQuery(sparql), base=base_iri).algebra
    except Exception:  # noqa: BLE001 - rdflib's parser fails in many ways
        return ("This query mentions 'service' but its SERVICE use could not be verified by a second parser; "
                "queries calling SERVICE must be plain SPARQL 1.1 naming an allowlisted endpoint IRI.")
    stack, seen = [algebra], 0
    while stack and seen < 100_000:
        node, seen = stack.pop(), seen + 1
        if isinstance(node, dict):
            if getattr(node, "name", None) == "ServiceGraphPattern":
                term = node.get("term")
                if not isinstance(term, URIRef) or str(term) not in allowed:
                    return f"SERVICE <{term}> is not allowed: the endpoint is not on this server's allowlist."
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
    return None
