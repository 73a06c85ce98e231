"""Web front end pages: landing, query editor, cluster browser, plots, downloads, VoID and DCAT.

HTTP layer only: each view asks the domain model (`nckg.model`: clusters, plots, dataset, which run the queries in
queries/*.rq through GraphStore) for a page model and renders it. Shared template helpers (filters, navigation, the 404 page) are registered here too.
"""

from __future__ import annotations

import json
import re
import threading
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException, NotFound

from nckg.model import clusters as cluster_model
from nckg.model import tables
from nckg.model import dataset
from nckg.model import linked_data
from nckg.model import plots as plot_model
from nckg.model import terms
from nckg.namespaces import PREFIXES
from nckg.store.query_syntax import prefix_table
from nckg.store.graph import FORMAT_NAMES, GRAPH_FORMATS, query_text

from .db import get_store
from .links import link_for
from .negotiation import negotiate, with_charset

bp = Blueprint("ui", __name__)

HTML = "text/html"
CSV = "text/csv"
JSON = "application/json"
RDF_OFFERED = ["text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"]
NAMES = {**FORMAT_NAMES, "html": (HTML,), "csv": (CSV,), "json": (JSON, "application/ld+json")}

DEFAULT_QUERY = "page-editor-default"  # queries/page-editor-default.rq: what the editor opens with

# (path, label) of the main navigation; an entry shows only when the app serves its path.
NAVIGATION = (
    ("/", "Home"), ("/clusters", "Clusters"), ("/editor", "Query editor"), ("/queries", "Questions"),
    ("/plots", "Plots"), ("/ontology", "Ontology"), ("/download", "Download"), ("/sparql", "SPARQL endpoint"),
)


# --- template helpers ------------------------------------------------------------------------------------------

def _has_rule(path: str) -> bool:
    return any(rule.rule == path for rule in current_app.url_map.iter_rules())


@bp.app_context_processor
def navigation() -> dict:
    here = request.path
    items = [(path, label, here == path or (path != "/" and here.startswith(path + "/")))
             for path, label in NAVIGATION if _has_rule(path)]
    return {"nav_items": items, "review_doi": terms.REVIEW_IRI}


def resource_url(term_or_iri) -> str:
    """Where a term links to (server.links): this server's page for the graph's own IRIs, the IRI otherwise."""
    return link_for(term_or_iri.value if isinstance(term_or_iri, terms.Term) else str(term_or_iri))


@bp.app_template_filter("href")
def href_filter(value) -> str:
    return resource_url(value)


@bp.app_template_filter("minus")
def minus_filter(value) -> str:
    """A typographic minus sign for negative numbers (−1.0 V)."""
    text = "" if value is None else str(value)
    return re.sub(r"(^|[\s(])-(?=\d)", "\\1\u2212", text)


_FORMULA = re.compile(r"(\](\d*[+-]))|((?<=[A-Za-z)\]])\d+)|(\^(\d*[+-]))")


@bp.app_template_filter("formula")
def formula_filter(value) -> Markup:
    """Chemical formula markup: counts as subscripts, a trailing `]2-` charge as superscript."""
    text = str(escape("" if value is None else str(value)))

    def replace(match: re.Match) -> str:
        if match.group(1):
            return "]<sup>" + match.group(2).replace("-", "\u2212") + "</sup>"
        if match.group(4):
            return "<sup>" + match.group(5).replace("-", "\u2212") + "</sup>"
        return "<sub>" + match.group(3) + "</sub>"

    return Markup(_FORMULA.sub(replace, text))


@bp.app_template_filter("number")
def number_filter(value) -> str:
    """A number as people write it: 25.0 -> 25, -0.85 -> −0.85."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return minus_filter(value)
    return minus_filter(terms.number_text(repr(value)))


@bp.app_template_filter("charge")
def charge_filter(value) -> str:
    """An ionic charge: -2 -> 2−, 4 -> 4+, 0 -> 0."""
    try:
        number = int(str(value))
    except ValueError:
        return str(value)
    return f"{number}+" if number > 0 else f"{-number}\u2212" if number < 0 else "0"


@bp.app_template_filter("compact")
def compact_filter(iri) -> str:
    """An IRI with the project prefixes (nckg:, nckr: ...), for code-like display."""
    iri = str(iri)
    best = max(((p, ns) for p, ns in PREFIXES.items() if iri.startswith(ns)), key=lambda x: len(x[1]), default=None)
    return f"{best[0]}:{iri[len(best[1]):]}" if best else iri


def editor_link(query: str, run: bool = False) -> str:
    """A shareable link that opens `query` in the editor."""
    params = {"query": query}
    if run:
        params["run"] = "1"
    return url_for("ui.editor") + "?" + urlencode(params)


@bp.app_context_processor
def helpers() -> dict:
    return {"editor_link": editor_link, "resource_url": resource_url}


# --- errors ------------------------------------------------------------------------------------------------------

@bp.app_errorhandler(404)
def not_found(error: HTTPException) -> Response:
    """An HTML 404 page for browsers, plain text otherwise."""
    description = error.description if error.description != NotFound.description else None
    if request.accept_mimetypes.best_match([HTML, "text/plain"], default="text/plain") == HTML \
            and request.accept_mimetypes[HTML] >= request.accept_mimetypes["text/plain"]:
        body = render_template("404.html", description=description, path=request.path)
        return Response(body, status=404, content_type="text/html; charset=utf-8")
    return Response(f"404 Not Found: {description or 'nothing here: ' + request.path}\n", status=404,
                    content_type="text/plain; charset=utf-8")


# --- landing page ------------------------------------------------------------------------------------------------

def catalogue_examples(limit: int | None = None) -> list[dict]:
    """Example questions from the query catalogue (queries/*.rq), with a link that opens each in the editor."""
    try:
        from nckg.model.catalogue import CatalogueError, load_catalogue
    except ImportError:  # the catalogue module is optional for the pages
        return []
    try:
        catalogue = load_catalogue()
    except CatalogueError as error:
        current_app.logger.warning("query catalogue not loaded: %s", error)
        return []
    examples = []
    for query in list(catalogue.values())[:limit]:
        try:
            text = query.runnable_text()
        except ValueError:
            text = query.body
        examples.append({"id": query.id, "title": query.title, "question": query.question,
                         "tags": list(query.tags), "sparql": text,
                         "page": f"/queries/{query.id}" if _has_rule("/queries/<query_id>") else None,
                         "editor": editor_link(text, run=True)})
    return examples


@bp.route("/")
def index() -> str:
    store = get_store()
    return render_template("index.html", counts=dataset.counts(store), examples=catalogue_examples(limit=8),
                           plots=plot_model.PLOTS.values(), dumps=dataset.DUMPS.values(),
                           schema_org=dataset.json_script(dataset.dataset_schema_org(request.url_root)))


# --- query editor ------------------------------------------------------------------------------------------------

@bp.route("/editor")
def editor() -> str:
    """YASGUI on the local endpoint; `?query=` (a shared link) or `?example=<catalogue id>` fills the editor,
    `run=1` runs it at once."""
    examples = catalogue_examples()
    query = request.args.get("query", "")
    wanted = request.args.get("example")
    if not query and wanted:
        match = next((e for e in examples if e["id"] == wanted), None)
        if match is None:
            abort(404, f"no catalogue question {wanted!r}")
        query = match["sparql"]
    query = query or _strip_front_matter(query_text(DEFAULT_QUERY))
    config = {"endpoint": url_for("sparql.endpoint", _external=True), "query": query,
              "run": request.args.get("run") in ("1", "true", "yes"), "prefixes": PREFIXES,
              "examples": [{"id": e["id"], "title": e["title"], "sparql": e["sparql"]} for e in examples]}
    return render_template("editor.html", config=dataset.json_script(config), examples=examples, query=query,
                           prefixes=prefix_table())


# --- cluster browser ---------------------------------------------------------------------------------------------

@bp.route("/clusters")
def clusters() -> Response:
    """All clusters as a sortable, filterable table (HTML), or its data as CSV / JSON; `?q=` keeps the clusters
    the search text finds (the one search of the find-cluster question and kg.find_clusters)."""
    search = request.args.get("q", "").strip()
    rows = cluster_model.cluster_table(get_store(), search or None)
    media = negotiate([HTML, CSV, JSON], NAMES)
    if media == CSV:
        return Response(tables.to_csv("clusters", rows), content_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="nckg-clusters.csv"', "Vary": "Accept"})
    if media == JSON:
        return _json({"columns": [{"name": c.name, "kind": c.kind, "description": c.description}
                                  for c in tables.TABLES["clusters"]],
                      "search": search or None,
                      "clusters": [{c: row[c] for c in tables.names("clusters")} for row in rows]})
    body = render_template("clusters.html", rows=rows, columns=cluster_model.CLUSTER_COLUMNS,
                           facets=cluster_model.cluster_facets(rows), search=search)
    return _html(body)


# --- plots -------------------------------------------------------------------------------------------------------

@bp.route("/plots")
def plots() -> str:
    return render_template("plots.html", plots=plot_model.PLOTS.values())


@bp.route("/plots/<name>")
def plot(name: str) -> Response:
    """One plot (HTML with its data table), or its data: `format=csv` (SPARQL CSV) or `format=json`."""
    if name not in plot_model.PLOTS:
        abort(404, f"no plot {name!r}")
    store = get_store()
    media = negotiate([HTML, CSV, JSON], NAMES)
    if media == CSV:
        return Response(plot_model.plot_csv(store, name), content_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="nckg-{name}.csv"', "Vary": "Accept"})
    data = plot_model.plot_json(store, name)
    if media == JSON:
        return _json(data)
    spec = plot_model.PLOTS[name]
    return _html(render_template("plot.html", plot=spec, data=data, data_json=dataset.json_script(data),
                                 query_link=editor_link(_strip_front_matter(query_text(spec.query)), run=True)))


def _strip_front_matter(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith("#+")).strip() + "\n"


# --- downloads and dataset descriptions --------------------------------------------------------------------------

_dump_cache: dict[tuple, bytes] = {}
_dump_lock = threading.Lock()


@bp.route("/download")
def download() -> str:
    store = get_store()
    return render_template("download.html", dumps=dataset.DUMPS.values(), counts=dataset.counts(store),
                           version=store.version)


@bp.route("/download/<name>")
def download_file(name: str) -> Response:
    """The whole graph as N-Quads, TriG or Turtle (built once per store version)."""
    dump = dataset.DUMPS.get(name)
    if dump is None:
        abort(404, f"no dump {name!r}; available: {', '.join(dataset.DUMPS)}")
    store = get_store()
    key = (id(store.store), store.version, name)
    body = _dump_cache.get(key)
    if body is None:
        body = dataset.dump(store, name)
        with _dump_lock:
            for old in [k for k in _dump_cache if k[:2] != key[:2]]:
                del _dump_cache[old]
            _dump_cache[key] = body
    content_type = with_charset(dump.media_type)
    return Response(body, content_type=content_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _description(kind: str) -> Response:
    store = get_store()
    base = request.url_root
    triples = dataset.void_description(store, base) if kind == "void" else dataset.dcat_description(store, base)
    media = negotiate([*RDF_OFFERED, HTML, *[m for m in GRAPH_FORMATS if m not in RDF_OFFERED]], NAMES)
    if media == HTML:
        turtle = linked_data.serialize_triples(triples, "text/turtle").decode("utf-8")
        title = "VoID description" if kind == "void" else "DCAT catalogue record"
        return _html(render_template("description.html", kind=kind, title=title, turtle=turtle,
                                     triples=len(triples)))
    return Response(linked_data.serialize_triples(triples, media), content_type=with_charset(GRAPH_FORMATS[media].media_type),
                    headers={"Vary": "Accept"})


@bp.route("/.well-known/void")
@bp.route("/void")
def void() -> Response:
    """VoID (Turtle by default; HTML for browsers asking for it)."""
    return _description("void")


@bp.route("/catalog")
@bp.route("/dcat")
def dcat() -> Response:
    """DCAT catalogue record (Turtle by default; HTML for browsers asking for it)."""
    return _description("dcat")


# --- helpers -----------------------------------------------------------------------------------------------------

def _html(body: str) -> Response:
    return Response(body, content_type="text/html; charset=utf-8", headers={"Vary": "Accept"})


def _json(data) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, indent=1), content_type="application/json",
                    headers={"Vary": "Accept"})
