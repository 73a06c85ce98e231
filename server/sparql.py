"""The SPARQL 1.1 Protocol query operation at /sparql (read-only), and the endpoint's Service Description."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from werkzeug.exceptions import HTTPException

from nckg.store import FORMAT_NAMES, GRAPH_FORMATS, GraphStore, QueryError, QueryResult, UpdateRefused, formats_for

from .db import get_store
from .negotiation import negotiate

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
READ_ONLY = "This endpoint is read-only: SPARQL update operations are not allowed."
HTML = "text/html"


@bp.errorhandler(HTTPException)
def plain_text_error(error: HTTPException) -> Response:
    """Protocol errors as text/plain carrying the message (e.g. the SPARQL parser's)."""
    response = error.get_response()
    response.set_data(f"{error.code} {error.name}: {error.description}\n")
    response.content_type = "text/plain; charset=utf-8"
    return response


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    """Answer a query (GET ?query=, POST form, POST direct); GET without a query: the Service Description."""
    if request.mimetype == "application/sparql-update":
        abort(403, READ_ONLY)
    params = _protocol_parameters()
    if "update" in params:
        abort(403, READ_ONLY)
    queries = params.getlist("query")
    if not queries:
        if request.method == "GET" and set(request.args) <= {"format"}:
            return service_description()
        abort(400, "Missing 'query' parameter.")
    if len(queries) > 1:
        abort(400, "More than one 'query' parameter.")
    try:
        result = get_store().query(queries[0], default_graph_uris=params.getlist("default-graph-uri"),
                                   named_graph_uris=params.getlist("named-graph-uri"), base_iri=request.base_url)
    except UpdateRefused:
        abort(403, READ_ONLY)
    except QueryError as error:
        abort(400, str(error))
    return result_response(result)


def _protocol_parameters() -> MultiDict:
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


def result_response(result: QueryResult) -> Response:
    """Serialize a query result in the negotiated format."""
    formats = formats_for(result)
    media_type = negotiate(list(formats))
    return _response(GraphStore.serialize(result, media_type), formats[media_type].media_type)


def service_description() -> Response:
    """SPARQL 1.1 Service Description (Turtle by default), or a short HTML page for browsers."""
    store = get_store()
    media_type = negotiate([*GRAPH_FORMATS, HTML], {**FORMAT_NAMES, "html": (HTML,)})
    if media_type == HTML:
        page = render_template("sparql/service.html", endpoint=request.base_url, graphs=store.graph_counts(),
                               formats=FORMAT_NAMES)
        return _response(page, "text/html; charset=utf-8")
    return _response(GraphStore.serialize(store.service_description(request.base_url), media_type),
                     GRAPH_FORMATS[media_type].media_type)


def _response(body: bytes | str, content_type: str) -> Response:
    if content_type.startswith("text/") and "charset" not in content_type:
        content_type += "; charset=utf-8"
    return Response(body, content_type=content_type, headers={"Vary": "Accept"})
