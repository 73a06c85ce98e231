"""`python -m server --host H --port P [--store PATH] [--threads N]`: serve with waitress (what `nckg serve` runs)."""

from __future__ import annotations

import argparse
import os

from .production import serve


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--store", default=os.environ.get("NCKG_STORE"))
    args = parser.parse_args()
    serve(host=args.host, port=args.port, store_path=args.store, threads=args.threads)


if __name__ == "__main__":
    main()
