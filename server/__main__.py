"""`python -m server --host H --port P [--store PATH] [--threads N] [--server waitress|granian] [--workers N]`:
serve the app (what `nckg serve` runs); waitress by default, granian with N HTTP processes on request."""

from __future__ import annotations

import argparse
import os
import sys

from .production import serve, serve_granian


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--store", default=os.environ.get("NCKG_STORE"))
    parser.add_argument("--server", choices=("waitress", "granian"), default="waitress")
    parser.add_argument("--workers", type=int, default=1, help="HTTP processes (granian only)")
    args = parser.parse_args()
    if args.server == "granian":
        serve_granian(host=args.host, port=args.port, store_path=args.store, workers=args.workers,
                      threads=args.threads)
    elif args.workers != 1:
        parser.error("--workers needs --server granian (waitress serves from one process with --threads threads)")
    else:
        serve(host=args.host, port=args.port, store_path=args.store, threads=args.threads)


if __name__ == "__main__":
    try:
        main()
    except OSError as exc:  # e.g. the port is taken: one line, no traceback
        sys.exit(f"error: cannot serve: {exc}")
