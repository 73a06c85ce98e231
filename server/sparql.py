"""The SPARQL 1.1 Protocol query operation at /sparql (read-only), and the endpoint's Service Description."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, g, jsonify, render_template, request
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from werkzeug.exceptions import HTTPException

from nckg.store.limits import LimitExceeded, QueryLimits, QueryTooLong, ServiceRefused, check_query
from nckg.model.linked_data import serialize_triples
from nckg.store.query_syntax import prefix_table
from nckg.store.graph import FORMAT_NAMES, GRAPH_FORMATS, TABLE_FORMATS
from nckg.store.jobs import Answer, Job, JobFailed

from .db import allowed_services, get_store, run_query
from .negotiation import asked, choose, negotiate, not_acceptable, with_charset
from .security import request_id

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
READ_ONLY = "This endpoint is read-only: SPARQL update operations are not allowed."
HTML = "text/html"
# JobFailed.kind -> HTTP status of the answer
FAILED = "nckg.failed_job"  # WSGI environ key: the lean path's failure, answered here without running again
STATUS = {"query": 400, "service": 400, "evaluation": 400, "update": 403, "not-acceptable": 406, "upstream": 502,
          "unavailable": 503, "busy": 503, "crashed": 503, "timeout": 504, "internal": 500}


@bp.errorhandler(HTTPException)
def plain_text_error(error: HTTPException) -> Response:
    """Protocol errors as text/plain carrying the message (e.g. the SPARQL parser's); 5xx name the request id."""
    response = error.get_response()
    suffix = f" (request id {request_id()})" if error.code and error.code >= 500 else ""
    response.set_data(f"{error.code} {error.name}: {error.description}{suffix}\n")
    response.content_type = "text/plain; charset=utf-8"
    return response


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    """Answer a query (GET ?query=, POST form, POST direct); GET without a query: the Service Description."""
    if request.mimetype == "application/sparql-update":
        abort(403, READ_ONLY)
    params = protocol_parameters()
    if "update" in params:
        abort(403, READ_ONLY)
    queries = params.getlist("query")
    if not queries:
        if request.method == "GET" and set(request.args) <= {"format"}:
            return service_description()
        abort(400, "Missing 'query' parameter.")
    if len(queries) > 1:
        abort(400, "More than one 'query' parameter.")
    query = queries[0]
    limits = query_limits(current_app.config, allowed_services())
    g.nckg_query = {"query_len": len(query)}
    try:
        check_query(query, limits)  # before any parser sees the text
    except QueryTooLong as error:
        abort(414 if request.method == "GET" else 413, str(error))
    except (LimitExceeded, ServiceRefused) as error:
        abort(400, str(error))
    table, graph = choose(list(TABLE_FORMATS)), choose(list(GRAPH_FORMATS))
    if table is None and graph is None:
        not_acceptable([*TABLE_FORMATS, *GRAPH_FORMATS])
    job = make_job(current_app.config, query, params, request.base_url, table, graph, asked(), limits)
    try:
        answer = request.environ.get(FAILED) or run_query(job)  # the lean path (fastpath.py) ran it already
        if isinstance(answer, Exception):
            raise answer
    except JobFailed as error:
        g.nckg_query["outcome"] = error.kind
        if error.kind == "update":
            abort(403, READ_ONLY)
        if error.kind == "internal":
            current_app.logger.error("query job failed: %s", error.message)
        if error.detail:
            return syntax_error(error)
        abort(STATUS.get(error.kind, 500), error.message)
    g.nckg_query.update(outcome="ok", kind=answer.kind, rows=answer.rows, truncated=answer.truncated,
                        query_ms=round(answer.seconds * 1000, 2), worker=answer.worker)
    response = _response(answer.body, answer.content_type)
    response.headers.extend(answer_headers(answer, job.row_limit, job.truncation_link))
    return response


def syntax_error(error: JobFailed) -> Response:
    """400 for a query the parser rejected: one line naming one position and a hint; the parser's full text only on
    request (`verbose=1`: as a second paragraph; JSON, when the client prefers it: the `detail` field)."""
    if choose(["text/plain", "application/json"]) == "application/json":
        response = jsonify({"error": error.message, "line": error.line, "column": error.column,
                            "detail": error.detail})
        response.status_code = 400
        return response
    verbose = request.values.get("verbose", "").lower() in ("1", "true", "yes")
    text = f"400 Bad Request: {error.message}\n" + (f"\nParser message: {error.detail}\n" if verbose else "")
    return Response(text, status=400, content_type="text/plain; charset=utf-8")


def make_job(config, query: str, params, base_url: str, table: str | None, graph: str | None, asked_for: str,
             limits: QueryLimits) -> Job:
    """The worker job for a protocol request: the dataset of `params`, the negotiated media types, the limits."""
    timeout = float(config["QUERY_TIMEOUT"])
    return Job(query, default_graph_uris=tuple(params.getlist("default-graph-uri")),
               named_graph_uris=tuple(params.getlist("named-graph-uri")), base_iri=base_url,
               media_types={"solutions": table, "boolean": table, "triples": graph}, asked=asked_for,
               row_limit=int(config["RESULT_ROW_LIMIT"]) or None, truncation_link=limits_url(base_url),
               allowed_services=limits.allowed_services, cpu_seconds=2 * timeout + 5)


def answer_headers(answer: Answer, row_limit: int | None, link: str | None) -> list[tuple[str, str]]:
    """The headers of a served answer besides its type: timing, and the row limit / truncation marks."""
    headers = [("Server-Timing", f"query;dur={answer.seconds * 1000:.1f}")]
    if row_limit is not None and answer.kind != "boolean":
        headers.append(("X-NCKG-Row-Limit", str(row_limit)))
    if answer.truncated:
        headers += [("X-NCKG-Truncated", "true"), ("Link", f'<{link}>; rel="describedby"')]
    return headers


def query_limits(config, services: tuple[str, ...]) -> QueryLimits:
    return QueryLimits(max_length=int(config["MAX_QUERY_LENGTH"]), max_nesting=int(config["MAX_QUERY_NESTING"]),
                       allowed_services=services)


def protocol_parameters() -> MultiDict:
    """The protocol parameters: URL query string, plus the form body or the direct query body of a POST."""
    if request.method == "GET":
        return request.args
    if request.mimetype not in (FORM, DIRECT):
        abort(415, f"Content-Type must be {FORM} or {DIRECT}, not {request.mimetype or 'missing'}.")
    if request.mimetype_params.get("charset", "utf-8").lower() not in ("utf-8", "utf8"):
        abort(415, "The request body must be encoded in UTF-8.")
    if request.mimetype == FORM:
        return CombinedMultiDict([request.args, request.form])
    try:
        text = request.get_data().decode("utf-8")
    except UnicodeDecodeError as error:
        abort(400, f"The query is not valid UTF-8: {error}")
    params = MultiDict(request.args)
    if text.strip():
        params.add("query", text)
    return params


def service_description() -> Response:
    """SPARQL 1.1 Service Description (Turtle by default), or a short HTML page for browsers."""
    store = get_store()
    media_type = negotiate([*GRAPH_FORMATS, HTML], {**FORMAT_NAMES, "html": (HTML,)})
    if media_type == HTML:
        page = render_template("sparql/service.html", endpoint=request.base_url, graphs=store.graph_counts(),
                               formats=FORMAT_NAMES, limits=_limits(), prefixes=prefix_table())
        return _response(page, "text/html; charset=utf-8")
    return _response(serialize_triples(store.service_description(request.base_url), media_type),
                     GRAPH_FORMATS[media_type].media_type)


def _limits() -> dict:
    """The limits in force, for the service description page."""
    config = current_app.config
    return {"timeout": f"{float(config['QUERY_TIMEOUT']):g}", "rows": int(config["RESULT_ROW_LIMIT"]),
            "length": int(config["MAX_QUERY_LENGTH"]), "nesting": int(config["MAX_QUERY_NESTING"]),
            "body": int(config["MAX_CONTENT_LENGTH"] or 0), "services": allowed_services(),
            "rate": config["RATELIMIT_DEFAULT"] if config.get("RATELIMIT_ENABLED") else None}


def limits_url(base_url: str) -> str:
    """Where the endpoint's limits are described: the limits section of its HTML service description."""
    return base_url + "?format=html#limits"


def _response(body: bytes | str, content_type: str) -> Response:
    return Response(body, content_type=with_charset(content_type), headers={"Vary": "Accept"})


@bp.route("/openapi.yaml")
def openapi() -> Response:
    """The OpenAPI 3 description of the HTTP API (server/openapi.yaml)."""
    return Response((Path(__file__).parent / "openapi.yaml").read_bytes(), content_type="application/yaml")
