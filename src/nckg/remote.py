"""A remote SPARQL 1.1 store as the graph backend (issue #10 phase 2): `NCKG_SPARQL_URL` instead of var/store.

`RemoteStore` offers the read API the server, the pages and the catalogue use from `GraphStore` (it subclasses it):
`query` (answers are pyoxigraph result objects: SELECT/ASK fetched as SPARQL JSON and parsed with
`parse_query_results`, CONSTRUCT/DESCRIBE fetched as N-Triples and re-exposed as `QueryTriples`), `run`,
`serialize`, `serialize_limited`, `graph_counts`, `service_description`, `dump`. Requests use urllib (no new
dependency) with a timeout; a 400 from the store becomes `QueryError` (or `UpdateRefused` when the text is an
update), anything else on the wire an `OSError` (`RemoteStoreError`), which the server answers with 503.

Differences from the embedded store, by necessity:
- substitutions (typed initial bindings) cannot be sent over the protocol: they are written into a leading
  `VALUES` block of the query's WHERE group, from pyoxigraph's own N-Triples serialisation of each (already typed,
  validated) term; variable names are checked; blank nodes are refused (VALUES cannot hold them);
- the union default graph must be provided by the store (`oxigraph serve --union-default-graph`, Fuseki
  `tdb2:unionDefaultGraph true`), as the SPARQL protocol has no switch for it;
- `base_iri` is sent as a leading `BASE` declaration.

`upload()` writes a built store to a remote store: Graph Store Protocol `PUT` of each named graph as N-Triples
(default) or SPARQL UPDATE `DROP SILENT GRAPH` + `INSERT DATA` batches; stale nckg graphs are dropped when the query
URL is known; finally the build's version is written into `BUILD_GRAPH` (`<BUILD_GRAPH> owl:versionInfo "..."`).
`RemoteHandle.get()` reads that version (at most every `version_ttl` seconds), so caches keyed on the store version
(nckg.cache) are invalidated by an upload exactly as by a local store swap.
"""

from __future__ import annotations

import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import BinaryIO

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryResultsFormat,
    RdfFormat,
    Store,
    Triple,
    parse,
    parse_query_results,
    serialize,
)

from .limits import OPAQUE, ServiceRefused, check_services
from .namespaces import GRAPH, OWL
from .store import (
    GraphStore,
    QueryError,
    QueryResult,
    ServiceNotAllowed,
    _classify_failure,
    _dataset_format,
)

BUILD_GRAPH = GRAPH + "build"  # holds `<BUILD_GRAPH> owl:versionInfo "<store version>"` after an upload
UNVERSIONED = "remote-unversioned"
ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, application/sparql-results+xml;q=0.5"
_VARNAME = re.compile(r"^[A-Za-z_0-9][A-Za-z_0-9\u00B7\u00C0-\uFFFF]*$")
_WHERE = re.compile(r"(?<![\w?$:@.\-])WHERE\s*\{", re.IGNORECASE)
_FORM = re.compile(r"(?<![\w?$:@.\-])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:\-])", re.IGNORECASE)


class RemoteStoreError(OSError):
    """The remote store could not be reached or answered with an error other than a rejected query."""


def values_block(substitutions: Mapping[str, object]) -> str:
    """`VALUES (?a ?b) { (<iri> "lit"^^<dt>) }` from typed pyoxigraph terms (never from raw text)."""
    names, terms = [], []
    for name, term in substitutions.items():
        name = str(name).lstrip("?$")
        if not _VARNAME.match(name):
            raise QueryError(f"invalid variable name for a substitution: {name!r}")
        if isinstance(term, BlankNode) or not isinstance(term, (NamedNode, Literal)):
            raise QueryError(f"substitution ?{name} must be an IRI or a literal, not {type(term).__name__}")
        names.append("?" + name)
        terms.append(str(term))  # pyoxigraph's N-Triples form: IRIs validated, literals escaped
    return f"VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }}"


def inline_substitutions(sparql: str, substitutions: Mapping[str, object] | None) -> str:
    """The query with `substitutions` as a leading VALUES block in its WHERE group (see the module docstring)."""
    if not substitutions:
        return sparql
    block = values_block(substitutions)
    masked = OPAQUE.sub(lambda m: " " * len(m.group()), sparql)  # comments, strings, IRIs, escapes
    match = _WHERE.search(masked)
    if match is None:
        form = _FORM.search(masked)
        if form is None:
            raise QueryError("not a SPARQL query (no SELECT, ASK, CONSTRUCT or DESCRIBE)")
        brace = masked.find("{", form.end())
        if brace < 0:  # DESCRIBE <x> / DESCRIBE ?x without a WHERE clause
            return f"{sparql.rstrip()}\nWHERE {{ {block} }}\n"
        end = brace + 1
    else:
        end = match.end()
    return f"{sparql[:end]} {block}\n{sparql[end:]}"


class RemoteStore(GraphStore):
    """A SPARQL 1.1 Protocol endpoint (read operations) behind the GraphStore read API."""

    immutable = False  # uploads change it in place; its version marker is only read every few seconds

    def __init__(self, url: str, *, timeout: float = 30.0, version: str | None = None,
                 update_url: str | None = None, gsp_url: str | None = None):
        super().__init__(self, version or UNVERSIONED)  # `store.store` is a cache-key identity in the pages
        self.url, self.timeout = url, timeout
        self.update_url, self.gsp_url = update_url, gsp_url

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r}, version={self.version!r})"

    # --- HTTP -----------------------------------------------------------------------------------------------
    def _post(self, url: str, data: bytes, content_type: str, accept: str = ACCEPT,
              method: str = "POST") -> tuple[bytes, str]:
        request = urllib.request.Request(url, data=data, method=method,
                                         headers={"Content-Type": content_type, "Accept": accept})
        return _send(request, self.timeout)

    def query(self, sparql: str, *, default_graph_uris: Iterable[str] = (), named_graph_uris: Iterable[str] = (),
              substitutions: Mapping[str, object] | None = None, base_iri: str | None = None,
              allowed_services: Collection[str] = ()) -> QueryResult:
        """Run a read-only query on the remote store; same contract as GraphStore.query."""
        try:
            check_services(sparql, allowed_services)
        except ServiceRefused as error:
            raise ServiceNotAllowed(str(error)) from None
        text = inline_substitutions(sparql, substitutions)
        if base_iri:
            try:
                text = f"BASE {NamedNode(base_iri)}\n{text}"
            except ValueError as error:
                raise QueryError(f"invalid base IRI: {error}") from None
        params = [("query", text)]
        for key, uris in (("default-graph-uri", default_graph_uris), ("named-graph-uri", named_graph_uris)):
            for uri in uris:
                try:
                    params.append((key, NamedNode(uri).value))
                except ValueError as error:
                    raise QueryError(f"invalid graph IRI: {error}") from None
        try:
            body, content_type = self._post(self.url, urllib.parse.urlencode(params).encode(),
                                            "application/x-www-form-urlencoded")
        except _Rejected as error:
            raise _classify_failure(sparql, SyntaxError(error.message)) from None
        return parse_answer(body, content_type)

    def graph_counts(self) -> dict[str, int]:
        """Triples per named graph (the upload's version marker graph left out)."""
        return {g: n for g, n in super().graph_counts().items() if g != BUILD_GRAPH}

    def remote_version(self) -> str:
        """The version an upload wrote into BUILD_GRAPH, or UNVERSIONED."""
        rows = list(self.query(f"SELECT ?v WHERE {{ GRAPH <{BUILD_GRAPH}> {{ <{BUILD_GRAPH}> <{OWL}versionInfo> ?v }} }}"))
        return rows[0]["v"].value if rows else UNVERSIONED

    def quads(self) -> list[Quad]:
        """Every quad of the named graphs (one CONSTRUCT per graph; blank nodes are scoped per graph)."""
        quads = []
        for graph in self.graph_counts():
            node = NamedNode(graph)
            triples = self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }}")
            quads += [Quad(t.subject, t.predicate, t.object, node) for t in triples]
        return quads

    def dump(self, fmt: RdfFormat = RdfFormat.N_QUADS) -> bytes:
        return serialize(self.quads(), format=_dataset_format(fmt)) or b""

    def dump_to(self, file: str | Path | BinaryIO, fmt: RdfFormat = RdfFormat.N_QUADS) -> None:
        data = self.dump(fmt)
        if isinstance(file, (str, Path)):
            Path(file).write_bytes(data)
        else:
            file.write(data)


class RemoteHandle:
    """The StoreHandle of a remote store: `get()` returns a RemoteStore carrying the remote version, re-read at
    most every `version_ttl` seconds (0: on every call)."""

    remote = True

    def __init__(self, url: str, *, timeout: float = 30.0, version_ttl: float = 5.0,
                 update_url: str | None = None, gsp_url: str | None = None):
        self.url, self.path, self.in_memory = url, url, False
        self.timeout, self.version_ttl = timeout, version_ttl
        self.update_url, self.gsp_url = update_url, gsp_url
        self._store: RemoteStore | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def current_version(self) -> str:
        return self.get().version

    def get(self) -> RemoteStore:
        now = time.monotonic()
        store = self._store
        if store is None or now - self._checked >= self.version_ttl:
            with self._lock:
                if self._store is None or time.monotonic() - self._checked >= self.version_ttl:
                    probe = RemoteStore(self.url, timeout=self.timeout)
                    version = probe.remote_version()
                    if self._store is None or self._store.version != version:
                        self._store = RemoteStore(self.url, timeout=self.timeout, version=version,
                                                  update_url=self.update_url, gsp_url=self.gsp_url)
                    self._checked = time.monotonic()
                store = self._store
        return store


# --- answers -------------------------------------------------------------------------------------------------------

def parse_answer(body: bytes, content_type: str) -> QueryResult:
    """A remote answer as a pyoxigraph result (QuerySolutions, QueryBoolean or QueryTriples)."""
    media = content_type.split(";")[0].strip().lower()
    if media in ("application/sparql-results+json", "application/json"):
        return parse_query_results(body, format=QueryResultsFormat.JSON)
    if media in ("application/sparql-results+xml", "application/xml", "text/xml"):
        return parse_query_results(body, format=QueryResultsFormat.XML)
    formats = {"application/n-triples": RdfFormat.N_TRIPLES, "text/turtle": RdfFormat.TURTLE,
               "application/rdf+xml": RdfFormat.RDF_XML, "text/plain": RdfFormat.N_TRIPLES}
    if media not in formats:
        raise RemoteStoreError(f"the remote store answered with an unexpected media type {content_type!r}")
    # QueryTriples cannot be built directly: load the triples into a scratch store and CONSTRUCT them back.
    scratch = Store()
    scratch.bulk_extend(Quad(t.subject, t.predicate, t.object) for t in parse(body, format=formats[media]))
    return scratch.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")


class _Rejected(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


_TAG = re.compile(r"<[^>]*>")


def gist(body: str, limit: int = 300) -> str:
    """An error body on one line: markup dropped, whitespace folded, at most `limit` characters."""
    text = " ".join(_TAG.sub(" ", body).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _send(request: urllib.request.Request, timeout: float) -> tuple[bytes, str]:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        message = error.read().decode("utf-8", "replace").strip()[:2000]
        if error.code == 400:
            raise _Rejected(message or "the remote store rejected the query") from None
        raise RemoteStoreError(f"{request.get_method()} {request.full_url.split('?')[0]}: HTTP {error.code} "
                               f"{gist(message)}") from None
    except urllib.error.URLError as error:
        raise RemoteStoreError(f"the remote store at {request.full_url.split('?')[0]} is unreachable: "
                               f"{error.reason}") from None


# --- upload ----------------------------------------------------------------------------------------------------------

def _graph_url(gsp_url: str, graph: str) -> str:
    return f"{gsp_url}{'&' if '?' in gsp_url else '?'}{urllib.parse.urlencode({'graph': graph})}"


def _request(method: str, url: str, timeout: float, data: bytes | None = None, content_type: str | None = None):
    headers = {"Content-Type": content_type} if content_type else {}
    return _send(urllib.request.Request(url, data=data, method=method, headers=headers), timeout)


def upload(source: GraphStore, *, gsp_url: str | None = None, update_url: str | None = None,
           query_url: str | None = None, version: str | None = None, batch: int = 5000,
           timeout: float = 300.0) -> dict[str, int]:
    """Copy every named graph of `source` to a remote store; returns triples written per graph.

    With `gsp_url`: Graph Store Protocol PUT of each graph as N-Triples (replacing it). Otherwise `update_url`:
    SPARQL UPDATE `DROP SILENT GRAPH` + `INSERT DATA` in batches of `batch` triples. With `query_url`, nckg
    graphs on the remote that the build no longer has are dropped. The version marker (BUILD_GRAPH) is written
    last, so readers switch versions (and caches invalidate) only once the graphs are in place."""
    if not (gsp_url or update_url):
        raise ValueError("upload needs a Graph Store Protocol URL or a SPARQL UPDATE URL")
    written: dict[str, int] = {}
    graphs = sorted(g.value for g in source.store.named_graphs() if isinstance(g, NamedNode))
    for graph in graphs:
        triples = [Triple(q.subject, q.predicate, q.object)
                   for q in source.store.quads_for_pattern(None, None, None, NamedNode(graph))]
        _replace_graph(graph, triples, gsp_url, update_url, batch, timeout)
        written[graph] = len(triples)
    if query_url:
        remote = RemoteStore(query_url, timeout=timeout)
        for stale in set(remote.graph_counts()) - set(graphs):
            if stale.startswith(GRAPH):
                _drop_graph(stale, gsp_url, update_url, timeout)
    marker = NamedNode(BUILD_GRAPH)
    _replace_graph(BUILD_GRAPH, [Triple(marker, NamedNode(OWL + "versionInfo"),
                                        Literal(version or source.version or time.strftime("%Y%m%dT%H%M%S")))],
                   gsp_url, update_url, batch, timeout)
    return written


def _replace_graph(graph: str, triples: list[Triple], gsp_url: str | None, update_url: str | None,
                   batch: int, timeout: float) -> None:
    if gsp_url:
        body = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
        _request("PUT", _graph_url(gsp_url, graph), timeout, body, "application/n-triples")
        return
    node = NamedNode(graph)
    first = True
    for start in range(0, max(len(triples), 1), batch):
        chunk = (serialize(triples[start:start + batch], format=RdfFormat.N_TRIPLES) or b"").decode()
        update = (f"DROP SILENT GRAPH {node} ;\n" if first else "") + f"INSERT DATA {{ GRAPH {node} {{\n{chunk}}} }}"
        _request("POST", update_url, timeout, update.encode(), "application/sparql-update")
        first = False


def _drop_graph(graph: str, gsp_url: str | None, update_url: str | None, timeout: float) -> None:
    if gsp_url:
        try:
            _request("DELETE", _graph_url(gsp_url, graph), timeout)
        except RemoteStoreError as error:
            if "HTTP 404" not in str(error):
                raise
    else:
        _request("POST", update_url, timeout, f"DROP SILENT GRAPH {NamedNode(graph)}".encode(),
                 "application/sparql-update")
