"""A remote SPARQL 1.1 store as the graph backend: `NCKG_SPARQL_URL` instead of var/store.

`RemoteStore` offers the read API the server, the pages and the catalogue use from `GraphStore` (it subclasses it):
`query` (answers are pyoxigraph result objects: SELECT/ASK fetched as SPARQL JSON and parsed with
`parse_query_results`, CONSTRUCT/DESCRIBE fetched as N-Triples and re-exposed as `QueryTriples`), `run`,
`serialize`, `serialize_limited`, `graph_counts`, `service_description`, `dump`. Requests use urllib (no new
dependency) with a timeout; a 400 from the store becomes `QueryError` (or `UpdateRefused` when the text is an
update), anything else on the wire an `OSError` (`RemoteStoreError`), which the server answers with 503.

Differences from the embedded store, by necessity:
- substitutions (typed initial bindings) cannot be sent over the protocol: they are written as leading `BIND`s of
  the query's WHERE group (`BIND(<iri> AS ?x)`, `BIND(STRDT("lexical", <datatype>) AS ?x)`), from pyoxigraph's
  own N-Triples serialisation of each (already typed, validated) term, a form Oxigraph, Virtuoso and Fuseki
  evaluate alike; variable names are checked; blank nodes are refused;
- the union default graph must be provided by the store (`oxigraph serve --union-default-graph`, Fuseki
  `tdb2:unionDefaultGraph true`), as the SPARQL protocol has no switch for it;
- `base_iri` is sent as a leading `BASE` declaration.

`upload()` writes a built store to a remote store (tested on `oxigraph serve` and Virtuoso): Graph Store Protocol
(default) or SPARQL UPDATE, in streamed batches of at most BATCH triples with blank-node structures kept whole; with
the query URL it saves the nckg graphs first and restores them if the upload fails (see upload()); finally the
build's version is written into `BUILD_GRAPH` (`<BUILD_GRAPH> owl:versionInfo "..."`).
`RemoteHandle.get()` reads that version (at most every `version_ttl` seconds), so caches keyed on the store version
(nckg.store.cache) are invalidated by an upload exactly as by a local store swap. A failing store raises RemoteStoreError
(HTTP 502 for the server's clients), RemoteStoreUnreachable (503) or RemoteStoreTimeout (504).
"""

from __future__ import annotations

import http.client
import json
import re
import shutil
import socket
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Collection, Iterable, Iterator, Mapping
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

from nckg.store.limits import OPAQUE, ServiceRefused, check_services
from nckg.namespaces import GRAPH, OWL
from nckg.store.query_syntax import prologue
from nckg.store.graph import (
    GraphStore,
    QueryError,
    QueryResult,
    ServiceNotAllowed,
    _classify_failure,
    _dataset_format,
)

BUILD_GRAPH = GRAPH + "build"  # holds `<BUILD_GRAPH> owl:versionInfo "<store version>"` after an upload
UNVERSIONED = "remote-unversioned"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, application/sparql-results+xml;q=0.5"
# CONSTRUCT / DESCRIBE: asked for as N-Triples only (Virtuoso answers an Accept that lists SPARQL JSON first with
# a subject/predicate/object table instead of a graph)
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.8, application/rdf+xml;q=0.5"
_VARNAME = re.compile(r"^[A-Za-z_0-9][A-Za-z_0-9\u00B7\u00C0-\uFFFF]*$")
_WHERE = re.compile(r"(?<![\w?$:@.\-])WHERE\s*\{", re.IGNORECASE)
_FORM = re.compile(r"(?<![\w?$:@.\-])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:\-])", re.IGNORECASE)


class RemoteStoreError(OSError):
    """The remote store answered with an error other than a rejected query (HTTP 502 for the server's clients)."""

    status = 502


class RemoteStoreUnreachable(RemoteStoreError):
    """The remote store could not be reached (HTTP 503)."""

    status = 503


class RemoteStoreTimeout(RemoteStoreError):
    """The remote store did not answer within the timeout (HTTP 504)."""

    status = 504


def _term_expression(term: NamedNode | Literal) -> str:
    """A SPARQL expression for a typed term: an IRI as itself, a literal as STRDT / STRLANG of its lexical form
    (a plain constant such as "2.5"^^xsd:decimal in the projection of a sorted query makes Virtuoso fail with
    "SR128: Numeric value out of range"; through STRDT it keeps its value and datatype on every engine)."""
    if isinstance(term, NamedNode):
        return str(term)
    lexical = str(Literal(term.value))  # the N-Triples form of the lexical value: quoted and escaped
    if term.language:
        return f"STRLANG({lexical}, {str(Literal(term.language))})"
    if term.datatype.value == XSD_STRING:
        return lexical  # a simple literal: Virtuoso keeps STRDT(..., xsd:string) apart from the stored strings
    return f"STRDT({lexical}, {term.datatype})"


def binding_block(substitutions: Mapping[str, object]) -> str:
    """`BIND(<iri> AS ?a) BIND(STRDT("2.5", <dt>) AS ?b)` from typed pyoxigraph terms (never from raw text)."""
    binds = []
    for name, term in substitutions.items():
        name = str(name).lstrip("?$")
        if not _VARNAME.match(name):
            raise QueryError(f"invalid variable name for a substitution: {name!r}")
        if isinstance(term, BlankNode) or not isinstance(term, (NamedNode, Literal)):
            raise QueryError(f"substitution ?{name} must be an IRI or a literal, not {type(term).__name__}")
        binds.append(f"BIND({_term_expression(term)} AS ?{name})")  # pyoxigraph's forms: IRIs valid, literals escaped
    return " ".join(binds)


def inline_substitutions(sparql: str, substitutions: Mapping[str, object] | None) -> str:
    """The query with `substitutions` as leading BINDs of its WHERE group (see the module docstring)."""
    if not substitutions:
        return sparql
    block = binding_block(substitutions)
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
        # the predeclared prefixes on the query's first line (line numbers of errors unchanged; its own PREFIX wins)
        text = f"{prologue()} {inline_substitutions(sparql, substitutions)}"
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
        form = _FORM.search(OPAQUE.sub(lambda m: " " * len(m.group()), sparql))
        graph_form = form is not None and form.group(1).upper() in ("CONSTRUCT", "DESCRIBE")
        try:
            body, content_type = self._post(self.url, urllib.parse.urlencode(params).encode(),
                                            "application/x-www-form-urlencoded",
                                            GRAPH_ACCEPT if graph_form else ACCEPT)
        except _Rejected as error:
            raise _classify_failure(sparql, SyntaxError(error.message)) from None
        return parse_answer(body, content_type)

    def graph_counts(self) -> dict[str, int]:
        """Triples per nckg named graph (the store's own graphs, e.g. Virtuoso's system graphs, and the upload's
        version marker graph left out)."""
        return {g: n for g, n in super().graph_counts().items() if g.startswith(GRAPH) and g != BUILD_GRAPH}

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
        return parse_query_results(_canonical_booleans(body), format=QueryResultsFormat.JSON)
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


_BOOLEAN_LEXICAL = {"1": "true", "0": "false"}


def _canonical_booleans(body: bytes) -> bytes:
    """SPARQL JSON results with xsd:boolean values in their canonical form (Virtuoso writes "1" and "0")."""
    if b'XMLSchema#boolean"' not in body:
        return body
    data = json.loads(body)
    for binding in (data.get("results") or {}).get("bindings") or []:
        for term in binding.values():
            if term.get("datatype") == XSD_BOOLEAN and term.get("value") in _BOOLEAN_LEXICAL:
                term["value"] = _BOOLEAN_LEXICAL[term["value"]]
    return json.dumps(data).encode()


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
        if isinstance(error.reason, (TimeoutError, socket.timeout)):
            raise RemoteStoreTimeout(f"the remote store at {request.full_url.split('?')[0]} did not answer "
                                     f"within {timeout:g} s") from None
        raise RemoteStoreUnreachable(f"the remote store at {request.full_url.split('?')[0]} is unreachable: "
                                     f"{error.reason}") from None
    except (TimeoutError, socket.timeout):
        raise RemoteStoreTimeout(f"the remote store at {request.full_url.split('?')[0]} did not answer "
                                 f"within {timeout:g} s") from None
    except (ConnectionError, http.client.HTTPException) as error:
        raise RemoteStoreError(f"the remote store at {request.full_url.split('?')[0]} broke off its answer: "
                               f"{error}") from None


# --- upload ----------------------------------------------------------------------------------------------------------

# Triples per write request. Virtuoso's SPARQL compiler runs out of parser memory ("SP030 ... memory exhausted")
# at ~5 000 triples of INSERT DATA; 1 000 is accepted by Virtuoso and Oxigraph alike and costs little in requests.
# Triples with blank nodes cannot use INSERT DATA on Virtuoso; its INSERT-template compiler stops at 10 000 lines of
# generated SQL (~900 triples): those batches hold at most BLANK_BATCH triples.
BATCH = 1000
BLANK_BATCH = 200


class UploadError(RemoteStoreError):
    """An upload failed; the remote store was restored to the graphs (and version) it served before."""


def _graph_url(gsp_url: str, graph: str) -> str:
    return f"{gsp_url}{'&' if '?' in gsp_url else '?'}{urllib.parse.urlencode({'graph': graph})}"


def _request(method: str, url: str, timeout: float, data: bytes | None = None, content_type: str | None = None):
    headers = {"Content-Type": content_type} if content_type else {}
    return _send(urllib.request.Request(url, data=data, method=method, headers=headers), timeout)


def batches(triples: Iterable[Triple], size: int = BATCH, blank_size: int | None = None) -> Iterator[list[Triple]]:
    """The triples in batches of at most `size`, blank-node structures first, each whole in one batch.

    Each write request has its own blank node scope, so triples that share a blank node (directly or through
    others: an OWL restriction, an RDF list) must travel together; they come first, in batches of at most
    `blank_size` (default `size`) triples, a structure larger than that alone in its batch, so that a request the
    store refuses for its size is the first one of its graph. `triples` is read twice (pass a list or a
    re-iterable view): first for the blank-node triples (held, grouped), then streaming the others."""
    parent: dict[str, str] = {}

    def root(label: str) -> str:
        while parent.setdefault(label, label) != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    held: list[tuple[str, Triple]] = []
    for triple in triples:
        labels = [t.value for t in (triple.subject, triple.object) if isinstance(t, BlankNode)]
        if labels:
            first = root(labels[0])
            for other in labels[1:]:
                parent[root(other)] = first
            held.append((labels[0], triple))
    components: dict[str, list[Triple]] = {}
    for label, triple in held:
        components.setdefault(root(label), []).append(triple)
    limit, current = blank_size or size, []
    for component in sorted(components.values(), key=len, reverse=True):
        if current and len(current) + len(component) > limit:
            yield current
            current = []
        current.extend(component)
    if current:
        yield current
        current = []
    for triple in triples:
        if not (isinstance(triple.subject, BlankNode) or isinstance(triple.object, BlankNode)):
            current.append(triple)
            if len(current) >= size:
                yield current
                current = []
    if current:
        yield current


class _GraphTriples:
    """The triples of one named graph of a store, re-iterable (read from the store on each pass)."""

    def __init__(self, store: Store, graph: str):
        self.store, self.graph = store, NamedNode(graph)

    def __iter__(self) -> Iterator[Triple]:
        return (Triple(q.subject, q.predicate, q.object)
                for q in self.store.quads_for_pattern(None, None, None, self.graph))


class _FileTriples:
    """The triples of an N-Triples file, re-iterable."""

    def __init__(self, path: Path):
        self.path = path

    def __iter__(self) -> Iterator[Triple]:
        return iter(parse(path=str(self.path), format=RdfFormat.N_TRIPLES))


class _Writer:
    """Writes whole graphs to a remote store with the Graph Store Protocol (first batch PUT, later batches POST)
    or SPARQL UPDATE (`DROP SILENT GRAPH`, then `INSERT DATA` per batch, and for the batches with blank nodes,
    which Virtuoso refuses in INSERT DATA, `INSERT { GRAPH <g> { ... } } WHERE {}`)."""

    def __init__(self, gsp_url: str | None, update_url: str | None, batch: int, timeout: float):
        if not (gsp_url or update_url):
            raise ValueError("upload needs a Graph Store Protocol URL or a SPARQL UPDATE URL")
        self.gsp_url, self.update_url, self.batch, self.timeout = gsp_url, update_url, batch, timeout

    def replace(self, graph: str, triples: Iterable[Triple], changed: list[str] | None = None) -> int:
        """Replace `graph` by `triples` (re-iterable); returns how many were written. The graph is appended to
        `changed` once the first request succeeded (a refused first request changes nothing)."""
        node, written, first = NamedNode(graph), 0, True
        for chunk in batches(triples, self.batch, None if self.gsp_url else min(self.batch, BLANK_BATCH)):
            body = serialize(chunk, format=RdfFormat.N_TRIPLES) or b""
            if self.gsp_url:
                _request("PUT" if first else "POST", _graph_url(self.gsp_url, graph), self.timeout, body,
                         "application/n-triples")
            else:
                blank = any(isinstance(t.subject, BlankNode) or isinstance(t.object, BlankNode) for t in chunk)
                insert = (f"INSERT {{ GRAPH {node} {{\n{body.decode()}}} }} WHERE {{}}" if blank
                          else f"INSERT DATA {{ GRAPH {node} {{\n{body.decode()}}} }}")
                self._update((f"DROP SILENT GRAPH {node} ;\n" if first else "") + insert)
            written += len(chunk)
            if first and changed is not None:
                changed.append(graph)
            first = False
        if first:  # no triples: an empty graph is no graph
            if changed is not None:
                changed.append(graph)
            self.drop(graph)
        return written

    def drop(self, graph: str) -> None:
        if self.gsp_url:
            try:
                _request("DELETE", _graph_url(self.gsp_url, graph), self.timeout)
            except RemoteStoreError as error:
                if "HTTP 404" not in str(error):
                    raise
        else:
            self._update(f"DROP SILENT GRAPH {NamedNode(graph)}")

    def _update(self, text: str) -> None:
        try:
            _request("POST", self.update_url, self.timeout, text.encode(), "application/sparql-update")
        except _Rejected as error:
            raise RemoteStoreError(f"the remote store refused the update: {gist(error.message)}") from None


def _marker(version: str) -> list[Triple]:
    return [Triple(NamedNode(BUILD_GRAPH), NamedNode(OWL + "versionInfo"), Literal(version))]


class _Snapshot:
    """The nckg graphs a remote store serves before an upload, saved as N-Triples files in a temporary folder
    (one CONSTRUCT per graph), to put back if the upload fails."""

    def __init__(self, remote: RemoteStore):
        self.folder = Path(tempfile.mkdtemp(prefix="nckg-upload-snapshot-"))
        self.version = remote.remote_version()
        self.files: dict[str, Path] = {}
        for index, graph in enumerate(sorted(g for g in remote.graph_counts() if g.startswith(GRAPH))):
            triples = remote.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {NamedNode(graph)} {{ ?s ?p ?o }} }}")
            path = self.folder / f"{index}.nt"
            path.write_bytes(serialize(triples, format=RdfFormat.N_TRIPLES) or b"")
            self.files[graph] = path

    def restore(self, writer: _Writer, touched: Iterable[str]) -> None:
        """Put the saved graphs back in place of the touched ones, drop touched graphs that were not there,
        and restore the previous version marker."""
        for graph in touched:
            if graph in self.files:
                writer.replace(graph, _FileTriples(self.files[graph]))
            elif graph != BUILD_GRAPH:
                writer.drop(graph)
        if self.version == UNVERSIONED:
            writer.drop(BUILD_GRAPH)
        else:
            writer.replace(BUILD_GRAPH, _marker(self.version))

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def upload(source: GraphStore, *, gsp_url: str | None = None, update_url: str | None = None,
           query_url: str | None = None, version: str | None = None, batch: int = BATCH,
           timeout: float = 300.0) -> dict[str, int]:
    """Copy every named graph of `source` to a remote store; returns triples written per graph.

    With `gsp_url`: Graph Store Protocol (PUT of the first batch of each graph, POST of the others); otherwise
    `update_url`: SPARQL UPDATE batches. Batches hold at most `batch` triples and are streamed from the store.

    With `query_url` the upload is all-or-nothing for readers of nckg: first the nckg graphs the remote serves are
    saved (a snapshot in a temporary folder) and the version marker is set to an "uploading" value (so no cache
    keyed on the old version holds a half-written answer); then graph after graph is replaced and stale nckg
    graphs are dropped; the new version is written last. If anything fails, every graph already touched is put
    back from the snapshot, the old version marker restored and `UploadError` raised (one line). Without
    `query_url` there is no snapshot: a failure leaves the graphs written so far."""
    writer = _Writer(gsp_url, update_url, batch, timeout)
    remote = RemoteStore(query_url, timeout=timeout) if query_url else None
    snapshot = _Snapshot(remote) if remote else None
    new_version = version or source.version or time.strftime("%Y%m%dT%H%M%S")
    graphs = sorted(g.value for g in source.store.named_graphs() if isinstance(g, NamedNode))
    written: dict[str, int] = {}
    touched: list[str] = []
    current = "the version marker"
    try:
        if snapshot:
            writer.replace(BUILD_GRAPH, _marker(f"uploading-{new_version}"), touched)
        for graph in graphs:
            current = f"<{graph}>"
            written[graph] = writer.replace(graph, _GraphTriples(source.store, graph), touched)
        if snapshot:
            for stale in sorted(set(snapshot.files) - set(graphs)):
                current = f"<{stale}>"
                touched.append(stale)
                writer.drop(stale)
        current = "the version marker"
        writer.replace(BUILD_GRAPH, _marker(new_version), touched)
    except (RemoteStoreError, _Rejected) as error:
        message = error.message if isinstance(error, _Rejected) else str(error)
        where = f"while writing {current}"
        if snapshot is None:
            raise UploadError(f"upload failed {where}: {message}; graphs written before it stay") from None
        try:
            snapshot.restore(writer, dict.fromkeys(touched))
        except (RemoteStoreError, _Rejected) as second:
            raise UploadError(f"upload failed {where}: {message}; restoring the previous graphs failed too: "
                              f"{second}") from None
        raise UploadError(f"upload failed {where}: {message}; the previous {len(snapshot.files)} graphs "
                          f"(version {snapshot.version}) were restored") from None
    finally:
        if snapshot:
            snapshot.close()
    return written
