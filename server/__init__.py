"""HTTP layer of nckg (Flask): maps requests to `nckg` calls."""

from __future__ import annotations

from flask import Flask

from . import caching, catalogue, config, cors, db, fastpath, ontology, requestlog, resources, security, sparql, ui


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory: defaults from server/config.py, then NCKG_* environment variables, then test_config."""
    app = Flask(__name__)
    app.config.from_object(config)
    app.config.from_prefixed_env("NCKG")
    if test_config:
        app.config.from_mapping(test_config)
    db.init_app(app)
    cors.init_app(app)
    security.init_app(app)  # security headers, request ids, 5xx without tracebacks, rate limit
    requestlog.init_app(app)  # one JSON access-log line per request
    caching.init_app(app)  # ETag / 304, Cache-Control and an LRU of query answers (CACHE_SIZE)
    for blueprint in (sparql.bp, catalogue.bp, resources.bp, ui.bp, ontology.bp):  # one blueprint per area
        app.register_blueprint(blueprint)
    fastpath.install(app)  # plain-WSGI answers for ordinary /sparql queries in front of Flask (LEAN_SPARQL)
    return app
