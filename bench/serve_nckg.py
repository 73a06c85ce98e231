"""Run nckg's production server (waitress, server.production.create_server) over a store, for the benchmark runner.

    python -m bench.serve_nckg --store var/bench/store-10k-seed10 --port 8123 [--in-memory] [--threads 8]

/sparql runs ad-hoc queries in nckg's pool of isolated worker processes (server/config.py QUERY_WORKERS); with
--in-memory each worker holds its own copy of the store. Production settings are kept except those that would make
the comparison with oxigraph unfair or impossible (each can be put back with --set NAME=JSON):

- RESULT_ROW_LIMIT=0: answers are not cut at 10,000 rows (oxigraph never cuts; both must return the same rows);
- QUERY_TIMEOUT=150, QUERY_QUEUE_TIMEOUT=150: like `oxigraph --timeout-s 150`; with the production 10 s queue
  timeout, 8 concurrent heavy requests on 2 workers get 503 instead of an answer;
The worker memory cap and start-up timeout keep their production "auto" values, sized on the store (nckg.store.backend).

Prints one JSON line when the workers are ready (port, seconds to start them, RSS of the process tree), then serves
until terminated."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time

BENCH_SETTINGS = {"RESULT_ROW_LIMIT": 0, "QUERY_TIMEOUT": 150.0, "QUERY_QUEUE_TIMEOUT": 150.0, "CACHE_SIZE": 0}


def _warm(pool, timeout: float) -> None:
    """One job per worker at once, so that every worker opens (or copies into memory) the store before serving."""
    import threading  # noqa: PLC0415

    from nckg.store.jobs import Job  # noqa: PLC0415

    threads = [threading.Thread(target=pool.run, args=(Job(sparql="ASK { ?s ?p ?o }"),),
                                kwargs={"timeout": timeout, "queue_timeout": timeout}) for _ in range(pool.size)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def wsgi_app():
    """The app with the benchmark settings over $NCKG_STORE, for other WSGI servers (bench/hotpath.py runs it under
    granian: `granian --interface wsgi --factory bench.serve_nckg:wsgi_app`)."""
    from server import create_app  # noqa: PLC0415

    return create_app({"STORE_PATH": os.environ["NCKG_STORE"], **BENCH_SETTINGS})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--in-memory", action="store_true", help="STORE_IN_MEMORY: copy the store into memory")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=JSON", help="another app setting")
    args = parser.parse_args(argv)

    from server import create_app  # noqa: PLC0415
    from server.production import create_server  # noqa: PLC0415

    from bench.generate import tree_rss_mib  # noqa: PLC0415

    config = {"STORE_PATH": args.store, **BENCH_SETTINGS}
    if args.in_memory:
        config["STORE_IN_MEMORY"] = True
    for item in args.set:
        name, _, value = item.partition("=")
        config[name] = json.loads(value)
    app = create_app(config)
    started = time.perf_counter()
    workers = None
    with app.app_context():
        try:
            from server.db import get_pool  # noqa: PLC0415

            pool = get_pool(app)
        except ImportError:  # an older server without worker processes: the store lives in the web process
            pool = None
        if pool is None:
            app.extensions["nckg_store"].get()
        elif not pool.wait_ready(timeout=pool.startup_timeout):
            sys.exit("query workers did not start")
        else:
            workers = pool.size
            _warm(pool, pool.startup_timeout)
    opened = time.perf_counter() - started
    server = create_server(host=args.host, port=args.port, threads=args.threads, app=app)
    signal.signal(signal.SIGTERM, lambda *_: (server.close(), sys.exit(0)))
    print(json.dumps({"port": server.effective_port, "pid": os.getpid(), "open_seconds": round(opened, 2),
                      "in_memory": args.in_memory, "threads": args.threads, "query_workers": workers,
                      "settings": {k: v for k, v in config.items() if k != "STORE_PATH"},
                      "rss_mib": round(tree_rss_mib(os.getpid()), 1)}), flush=True)
    server.run()


if __name__ == "__main__":
    main()
