"""A remote SPARQL 1.1 store as the graph backend: `NCKG_SPARQL_URL` instead of var/store.

`RemoteStore` offers the read API the server, the pages and the catalogue use from `GraphStore` (it subclasses it):
`query` (answers are pyoxigraph result objects: SELECT/ASK fetched as SPARQL JSON and parsed with
`parse_query_results`, CONSTRUCT/DESCRIBE fetched as N-Triples and re-exposed as `QueryTriples`), `run`,
`serialize`, `serialize_limited`, `graph_counts`, `service_description`, `dump`. Requests use urllib (no new
dependency, nckg.store.remote_http) with a timeout; a 400 from the store becomes `QueryError` (or `UpdateRefused`
when the text is an update), anything else on the wire an `OSError` (`RemoteStoreError`: 502, 503 or 504).

Differences from the embedded store, by necessity:
- substitutions (typed initial bindings) cannot be sent over the protocol: they are written as leading `BIND`s of
  the query's WHERE group (`BIND(<iri> AS ?x)`, `BIND(STRDT("lexical", <datatype>) AS ?x)`), from pyoxigraph's
  own N-Triples serialisation of each (already typed, validated) term, a form Oxigraph, Virtuoso and Fuseki
  evaluate alike; variable names are checked; blank nodes are refused;
- the union default graph must be provided by the store (`oxigraph serve --union-default-graph`, Fuseki
  `tdb2:unionDefaultGraph true`), as the SPARQL protocol has no switch for it;
- `base_iri` is sent as a leading `BASE` declaration;
- uploads skolemise blank nodes (nckg.store.skolem): answers turn the skolem IRIs back into blank nodes, and
  Virtuoso's blank nodes (`nodeID://b1`) are given valid labels;
- on Virtuoso every query carries the engine's own `timeout` (milliseconds, the store's timeout), so a query nckg
  gave up on is also stopped by the engine (the Oxigraph server has only its start-up option `--timeout-s`).

The upload (nckg.store.upload) writes a version marker into `BUILD_GRAPH`: `<BUILD_GRAPH> owl:versionInfo "v"`
and the triple count of each graph (`<graph> void:triples n`). `RemoteHandle.get()` reads it (at most every
`version_ttl` seconds), so caches keyed on the store version (nckg.store.cache) are invalidated by an upload exactly
as by a local store swap; while the marker says an upload is under way or was interrupted (`uploading-…`,
`incomplete-…`) it raises `RemoteStoreIncomplete` (503: readers never see half-written graphs).
"""

from __future__ import annotations

import json
import re
import threading
import time
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

from nckg.namespaces import GRAPH
from nckg.store.graph import (
    GraphStore,
    QueryError,
    QueryResult,
    ServiceNotAllowed,
    _classify_failure,
    _dataset_format,
    query_text,
)
from nckg.store.limits import OPAQUE, ServiceRefused, check_services
from nckg.store.query_syntax import prologue
from nckg.store.remote_http import (  # noqa: F401 - re-exported: the errors are part of this module's API
    RemoteStoreError,
    RemoteStoreTimeout,
    RemoteStoreUnreachable,
    _Rejected,
    gist,
    send,
)
from nckg.store.skolem import GENID

BUILD_GRAPH = GRAPH + "build"  # the version marker graph an upload writes (see the module docstring)
UNVERSIONED = "remote-unversioned"
UPLOADING, INCOMPLETE = "uploading-", "incomplete-"  # marker prefixes of an upload under way / interrupted
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, application/sparql-results+xml;q=0.5"
# CONSTRUCT / DESCRIBE: asked for as N-Triples only (Virtuoso answers an Accept that lists SPARQL JSON first with
# a subject/predicate/object table instead of a graph)
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.8, application/rdf+xml;q=0.5"
PAGE = 5000  # rows per page when a graph is read whole (Virtuoso's default result-row limit is 10 000)
_VARNAME = re.compile(r"^[A-Za-z_0-9][A-Za-z_0-9\u00B7\u00C0-\uFFFF]*$")
_WHERE = re.compile(r"(?<![\w?$:@.\-])WHERE\s*\{", re.IGNORECASE)
_FORM = re.compile(r"(?<![\w?$:@.\-])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:\-])", re.IGNORECASE)


class RemoteStoreIncomplete(RemoteStoreError):
    """The store's version marker says an upload is under way or was interrupted (HTTP 503)."""

    status = 503


def is_virtuoso(server_header: str) -> bool:
    return "virtuoso" in server_header.lower()


def upload_state(version: str) -> str | None:
    """A one-line description of an unfinished upload the marker `version` records, or None when complete."""
    if version.startswith(UPLOADING):
        return (f"an upload of version {version[len(UPLOADING):]} is under way or was interrupted "
                "(its graphs may be partly written)")
    if version.startswith(INCOMPLETE):
        return f"an upload of version {version[len(INCOMPLETE):]} failed part-way (its graphs are partly written)"
    return None


def _check_complete(url: str, version: str) -> None:
    state = upload_state(version)
    if state:
        raise RemoteStoreIncomplete(f"the remote store at {url} is not serving a complete version: {state}; "
                                    "re-running `nckg build --target` repairs it")


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
                 update_url: str | None = None, gsp_url: str | None = None, engine: str = ""):
        super().__init__(self, version or UNVERSIONED)  # `store.store` is a cache-key identity in the pages
        self.url, self.timeout = url, timeout
        self.update_url, self.gsp_url = update_url, gsp_url
        self.engine = engine  # the store's Server header once seen (decides the engine-specific timeout)

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r}, version={self.version!r})"

    def query(self, sparql: str, *, default_graph_uris: Iterable[str] = (), named_graph_uris: Iterable[str] = (),
              substitutions: Mapping[str, object] | None = None, base_iri: str | None = None,
              allowed_services: Collection[str] = ()) -> QueryResult:
        """Run a read-only query on the remote store; same contract as GraphStore.query."""
        try:
            check_services(sparql, allowed_services)
        except ServiceRefused as error:
            raise ServiceNotAllowed(str(error)) from None
        # the predeclared prefixes on the query's first line (the query's own PREFIX wins)
        text = f"{prologue()} {inline_substitutions(sparql, substitutions)}"
        if base_iri:
            try:
                text = f"BASE {NamedNode(base_iri)} {text}"  # same line: error line numbers unchanged
            except ValueError as error:
                raise QueryError(f"invalid base IRI: {error}") from None
        params = [("query", text)]
        for key, uris in (("default-graph-uri", default_graph_uris), ("named-graph-uri", named_graph_uris)):
            for uri in uris:
                try:
                    params.append((key, NamedNode(uri).value))
                except ValueError as error:
                    raise QueryError(f"invalid graph IRI: {error}") from None
        if is_virtuoso(self.engine):  # Virtuoso stops the query itself when nckg gives up (milliseconds)
            params.append(("timeout", str(int(self.timeout * 1000))))
        form = _FORM.search(OPAQUE.sub(lambda m: " " * len(m.group()), sparql))
        graph_form = form is not None and form.group(1).upper() in ("CONSTRUCT", "DESCRIBE")
        request = urllib.request.Request(self.url, data=urllib.parse.urlencode(params).encode(), method="POST",
                                         headers={"Content-Type": "application/x-www-form-urlencoded",
                                                  "Accept": GRAPH_ACCEPT if graph_form else ACCEPT})
        try:
            body, content_type, server = send(request, self.timeout)
        except _Rejected as error:
            raise _classify_failure(sparql, SyntaxError(error.message)) from None
        self.engine = self.engine or server
        return parse_answer(body, content_type)

    def graph_counts(self) -> dict[str, int]:
        """Triples per nckg named graph (the store's own graphs, e.g. Virtuoso's system graphs, and the upload's
        version marker graph left out)."""
        return {g: n for g, n in super().graph_counts().items() if g.startswith(GRAPH) and g != BUILD_GRAPH}

    def remote_version(self) -> str:
        """The version an upload wrote into BUILD_GRAPH, or UNVERSIONED."""
        rows = list(self.run("remote-marker"))
        return rows[0]["version"].value if rows else UNVERSIONED

    def marker_counts(self) -> dict[str, int]:
        """Triples per graph as the version marker records them (empty before the first upload)."""
        return {row["graph"].value: int(row["triples"].value) for row in self.run("remote-marker-counts")}

    def graph_triples(self, graph: str) -> list:
        """Every triple of one graph, read in ORDER BY pages of PAGE rows (no result-row limit truncates it);
        skolem IRIs come back as blank nodes."""
        triples, text = [], query_text("remote-graph-page")
        while True:
            page = list(self.query(f"{text}\nLIMIT {PAGE} OFFSET {len(triples)}",
                                   substitutions={"graph": NamedNode(graph)}))
            triples += [Triple(r["s"], r["p"], r["o"]) for r in page]
            if len(page) < PAGE:
                return triples

    def quads(self) -> list[Quad]:
        """Every quad of nckg's named graphs, graph by graph (see graph_triples). Raises RemoteStoreError when a
        graph's count disagrees with the version marker's (a truncated or damaged store)."""
        expected = self.marker_counts()
        quads = []
        for graph in sorted(expected or self.graph_counts()):
            triples = self.graph_triples(graph)
            if expected and len(triples) != expected[graph]:
                raise RemoteStoreError(f"the remote store holds {len(triples)} triples in <{graph}> but its "
                                       f"version marker says {expected[graph]}: re-run `nckg build --target`")
            node = NamedNode(graph)
            quads += [Quad(t.subject, t.predicate, t.object, node) for t in triples]
        return quads

    def union_triples(self) -> list[Triple]:
        """Every triple of nckg's graphs, read graph by graph (see quads), graph names dropped."""
        return list(dict.fromkeys(Triple(q.subject, q.predicate, q.object) for q in self.quads()))

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
    most every `version_ttl` seconds (0: on every call); RemoteStoreIncomplete while an upload is unfinished."""

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
                                                  update_url=self.update_url, gsp_url=self.gsp_url,
                                                  engine=probe.engine)
                    self._checked = time.monotonic()
                store = self._store
        _check_complete(self.url, store.version)
        return store


# --- answers -------------------------------------------------------------------------------------------------------

def parse_answer(body: bytes, content_type: str) -> QueryResult:
    """A remote answer as a pyoxigraph result (QuerySolutions, QueryBoolean or QueryTriples)."""
    media = content_type.split(";")[0].strip().lower()
    if media in ("application/sparql-results+json", "application/json"):
        return parse_query_results(_normalise_json(body), format=QueryResultsFormat.JSON)
    if media in ("application/sparql-results+xml", "application/xml", "text/xml"):
        return parse_query_results(body, format=QueryResultsFormat.XML)
    formats = {"application/n-triples": RdfFormat.N_TRIPLES, "text/turtle": RdfFormat.TURTLE,
               "application/rdf+xml": RdfFormat.RDF_XML, "text/plain": RdfFormat.N_TRIPLES}
    if media not in formats:
        raise RemoteStoreError(f"the remote store answered with an unexpected media type {content_type!r}")
    body = _VIRTUOSO_BLANK_TEXT.sub(rb"_:\1", _SKOLEM_TEXT.sub(rb"_:\1", body))
    # QueryTriples cannot be built directly: load the triples into a scratch store and CONSTRUCT them back.
    scratch = Store()
    scratch.bulk_extend(Quad(t.subject, t.predicate, t.object) for t in parse(body, format=formats[media]))
    return scratch.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")


_BOOLEAN_LEXICAL = {"1": "true", "0": "false"}
_SKOLEM_TEXT = re.compile(rb"<" + re.escape(GENID.encode()) + rb"([A-Za-z0-9_]+)>")
_VIRTUOSO_BLANK_TEXT = re.compile(rb"_:nodeID://([A-Za-z0-9_]+)")
_BLANK_LABEL = re.compile(r"[^A-Za-z0-9_]")


def _normalise_json(body: bytes) -> bytes:
    """SPARQL JSON results as pyoxigraph reads them: xsd:boolean values canonical (Virtuoso writes "1" and "0"),
    blank node labels valid (Virtuoso writes `nodeID://b10006`), nckg's skolem IRIs as blank nodes."""
    if b'XMLSchema#boolean"' not in body and b"nodeID://" not in body and GENID.encode() not in body:
        return body
    data = json.loads(body)
    for binding in (data.get("results") or {}).get("bindings") or []:
        for term in binding.values():
            kind, value = term.get("type"), term.get("value", "")
            if term.get("datatype") == XSD_BOOLEAN and value in _BOOLEAN_LEXICAL:
                term["value"] = _BOOLEAN_LEXICAL[value]
            elif kind == "bnode":
                term["value"] = _BLANK_LABEL.sub("_", value.removeprefix("nodeID://"))
            elif kind == "uri" and value.startswith(GENID):
                term["type"], term["value"] = "bnode", value[len(GENID):]
    return json.dumps(data).encode()
