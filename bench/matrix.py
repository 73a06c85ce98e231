"""The benchmark matrix of the default configuration, side by side with `oxigraph serve-read-only`, in one command.

    .venv/bin/python -m bench.matrix                       # ~6 min: the real graph + heavy queries at 100 k clusters
    .venv/bin/python -m bench.matrix --clusters 10000      # heavy queries on a smaller synthetic store
    .venv/bin/python -m bench.matrix --clusters 0          # the real graph only
    .venv/bin/python -m bench.matrix --server-args --server waitress   # another nckg configuration, same matrix

"nckg" is `nckg serve --store <store>` with no other option: the configuration `make run` serves. Three settings
are changed through the environment, as in bench/run.py, because the comparison would be unfair or impossible
otherwise: NCKG_RESULT_ROW_LIMIT=0 (oxigraph never cuts answers; row counts must agree), NCKG_QUERY_TIMEOUT=150
and NCKG_QUERY_QUEUE_TIMEOUT=150 (8 concurrent heavy requests must queue, not get 503). oxigraph is
`oxigraph serve-read-only --location <store> --union-default-graph` over the same store directory.

Workloads (8 connections, keep-alive, `--duration` s per workload and server, servers measured back to back):

| workload | graph | what | client |
|---|---|---|---|
| repeated-get | real | round-robin mix of every light catalogue query and the ad-hoc queries, same texts, GET | wrk |
| repeated-post | real | the same mix by POST (application/sparql-query), as the query editor sends it | wrk |
| unique-scans | real | a numeric FILTER over all quads, a unique query per request (a different LIMIT no answer reaches) | wrk |
| unique-light | real | all triples of one cluster (500 clusters rotate), a unique query per request | wrk |
| heavy | N k | the `--heavy` slowest catalogue queries (single request on oxigraph >= 20 ms, <= 8 s), each measured alone, nckg's answer cache off (NCKG_CACHE_SIZE=0); ratio = geometric mean | Python closed loop |

Targets (reported, never asserted): repeated mix >= 1.5x by GET and POST; unique scans >= 1.0x; unique light
lookups >= 0.5x; heavy catalogue queries at 100 k >= 3x. Writes bench/results/matrix.json and matrix.md; the load
average of the machine before each run is recorded (2 shared cores: the ratios, measured back to back, are what
to read).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import adhoc  # noqa: E402
from bench.run import (  # noqa: E402
    BIN,
    HEAVY_MS,
    ROOT,
    Server,
    build_store,
    candidate_queries,
    cluster_iris,
    free_port,
    label_of,
    oxigraph_server,
    probe,
    pyload,
    wrk,
)

RESULTS = ROOT / "bench" / "results"
BENCH_ENV = {"NCKG_RESULT_ROW_LIMIT": "0", "NCKG_QUERY_TIMEOUT": "150", "NCKG_QUERY_QUEUE_TIMEOUT": "150"}
HEAVY_ENV = {"NCKG_CACHE_SIZE": "0"}  # heavy queries repeat one text: measure evaluation, not the answer cache
TARGETS = {"repeated-get": 1.5, "repeated-post": 1.5, "unique-scans": 1.0, "unique-light": 0.5, "heavy": 3.0}
SCAN = "SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o FILTER (isNumeric(?o) && ?o > {threshold}) }}"
MIX_MAX_SECONDS = 0.05  # catalogue queries slower than this on one request are left out of the repeated mix
HEAVY_MAX_SECONDS = 8.0


def servers_for(store: Path, server_args: list[str], log_dir: Path, env: dict | None = None) -> dict[str, Server]:
    """oxigraph and nckg (the default configuration, plus `env`) over `store`."""
    servers: dict[str, Server] = {}
    try:
        servers["oxigraph"] = oxigraph_server(store, log_dir)
        port = free_port()
        servers["nckg"] = Server("nckg", [str(BIN / "nckg"), "serve", "--store", str(store), "--port", str(port),
                                          *server_args],
                                 f"http://127.0.0.1:{port}/sparql", log_dir=log_dir, env={**BENCH_ENV, **(env or {})})
        warm(servers["nckg"])
    except BaseException:
        for server in servers.values():
            server.stop()
        raise
    return servers


def warm(server: Server, requests: int = 40) -> None:
    """A few queries so that every HTTP process has started its query workers (they copy the store)."""
    for _ in range(requests):
        probe("ASK { ?s ?p ?o }", server, 300)


def run_workload(name: str, bodies: list[str], servers: dict[str, Server], args, *, mode: str, method: str = "POST",
                 client: str = "wrk") -> dict:
    entry: dict = {"workload": name, "variants": len(bodies), "mode": mode, "method": method, "client": client,
                   "probe": {s.name: probe(bodies[0], s, 60) for s in servers.values()}, "load": {}}
    rows = {p.get("rows") for p in entry["probe"].values()}
    entry["rows_agree"] = len(rows) == 1
    for server in servers.values():
        server.ensure_alive()
        if client == "wrk":
            entry["load"][server.name] = wrk(server.url, bodies, mode, args.duration, args.connections, method)
        else:
            entry["load"][server.name] = pyload(server.url, bodies, mode, args.duration, args.connections)
        print(f"  {name:28s} {server.name:9s} {entry['load'][server.name].get('rps', 'ERR')!s:>10} req/s", flush=True)
    entry["ratio"] = ratio(entry)
    return entry


def ratio(entry: dict) -> float | None:
    ours, theirs = entry["load"].get("nckg", {}).get("rps"), entry["load"].get("oxigraph", {}).get("rps")
    return round(ours / theirs, 3) if ours and theirs else None


def real_graph(args, report: dict, log_dir: Path) -> None:
    store, build = build_store(argparse.Namespace(**{**vars(args), "clusters": 0}), "real")
    report["real_store"] = {"path": str(store), "quads": build.get("quads")}
    catalogue, _ = candidate_queries()
    servers = servers_for(store, args.server_args, log_dir)
    try:
        oxigraph = servers["oxigraph"]
        light = [text for text in catalogue.values()
                 if (probe(text, oxigraph, 30).get("seconds") or math.inf) <= MIX_MAX_SECONDS]
        mix = light + list(adhoc.heavy_queries().values()) + [texts[0] for texts in
                                                               adhoc.light_variants(cluster_iris(store)).values()]
        cards = adhoc.light_variants(cluster_iris(store))["adhoc-cluster-card"]
        scans = [adhoc.PREFIXES + SCAN.format(threshold=t) for t in (0, 1, 2, 5, 10, 20, 50, 100)]
        plan = [("repeated-get", mix, "fixed", "GET"), ("repeated-post", mix, "fixed", "POST"),
                ("unique-scans", scans, "unique", "POST"), ("unique-light", cards, "unique", "POST")]
        for name, bodies, mode, method in plan:
            report["workloads"].append(run_workload(name, bodies, servers, args, mode=mode, method=method))
            save(report, final=False)
    finally:
        report["servers_real"] = {name: server.info for name, server in servers.items()}
        for server in servers.values():
            server.stop()


def heavy(args, report: dict, log_dir: Path) -> None:
    label = label_of(args.clusters)
    store, build = build_store(args, label)
    report["heavy_store"] = {"label": label, "clusters": args.clusters, "path": str(store),
                             "quads": build.get("quads"), "bytes": build.get("store_bytes")}
    catalogue, _ = candidate_queries()
    servers = servers_for(store, args.server_args, log_dir, HEAVY_ENV)
    try:
        oxigraph = servers["oxigraph"]
        probes = {name: probe(text, oxigraph, HEAVY_MAX_SECONDS * 2) for name, text in catalogue.items()}
        report["heavy_probes_oxigraph"] = {name: p.get("seconds") for name, p in probes.items()}
        ranked = sorted((p["seconds"], name) for name, p in probes.items()
                        if p.get("status") == 200 and HEAVY_MS / 1000 <= p["seconds"] <= HEAVY_MAX_SECONDS)
        chosen = [name for _, name in reversed(ranked)][:args.heavy]
        entries = []
        for name in chosen:
            entry = run_workload(f"heavy {label}: {name}", [catalogue[name]], servers, args, mode="fixed",
                                 client="python")
            entries.append(entry)
            report["workloads"].append(entry)
            save(report, final=False)
        ratios = [e["ratio"] for e in entries if e["ratio"]]
        report["heavy"] = {"queries": chosen, "geomean_ratio": round(math.exp(sum(map(math.log, ratios))
                                                                               / len(ratios)), 3) if ratios else None}
    finally:
        report["servers_heavy"] = {name: server.info for name, server in servers.items()}
        for server in servers.values():
            server.stop()


def summary(report: dict) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for entry in report["workloads"]:
        if not entry["workload"].startswith("heavy"):
            out[entry["workload"]] = entry["ratio"]
    if "heavy" in report:
        out["heavy"] = report["heavy"]["geomean_ratio"]
    return out


def markdown(report: dict) -> str:
    lines = [f"# Benchmark matrix: nckg (default configuration) vs oxigraph serve-read-only",
             "",
             f"Run {report['started']} on {report['machine']['cpus']} cores (shared), CPython "
             f"{report['machine']['python']}; `python -m bench.matrix {' '.join(report['argv'])}`. nckg: "
             f"`nckg serve {' '.join(report['server_args'])}` (defaults; bench env: RESULT_ROW_LIMIT=0, "
             f"QUERY_TIMEOUT=150, QUERY_QUEUE_TIMEOUT=150; heavy rows: CACHE_SIZE=0). {report['connections']} connections, "
             f"{report['duration']:g} s per workload and server. Load average before the run: "
             f"{report['loadavg_start']}; before each measurement: in the table.",
             "",
             "| workload | nckg req/s | oxigraph req/s | ratio | target | met | nckg p50/p99 ms | oxigraph p50/p99 ms "
             "| load avg | rows agree |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for entry in report["workloads"]:
        ours, theirs = entry["load"].get("nckg", {}), entry["load"].get("oxigraph", {})
        target = TARGETS.get("heavy" if entry["workload"].startswith("heavy") else entry["workload"])
        met = "" if entry["ratio"] is None or target is None else ("yes" if entry["ratio"] >= target else "**no**")
        lines.append(f"| {entry['workload']} | {ours.get('rps')} | {theirs.get('rps')} | **{entry['ratio']}×** | "
                     f"≥ {target}× | {met} | {ours.get('p50_ms')} / {ours.get('p99_ms')} | "
                     f"{theirs.get('p50_ms')} / {theirs.get('p99_ms')} | "
                     f"{ours.get('loadavg_before')} / {theirs.get('loadavg_before')} | {entry['rows_agree']} |")
    if "heavy" in report:
        lines += ["", f"Heavy catalogue queries at {report['heavy_store']['label']} clusters "
                      f"({report['heavy_store']['quads']:,} quads): geometric mean of the ratios "
                      f"**{report['heavy']['geomean_ratio']}×** (target ≥ 3×) over {', '.join(report['heavy']['queries'])}."]
    lines += ["", "Errors (non-200 answers, failed connections) are in matrix.json (`load.<server>.errors`).", ""]
    return "\n".join(lines)


def save(report: dict, final: bool) -> None:
    report["complete"] = final
    report["summary"] = summary(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "matrix.json").write_text(json.dumps(report, indent=2))
    (RESULTS / "matrix.md").write_text(markdown(report))


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.matrix", description=__doc__.split("\n\n")[0])
    parser.add_argument("--clusters", type=int, default=100_000, help="synthetic clusters for the heavy queries "
                                                                       "(0: real graph only)")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--heavy", type=int, default=4, help="heavy catalogue queries measured")
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--store-dir", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--server-args", nargs=argparse.REMAINDER, default=[],
                        help="options appended to `nckg serve` (default: none)")
    args = parser.parse_args(argv)
    report = {"started": dt.datetime.now().isoformat(timespec="seconds"), "argv": argv or sys.argv[1:],
              "server_args": args.server_args, "duration": args.duration, "connections": args.connections,
              "loadavg_start": [round(x, 2) for x in os.getloadavg()],
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
              "targets": TARGETS, "workloads": []}
    log_dir = args.store_dir / "logs"
    if not args.skip_real:
        real_graph(args, report, log_dir)
    if args.clusters:
        heavy(args, report, log_dir)
    report["finished"] = dt.datetime.now().isoformat(timespec="seconds")
    save(report, final=True)
    print(json.dumps(report["summary"], indent=2))
    return report


if __name__ == "__main__":
    main()
