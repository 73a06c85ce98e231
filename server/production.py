"""Production serving with waitress (never Flask's debug server); used by `nckg serve` and `python -m server`.

The production configuration: waitress with `threads` request threads, the app's worker pool for /sparql queries
(QUERY_WORKERS processes, started before the first request), JSON-lines logs on stderr, debug mode refused, bounded
request sizes (waitress' own header and body limits, then the app's), and a clean shutdown on SIGTERM/SIGINT that
ends the worker processes.
"""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path

import waitress
from flask import Flask

from . import create_app, db, requestlog

log = logging.getLogger("server.production")


def create_server(*, host: str = "127.0.0.1", port: int = 8000, store_path: str | Path | None = None,
                  threads: int = 4, app: Flask | None = None, warm: bool = False, **options):
    """A waitress server for the app (port 0: any free port, see `.effective_port`); call `.run()` to serve.

    warm=True starts the query workers now (else on the first query). `options` go to waitress."""
    app = app or create_app({"STORE_PATH": str(store_path)} if store_path else None)
    if app.debug:
        raise RuntimeError("refusing to serve with DEBUG on: the debugger would run code for anyone")
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a failure answers 500 without a traceback
    if warm:
        pool = db.get_pool(app)
        if pool is not None and not pool.wait_ready(timeout=float(app.config["WORKER_STARTUP_TIMEOUT"])):
            log.warning("query workers not ready yet; queries will wait for them")
    body_limit = int(app.config.get("MAX_CONTENT_LENGTH") or 1024 * 1024)
    settings = {"ident": "nckg", "expose_tracebacks": False, "max_request_body_size": body_limit + 64 * 1024,
                "max_request_header_size": 256 * 1024, "channel_timeout": 120, "connection_limit": 200,
                "clear_untrusted_proxy_headers": True}
    settings.update(options)
    return waitress.create_server(app, host=host, port=port, threads=threads, **settings)


def serve(host: str = "127.0.0.1", port: int = 8000, store_path: str | Path | None = None, threads: int = 8) -> None:
    """Serve until interrupted (SIGINT or SIGTERM)."""
    requestlog.configure()
    server = create_server(host=host, port=port, store_path=store_path, threads=threads, warm=True)

    def stop(signum, _frame):
        log.info("signal %d: shutting down", signum)
        server.close()
        sys.exit(0)  # runs atexit: the worker processes are ended

    signal.signal(signal.SIGTERM, stop)
    server.print_listen("nckg serving on http://{}:{}")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
