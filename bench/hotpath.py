"""Where the time of a light /sparql request goes, profiled and split by layer.

    .venv/bin/python -m bench.hotpath [--clusters 10000] [--duration 8] [--requests 3000]

One run, one store (the 10 k synthetic store of bench/run.py, built if missing), unique light ad-hoc queries
(bench/adhoc.py LIGHT, a nonce per request) and two parts:

1. **In-process split** (no HTTP, no load generator): the per-request cost of each layer, measured by running the
   same requests through ever more of the stack - pyoxigraph alone (query + native JSON serializer), the nckg app
   called as a WSGI callable with queries in the web process (QUERY_WORKERS=0), the same app with the production
   worker pool (QUERY_WORKERS=2; wall time and the web process' CPU), plus a cProfile of that last path grouped by
   layer (werkzeug/Flask, nckg's HTTP layer, logging, waiting for the worker, ...).
2. **HTTP throughput** with wrk at --connections over loopback, every server on the same store, ratio to
   `oxigraph serve-read-only`: the bare WSGI app of bench/bare_wsgi.py (the ceiling of any Python HTTP path: no
   Flask, no safety) under waitress and under granian (1 and 2 processes), and nckg's app under waitress (the
   default production server) and under granian (1 and 2 processes).

Writes bench/results/hotpath.json and hotpath.md."""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import platform
import pstats
import signal
import sys
import time
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import adhoc  # noqa: E402
from bench.run import (  # noqa: E402
    BIN, ROOT, Server, build_store, cluster_iris, free_port, geomean, granian_cmd, label_of, wrk)

ACCEPT = "application/sparql-results+json"


# -- part 1: in-process split ------------------------------------------------------------------------------------
def _environ(body: bytes) -> dict:
    return {"REQUEST_METHOD": "POST", "PATH_INFO": "/sparql", "SCRIPT_NAME": "", "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1:8000", "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http",
            "HTTP_ACCEPT": ACCEPT, "CONTENT_TYPE": "application/sparql-query", "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr}


def _call(app, body: bytes) -> bytes:
    status = []
    out = b"".join(app(_environ(body), lambda s, h, e=None: status.append(s)))
    if not status[0].startswith("200"):
        raise RuntimeError(f"{status[0]}: {out[:300]!r}")
    return out


def _per_request(run, bodies: list[bytes]) -> dict:
    wall, cpu = time.perf_counter(), time.process_time()
    for body in bodies:
        run(body)
    n = len(bodies)
    return {"wall_us": round((time.perf_counter() - wall) / n * 1e6, 1),
            "cpu_us": round((time.process_time() - cpu) / n * 1e6, 1)}


LAYERS = (  # (layer, substrings of cProfile's file:function) - first match wins
    ("query evaluation (pyoxigraph)", ("method 'query' of 'pyoxigraph",)),
    ("result serialization (pyoxigraph)", ("method 'serialize' of 'pyoxigraph",)),
    ("waiting for the worker process (pipe)", ("select.select", "posix.read", "posix.write", "method 'flush'",
                                               "method 'write' of '_io")),
    ("job/answer pickling", ("pickle", "_pickle")),
    ("access log (json, logging)", ("logging/", "json/", "requestlog.py")),
    ("nckg HTTP layer (server/)", ("/server/",)),
    ("nckg domain (src/nckg/)", ("/nckg/",)),
    ("werkzeug + Flask", ("werkzeug/", "flask/")),
)


def _layer(key: tuple) -> str:
    where = f"{key[0]}:{key[2]}"
    for name, marks in LAYERS:
        if any(mark in where for mark in marks):
            return name
    return "other (stdlib, interpreter)"


def profile_split(app, bodies: list[bytes]) -> dict[str, float]:
    """Exclusive time per layer (µs per request) of requests through `app`, by cProfile (which inflates Python
    code relative to native code: read the shares, not the absolute values)."""
    profiler = cProfile.Profile()
    profiler.enable()
    for body in bodies:
        _call(app, body)
    profiler.disable()
    totals: dict[str, float] = defaultdict(float)
    for key, (_cc, _nc, tottime, _ct, _callers) in pstats.Stats(profiler).stats.items():
        totals[_layer(key)] += tottime
    return {name: round(seconds / len(bodies) * 1e6, 1) for name, seconds in
            sorted(totals.items(), key=lambda item: -item[1])}


def in_process(store: Path, texts: list[str], requests: int) -> dict:
    from pyoxigraph import QueryResultsFormat, Store  # noqa: PLC0415

    from server import create_app  # noqa: PLC0415
    from server.db import get_pool  # noqa: PLC0415

    from nckg.store.graph import GraphStore  # noqa: PLC0415

    bodies = [f"{texts[i % len(texts)]}\n# nonce {i}\n".encode() for i in range(requests)]
    oxi = Store.read_only(str(store))
    graph = GraphStore(oxi)
    result = {"pyoxigraph query + serialize": _per_request(
        lambda b: oxi.query(b.decode(), use_default_graph_as_union=True).serialize(format=QueryResultsFormat.JSON),
        bodies),
        "... with the 10 000-row cap (GraphStore.serialize_limited: TSV with a line budget, parsed back, JSON)":
        _per_request(lambda b: graph.serialize_limited(graph.query(b.decode()), ACCEPT, 10_000, "http://x/"),
                     bodies)}
    apps = {}
    for workers in (0, 2):
        app = create_app({"STORE_PATH": str(store), "QUERY_WORKERS": workers, "RESULT_ROW_LIMIT": 0})
        app.config["PROPAGATE_EXCEPTIONS"] = False
        if workers:
            get_pool(app).wait_ready(120)
        for body in bodies[:50]:  # warm: workers open the store, caches fill
            _call(app, body)
        apps[workers] = app
    import logging  # noqa: PLC0415 - the access log goes nowhere here (it is measured, not printed)

    logging.getLogger("nckg.access").disabled = False
    logging.getLogger("nckg.access").handlers[:] = [logging.NullHandler()]
    logging.getLogger("nckg.access").propagate = False
    result["nckg app, query in the web process (QUERY_WORKERS=0)"] = _per_request(lambda b: _call(apps[0], b), bodies)
    result["nckg app, query in a worker process (QUERY_WORKERS=2)"] = _per_request(lambda b: _call(apps[2], b),
                                                                                   bodies)
    split = profile_split(apps[2], bodies[: min(len(bodies), 2000)])
    get_pool(apps[2]).close()
    return {"per_request": result, "profile_split_us": split}


# -- part 2: HTTP throughput -------------------------------------------------------------------------------------
def http_servers(store: Path) -> dict[str, tuple[list[str], str, dict]]:
    """name -> (command with {port}, path of the query URL, extra environment)."""
    def granian(processes: int, target: str, factory: bool = False) -> list[str]:
        return granian_cmd("{port}", processes, 8, target, factory)

    bare, nckg = {"BARE_STORE": str(store)}, {"NCKG_STORE": str(store)}
    return {
        "oxigraph": ([str(BIN / "oxigraph"), "serve-read-only", "--location", str(store), "--bind",
                      "127.0.0.1:{port}", "--union-default-graph"], "/query", {}),
        "bare WSGI, waitress 8 threads": ([str(BIN / "waitress-serve"), "--listen=127.0.0.1:{port}", "--threads=8",
                                           "bench.bare_wsgi:app"], "/sparql", bare),
        "bare WSGI, granian 1 process": (granian(1, "bench.bare_wsgi:app"), "/sparql", bare),
        "bare WSGI, granian 2 processes": (granian(2, "bench.bare_wsgi:app"), "/sparql", bare),
        "nckg, waitress 8 threads (production default)": (
            [sys.executable, "-m", "bench.serve_nckg", "--store", str(store), "--port", "{port}", "--threads", "8"],
            "/sparql", {}),
        "nckg, granian 1 process": (granian(1, "bench.serve_nckg:wsgi_app", factory=True), "/sparql", nckg),
        "nckg, granian 2 processes": (granian(2, "bench.serve_nckg:wsgi_app", factory=True), "/sparql", nckg),
    }


def throughput(store: Path, variants: dict[str, list[str]], duration: float, connections: int) -> dict:
    results: dict[str, dict] = {}
    for name, (cmd, path, env) in http_servers(store).items():
        port = free_port()
        server = Server(name, [part.replace("{port}", str(port)) for part in cmd], f"http://127.0.0.1:{port}{path}",
                        env=env)
        try:
            results[name] = {query: wrk(server.url, texts, "nonce", duration, connections)
                             for query, texts in variants.items()}
        finally:
            server.stop()
        print(f"  {name:46s} " + "  ".join(f"{q}: {r.get('rps', 'ERR')}" for q, r in results[name].items()),
              flush=True)
    return results


# -- report ------------------------------------------------------------------------------------------------------
def markdown(report: dict) -> str:
    per = report["in_process"]["per_request"]
    split = report["in_process"]["profile_split_us"]
    total = sum(split.values()) or 1.0
    lines = [f"# Hot path of a light /sparql request — {report['label']} ({report['quads']:,} quads)", "",
             f"Run {report['date']} on {report['machine']}. Light ad-hoc queries ({', '.join(report['queries'])}), "
             f"a unique nonce per request (uncached). `python -m bench.hotpath`.", "",
             "## 1. Cost per request, in process (no HTTP)", "",
             "| path | wall µs | CPU µs of this process |", "|---|---|---|"]
    lines += [f"| {name} | {v['wall_us']:,} | {v['cpu_us']:,} |" for name, v in per.items()]
    lines += ["", "Split of the worker path by layer (cProfile, exclusive time; profiling inflates Python code "
              "relative to native code, so read the shares):", "", "| layer | µs per request | share |", "|---|---|---|"]
    lines += [f"| {name} | {us:,} | {us / total:.0%} |" for name, us in split.items()]
    lines += ["", f"## 2. Throughput over HTTP (wrk, {report['connections']} connections, {report['duration']:g} s "
              "per query and server; same store)", ""]
    queries = report["queries"]
    lines += ["| server | " + " | ".join(f"{q} req/s" for q in queries) + " | ratio to oxigraph (geo. mean) |",
              "|---|" + "---|" * (len(queries) + 1)]
    base = report["http"].get("oxigraph", {})
    for name, runs in report["http"].items():
        ratios = [runs[q]["rps"] / base[q]["rps"] for q in queries
                  if runs.get(q, {}).get("rps") and base.get(q, {}).get("rps")]
        mean = geomean(ratios)
        lines.append(f"| {name} | " + " | ".join(f"{runs.get(q, {}).get('rps', 'error'):,}" for q in queries)
                     + f" | **{mean:.2f}×** |" if mean else " | – |")
    lines += ["", report.get("reading", ""), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clusters", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--duration", type=float, default=8)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--requests", type=int, default=3000, help="requests per in-process measurement")
    parser.add_argument("--store-dir", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    label = label_of(args.clusters)
    args.store_dir.mkdir(parents=True, exist_ok=True)
    store, build = build_store(SimpleNamespace(store_dir=args.store_dir, seed=args.seed, clusters=args.clusters,
                                               rebuild=False), label)
    variants = {name: texts for name, texts in adhoc.light_variants(cluster_iris(store), seed=args.seed).items()
                if name != "adhoc-cluster-measurements"}  # two shapes are enough; that one returns 0-1 rows
    every_text = [text for texts in variants.values() for text in texts]
    print("in-process split ...", flush=True)
    split = in_process(store, every_text, args.requests)
    print(json.dumps(split, indent=1), flush=True)
    print("HTTP throughput ...", flush=True)
    http = throughput(store, variants, args.duration, args.connections)
    report = {"label": label, "quads": build["quads"], "date": dt.datetime.now().isoformat(timespec="seconds"),
              "machine": f"{os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}",
              "queries": list(variants), "duration": args.duration, "connections": args.connections,
              "in_process": split, "http": http}
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "hotpath.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    (args.results / "hotpath.md").write_text(markdown(report), encoding="utf-8")
    print((args.results / "hotpath.md").read_text(), flush=True)
    return report


if __name__ == "__main__":
    main()
