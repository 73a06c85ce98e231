"""The competency-question catalogue over HTTP: /queries, /queries/<id>, /queries/<id>/results and the
machine-readable examples at /.well-known/sparql-examples (sparql-examples convention, SHACL sh:SPARQLExecutable).

HTTP layer only: the catalogue (parsing, parameter validation, typed binding, running) lives in nckg.model.catalogue.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from nckg.model import catalogue
from nckg.model import catalogue_docs
from nckg.store.graph import FORMAT_NAMES, GRAPH_FORMATS, TABLE_FORMATS, GraphStore, QueryError

from .db import get_store
from .links import link_for
from .negotiation import negotiate, with_charset

bp = Blueprint("catalogue", __name__)

HTML = "text/html"
JSON = "application/json"
NAMES = {**FORMAT_NAMES, "html": (HTML,), "json": ("application/sparql-results+json", JSON, "application/ld+json")}
RESULT_TYPES = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values", HTML, JSON]
RESERVED = {"format"}


@bp.errorhandler(HTTPException)
def plain_text_error(error: HTTPException) -> Response:
    """Errors as text/plain carrying the message (e.g. which parameter was rejected and why)."""
    response = error.get_response()
    response.set_data(f"{error.code} {error.name}: {error.description}\n")
    response.content_type = "text/plain; charset=utf-8"
    return response


def _layout() -> str:
    """The site's base template when the UI is installed, else a minimal standalone page."""
    return "base.html" if "ui" in current_app.blueprints else "catalogue/standalone.html"


def _query(query_id: str) -> catalogue.CatalogueQuery:
    try:
        return catalogue.get_query(query_id)
    except catalogue.UnknownQuery:
        abort(404, f"No catalogue query {query_id!r}; the list is at /queries.")
    except catalogue.CatalogueError as error:
        abort(500, f"The query catalogue is malformed: {error}")


def _catalogue() -> dict[str, catalogue.CatalogueQuery]:
    try:
        return catalogue.load_catalogue()
    except catalogue.CatalogueError as error:
        abort(500, f"The query catalogue is malformed: {error}")


def _editor_link(text: str) -> str | None:
    if not any(rule.rule == "/editor" for rule in current_app.url_map.iter_rules()):
        return None
    from urllib.parse import urlencode  # noqa: PLC0415
    return url_for("ui.editor") + "?" + urlencode({"query": text})


def _json(data, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, indent=1), status=status, content_type=JSON,
                    headers={"Vary": "Accept"})


def _html(body: str, status: int = 200) -> Response:
    return Response(body, status=status, content_type="text/html; charset=utf-8", headers={"Vary": "Accept"})


@bp.route("/queries")
def index() -> Response:
    """The catalogue: an HTML list of the questions, or JSON (a list of {id, title, question, ...})."""
    queries = _catalogue()
    media = negotiate([HTML, JSON], {"html": (HTML,), "json": (JSON,)})
    if media == JSON:
        return _json([{**q.to_dict(), "url": url_for("catalogue.query_page", query_id=q.id, _external=True),
                       "results": url_for("catalogue.results", query_id=q.id, _external=True)}
                      for q in queries.values()])
    tags = sorted({t for q in queries.values() for t in q.tags})
    wanted = request.args.get("tag")
    shown = [q for q in queries.values() if not wanted or wanted in q.tags]
    return _html(render_template("catalogue/list.html", layout=_layout(), queries=shown, tags=tags, tag=wanted,
                                 total=len(queries)))


@bp.route("/queries/<query_id>")
def query_page(query_id: str) -> Response:
    """One question: its text, parameters (a form), the SPARQL, links to the results."""
    query = _query(query_id)
    media = negotiate([HTML, JSON, "application/sparql-query"],
                      {"html": (HTML,), "json": (JSON,), "sparql": ("application/sparql-query",),
                       "rq": ("application/sparql-query",)})
    if media == "application/sparql-query":
        return Response(query.body, content_type="application/sparql-query; charset=utf-8",
                        headers={"Vary": "Accept"})
    if media == JSON:
        return _json({**query.to_dict(), "sparql": query.body, "runnable_sparql": query.runnable_text(),
                      "results": url_for("catalogue.results", query_id=query.id, _external=True)})
    return _html(_render_query_page(query))


def _render_query_page(query: catalogue.CatalogueQuery, values: dict | None = None, error: str | None = None,
                       result: tuple | None = None) -> str:
    store = None
    options = {}
    for parameter in query.parameters:
        if parameter.values or parameter.type in catalogue.CHOICE_CLASSES:
            try:
                store = store or get_store()
                options[parameter.name] = catalogue.choices(store, parameter)
            except (QueryError, OSError, HTTPException):
                options[parameter.name] = []
    try:
        runnable = query.runnable_text(values)
    except catalogue.ParameterError:
        runnable = query.runnable_text()
    return render_template("catalogue/query.html", layout=_layout(), query=query, values=values or {},
                           options=options, error=error, result=result, editor=_editor_link(runnable),
                           formats=["html", "json", "csv", "tsv", "xml"])


def _parameters(query: catalogue.CatalogueQuery) -> dict[str, str]:
    """The query's parameters from the request: each at most once, no unknown names (400 otherwise)."""
    values = {}
    for name in request.args:
        if name in RESERVED:
            continue
        given = request.args.getlist(name)
        if len(given) > 1:
            abort(400, f"Parameter {name!r} given {len(given)} times; give it once.")
        values[name] = given[0]
    return values


@bp.route("/queries/<query_id>/results")
def results(query_id: str) -> Response:
    """Run the question with `?<parameter>=<value>` (validated, bound as typed RDF terms) and answer as SPARQL
    JSON / XML / CSV / TSV or an HTML table (`format=` or the Accept header)."""
    query = _query(query_id)
    media = negotiate(RESULT_TYPES, NAMES)
    values = _parameters(query)
    try:
        bindings = query.bind(values, get_store())
    except catalogue.ParameterError as error:
        if media == HTML:
            return _html(_render_query_page(query, values, error=str(error)), status=400)
        abort(400, str(error))
    try:
        result = get_store().query(query.body, substitutions=bindings)
    except QueryError as error:
        abort(500, f"The catalogue query {query.id!r} failed: {error.message}")
    if media == HTML:
        names, rows = catalogue.table(result)
        return _html(_render_query_page(query, values, result=(names, rows)))
    if media == JSON:
        media = "application/sparql-results+json"
    body = GraphStore.serialize(result, media)
    content_type = with_charset(TABLE_FORMATS[media].media_type)
    headers = {"Vary": "Accept"}
    if media in ("text/csv", "text/tab-separated-values"):
        suffix = "csv" if media == "text/csv" else "tsv"
        headers["Content-Disposition"] = f'inline; filename="nckg-{query.id}.{suffix}"'
    return Response(body, content_type=content_type, headers=headers)


@bp.route("/.well-known/sparql-examples")
def sparql_examples() -> Response:
    """Every catalogue query as a SHACL sh:SPARQLExecutable (sparql-examples convention); Turtle by default."""
    _catalogue()
    media = negotiate(list(GRAPH_FORMATS), FORMAT_NAMES)
    fmt = GRAPH_FORMATS[media]
    endpoint = url_for("sparql.endpoint", _external=True) if "sparql" in current_app.blueprints \
        else request.url_root + "sparql"
    base = request.url_root + ".well-known/sparql-examples/"
    body = catalogue_docs.examples_turtle(endpoint=endpoint, base=base, fmt=fmt)
    content_type = with_charset(fmt.media_type)
    return Response(body, content_type=content_type, headers={"Vary": "Accept"})


@bp.app_template_filter("catalogue_href")
def catalogue_href(term) -> str | None:
    """Where a result cell links to (server.links): this server's page for the graph's own IRIs, else the IRI."""
    value = getattr(term, "value", None)
    if value is None or type(term).__name__ != "NamedNode":
        return None
    target = link_for(value)
    return target if target.startswith(("http://", "https://", "/")) else None


@bp.app_template_filter("catalogue_cell")
def catalogue_cell(term) -> str:
    return catalogue.cell(term)
