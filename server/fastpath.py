"""The lean /sparql path: a WSGI layer in front of Flask that answers ordinary query requests itself.

A light query costs the worker ~0.2 ms; Flask's per-request machinery (request and app contexts, the before/after
hooks, the Response object) cost more than that (bench/results/hotpath.md). This layer handles the common case with
plain WSGI and the same building blocks as the Flask view:

- GET /sparql?query=..., POST application/sparql-query and POST form queries (UTF-8, within MAX_CONTENT_LENGTH),
  with the protocol dataset and `format=` / Accept negotiation (server/negotiation.py);
- the same answer cache and ETags as server/caching.py (`If-None-Match` -> 304, a hit served from the LRU);
- the query itself in the app's worker pool, exactly as the view runs it: same Job, same timeout, same kill.

It writes the same headers (security headers, request id, CORS, cache headers) and the same access-log line.
Everything else - other routes, the service description, updates, limits exceeded, odd content types, and every
failed job - goes to Flask: a failed job is handed over in the environ (sparql.FAILED), so the view answers it with
its usual message and status without running the query a second time. The layer is off (every request goes to
Flask) with LEAN_SPARQL=False, with a remote store, with the rate limiter or with trusted proxies (both need
Flask's view of the client). With QUERY_WORKERS=0 (development only) it runs the query in process, as the view does.
"""

from __future__ import annotations

import io
import time
import uuid
from functools import lru_cache
from urllib.parse import parse_qsl

from flask import Flask
from werkzeug.datastructures import MultiDict
from werkzeug.http import parse_etags, parse_options_header
from werkzeug.wsgi import get_current_url

from nckg.store.backend import handle_version
from nckg.store.cache import Entry, cacheable, etag_for
from nckg.store.limits import LimitExceeded, ServiceRefused, check_query
from nckg.store.graph import GRAPH_FORMATS, TABLE_FORMATS

from . import caching, db, requestlog, security, sparql
from .negotiation import choice, with_charset

_TABLE, _GRAPH = tuple(TABLE_FORMATS), tuple(GRAPH_FORMATS)
_STATUS = {200: "200 OK", 304: "304 Not Modified"}


@lru_cache(maxsize=64)
def _base_url(scheme, host, server_name, server_port, script_name) -> str:
    """request.base_url of /sparql, as werkzeug computes it (IRI decoding included), memoised."""
    environ = {"wsgi.url_scheme": scheme, "SERVER_NAME": server_name, "SERVER_PORT": server_port,
               "SCRIPT_NAME": script_name, "PATH_INFO": "/sparql", **({"HTTP_HOST": host} if host else {})}
    return get_current_url(environ, strip_querystring=True)


def install(app: Flask) -> None:
    """Put the lean path in front of the app's WSGI callable when the configuration allows it."""
    config = app.config
    if not config.get("LEAN_SPARQL", True) or config.get("RATELIMIT_ENABLED") or int(config.get("TRUSTED_PROXIES")
                                                                                        or 0):
        return
    if db.is_remote(app.extensions["nckg_store"]):
        return
    app.wsgi_app = LeanSparql(app, app.wsgi_app)


class LeanSparql:
    """WSGI middleware: answers /sparql query requests that need nothing of Flask; passes the rest to `flask_app`."""

    def __init__(self, app: Flask, flask_app):
        self.app, self.flask_app = app, flask_app
        config = app.config
        self.services = db.allowed_services(app)
        self.limits = sparql.query_limits(config, self.services)
        self.max_body = int(config.get("MAX_CONTENT_LENGTH") or 0)
        self.cache = app.extensions.get("nckg_cache")
        self.max_age = int(config.get("CACHE_MAX_AGE") or 0)
        self.static = [*security.static_headers(config), ("Access-Control-Allow-Origin", "*")]
        self.log = bool(config.get("ACCESS_LOG", True))

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != "/sparql" or environ.get("REQUEST_METHOD") not in ("GET", "POST"):
            return self.flask_app(environ, start_response)
        started = time.perf_counter()
        params = self._parameters(environ)
        queries = params.getlist("query") if params is not None else ()
        if len(queries) != 1 or "update" in params:
            return self.flask_app(environ, start_response)
        query = queries[0]
        try:
            check_query(query, self.limits)
        except (LimitExceeded, ServiceRefused):
            return self.flask_app(environ, start_response)  # the view answers 400 / 413 / 414
        formats, accept = params.getlist("format"), environ.get("HTTP_ACCEPT", "")
        requested = tuple(value.strip().lower() for value in formats)
        table, graph = choice(requested, accept, _TABLE), choice(requested, accept, _GRAPH)
        if table is None and graph is None:
            return self.flask_app(environ, start_response)
        base_url = _base_url(environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"), environ.get("SERVER_NAME"),
                             environ.get("SERVER_PORT"), environ.get("SCRIPT_NAME", ""))
        key = tag = None
        if self.cache is not None and cacheable(query):
            try:
                version = handle_version(self.app.extensions["nckg_store"])
            except OSError:
                return self.flask_app(environ, start_response)
            dataset = (tuple(params.getlist("default-graph-uri")), tuple(params.getlist("named-graph-uri")), base_url)
            key = caching.key_for(self.cache, "sparql", query, dataset, formats, accept, version)
            tag = etag_for(key)
            if environ.get("HTTP_IF_NONE_MATCH") and parse_etags(environ["HTTP_IF_NONE_MATCH"]).contains_weak(tag):
                return self._send(environ, start_response, started, 304, b"", [], tag, "revalidated",
                                  {"cache": "not-modified"})
            entry = self.cache.get(key)
            if entry is not None:
                return self._send(environ, start_response, started, entry.status, entry.body, list(entry.headers),
                                  tag, "hit", {"cache": "hit"})
        job = sparql.make_job(self.app.config, query, params, base_url, table, graph, ", ".join(formats) or accept,
                              self.limits)
        try:
            answer = sparql.run_query(job, self.app)
        except Exception as error:  # noqa: BLE001 - the view answers it (JobFailed: its status; else 500 + log)
            environ[sparql.FAILED] = error
            return self.flask_app(environ, start_response)
        headers = [("Content-Type", with_charset(answer.content_type)), ("Vary", "Accept"),
                   *sparql.answer_headers(answer, job.row_limit, job.truncation_link)]
        record = {"query_len": len(query), "outcome": "ok", "kind": answer.kind, "rows": answer.rows,
                  "truncated": answer.truncated, "query_ms": round(answer.seconds * 1000, 2), "worker": answer.worker}
        if key is None:
            return self._send(environ, start_response, started, 200, answer.body, headers, None,
                              "no-store" if self.cache is not None else None, record)
        self.cache.put(key, Entry(200, answer.body, tuple((k, v) for k, v in headers
                                                         if k.lower() not in caching.NOT_KEPT)))
        record["cache"] = "miss"
        return self._send(environ, start_response, started, 200, answer.body, headers, tag, "miss", record)

    def _parameters(self, environ) -> MultiDict | None:
        """The protocol parameters (URL, then form or direct body), or None to leave the request to Flask."""
        params = MultiDict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        if environ["REQUEST_METHOD"] == "GET":
            return params
        mimetype, options = parse_options_header(environ.get("CONTENT_TYPE", ""))
        if mimetype not in (sparql.FORM, sparql.DIRECT) or options.get("charset", "utf-8").lower() not in (
                "utf-8", "utf8"):
            return None
        try:
            length = int(environ.get("CONTENT_LENGTH") or -1)
        except ValueError:
            return None
        if length < 0 or (self.max_body and length > self.max_body):
            return None
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)  # Flask can still read it if the request goes there
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if mimetype == sparql.FORM:
            params.update(parse_qsl(text, keep_blank_values=True))
        elif text.strip():
            params.add("query", text)
        return params

    def _send(self, environ, start_response, started: float, status: int, body: bytes, headers: list, tag,
              cache_state: str | None, record: dict):
        given = environ.get("HTTP_X_REQUEST_ID", "")
        rid = given if security.REQUEST_ID.match(given) else uuid.uuid4().hex
        if cache_state == "no-store":
            headers.append(("Cache-Control", "no-store"))
        elif cache_state is not None:
            headers += [("ETag", f'W/"{tag}"'), ("Cache-Control", f"public, max-age={self.max_age}"),
                        ("X-NCKG-Cache", cache_state)]
            if not any(name == "Vary" for name, _ in headers):
                headers.append(("Vary", "Accept"))
        present = {name.lower() for name, _ in headers}
        headers += [(name, value) for name, value in self.static if name.lower() not in present]
        headers.append(("X-Request-ID", rid))
        if status != 304:
            headers.append(("Content-Length", str(len(body))))
        start_response(_STATUS[status], headers)
        if self.log:
            requestlog.write(rid, environ.get("REMOTE_ADDR"), environ["REQUEST_METHOD"], "/sparql", status,
                             len(body), started, record)
        return [body]
