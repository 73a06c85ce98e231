"""WSGI entry point: `waitress-serve server.wsgi:app` (or any WSGI server)."""

from . import create_app

app = create_app()
