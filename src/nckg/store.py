"""The graph store: the only module that executes SPARQL (read-only queries over a pyoxigraph store)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import BinaryIO

from pyoxigraph import (
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    Variable,
)

from . import config

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

# Lexical scan: skip comments, strings and IRIs, then find keywords that are not part of a name.
_OPAQUE = re.compile(r"""\#[^\n]*|'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|<[^<>"{}|^`\\\s]*>""",
                     re.DOTALL)
_KEYWORD = r"(?<![\w:?$@.\-]){}(?![\w:\-])"


def _uses(sparql: str, keyword: str) -> bool:
    """Whether `keyword` occurs in the query as a keyword (not inside a comment, string, IRI or name)."""
    return re.search(_KEYWORD.format(keyword), _OPAQUE.sub(" ", sparql), re.IGNORECASE) is not None


class QueryError(ValueError):
    """The query was rejected: a syntax error (the parser's message) or a feature this endpoint refuses."""


class UpdateRefused(QueryError):
    """The text is a SPARQL update; this store only answers queries."""


def formats_for(result: QueryResult) -> dict[str, Format]:
    """The media types a result can be serialized to, mapped to the native serializer."""
    return GRAPH_FORMATS if isinstance(result, QueryTriples) else TABLE_FORMATS


@cache
def query_text(name: str) -> str:
    """The text of `queries/<name>.rq`."""
    return (config.queries_dir() / f"{name}.rq").read_text(encoding="utf-8")


def current_version(path: str | Path) -> str:
    """Name of the directory `path` resolves to (a build swaps the `var/store` symlink to a new version)."""
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
    except (ParseException, ValueError):
        pass
    return QueryError(str(error))


class GraphStore:
    """A pyoxigraph store; queries see the union of all named graphs as their default graph."""

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
              substitutions: Mapping[str, object] | None = None, base_iri: str | None = None) -> QueryResult:
        """Run a read-only query. Graph URIs (the protocol's dataset) override FROM clauses; without either,
        the default graph is the union of the named graphs. Raises QueryError / UpdateRefused."""
        options: dict = {"base_iri": base_iri}
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
        if _uses(sparql, "SERVICE"):
            raise QueryError("SERVICE (federated query) is not allowed on this endpoint")
        try:
            return self.store.query(sparql, **options)
        except SyntaxError as error:
            raise _classify_failure(sparql, error) from None

    def run(self, name: str, **substitutions: object) -> QueryResult:
        """Run the stored query `queries/<name>.rq`, binding variables by name."""
        return self.query(query_text(name), substitutions=substitutions)

    def service_description(self, endpoint: str) -> QueryTriples:
        """The SPARQL 1.1 Service Description of this store served at `endpoint`."""
        return self.run("service_description", endpoint=NamedNode(endpoint))

    @staticmethod
    def serialize(result: QueryResult, media_type: str) -> bytes:
        """Serialize a query result with pyoxigraph's native writer for `media_type` (see formats_for)."""
        fmt = formats_for(result).get(media_type.split(";")[0].strip().lower())
        if fmt is None:
            raise ValueError(f"cannot serialize this result as {media_type}")
        return result.serialize(format=fmt)

    def graph_counts(self) -> dict[str, int]:
        """Number of triples in each named graph."""
        return {row["graph"].value: int(row["triples"].value) for row in self.run("graph_counts")}

    def dump(self, fmt: RdfFormat = RdfFormat.N_QUADS) -> bytes:
        """The whole dataset, named graphs included (a dataset format: N-Quads, TriG, JSON-LD)."""
        return self.store.dump(format=_dataset_format(fmt))

    def dump_to(self, file: str | Path | BinaryIO, fmt: RdfFormat = RdfFormat.N_QUADS) -> None:
        """Write the whole dataset to a path or binary file."""
        self.store.dump(str(file) if isinstance(file, Path) else file, format=_dataset_format(fmt))


def _dataset_format(fmt: RdfFormat) -> RdfFormat:
    if not fmt.supports_datasets:
        raise ValueError(f"{fmt.name} cannot hold named graphs; use N-Quads, TriG or JSON-LD")
    return fmt
