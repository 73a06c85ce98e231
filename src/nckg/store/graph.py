"""The graph store: the only module that executes SPARQL (read-only queries over a pyoxigraph store)."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Collection, Iterable, Mapping
from functools import cache
from itertools import islice
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape as xml_escape

from pyoxigraph import (
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    Triple,
    Variable,
    parse_query_results,
    serialize,
)

from nckg import config
from nckg.store.limits import ServiceRefused, check_services, uses_keyword
from nckg.store.query_syntax import PREDECLARED, declarations, explain

QueryResult = QuerySolutions | QueryBoolean | QueryTriples
Format = QueryResultsFormat | RdfFormat

# Accepted media type -> native serializer, in order of preference (the first is the default).
TABLE_FORMATS: dict[str, QueryResultsFormat] = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "text/csv": QueryResultsFormat.CSV,
    "text/tab-separated-values": QueryResultsFormat.TSV,
    "application/json": QueryResultsFormat.JSON,
    "application/xml": QueryResultsFormat.XML,
    "text/xml": QueryResultsFormat.XML,
}
GRAPH_FORMATS: dict[str, RdfFormat] = {
    "text/turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/rdf+xml": RdfFormat.RDF_XML,
    "application/ld+json": RdfFormat.JSON_LD,
    "application/n-quads": RdfFormat.N_QUADS,
    "application/trig": RdfFormat.TRIG,
    "text/n3": RdfFormat.N3,
    "application/turtle": RdfFormat.TURTLE,
    "application/x-turtle": RdfFormat.TURTLE,
    "text/rdf+n3": RdfFormat.N3,
    "application/json": RdfFormat.JSON_LD,
    "application/xml": RdfFormat.RDF_XML,
    "text/xml": RdfFormat.RDF_XML,
}
# Short names for a `format=` parameter -> candidate media types (the first one the result supports wins).
FORMAT_NAMES: dict[str, tuple[str, ...]] = {
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv",),
    "tsv": ("text/tab-separated-values",),
    "turtle": ("text/turtle",),
    "ttl": ("text/turtle",),
    "ntriples": ("application/n-triples",),
    "nt": ("application/n-triples",),
    "rdfxml": ("application/rdf+xml",),
    "rdf": ("application/rdf+xml",),
    "rdf+xml": ("application/rdf+xml",),
    "jsonld": ("application/ld+json",),
    "json-ld": ("application/ld+json",),
    "nquads": ("application/n-quads",),
    "nq": ("application/n-quads",),
    "trig": ("application/trig",),
    "n3": ("text/n3",),
}

# RDF formats that allow a `#` comment line (where a truncated result says so in its body).
_COMMENTED = {RdfFormat.TURTLE, RdfFormat.N_TRIPLES, RdfFormat.N_QUADS, RdfFormat.TRIG, RdfFormat.N3}


def _uses(sparql: str, keyword: str) -> bool:
    """Whether `keyword` occurs in the query as a keyword (not inside a comment, string, IRI or name)."""
    return uses_keyword(sparql, keyword)


class QueryError(ValueError):
    """The query was rejected: a syntax error or a feature this endpoint refuses.

    `message` is one line (for a syntax error: line, column and the offending token, see nckg.store.query_syntax);
    `detail` the parser's full text, if any, at the same position (`line`, `column`). str() gives both, the detail as
    a second paragraph."""

    def __init__(self, message: str, detail: str = "", line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message, self.detail, self.line, self.column = message, detail, line, column

    def __str__(self) -> str:
        return f"{self.message}\n\nParser message: {self.detail}" if self.detail else self.message


class UpdateRefused(QueryError):
    """The text is a SPARQL update; this store only answers queries."""


class ServiceNotAllowed(QueryError):
    """The query calls a SERVICE endpoint that is not on the allowlist (none by default)."""


def formats_for(result: QueryResult | list[Triple]) -> dict[str, Format]:
    """The media types a result (or a list of triples) can be serialized to, mapped to the native serializer."""
    return GRAPH_FORMATS if isinstance(result, (QueryTriples, list)) else TABLE_FORMATS


def format_media_types(name: str, result: QueryResult) -> list[str]:
    """Media types a `format=` value (short name or media type) stands for, restricted to those the result supports."""
    key = name.strip().lower()
    return [t for t in FORMAT_NAMES.get(key, (key,)) if t in formats_for(result)]


@cache
def query_text(name: str) -> str:
    """The text of `queries/<name>.rq`."""
    return (config.queries_dir() / f"{name}.rq").read_text(encoding="utf-8")


def current_version(path: str | Path) -> str:
    """Name of the directory `path` resolves to (a build swaps the `var/store` symlink to a new version).

    Called on every query: a symlink to a plain directory costs one readlink + one lstat; anything else (a plain
    directory, a chain of links) takes the full resolution."""
    try:
        target = os.path.join(os.path.dirname(path), os.readlink(path))
        if not os.path.islink(target):
            return os.path.basename(os.path.normpath(target))
    except OSError:  # not a symlink (or gone): resolve below
        pass
    return Path(path).resolve().name


def write_store(path: str | Path, quads: Iterable[Quad]) -> Path:
    """Create a new on-disk store at `path` (absent or empty) holding `quads`; returns the path."""
    path = Path(path)
    if path.exists() and any(path.iterdir()):
        raise FileExistsError(f"refusing to write into non-empty {path}")
    store = Store(str(path))
    store.bulk_extend(quads)
    store.flush()
    store.optimize()
    return path


def _classify_failure(sparql: str, error: SyntaxError) -> QueryError:
    """Turn a query syntax error into UpdateRefused when the text parses as a SPARQL update (parse only)."""
    from pyparsing import ParseException  # noqa: PLC0415 - rdflib's parser only loads on errors
    from rdflib.plugins.sparql.parser import parseUpdate  # noqa: PLC0415

    try:
        if parseUpdate(sparql).request:
            return UpdateRefused("SPARQL update operations are not allowed on this read-only endpoint")
    except (ParseException, ValueError, RecursionError, TypeError, AttributeError, IndexError, KeyError):
        pass  # not an update either (rdflib's parser has its own failure modes): report the query parser's message
    problem = explain(sparql, str(error))
    return QueryError(problem.message, detail=problem.detail, line=problem.line, column=problem.column)


class GraphStore:
    """A pyoxigraph store; queries see the union of all named graphs as their default graph."""

    immutable = True  # a store opened from a build version never changes (an in-memory one has no version)

    def __init__(self, store: Store, version: str | None = None):
        self.store = store
        self.version = version  # name of the on-disk store directory this was opened from

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = True) -> GraphStore:
        """Open the on-disk store at `path`, following the version symlink."""
        resolved = Path(path).resolve()
        if read_only and not (resolved / "CURRENT").is_file():
            raise FileNotFoundError(f"no store at {path} (run `nckg build`)")
        return cls(Store.read_only(str(resolved)) if read_only else Store(str(resolved)), resolved.name)

    @classmethod
    def in_memory_copy(cls, path: str | Path) -> GraphStore:
        """Load the quads of the on-disk store at `path` into memory (faster queries, more RAM)."""
        source = cls.open(path)
        copy = Store()
        copy.extend(source.store)
        return cls(copy, source.version)

    @classmethod
    def from_quads(cls, quads: Iterable[Quad]) -> GraphStore:
        """An in-memory store holding `quads`."""
        store = Store()
        store.extend(quads)
        return cls(store)

    def query(self, sparql: str, *, default_graph_uris: Iterable[str] = (), named_graph_uris: Iterable[str] = (),
              substitutions: Mapping[str, object] | None = None, base_iri: str | None = None,
              allowed_services: Collection[str] = ()) -> QueryResult:
        """Run a read-only query. Graph URIs (the protocol's dataset) override FROM clauses; without either,
        the default graph is the union of the named graphs. SERVICE may only call `allowed_services` (exact
        endpoint IRIs; none by default). The common prefixes (query_syntax.PREDECLARED) need no declaration; the
        query's own PREFIX lines win. Raises QueryError / UpdateRefused / ServiceNotAllowed."""
        options: dict = {"base_iri": base_iri, "prefixes": PREDECLARED}
        default_graph_uris, named_graph_uris = list(default_graph_uris), list(named_graph_uris)
        try:
            if default_graph_uris or named_graph_uris:
                options["default_graph"] = [NamedNode(uri) for uri in default_graph_uris]
                options["named_graphs"] = [NamedNode(uri) for uri in named_graph_uris]
            else:
                options["use_default_graph_as_union"] = not _uses(sparql, "FROM")  # FROM clauses define their own
        except ValueError as error:
            raise QueryError(f"invalid graph IRI: {error}") from error
        if substitutions:
            options["substitutions"] = {Variable(name): term for name, term in substitutions.items()}
        try:
            check_services(sparql, allowed_services)
        except ServiceRefused as error:
            raise ServiceNotAllowed(str(error)) from None
        try:
            return self.store.query(sparql, **options)
        except SyntaxError as error:
            raise _classify_failure(sparql, error) from None

    def run(self, name: str, **substitutions: object) -> QueryResult:
        """Run the stored query `queries/<name>.rq`, binding variables by name."""
        return self.query(query_text(name), substitutions=substitutions)

    def service_description(self, endpoint: str) -> list[Triple]:
        """The SPARQL 1.1 Service Description of this store served at `endpoint`, with the predeclared prefixes
        (SHACL prefix declarations)."""
        return [*self.run("service_description", endpoint=NamedNode(endpoint)), *declarations(NamedNode(endpoint))]

    @staticmethod
    def serialize(result: QueryResult | list[Triple], media_type: str) -> bytes:
        """Serialize a query result (or a list of triples) with pyoxigraph's native writer for `media_type`."""
        fmt = formats_for(result).get(media_type.split(";")[0].strip().lower())
        if fmt is None:
            raise ValueError(f"cannot serialize this result as {media_type}")
        if isinstance(result, list):
            return serialize(result, format=fmt) or b""
        return result.serialize(format=fmt)

    @staticmethod
    def serialize_limited(result: QueryResult, media_type: str, row_limit: int | None,
                          link: str | None = None) -> tuple[bytes, int, bool]:
        """Serialize at most `row_limit` solutions or triples (None: all) with pyoxigraph's native writers.

        Returns (body, rows written, truncated). Results are iterators, so evaluation stops after row_limit + 1
        rows. The body of a truncated result says so where its format allows: a `#` comment first in Turtle,
        N-Triples, N-Quads, TriG and N3; a head `link` to `link` in SPARQL JSON and XML results."""
        fmt = formats_for(result).get(media_type.split(";")[0].strip().lower())
        if fmt is None:
            raise ValueError(f"cannot serialize this result as {media_type}")
        if isinstance(result, QueryBoolean):
            return result.serialize(format=fmt), 1, False
        if row_limit is None:
            return result.serialize(format=fmt), -1, False  # no cap: the native writer streams every row
        if isinstance(result, QueryTriples):
            triples = list(islice(result, row_limit + 1))
            truncated = len(triples) > row_limit
            del triples[row_limit:]
            body = serialize(triples, format=fmt) or b""
            if truncated and fmt in _COMMENTED:
                body = f"# nckg: result truncated to its first {row_limit} triples (result row limit)\n".encode() + body
            return body, len(triples), truncated
        # Re-wrap the capped solutions: pyoxigraph writes SPARQL TSV (one line per solution, terms in N-Triples
        # form) into a writer that stops the evaluation after row_limit + 1 rows; the kept lines are parsed back
        # (lossless: pyoxigraph's own writer and parser) and written by the native writer of the asked format.
        writer = _LineCap(row_limit + 2)  # the header line, row_limit rows, one more to know there are more
        try:
            result.serialize(writer, format=QueryResultsFormat.TSV)
        except _Enough:
            pass
        except Exception:
            if not writer.full:
                raise
        lines = b"".join(writer.chunks).split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        truncated = writer.full  # a row beyond the limit was written
        kept = lines[:row_limit + 1]
        rows = max(len(kept) - 1, 0)
        capped = parse_query_results(b"\n".join(kept) + b"\n", format=QueryResultsFormat.TSV)
        body = capped.serialize(format=fmt)
        if truncated and link:
            body = _add_head_link(body, fmt, link)
        return body, rows, truncated

    def graph_counts(self) -> dict[str, int]:
        """Number of triples in each named graph (computed once for a versioned store: a build never changes, and
        the count scans every quad)."""
        counts = self.__dict__.get("_graph_counts")
        if counts is None:
            counts = {row["graph"].value: int(row["triples"].value) for row in self.run("graph_counts")}
            if self.version and self.immutable:
                self._graph_counts = counts
        return dict(counts)

    def union_triples(self) -> QueryResult | list[Triple]:
        """Every triple of the named graphs, graph names dropped (export_union.rq; the Turtle / N-Triples dumps)."""
        return self.run("export_union")

    def dump(self, fmt: RdfFormat = RdfFormat.N_QUADS) -> bytes:
        """The whole dataset, named graphs included (a dataset format: N-Quads, TriG, JSON-LD)."""
        return self.store.dump(format=_dataset_format(fmt))

    def dump_to(self, file: str | Path | BinaryIO, fmt: RdfFormat = RdfFormat.N_QUADS) -> None:
        """Write the whole dataset to a path or binary file."""
        self.store.dump(str(file) if isinstance(file, Path) else file, format=_dataset_format(fmt))


def _add_head_link(body: bytes, fmt: QueryResultsFormat, link: str) -> bytes:
    """Add a head `link` to a serialized SPARQL JSON or XML result (after the variables, as both formats say)."""
    if fmt == QueryResultsFormat.JSON and body.startswith(b'{"head":{"vars":['):
        end = body.index(b"]") + 1  # variable names cannot contain "]"
        return body[:end] + b',"link":' + json.dumps([link]).encode() + body[end:]
    if fmt == QueryResultsFormat.XML and b"</head>" in body:
        return body.replace(b"</head>", f'<link href="{xml_escape(link, {chr(34): "&quot;"})}"/></head>'.encode(), 1)
    return body


class _Enough(Exception):
    """Raised by _LineCap to stop a serializer (and so the evaluation) once enough lines are written."""


class _LineCap:
    """A binary file-like object keeping the first `lines` lines written to it, then stopping the writer."""

    def __init__(self, lines: int):
        self.left = lines
        self.chunks: list[bytes] = []
        self.full = False

    def write(self, data) -> int:
        data = bytes(data)
        count = data.count(b"\n")
        if count < self.left:
            self.left -= count
            self.chunks.append(data)
            return len(data)
        cut = -1
        for _ in range(self.left):
            cut = data.index(b"\n", cut + 1)
        self.chunks.append(data[:cut + 1])
        self.left, self.full = 0, True
        raise _Enough

    def flush(self) -> None:
        pass


class StoreHandle:
    """Holds an open read-only store and reopens it when `path` (the build's symlink) resolves to a new version.

    A build writes a new version directory and swaps the symlink atomically (nckg.build.pipeline.swap_in); queries already
    running keep the version they opened, the next one opens the new version. A failed build never swaps."""

    def __init__(self, path: str | Path, in_memory: bool = False):
        self.path = Path(path)
        self.in_memory = in_memory
        self._store: GraphStore | None = None
        self._lock = threading.Lock()

    def get(self) -> GraphStore:
        store = self._store
        if store is None or store.version != current_version(self.path):
            with self._lock:
                store = self._store
                if store is None or store.version != current_version(self.path):
                    opener = GraphStore.in_memory_copy if self.in_memory else GraphStore.open
                    store = self._store = opener(self.path)
        return store


def _dataset_format(fmt: RdfFormat) -> RdfFormat:
    if not fmt.supports_datasets:
        raise ValueError(f"{fmt.name} cannot hold named graphs; use N-Quads, TriG or JSON-LD")
    return fmt
