"""Writing a built store to a remote SPARQL store: `upload()` (used by `nckg build --target`).

Both protocols, tested on the Oxigraph server and Virtuoso: the Graph Store Protocol (first batch of a graph PUT,
the others POST) or SPARQL UPDATE (`DROP SILENT GRAPH`, then `INSERT DATA` per batch). Blank nodes are skolemised
first (nckg.store.skolem), so every batch is plain data of at most `batch` triples and any batch size works.

Readers never see a half-written store: the version marker graph (`BUILD_GRAPH`) says `uploading-<version>` from
the first write on (RemoteHandle answers 503 meanwhile), and only the last write sets the new version with the
triple count of every graph. The version is the content hash of the skolemised dataset, so an unchanged build
keeps its version (and the caches keyed on it); an upload that finds the same version and counts on the store
writes nothing. With the query URL the nckg graphs served before are saved first (a snapshot in a temporary
folder) and put back if the upload fails; without it a failure marks the store `incomplete-<version>`. A store
killed mid-upload keeps the `uploading-` marker. In every case re-running the upload repairs the store.

On Virtuoso the upload and any restore end with a checkpoint (queries/virtuoso-checkpoint.rq), without which
a restart of Virtuoso loses writes made through its HTTP endpoints.
"""

from __future__ import annotations

import shutil
import tempfile
import urllib.parse
from collections.abc import Iterable, Iterator
from pathlib import Path

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    RdfFormat,
    Triple,
    parse,
    serialize,
)

from nckg.namespaces import OWL
from nckg.store.graph import GraphStore, query_text
from nckg.store.remote import (
    BUILD_GRAPH,
    INCOMPLETE,
    UNVERSIONED,
    UPLOADING,
    RemoteStore,
    is_virtuoso,
    upload_state,
)
from nckg.store.remote_http import (
    Credentials,
    RemoteStoreError,
    _Rejected,
    gist,
    request,
)
from nckg.store.skolem import canonical, content_version, skolemise

VOID_TRIPLES = "http://rdfs.org/ns/void#triples"
XSD_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")

# Triples per write request. Virtuoso's SPARQL compiler runs out of parser memory ("SP030 ... memory exhausted")
# at ~5 000 triples of INSERT DATA; 1 000 is accepted by Virtuoso and Oxigraph alike and costs little in requests.
BATCH = 1000


class UploadError(RemoteStoreError):
    """An upload failed (the message says in which state it left the remote store)."""


class UploadResult(dict):
    """Triples written per graph, with the version now served and whether the store already held it."""

    def __init__(self, counts: dict[str, int], version: str, unchanged: bool = False):
        super().__init__(counts)
        self.version, self.unchanged = version, unchanged


def _graph_url(gsp_url: str, graph: str) -> str:
    return f"{gsp_url}{'&' if '?' in gsp_url else '?'}{urllib.parse.urlencode({'graph': graph})}"


def batches(triples: Iterable[Triple], size: int = BATCH) -> Iterator[list[Triple]]:
    """The triples in lists of at most `size` (blank nodes must be skolemised first: each request has its own
    blank node scope)."""
    current: list[Triple] = []
    for triple in triples:
        if isinstance(triple.subject, BlankNode) or isinstance(triple.object, BlankNode):
            raise TypeError("skolemise blank nodes before an upload (nckg.store.skolem)")
        current.append(triple)
        if len(current) >= size:
            yield current
            current = []
    if current:
        yield current


class _Writer:
    """Writes whole graphs with the Graph Store Protocol or SPARQL UPDATE (see the module docstring)."""

    def __init__(self, gsp_url: str | None, update_url: str | None, batch: int, timeout: float,
                 credentials: Credentials | None = None):
        if not (gsp_url or update_url):
            raise ValueError("upload needs a Graph Store Protocol URL or a SPARQL UPDATE URL")
        self.gsp_url, self.update_url, self.batch, self.timeout = gsp_url, update_url, batch, timeout
        self.credentials = credentials

    def _send(self, method: str, url: str, body: bytes | None = None, content_type: str | None = None):
        return request(method, url, self.timeout, body, content_type, credentials=self.credentials)

    def replace(self, graph: str, triples: Iterable[Triple], changed: list[str] | None = None) -> int:
        """Replace `graph` by `triples`; returns how many were written. The graph is appended to `changed` once
        the first request succeeded (a refused first request changes nothing)."""
        node, written, first = NamedNode(graph), 0, True
        for chunk in batches(triples, self.batch):
            body = serialize(chunk, format=RdfFormat.N_TRIPLES) or b""
            if self.gsp_url:
                self._send("PUT" if first else "POST", _graph_url(self.gsp_url, graph), body, "application/n-triples")
            else:
                self.update((f"DROP SILENT GRAPH {node} ;\n" if first else "") +
                            f"INSERT DATA {{ GRAPH {node} {{\n{body.decode()}}} }}")
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
                self._send("DELETE", _graph_url(self.gsp_url, graph))
            except RemoteStoreError as error:
                if "HTTP 404" not in str(error):
                    raise
        else:
            self.update(f"DROP SILENT GRAPH {NamedNode(graph)}")

    def update(self, text: str) -> None:
        try:
            self._send("POST", self.update_url, text.encode(), "application/sparql-update")
        except _Rejected as error:
            raise RemoteStoreError(f"the remote store refused the update: {gist(error.message)}") from None

    def engine(self) -> str:
        """The Server header of the write endpoint (an empty GSP GET or an ASK: read-only)."""
        if self.update_url:
            url = f"{self.update_url}{'&' if '?' in self.update_url else '?'}query=ASK%7B%7D"
        else:
            url = _graph_url(self.gsp_url, BUILD_GRAPH)
        try:
            return request("GET", url, self.timeout, credentials=self.credentials)[2]
        except (RemoteStoreError, _Rejected):
            return ""

    def checkpoint(self, query_url: str | None) -> None:
        """Virtuoso's checkpoint through SPARQL (queries/virtuoso-checkpoint.rq) on the update endpoint, else the
        query endpoint; a failure is an UploadError naming the missing procedure."""
        url = self.update_url or query_url
        if url is None:
            raise UploadError("Virtuoso needs a checkpoint after an upload: give the SPARQL endpoint "
                              "(--target-query or NCKG_SPARQL_URL)")
        body = urllib.parse.urlencode({"query": query_text("virtuoso-checkpoint")}).encode()
        try:
            request("POST", url, self.timeout, body, "application/x-www-form-urlencoded",
                    "application/sparql-results+json", self.credentials)
        except (RemoteStoreError, _Rejected) as error:
            message = error.message if isinstance(error, _Rejected) else str(error)
            raise UploadError(f"the graphs were written but Virtuoso did not checkpoint them ({gist(message, 200)}); "
                              "install DB.DBA.NCKG_CHECKPOINT as server/README.md says, or run `checkpoint;` in "
                              "isql before restarting Virtuoso") from None


def _marker(version: str, counts: dict[str, int] | None = None) -> list[Triple]:
    node = NamedNode(BUILD_GRAPH)
    return [Triple(node, NamedNode(OWL + "versionInfo"), Literal(version)),
            *(Triple(NamedNode(g), NamedNode(VOID_TRIPLES), Literal(str(n), datatype=XSD_INTEGER))
              for g, n in sorted((counts or {}).items()))]


class _FileTriples:
    """The triples of an N-Triples file, re-iterable."""

    def __init__(self, path: Path):
        self.path = path

    def __iter__(self) -> Iterator[Triple]:
        return iter(parse(path=str(self.path), format=RdfFormat.N_TRIPLES))


class _Snapshot:
    """The nckg graphs (and version marker) a remote store serves before an upload, saved as N-Triples files in a
    temporary folder (graph by graph, skolem IRIs kept), to put back if the upload fails."""

    def __init__(self, remote: RemoteStore):
        self.folder = Path(tempfile.mkdtemp(prefix="nckg-upload-snapshot-"))
        self.version = remote.remote_version()
        self.counts = remote.marker_counts()
        self.files: dict[str, Path] = {}
        for index, graph in enumerate(sorted(remote.graph_counts())):
            path = self.folder / f"{index}.nt"
            triples = skolemise(Quad(t.subject, t.predicate, t.object) for t in remote.graph_triples(graph))
            path.write_bytes(serialize([Triple(q.subject, q.predicate, q.object) for q in triples],
                                       format=RdfFormat.N_TRIPLES) or b"")
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
            writer.replace(BUILD_GRAPH, _marker(self.version, self.counts))

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def prepare(source: GraphStore) -> tuple[dict[str, list[Triple]], str]:
    """The source's named graphs, skolemised (graph -> sorted triples), and their content version."""
    quads = skolemise(canonical(q for q in source.store if isinstance(q.graph_name, NamedNode)))
    graphs: dict[str, list[Triple]] = {}
    for q in quads:
        graphs.setdefault(q.graph_name.value, []).append(Triple(q.subject, q.predicate, q.object))
    return graphs, content_version(quads)


def upload(source: GraphStore, *, gsp_url: str | None = None, update_url: str | None = None,
           query_url: str | None = None, version: str | None = None, batch: int = BATCH,
           timeout: float = 300.0, credentials: Credentials | None = None,
           checkpoint: bool | None = None) -> UploadResult:
    """Copy every named graph of `source` to a remote store (see the module docstring); returns triples written
    per graph. `version` overrides the content hash; `checkpoint` None: on Virtuoso only."""
    writer = _Writer(gsp_url, update_url, batch, timeout, credentials)
    graphs, content = prepare(source)
    new_version = version or content
    counts = {g: len(t) for g, t in graphs.items()}
    remote = RemoteStore(query_url, timeout=timeout) if query_url else None
    if remote and remote.remote_version() == new_version and remote.marker_counts() == counts \
            and remote.graph_counts() == counts:
        return UploadResult(counts, new_version, unchanged=True)
    if checkpoint is None:
        checkpoint = is_virtuoso(writer.engine())
    snapshot = _Snapshot(remote) if remote else None
    written: dict[str, int] = {}
    touched: list[str] = []
    current = "the version marker"
    try:
        writer.replace(BUILD_GRAPH, _marker(UPLOADING + new_version), touched)
        for graph in sorted(graphs):
            current = f"<{graph}>"
            written[graph] = writer.replace(graph, graphs[graph], touched)
        for stale in sorted(set(snapshot.files if snapshot else ()) - set(graphs)):
            current = f"<{stale}>"
            touched.append(stale)
            writer.drop(stale)
        current = "the version marker"
        writer.replace(BUILD_GRAPH, _marker(new_version, counts), touched)
    except (RemoteStoreError, _Rejected) as error:
        message = error.message if isinstance(error, _Rejected) else str(error)
        raise UploadError(_recover(writer, snapshot, touched, new_version, checkpoint, query_url,
                                   f"upload failed while writing {current}: {message}")) from None
    finally:
        if snapshot:
            snapshot.close()
    if checkpoint:
        writer.checkpoint(query_url)
    return UploadResult(written, new_version)


def _recover(writer: _Writer, snapshot: _Snapshot | None, touched: list[str], version: str, checkpoint: bool,
             query_url: str | None, failure: str) -> str:
    """Restore the snapshot (or mark the store incomplete) after a failed upload; the one-line error message."""
    repair = "re-running `nckg build --target` repairs it"
    try:
        if snapshot is None:
            if touched:
                writer.replace(BUILD_GRAPH, _marker(INCOMPLETE + version))
        else:
            snapshot.restore(writer, dict.fromkeys(touched))
        if checkpoint and touched:
            writer.checkpoint(query_url)
    except (RemoteStoreError, _Rejected) as second:
        second_message = second.message if isinstance(second, _Rejected) else str(second)
        return (f"{failure}; restoring the previous state failed too ({gist(second_message, 200)}): the store "
                f"is left marked as an unfinished upload (readers get 503); {repair}")
    if snapshot is None:
        if not touched:
            return f"{failure}; nothing was written"
        return f"{failure}; the store is marked incomplete (readers get 503); {repair}"
    return (f"{failure}; the previous {len(snapshot.files)} graphs (version {snapshot.version}) were restored"
            + ("" if upload_state(snapshot.version) is None else f"; {repair}"))
