"""WSGI entry point: `waitress-serve server.wsgi:app`, `granian --interface wsgi server.wsgi:app` or any WSGI server.

The store is NCKG_STORE (else var/store), settings come from NCKG_* variables; access and app logs go to stderr as
JSON lines, as with `python -m server`."""

from . import create_app, db, requestlog

requestlog.configure()
app = create_app()
db.warm(app)  # query workers start and page data is computed in the background
