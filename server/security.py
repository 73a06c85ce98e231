"""Closed-by-default HTTP hardening: security headers, request ids, no stack traces, per-client rate limit.

- Every response carries X-Content-Type-Options, X-Frame-Options, Referrer-Policy, a Content-Security-Policy
  (same-origin scripts and styles: the web UI loads only files from /static) and Cross-Origin-Resource-Policy
  (the data stays readable from any origin: see cors.py); Strict-Transport-Security when HSTS_SECONDS is set.
- Every request gets an id (`X-Request-ID`: the client's when it is a short token, else a new one), echoed in the
  response and in the access log (requestlog.py), and quoted in 5xx messages.
- An unexpected exception answers `500` with a short text naming the request id; the traceback goes to the log
  only (Flask never runs in debug mode here: production.py refuses it).
- flask-limiter per client address when RATELIMIT_ENABLED (off by default); TRUSTED_PROXIES > 0 reads the client
  address from X-Forwarded-For (werkzeug ProxyFix) - leave it 0 unless a reverse proxy sets that header.
"""

from __future__ import annotations

import re
import uuid

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.middleware.proxy_fix import ProxyFix

from nckg.store.remote import RemoteStoreError

REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def request_id() -> str:
    """The id of the current request."""
    rid = g.get("request_id")
    if rid is None:
        given = request.headers.get("X-Request-ID", "")
        rid = g.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
    return rid


def _start() -> None:
    request_id()


def static_headers(config) -> tuple[tuple[str, str], ...]:
    """The security headers every response gets unless the view set them."""
    headers = [("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
               ("Referrer-Policy", config["REFERRER_POLICY"]), ("Cross-Origin-Resource-Policy", "cross-origin")]
    if config["CONTENT_SECURITY_POLICY"]:
        headers.append(("Content-Security-Policy", config["CONTENT_SECURITY_POLICY"]))
    if config["HSTS_SECONDS"]:
        headers.append(("Strict-Transport-Security", f"max-age={int(config['HSTS_SECONDS'])}"))
    return tuple(headers)


def _headers(response: Response) -> Response:
    headers = response.headers
    static = static_headers(current_app.config)
    present = {name.lower() for name, _ in headers.items()}  # one pass, not one scan per header
    headers["X-Request-ID"] = request_id()
    headers.extend([(name, value) for name, value in static if name.lower() not in present])
    if response.status_code == 503 and "retry-after" not in present:
        headers["Retry-After"] = "5"
    return response


def internal_error(error: InternalServerError) -> Response:
    """500 without any detail of the failure (that is in the log, under the same request id)."""
    if error.original_exception is None and error.description != InternalServerError.description:
        message = error.description  # an explicit abort(500, "...") from a view
    else:
        message = "The server failed to answer this request."
    return Response(f"500 Internal Server Error: {message} (request id {request_id()})\n", status=500,
                    content_type="text/plain; charset=utf-8")


def _server_error(error: HTTPException) -> Response:
    """429 and other 5xx raised by views, as text: the message, plus the request id for reports."""
    response = error.get_response()  # keeps headers such as Retry-After
    response.set_data(f"{error.code} {error.name}: {error.description} (request id {request_id()})\n")
    response.content_type = "text/plain; charset=utf-8"
    return response


def remote_store_failed(error: RemoteStoreError) -> Response:
    """A remote SPARQL store that fails: 502 (an error answer), 503 (unreachable) or 504 (too slow), one line
    naming the failure and the request id; the failure is logged under that id."""
    current_app.logger.warning("remote store failed (request id %s): %s", request_id(), error)
    status = getattr(error, "status", 502)
    name = {502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}[status]
    response = Response(f"{status} {name}: The knowledge graph's SPARQL store failed: {error} "
                        f"(request id {request_id()})\n", status=status, content_type="text/plain; charset=utf-8")
    if status == 503:
        response.headers["Retry-After"] = "5"
    return response


def init_app(app: Flask) -> None:
    if int(app.config.get("TRUSTED_PROXIES") or 0) > 0:
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.before_request(_start)
    app.after_request(_headers)
    app.register_error_handler(InternalServerError, internal_error)
    app.register_error_handler(RemoteStoreError, remote_store_failed)
    for code in (429, 502, 503, 504):
        app.register_error_handler(code, _server_error)
    _init_rate_limit(app)


def _init_rate_limit(app: Flask) -> None:
    if not app.config.get("RATELIMIT_ENABLED"):
        return
    from flask_limiter import Limiter  # noqa: PLC0415 - optional dependency, only when enabled
    from flask_limiter.util import get_remote_address  # noqa: PLC0415

    limits = app.config.get("RATELIMIT_DEFAULT") or ""
    limiter = Limiter(get_remote_address, app=app, default_limits=[limits] if limits else [],
                      storage_uri=app.config.get("RATELIMIT_STORAGE_URI", "memory://"),
                      headers_enabled=bool(app.config.get("RATELIMIT_HEADERS_ENABLED", True)))
    limiter.request_filter(lambda: request.path.startswith("/static/") or request.method == "OPTIONS")
    app.extensions["nckg_limiter"] = limiter
