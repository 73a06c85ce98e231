"""The ceiling of a Python HTTP path: a bare WSGI app that answers a POSTed SPARQL query straight from pyoxigraph.

No Flask, no content negotiation, no limits, no worker isolation, no logging - nothing nckg's /sparql must do. It
exists only so that bench/hotpath.py can show how much of the gap to `oxigraph serve-read-only` is the Python HTTP
server itself and how much is nckg's own work. Never serve this to anybody.

    BARE_STORE=var/bench/store-10k-seed10 waitress-serve --listen 127.0.0.1:8000 bench.bare_wsgi:app
    BARE_STORE=... granian --interface wsgi --workers 2 bench.bare_wsgi:app
"""

from __future__ import annotations

import os

from pyoxigraph import QueryResultsFormat, Store

_STORE = Store.read_only(os.environ["BARE_STORE"])
_JSON = [("Content-Type", "application/sparql-results+json")]


def app(environ, start_response):
    """POST application/sparql-query → SPARQL JSON results (union default graph, as the other servers)."""
    size = int(environ.get("CONTENT_LENGTH") or 0)
    query = environ["wsgi.input"].read(size).decode("utf-8")
    body = _STORE.query(query, use_default_graph_as_union=True).serialize(format=QueryResultsFormat.JSON)
    start_response("200 OK", [*_JSON, ("Content-Length", str(len(body)))])
    return [body]
