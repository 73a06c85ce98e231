"""Production serving (never Flask's debug server); used by `nckg serve` and `python -m server`.

Two HTTP servers, the same app (server/README.md, "Production serving"):
- granian (default: Rust HTTP, `serve_granian`): `workers` HTTP processes (2 by default), each importing
  server.wsgi:app with its own query worker pool and `threads` blocking threads; the fastest configuration measured
  on 2 cores (bench/results/lightpath.md);
- waitress (pure Python): one process with `threads` request threads, the app's worker pool for /sparql
  queries (QUERY_WORKERS processes, started before the first request), JSON-lines logs on stderr, debug mode
  refused, bounded request sizes (waitress' own header and body limits, then the app's), and a clean shutdown on
  SIGTERM/SIGINT that ends the worker processes.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import signal
import socket
import sys
from pathlib import Path

import waitress
from flask import Flask

from . import create_app, db, requestlog

log = logging.getLogger("server.production")
DEFAULT_HTTP_PROCESSES = 2


def create_server(*, host: str = "127.0.0.1", port: int = 8000, store_path: str | Path | None = None,
                  threads: int = 4, app: Flask | None = None, warm: bool = False, **options):
    """A waitress server for the app (port 0: any free port, see `.effective_port`); call `.run()` to serve.

    warm=True starts the query workers now (else on the first query) and precomputes the page data (db.warm).
    `options` go to waitress."""
    app = app or create_app({"STORE_PATH": str(store_path)} if store_path else None)
    if app.debug:
        raise RuntimeError("refusing to serve with DEBUG on: the debugger would run code for anyone")
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a failure answers 500 without a traceback
    if warm:
        pool = db.get_pool(app)
        db.warm(app, wait=pool.startup_timeout if pool is not None else None)
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


def granian_argv(host: str = "127.0.0.1", port: int = 8000, workers: int = 1, threads: int = 8) -> list[str]:
    """The granian command line serving server.wsgi:app (the store comes from NCKG_STORE, settings from NCKG_*)."""
    binary = shutil.which("granian", path=os.path.dirname(sys.executable)) or shutil.which("granian")
    if binary is not None:
        command = [binary]
    elif importlib.util.find_spec("granian") is not None:  # installed without its script (e.g. a shared site-packages)
        command = [sys.executable, "-m", "granian"]
    else:
        raise RuntimeError("granian is not installed (pip install granian)")
    return [*command, "--interface", "wsgi", "--host", host, "--port", str(port), "--workers", str(workers),
            "--blocking-threads", str(threads), "--respawn-failed-workers", "--no-ws", "--log-level", "warning",
            "server.wsgi:app"]


def serve_granian(host: str = "127.0.0.1", port: int = 8000, store_path: str | Path | None = None,
                  workers: int = 1, threads: int = 8) -> None:
    """Replace this process by granian serving the app with `workers` HTTP processes (each with its own query
    workers: QUERY_WORKERS x workers processes in all, each holding a copy of an in-memory store)."""
    if store_path:
        os.environ["NCKG_STORE"] = str(store_path)
    os.environ["NCKG_HTTP_PROCESSES"] = str(workers)  # STORE_IN_MEMORY="auto" counts every process' copies
    argv = granian_argv(host, port, workers, threads)
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:  # granian would panic with a
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)                  # Rust backtrace: say it in
        probe.bind((host, port))                                                      # one line (OSError) instead
    os.execv(argv[0], argv)
