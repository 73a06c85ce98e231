"""The endpoint keeps answering everyone else whatever one request does.

Timeouts that really stop the work (worker killed, next request served), crash isolation (3000 nested groups),
row cap with a visible marker, size limits, SERVICE closed (no server-side request forgery), updates/LOAD/file
access refused, no stack traces, security headers, request ids and structured logs, read-only store and atomic swap,
per-client rate limit. Tests that need real processes run against waitress on 127.0.0.1.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from conftest import CU32_FORMULA, FIXTURES, build_test_store
from nckg.build import pipeline as build
from nckg.store.limits import nesting_depth, service_targets
from nckg.store.graph import GraphStore, UpdateRefused
from nckg.store.jobs import Job, JobFailed
from nckg.store.pool import WorkerPool
from server import create_app, db
from server.production import create_server

PREFIX = "PREFIX nckg: <https://w3id.org/nckg/ontology#>\n"
CU32 = PREFIX + "SELECT ?f WHERE { ?c nckg:formulaAsWritten ?f ; nckg:copperAtomCount 32 }"
# 58 quads in the fixture: 58^6 = 3.8e10 combinations to count; it would run for hours.
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n0 ?o . ?p ?q ?r }"
NESTED_3000 = "SELECT * WHERE " + "{" * 3000 + "}" * 3000  # kills pyoxigraph (and `oxigraph serve`) with SIGSEGV


def make_app(store_path, **config):
    return create_app({"TESTING": True, "STORE_PATH": str(store_path), **config})


def error_text(response, status: int) -> str:
    text = response.get_data(as_text=True)
    assert response.status_code == status, text
    assert response.mimetype == "text/plain"
    return text


def formulas(response) -> set[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return {row["f"]["value"] for row in json.loads(response.data)["results"]["bindings"]}


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()


class Served:
    """A waitress server for `app` on 127.0.0.1 (a free port) in a thread."""

    def __init__(self, app, threads: int = 8):
        self.app = app
        self.server = create_server(host="127.0.0.1", port=0, app=app, threads=threads, warm=True)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.effective_port}"

    def get(self, query: str | None = None, timeout: float = 30, **params) -> tuple[int, dict, bytes]:
        if query is not None:
            params["query"] = query
        url = self.url + "/sparql?" + urllib.parse.urlencode(params)
        request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def post(self, body: bytes, content_type: str = "application/sparql-query", timeout: float = 30):
        request = urllib.request.Request(self.url + "/sparql", data=body, method="POST",
                                         headers={"Content-Type": content_type,
                                                  "Accept": "application/sparql-results+json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def close(self):
        self.server.close()
        self.server.task_dispatcher.shutdown(timeout=2)
        self.thread.join(timeout=5)


@pytest.fixture(scope="module")
def guarded(store_path):
    """The production configuration with a short timeout (the default is 30 s)."""
    served = Served(make_app(store_path, QUERY_TIMEOUT=2.0))
    yield served
    served.close()


@pytest.fixture(scope="module")
def unguarded(store_path):
    """No nesting limit: a stack-overflowing query reaches pyoxigraph, so only the worker isolation protects."""
    served = Served(make_app(store_path, QUERY_TIMEOUT=2.0, MAX_QUERY_NESTING=10**6))
    yield served
    served.close()


def served_ok(served: Served) -> None:
    status, _, body = served.get(CU32)
    assert status == 200, body
    assert CU32_FORMULA in body.decode()


# --- timeout ----------------------------------------------------------------------------------------------------

def test_cartesian_product_is_stopped_and_the_next_request_is_served(guarded):
    pool = db.get_pool(guarded.app)
    before = set(pool.pids)
    started = time.monotonic()
    status, headers, body = guarded.get(CARTESIAN)
    elapsed = time.monotonic() - started
    assert status == 504, body
    assert "stopped after 2 s" in body.decode() and "QUERY_TIMEOUT" in body.decode()
    assert 1.9 < elapsed < 6, elapsed
    killed = before - set(pool.pids)
    assert len(killed) == 1  # the worker that ran it was replaced ...
    assert not any(alive(pid) for pid in killed)  # ... and is gone: the work really stopped
    served_ok(guarded)
    deadline = time.monotonic() + 10
    while len(pool.pids) < pool.size and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(pool.pids) == pool.size


def test_others_are_served_while_a_runaway_query_runs(guarded):
    with ThreadPoolExecutor(max_workers=1) as executor:
        runaway = executor.submit(guarded.get, CARTESIAN)
        time.sleep(0.3)
        latencies = []
        for _ in range(10):
            started = time.monotonic()
            served_ok(guarded)
            latencies.append(time.monotonic() - started)
        assert runaway.result()[0] == 504
    assert max(latencies) < 1.0, latencies


# --- crash isolation --------------------------------------------------------------------------------------------

def test_3000_nested_groups_are_refused_before_parsing(guarded, client):
    status, _, body = guarded.post(NESTED_3000.encode())
    assert status == 400 and b"MAX_QUERY_NESTING" in body
    served_ok(guarded)
    assert "MAX_QUERY_NESTING" in error_text(client.get("/sparql", query_string={"query": NESTED_3000}), 400)


def test_3000_nested_groups_kill_only_a_worker(unguarded):
    pool = db.get_pool(unguarded.app)
    before = set(pool.pids)
    status, _, body = unguarded.post(NESTED_3000.encode())
    assert status == 503, body
    assert b"SIGSEGV" in body and b"other requests are unaffected" in body
    served_ok(unguarded)  # the server process survived
    assert len(before - set(pool.pids)) == 1  # one worker died and was replaced
    served_ok(unguarded)


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?s ?p ?o " + " ".join(f"MINUS {{ ?s ?p ?o{i} }}" for i in range(3000)) + " }",  # flat: SIGSEGV
    "SELECT * WHERE { BIND(" + "CONCAT(" * 1000 + "'a'" + ")" * 1000 + " AS ?x) }",  # nested calls
    "SELECT * WHERE { ?s ?p " + "[ ?p " * 100 + "1" + " ]" * 100 + " }",  # exponential planning
    "SELECT * WHERE { FILTER(" + " || ".join(["?x"] * 15000) + ") }",
    "ASK { FILTER(" + "!" * 20000 + "true) }",
])
def test_pathological_queries_never_take_the_server_down(unguarded, guarded, query):
    for served in (guarded, unguarded):
        status, _, body = served.post(query.encode())
        assert status in (200, 400, 503, 504), (status, body[:200])  # answered, refused, crashed or stopped
        served_ok(served)


# --- row cap ------------------------------------------------------------------------------------------------------

def test_row_cap_truncates_and_marks_the_answer(store_path):
    client = make_app(store_path, RESULT_ROW_LIMIT=5).test_client()
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    data = json.loads(response.data)
    assert len(data["results"]["bindings"]) == 5
    assert response.headers["X-NCKG-Truncated"] == "true" and response.headers["X-NCKG-Row-Limit"] == "5"
    assert data["head"]["link"] and data["head"]["link"][0].endswith("#limits")
    assert "describedby" in response.headers["Link"]
    csv_rows = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }", "format": "csv"})
    assert len(csv_rows.get_data(as_text=True).strip().splitlines()) == 1 + 5
    turtle = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "ntriples"})
    lines = turtle.get_data(as_text=True).strip().splitlines()
    assert lines[0].startswith("# nckg: result truncated") and len(lines) == 1 + 5
    assert turtle.headers["X-NCKG-Truncated"] == "true"
    small = client.get("/sparql", query_string={"query": CU32})
    assert CU32_FORMULA in formulas(small) and "X-NCKG-Truncated" not in small.headers
    assert "link" not in json.loads(small.data)["head"]
    # a cross product under a row cap stops after the cap: no timeout
    cross = client.get("/sparql", query_string={"query": CARTESIAN.replace("(COUNT(*) AS ?n)", "*")})
    assert cross.status_code == 200 and cross.headers["X-NCKG-Truncated"] == "true"


def test_truncated_rows_are_the_same_terms(store_path, store):
    client = make_app(store_path, RESULT_ROW_LIMIT=300).test_client()
    query = ("SELECT * WHERE { { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o } UNION "
             "{ ?s <https://w3id.org/nckg/ontology#quote> ?o } } ORDER BY ?s ?o")
    capped = json.loads(client.get("/sparql", query_string={"query": query}).data)
    native = json.loads(GraphStore.serialize(store.query(query + " LIMIT 300"), "application/sparql-results+json"))
    assert capped["head"].pop("link") and capped == native  # re-wrapping the capped rows changes nothing


# --- size limits --------------------------------------------------------------------------------------------------

def test_query_length_and_body_limits(store_path):
    client = make_app(store_path, MAX_QUERY_LENGTH=1000, MAX_CONTENT_LENGTH=4000,
                      MAX_FORM_MEMORY_SIZE=4000).test_client()
    long_query = "ASK {} #" + "x" * 1200
    assert "MAX_QUERY_LENGTH" in error_text(client.get("/sparql", query_string={"query": long_query}), 414)
    assert "MAX_QUERY_LENGTH" in error_text(
        client.post("/sparql", data=long_query.encode(), content_type="application/sparql-query"), 413)
    assert "MAX_QUERY_LENGTH" in error_text(client.post("/sparql", data={"query": long_query}), 413)
    assert client.post("/sparql", data=b"ASK {}" + b" " * 5000,
                       content_type="application/sparql-query").status_code == 413
    assert client.post("/sparql", data={"query": "ASK {}" + " " * 5000}).status_code == 413
    assert client.get("/sparql", query_string={"query": "ASK {} #" + "x" * 900}).status_code == 200


def test_huge_literal_within_the_limits_is_fine(client):
    query = 'ASK { FILTER(STRLEN("' + "é" * 90_000 + '") = 90000) }'
    response = client.post("/sparql", data=query.encode(), content_type="application/sparql-query")
    assert json.loads(response.data)["boolean"] is True


def test_live_limits_on_waitress(live_server):
    too_long = urllib.request.Request(live_server + "/sparql?" + urllib.parse.urlencode({"query": "#" * 200_000}))
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(too_long, timeout=10)
    assert caught.value.code in (400, 414, 431)
    over = urllib.request.Request(live_server + "/sparql", data=b" " * (1024 * 1024 + 10), method="POST",
                                  headers={"Content-Type": "application/sparql-query"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(over, timeout=10)
    assert caught.value.code == 413  # the app's MAX_CONTENT_LENGTH
    huge = urllib.request.Request(live_server + "/sparql", data=b" " * (8 * 1024 * 1024), method="POST",
                                  headers={"Content-Type": "application/sparql-query"})
    with pytest.raises(urllib.error.URLError) as caught:  # waitress answers 413 and closes while we still send
        urllib.request.urlopen(huge, timeout=10)
    assert getattr(caught.value, "code", 413) == 413
    with urllib.request.urlopen(live_server + "/sparql?query=ASK%7B%7D", timeout=10) as response:
        assert response.status == 200


# --- SERVICE: no server-side request forgery ------------------------------------------------------------------------

class Listener:
    """An HTTP server on 127.0.0.1 that records every request and answers like a SPARQL endpoint."""

    def __init__(self):
        self.hits: list[str] = []
        hits = self.hits

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                hits.append(self.path)
                body = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [
                    {"x": {"type": "literal", "value": "from the remote endpoint"}}]}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET  # noqa: N815

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def ssrf_queries(port: int) -> list[str]:
    target = f"http://127.0.0.1:{port}/sparql"
    return [
        f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE { SERVICE <http://169.254.169.254/latest/meta-data/> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE <http://[::1]:1/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }",
        f"PREFIX e: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE e:sparql {{ ?s ?p ?o }} }}",
        f"BASE <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{target}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        "SELECT * WHERE { SERVICE <http://127.0.0.1:" + "".join(f"\\u00{ord(c):x}" for c in str(port)) +
        "/sparql> { ?s ?p ?o } }",
        f"select * where {{ service <{target}> {{ ?s ?p ?o }} }}",
        # hides SERVICE from a lexical scanner (`<?b+'>` looks like an IRI); the worker's network is what stops it
        f"SELECT * WHERE {{ FILTER(?a<?b+'>') SERVICE <{target}> {{ ?s ?p ?o }} BIND('x' AS ?y) }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER(?o<?b+'>') SERVICE SILENT <{target}> {{ ?x ?y ?z }} BIND('x' AS ?w) }}",
    ]


def test_service_is_refused_and_never_reaches_the_network(client, listener):
    for query in ssrf_queries(listener.port):
        response = client.get("/sparql", query_string={"query": query})
        assert response.status_code == 200 or 400 <= response.status_code < 500, (query, response.data)
        if response.status_code == 200:  # SERVICE SILENT hidden from the lexical check: silently fails offline
            assert "SILENT" in query and b"remote endpoint" not in response.data
    assert listener.hits == []


def test_workers_have_no_network_when_no_service_is_allowed(client, app):
    client.get("/sparql", query_string={"query": "ASK {}"})
    pool = db.get_pool(app)
    if not pool.network_isolated:
        pytest.skip("this kernel does not allow unprivileged network namespaces")
    assert pool.network_isolated


def test_service_allowlist(store_path, listener):
    allowed = f"http://127.0.0.1:{listener.port}/sparql"
    client = make_app(store_path, SERVICE_ALLOWLIST=allowed).test_client()
    query = f"SELECT ?x WHERE {{ SERVICE <{allowed}> {{ ?x ?p ?o }} }}"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200, response.data
    assert b"from the remote endpoint" in response.data and len(listener.hits) == 1
    for query in ssrf_queries(listener.port + 1 if listener.port < 65535 else 1)[:3] + [
            f"SELECT * WHERE {{ SERVICE <{allowed}x> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ BIND(<{allowed}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ FILTER(?a<?b+'>') SERVICE <http://127.0.0.1:{listener.port}/other> {{ }} "
            "BIND('x' AS ?y) }"]:
        response = client.get("/sparql", query_string={"query": query})
        assert response.status_code == 400, (query, response.data)
    assert len(listener.hits) == 1
    env = make_app(store_path, SERVICE_ALLOWLIST=f"{allowed}, https://query.wikidata.org/sparql")
    assert db.allowed_services(env) == (allowed, "https://query.wikidata.org/sparql")


def test_service_targets_are_read_like_pyoxigraph_reads_them():
    assert service_targets("SELECT * { SERVICE SILENT <http://a\\u0042/> {} }") == ["http://aB/"]
    assert service_targets("SELECT * { SERVICE ex:x {} }") == [None]
    assert service_targets("SELECT * { ?s ?p 'SERVICE <http://x/>' } # SERVICE <http://y/>") == []
    assert service_targets("SELECT * { ex:a\\#b SERVICE <http://e/> {} }") == ["http://e/"]
    assert nesting_depth("SELECT * { ?s ?p '{{{{' } # ((((") == 1


# --- updates, LOAD, files -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("request_args", [
    {"method": "GET", "query_string": {"query": "LOAD <file:///etc/passwd>"}},
    {"method": "GET", "query_string": {"query": "LOAD <http://169.254.169.254/> INTO GRAPH <urn:g>"}},
    {"method": "POST", "data": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
    {"method": "POST", "data": b"DROP ALL", "content_type": "application/sparql-update"},
    {"method": "POST", "data": b"CLEAR DEFAULT", "content_type": "application/sparql-query"},
])
def test_updates_and_load_are_refused(client, store, request_args):
    before = store.graph_counts()
    assert "read-only" in error_text(client.open("/sparql", **request_args), 403)
    assert store.graph_counts() == before


def test_from_a_file_iri_reads_no_file(client):
    query = "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200 and json.loads(response.data)["results"]["bindings"] == []
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }",
                                                   "default-graph-uri": "file:///etc/passwd"})
    assert b"root:" not in response.data


UPDATES = ["INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }", "DROP ALL", "CLEAR DEFAULT",
           "DELETE WHERE { ?s ?p ?o }", "LOAD <file:///etc/passwd>"]
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def _count(client) -> int:
    response = client.get("/sparql", query_string={"query": COUNT_ALL + " # fresh", "format": "json"},
                          headers={"Cache-Control": "no-cache"})
    return int(json.loads(response.data)["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("in_memory", [False, True], ids=["on-disk", "in-memory"])
def test_no_route_changes_a_serving_store(store_path, in_memory):
    """Read-only is guaranteed where it matters whatever the storage (an in-memory copy is writable in itself):
    every way of sending an update is refused, and the store the workers and the web process serve is unchanged."""
    app = make_app(store_path, STORE_IN_MEMORY=in_memory)
    client = app.test_client()
    before = _count(client)
    assert before > 0
    for update in UPDATES:
        for response in (client.get("/sparql", query_string={"query": update}),
                         client.post("/sparql", data={"query": update}),
                         client.post("/sparql", data={"update": update}),
                         client.post("/sparql", data=update, content_type="application/sparql-query"),
                         client.post("/sparql", data=update, content_type="application/sparql-update")):
            assert "read-only" in error_text(response, 403), update
        for path in ("/", "/queries", "/queries/table1/results", "/ontology"):  # nothing else accepts a body
            assert client.post(path, data={"update": update, "query": update}).status_code == 405, path
    with app.app_context():
        web_store = db.get_store()
        assert app.extensions["nckg_store"].in_memory is in_memory
        for update in UPDATES:  # the web process' own query path refuses updates too
            with pytest.raises(UpdateRefused):
                web_store.query(update)
        assert len(web_store.store) == before
    assert _count(client) == before


def test_query_workers_refuse_updates_and_keep_their_store(store_path):
    pool = WorkerPool(store_path, size=1, in_memory=True, isolate_network=False)
    try:
        count = lambda: json.loads(pool.run(Job(COUNT_ALL), timeout=60).body)["results"]["bindings"][0]["n"]["value"]
        before = count()
        for update in UPDATES:
            with pytest.raises(JobFailed) as refused:
                pool.run(Job(update), timeout=60)
            assert refused.value.kind == "update", update
        assert count() == before and pool.counters["crashes"] == 0
    finally:
        pool.close()


# --- no stack traces, headers, request ids, logs ------------------------------------------------------------------

def test_an_internal_error_shows_no_stack_trace(store_path, monkeypatch, caplog):
    import server.sparql

    def explode(job, app=None):
        raise RuntimeError("secret-detail /etc/shadow")

    monkeypatch.setattr(server.sparql, "run_query", explode)
    client = make_app(store_path, PROPAGATE_EXCEPTIONS=False).test_client()
    with caplog.at_level(logging.ERROR):
        response = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"X-Request-ID": "trace-me-1"})
    text = error_text(response, 500)
    assert "Traceback" not in text and "secret-detail" not in text and "shadow" not in text
    assert "request id trace-me-1" in text
    assert "secret-detail" in caplog.text  # the log has it


def test_debug_mode_is_refused(store_path):
    with pytest.raises(RuntimeError, match="DEBUG"):
        create_server(host="127.0.0.1", port=0, app=make_app(store_path, DEBUG=True))


@pytest.mark.parametrize("path", ["/sparql", "/sparql?query=ASK%7B%7D", "/sparql?query=nonsense", "/",
                                  "/static/css/nckg.css", "/no/such/page", "/openapi.yaml"])
def test_security_headers(client, path):
    response = client.get(path)
    assert response.status_code < 500
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "unsafe-eval" not in csp
    assert headers["Access-Control-Allow-Origin"] == "*"  # open data stays readable cross-origin
    assert len(headers["X-Request-ID"]) >= 8


def test_request_id_and_structured_access_log(client, caplog):
    with caplog.at_level(logging.INFO, logger="nckg.access"):
        given = client.get("/sparql", query_string={"query": CU32}, headers={"X-Request-ID": "abc-123"})
        bad = client.get("/sparql", query_string={"query": CU32}, headers={"X-Request-ID": "<script>alert(1)</script>"})
        refused = client.get("/sparql", query_string={"query": "SELECT * WHERE { SERVICE <http://a/> {} }"})
    assert given.headers["X-Request-ID"] == "abc-123"
    assert "<" not in bad.headers["X-Request-ID"] and len(bad.headers["X-Request-ID"]) == 32
    records = [json.loads(r.getMessage()) for r in caplog.records if r.name == "nckg.access"]
    first = next(r for r in records if r["request_id"] == "abc-123")
    assert first["status"] == 200 and first["path"] == "/sparql" and first["method"] == "GET"
    assert first["rows"] >= 1 and first["outcome"] == "ok" and first["query_len"] == len(CU32)
    assert first["query_ms"] >= 0 and first["ms"] >= first["query_ms"] and first["worker"]
    last = next(r for r in records if r["request_id"] == refused.headers["X-Request-ID"])
    assert last["status"] == 400


# --- data safety: atomic swap while serving, failed rebuild keeps the old store ------------------------------------

def test_rebuild_while_serving_swaps_atomically_and_a_failed_rebuild_keeps_the_old_store(tmp_path):
    target = build_test_store(tmp_path)
    client = make_app(target).test_client()
    extra = "SELECT ?f WHERE { <urn:nckg:test> <urn:nckg:p> ?f }"
    assert CU32_FORMULA in formulas(client.get("/sparql", query_string={"query": CU32}))
    stop, statuses = threading.Event(), []

    def reader():
        while not stop.is_set():
            statuses.append(client.get("/sparql", query_string={"query": CU32}).status_code)

    readers = [threading.Thread(target=reader) for _ in range(3)]
    for thread in readers:
        thread.start()
    quads = list(parse(path=str(FIXTURES / "mini.trig"), format=RdfFormat.TRIG))
    for i in range(3):
        build.swap_in(target, quads + [Quad(NamedNode("urn:nckg:test"), NamedNode("urn:nckg:p"), Literal(f"v{i}"),
                                            NamedNode("urn:nckg:g"))])
        time.sleep(0.2)
    stop.set()
    for thread in readers:
        thread.join()
    assert statuses and set(statuses) == {200}  # no reader ever failed during the swaps
    assert formulas(client.get("/sparql", query_string={"query": extra})) == {"v2"}
    version = target.resolve()
    bad = tmp_path / "bad-data" / "papers"
    bad.mkdir(parents=True)
    (bad / "broken.yaml").write_text("source: [unclosed\n")
    with pytest.raises(Exception):  # noqa: B017 - any build failure
        build.build(store_path=target, data_dir=bad.parent)
    assert target.resolve() == version
    assert formulas(client.get("/sparql", query_string={"query": extra})) == {"v2"}


# --- per-client rate limit ----------------------------------------------------------------------------------------

def test_rate_limit_per_client_is_off_by_default_and_configurable(store_path, client):
    assert all(client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200 for _ in range(5))
    limited = make_app(store_path, RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="3 per minute").test_client()
    a, b = {"REMOTE_ADDR": "192.0.2.1"}, {"REMOTE_ADDR": "192.0.2.2"}
    codes = [limited.get("/sparql", query_string={"query": "ASK {}"}, environ_base=a).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = limited.get("/sparql", query_string={"query": "ASK {}"}, environ_base=a)
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert limited.get("/sparql", query_string={"query": "ASK {}"}, environ_base=b).status_code == 200
    assert limited.get("/static/css/nckg.css", environ_base=a).status_code == 200  # static files are not counted
