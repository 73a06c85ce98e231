"""Structured access log: one JSON object per request on the `nckg.access` logger.

Fields: ts (UTC, ISO 8601), request_id, remote, method, path, status, bytes, ms (total handling time) and, for
/sparql queries, query_ms (evaluation + serialization in the worker), query_len, rows, truncated, worker (pid),
outcome (ok, or the failure kind: query, update, service, timeout, crashed, busy, ...). The query text itself is
not logged (it may be large or carry personal data); its length is.

`configure(level)` sends these lines (and the app's other logs) to stderr as JSON lines; production.serve calls it.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from datetime import datetime, timezone

from flask import Flask, Response, current_app, g, request

from .security import request_id

access_log = logging.getLogger("nckg.access")


def _begin() -> None:
    g.request_started = time.perf_counter()


def _log(response: Response) -> Response:
    if current_app.config.get("ACCESS_LOG", True):
        write(request_id(), request.remote_addr, request.method, request.path, response.status_code,
              response.calculate_content_length(), g.get("request_started"), g.get("nckg_query"))
    return response


def write(rid: str, remote: str | None, method: str, path: str, status: int, size: int | None,
          started: float | None, query: dict | None = None) -> None:
    """One access-log line (also written by the lean /sparql path, server/fastpath.py)."""
    record = {
        "ts": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
        "request_id": rid,
        "remote": remote,
        "method": method,
        "path": path,
        "status": status,
        "bytes": size,
        "ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
    }
    if query:
        record.update(query)
    access_log.info(json.dumps(record, separators=(",", ":")), extra={"nckg": record})


class JsonFormatter(logging.Formatter):
    """Access records as they are (already JSON); other records as a JSON object with level, logger, message."""

    def format(self, record: logging.LogRecord) -> str:
        if record.name == access_log.name:
            return record.getMessage()
        data = {"ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, separators=(",", ":"))


def configure(level: int | str = logging.INFO) -> None:
    """JSON lines on stderr for the nckg loggers, Flask's app logger and waitress."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in ("nckg", "server", "waitress"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False


def init_app(app: Flask) -> None:
    app.before_request(_begin)
    app.after_request(_log)
