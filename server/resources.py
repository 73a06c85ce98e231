"""Linked data: every IRI under https://w3id.org/nckg/resource/ is served at /resource/<id>.

Content negotiation (Accept header, or `?format=` for browsers): an HTML page (clusters get the cluster page),
Turtle, JSON-LD (compacted, with an @context; also for `Accept: application/json`), N-Triples or RDF/XML. The RDF
is a concise bounded description (queries/page-resource-describe.rq): a cluster's document holds its measurements,
comparisons and syntheses with their conditions, units and evidence. Unknown resources answer 404.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, url_for
from pyoxigraph import NamedNode

from nckg.model import cluster_page
from nckg.model import dataset
from nckg.model import linked_data
from nckg.model import resources
from nckg.model.source_issues import source_issues
from nckg.namespaces import NCKG, NCKR
from nckg.store.graph import FORMAT_NAMES, GRAPH_FORMATS

from .db import get_store
from .negotiation import negotiate, with_charset

bp = Blueprint("resources", __name__)

HTML = "text/html"
OFFERED = [HTML, "text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml",
           "application/json"]  # application/json: the JSON-LD document (compacted, with its @context)
NAMES = {**FORMAT_NAMES, "html": (HTML,), "json": ("application/ld+json",)}
ALTERNATES = (("text/turtle", "ttl"), ("application/ld+json", "jsonld"), ("application/n-triples", "nt"),
              ("application/rdf+xml", "rdfxml"))


@bp.route("/resource/<path:ident>")
def resource(ident: str) -> Response:
    iri = NCKR + ident
    try:
        NamedNode(iri)  # a path that makes no valid IRI (spaces, quotes, NUL, invalid UTF-8) names no resource
    except ValueError:
        abort(404, f"No resource here: {ident!r} does not make a valid IRI.")
    store = get_store()
    media = negotiate(OFFERED, NAMES)
    page_url = url_for("resources.resource", ident=ident, _external=True)
    links = ", ".join([f'<{page_url}?format={short}>; rel="alternate"; type="{media_type}"'
                       for media_type, short in ALTERNATES] + [f'<{iri}>; rel="canonical"'])
    headers = {"Vary": "Accept", "Link": links}
    if media != HTML:
        triples = resources.describe(store, iri)
        if not triples:
            abort(404, f"The knowledge graph has no resource <{iri}>.")
        content_type = with_charset(GRAPH_FORMATS[media].media_type)
        return Response(linked_data.serialize_triples(triples, media), content_type=content_type, headers=headers)
    page = resources.resource_page(store, iri)
    if page is None:
        abort(404, f"The knowledge graph has no resource <{iri}>.")
    cluster = cluster_page.cluster_page(store, iri) if NCKG + "CopperNanocluster" in page.type_names else None
    schema = dataset.json_script(resources.schema_org(page, page_url, cluster))
    template = "cluster.html" if cluster is not None else "resource.html"
    body = render_template(template, page=page, c=cluster, schema_org=schema, page_url=page_url, formats=ALTERNATES,
                           issues=source_issues(store, iri),
                           fe_json=dataset.json_script(cluster.fe_series) if cluster else "[]",
                           percent_json=dataset.json_script(cluster.percent_values) if cluster else "[]")
    return Response(body, content_type="text/html; charset=utf-8", headers=headers)


@bp.route("/resource/")
@bp.route("/resource")
def resource_root() -> Response:
    """The resource namespace itself: send people to the cluster browser."""
    return Response(status=303, headers={"Location": url_for("ui.clusters")})
