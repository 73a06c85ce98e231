"""Safe writes and runaway queries on a remote store: Virtuoso in the production set-up of server/README.md (the
query endpoint read-only, uploads through the Digest-authenticated endpoints with credentials taken from the
environment), and the engine's own timeout sent with every query to Virtuoso."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import engines
import pytest
from click.testing import CliRunner

from nckg.store.remote import RemoteHandle, RemoteStore
from nckg.store.remote_http import Credentials, RemoteStoreError
from nckg.store.upload import upload


@pytest.fixture(scope="module")
def secure_virtuoso():
    try:
        engine = engines.start_virtuoso(secure=True)
    except FileNotFoundError as error:
        pytest.skip(str(error))
    yield engine
    engine.stop()


def _status(request: urllib.request.Request) -> int:
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_anonymous_writes_are_refused(secure_virtuoso):
    base = secure_virtuoso.query_url.removesuffix("/sparql")
    insert = b"INSERT DATA { GRAPH <https://w3id.org/nckg/graph/x> { <http://e/a> <http://e/b> <http://e/c> } }"
    for url in (secure_virtuoso.query_url, secure_virtuoso.update_url):
        request = urllib.request.Request(url, data=insert, method="POST",
                                         headers={"Content-Type": "application/sparql-update"})
        assert _status(request) in (401, 403, 500), url  # Virtuoso: 500 "SR186 ... has no ... permission"
    put = urllib.request.Request(base + "/sparql-graph-crud?graph=https%3A%2F%2Fw3id.org%2Fnckg%2Fgraph%2Fx",
                                 data=b"<http://e/a> <http://e/b> <http://e/c> .", method="PUT",
                                 headers={"Content-Type": "application/n-triples"})
    assert _status(put) in (401, 403, 500)
    assert "https://w3id.org/nckg/graph/x" not in RemoteStore(secure_virtuoso.query_url).graph_counts()


def test_upload_needs_the_credentials(secure_virtuoso, store):
    with pytest.raises(RemoteStoreError) as failure:
        upload(store, gsp_url=secure_virtuoso.gsp_url, query_url=secure_virtuoso.query_url, timeout=60)
    assert "HTTP 401" in str(failure.value) and "NCKG_UPLOAD_USER" in str(failure.value)


def test_cli_uploads_with_credentials_from_the_environment(secure_virtuoso, store, store_path, monkeypatch):
    """`nckg build --target` reads NCKG_UPLOAD_USER / NCKG_UPLOAD_PASSWORD (there is no option for them), writes
    through the authenticated Graph Store Protocol endpoint and checkpoints through the authenticated SPARQL one;
    the password is never printed."""
    from nckg.build import pipeline as build_module
    from nckg.build.pipeline import BuildReport
    from nckg.cli.main import main

    report = BuildReport(Path(store_path), store.graph_counts(), {"clusters": 1}, 1, 0.1, {})
    monkeypatch.setattr(build_module, "build", lambda target=None, beside=None: report)
    monkeypatch.setenv("NCKG_SPARQL_URL", secure_virtuoso.query_url)
    monkeypatch.setenv("NCKG_SPARQL_UPDATE_URL", secure_virtuoso.update_url)
    monkeypatch.setenv("NCKG_UPLOAD_USER", engines.UPLOAD_USER)
    monkeypatch.setenv("NCKG_UPLOAD_PASSWORD", engines.UPLOAD_PASSWORD)
    result = CliRunner().invoke(main, ["build", "--target", secure_virtuoso.gsp_url])
    assert result.exit_code == 0, result.output
    assert engines.UPLOAD_PASSWORD not in result.output
    assert RemoteHandle(secure_virtuoso.query_url, version_ttl=0).get().graph_counts() == store.graph_counts()
    assert "Checkpoint finished" in (secure_virtuoso.folder / "db" / "virtuoso.log").read_text(errors="replace")
    assert "password" not in repr(Credentials.from_environment()).replace("password=***", "")


def test_queries_to_virtuoso_carry_its_timeout():
    """Virtuoso (told by its Server header) gets the store's timeout in milliseconds with each query, so it stops
    a query nckg gave up on; other engines get no extra parameter."""
    seen: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        server_name = "Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu"

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            seen.append(dict(urllib.parse.parse_qsl(body)))
            answer = b'{"head": {"vars": ["n"]}, "results": {"bindings": []}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def version_string(self):
            return type(self).server_name

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        store = RemoteStore(f"http://127.0.0.1:{server.server_address[1]}/sparql", timeout=7.5)
        list(store.query("SELECT ?n WHERE { ?n ?p ?o }"))  # the first answer tells the engine
        list(store.query("SELECT ?n WHERE { ?n ?p ?o }"))
        Handler.server_name = "oxigraph"
        other = RemoteStore(f"http://127.0.0.1:{server.server_address[1]}/sparql", timeout=7.5)
        list(other.query("SELECT ?n WHERE { ?n ?p ?o }"))
        list(other.query("SELECT ?n WHERE { ?n ?p ?o }"))
    finally:
        server.shutdown()
        server.server_close()
    assert seen[1].get("timeout") == "7500"
    assert "timeout" not in seen[3]


def test_oxigraph_read_only_server_serves_and_refuses_writes(store):
    """The guide's Oxigraph recipe: upload into a private `oxigraph serve`, then serve the folder with
    `oxigraph serve-read-only --timeout-s`: nckg reads every graph and the version, and writes are refused."""
    writer = engines.start_oxigraph()
    uploaded = upload(store, gsp_url=writer.gsp_url, query_url=writer.query_url)
    reader = engines.start_oxigraph_read_only(writer)
    try:
        current = RemoteHandle(reader.query_url, version_ttl=0).get()
        assert current.version == uploaded.version and current.graph_counts() == store.graph_counts()
        insert = urllib.request.Request(reader.update_url, method="POST",
                                        data=b"INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
                                        headers={"Content-Type": "application/sparql-update"})
        assert _status(insert) in (403, 404, 405)
        with pytest.raises(RemoteStoreError):
            upload(store, gsp_url=reader.gsp_url, version="refused")
    finally:
        reader.stop()


def test_upload_sends_basic_credentials_to_a_proxy(store):
    """Behind an authenticating proxy (the guide's Oxigraph set-up) the write endpoint asks for HTTP Basic
    authentication: nckg answers the challenge with the credentials given (from the environment in the CLI); a
    wrong password is refused with one line."""
    import base64

    good = "Basic " + base64.b64encode(b"nckg_upload:right").decode()
    writes: list[str] = []

    class Proxy(BaseHTTPRequestHandler):
        def do_PUT(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.headers.get("Authorization") != good:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="nckg upload"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            writes.append(self.path)
            self.send_response(204)
            self.end_headers()

        do_POST = do_PUT

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/store"
    try:
        written = upload(store, gsp_url=url, credentials=Credentials("nckg_upload", "right"))
        assert written == store.graph_counts() and len(writes) > len(written)
        with pytest.raises(RemoteStoreError) as failure:
            upload(store, gsp_url=url, credentials=Credentials("nckg_upload", "wrong"))
        assert "HTTP 401" in str(failure.value) and "\n" not in str(failure.value)
    finally:
        server.shutdown()
        server.server_close()
