"""Production serving with waitress (never Flask's debug server); used by `nckg serve`."""

from __future__ import annotations

from pathlib import Path

import waitress
from flask import Flask

from . import create_app


def create_server(*, host: str = "127.0.0.1", port: int = 8000, store_path: str | Path | None = None,
                  threads: int = 4, app: Flask | None = None):
    """A waitress server for the app (port 0: any free port, see `.effective_port`); call `.run()` to serve."""
    app = app or create_app({"STORE_PATH": str(store_path)} if store_path else None)
    return waitress.create_server(app, host=host, port=port, threads=threads, ident="nckg")


def serve(host: str = "127.0.0.1", port: int = 8000, store_path: str | Path | None = None, threads: int = 4) -> None:
    """Serve until interrupted."""
    server = create_server(host=host, port=port, store_path=store_path, threads=threads)
    server.print_listen("nckg serving on http://{}:{}")
    server.run()
