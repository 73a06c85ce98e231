"""HTTP caching of query answers: ETag / If-None-Match (304), Cache-Control, and an in-memory LRU (nckg.store.cache).

Applies to /sparql queries whatever their method (GET, HEAD, POST form or direct: a query is safe, and the query
editor sends POST) and to GET /queries/<id>/results (non-HTML answers):
- each such request has a key (normalised query text or catalogue query + parameters, dataset, base URL,
  Accept / `format=`, store version) and a weak ETag derived from it - the same for a GET and a POST of a query;
- `If-None-Match` naming that ETag is answered 304 with an empty body before any query runs;
- a key already in the LRU is answered from it (counted in `app.extensions["nckg_cache"].hits`,
  `X-NCKG-Cache: hit`); a 200 answer is kept in it (`X-NCKG-Cache: miss`);
- cacheable answers carry `Cache-Control: public, max-age=CACHE_MAX_AGE` and the ETag, so a reverse proxy can
  keep them and revalidate cheaply (server/nginx.conf.example).
A rebuild (new store version) changes every key and ETag and empties the LRU. Queries using RAND/NOW/UUID/STRUUID/
SERVICE are answered with `Cache-Control: no-store` and never kept, nor are errors.
CACHE_SIZE = 0 turns all of this off.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import HTTPException

from nckg.model import catalogue
from nckg.store.backend import handle_version
from nckg.store.cache import Entry, ResultCache, cacheable, etag_for, make_key

from . import sparql

ENDPOINTS = {"sparql.endpoint", "catalogue.results"}
NOT_KEPT = {"content-length", "set-cookie", "date", "server-timing", "etag", "cache-control", "x-nckg-cache"}


def init_app(app: Flask) -> None:
    size = int(app.config.get("CACHE_SIZE") or 0)
    if size <= 0:
        return
    app.extensions["nckg_cache"] = ResultCache(size, int(app.config.get("CACHE_MAX_BODY") or 4 * 1024 * 1024))
    app.before_request(_lookup)
    app.after_request(_remember)


def _cache() -> ResultCache:
    return current_app.extensions["nckg_cache"]


def _key() -> tuple | None:
    """The cache key of this request, or None when it is not cacheable (g.nckg_no_store set when it must not be)."""
    if request.endpoint not in ENDPOINTS:
        return None
    if request.endpoint == "sparql.endpoint":
        try:
            params = sparql.protocol_parameters()  # GET: the URL; POST: the form or the direct query body too
        except HTTPException:
            return None  # the view answers 415 / 400
        queries = params.getlist("query")
        if len(queries) != 1 or "update" in params:
            return None
        text, kind = queries[0], "sparql"
        dataset = (tuple(params.getlist("default-graph-uri")), tuple(params.getlist("named-graph-uri")),
                   request.base_url)
    elif request.method not in ("GET", "HEAD"):
        g.nckg_no_store = True
        return None
    else:
        query_id = (request.view_args or {}).get("query_id", "")
        try:
            text = catalogue.get_query(query_id).body
        except (catalogue.UnknownQuery, catalogue.CatalogueError):
            return None
        kind = f"catalogue:{query_id}"
        dataset = tuple(sorted((k, v) for k, v in request.args.items(multi=True) if k != "format"))
    if not cacheable(text):
        g.nckg_no_store = True
        return None
    try:
        version = handle_version(current_app.extensions["nckg_store"])
    except OSError:
        return None  # no store: the view answers 503
    return key_for(_cache(), kind, text, dataset, request.values.getlist("format"),
                   request.headers.get("Accept", ""), version)


def key_for(cache: ResultCache, kind: str, text: str, dataset: tuple, formats: list[str], accept: str,
            version: str) -> tuple:
    """The key of an answer (also used by the lean /sparql path, so both paths share entries and ETags)."""
    cache.observe(version)
    return make_key(kind, text, dataset, f"format={formats!r};accept={accept}", version)


def _decorate(response: Response, tag: str, state: str) -> Response:
    response.set_etag(tag, weak=True)
    response.headers["Cache-Control"] = f"public, max-age={int(current_app.config.get('CACHE_MAX_AGE') or 0)}"
    response.headers["X-NCKG-Cache"] = state
    if "Vary" not in response.headers:
        response.headers["Vary"] = "Accept"
    return response


def _lookup() -> Response | None:
    key = _key()
    if key is None:
        return None
    tag = etag_for(key)
    g.nckg_cache_key, g.nckg_etag = key, tag
    if request.if_none_match and request.if_none_match.contains_weak(tag):
        g.nckg_cache_served = True
        g.nckg_query = {"cache": "not-modified"}
        response = Response(status=304)
        response.headers.pop("Content-Type", None)
        return _decorate(response, tag, "revalidated")
    entry = _cache().get(key)
    if entry is None:
        return None
    g.nckg_cache_served = True
    g.nckg_query = {"cache": "hit"}
    return _decorate(Response(entry.body, status=entry.status, headers=list(entry.headers)), tag, "hit")


def _remember(response: Response) -> Response:
    if g.get("nckg_no_store"):
        response.headers["Cache-Control"] = "no-store"
        return response
    key = g.get("nckg_cache_key")
    if key is None or g.get("nckg_cache_served"):
        return response
    if response.status_code != 200 or response.mimetype == "text/html" or response.is_streamed \
            or response.direct_passthrough or "Set-Cookie" in response.headers:
        return response
    headers = tuple((k, v) for k, v in response.headers.items() if k.lower() not in NOT_KEPT)
    _cache().put(key, Entry(response.status_code, response.get_data(), headers))
    if isinstance(g.get("nckg_query"), dict):
        g.nckg_query["cache"] = "miss"
    return _decorate(response, g.nckg_etag, "miss")
