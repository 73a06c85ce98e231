"""`/ontology`: the ontology documentation (HTML, in the site's layout) or the ontology itself (Turtle, RDF/XML,
JSON-LD, N-Triples)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request

from nckg.model import ontology_docs, ontology_page

from .links import cache_dir

bp = Blueprint("ontology", __name__)


@bp.get("/ontology")
def ontology() -> Response:
    """Content negotiation by Accept, overridden by `?format=` (html, turtle, xml, json-ld, ntriples)."""
    requested = request.args.get("format")
    try:
        fmt = ontology_docs.normalise_format(requested) if requested else \
            ontology_docs.format_for_accept(request.headers.get("Accept"))
    except ValueError as exc:
        abort(Response(str(exc), status=400, mimetype="text/plain"))
    media_type = ontology_docs.FORMATS[fmt][0]
    if fmt == "html":
        css, body = ontology_page.site_parts(ontology_page.cached_html(cache_dir()))
        response = Response(render_template("ontology.html", ontology_css=css, ontology_body=body),
                            mimetype=media_type)
    else:
        response = Response(ontology_docs.serialise(fmt), mimetype=media_type)
    response.headers["Vary"] = "Accept"
    return response
