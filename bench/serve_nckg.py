"""Run nckg's production server (waitress, server.production.create_server) over a store, for the benchmark runner.

    python -m bench.serve_nckg --store var/bench/store-10000 --port 8123 [--in-memory] [--threads 8]

Prints one JSON line when ready (port, seconds to open/copy the store, RSS), then serves until terminated."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--in-memory", action="store_true", help="STORE_IN_MEMORY: copy the store into memory")
    args = parser.parse_args(argv)

    from server import create_app  # noqa: PLC0415
    from server.production import create_server  # noqa: PLC0415

    from bench.generate import rss_mib  # noqa: PLC0415

    config = {"STORE_PATH": args.store}
    if args.in_memory:
        config["STORE_IN_MEMORY"] = True
    app = create_app(config)
    started = time.perf_counter()
    with app.app_context():
        app.extensions["nckg_store"].get()  # open (or copy into memory) now, not on the first request
    opened = time.perf_counter() - started
    server = create_server(host=args.host, port=args.port, threads=args.threads, app=app)
    signal.signal(signal.SIGTERM, lambda *_: (server.close(), sys.exit(0)))
    print(json.dumps({"port": server.effective_port, "pid": os.getpid(), "open_seconds": round(opened, 2),
                      "in_memory": args.in_memory, "threads": args.threads,
                      "rss_mib": round(rss_mib(os.getpid()), 1)}), flush=True)
    server.run()


if __name__ == "__main__":
    main()
