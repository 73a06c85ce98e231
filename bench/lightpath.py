"""Designs of the light-query path, measured side by side with oxigraph on the real graph (bench/README.md).

    .venv/bin/python -m bench.lightpath [--duration 6] [--only REGEX]

Each design is `nckg serve` with some options / settings; each runs the unique light lookups (all triples of one
cluster, a unique text per request) and the unique scans of bench/matrix.py by wrk, 8 connections, right after
oxigraph. Writes bench/results/lightpath.json and .md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import adhoc  # noqa: E402
from bench.matrix import BENCH_ENV, RESULTS, SCAN, warm  # noqa: E402
from bench.run import BIN, Server, build_store, cluster_iris, free_port, oxigraph_server, wrk  # noqa: E402

# name -> (nckg serve options, settings, what it is)
DESIGNS = {
    "flask-waitress": (["--server", "waitress"], {"NCKG_LEAN_SPARQL": "false"},
                       "Flask view, waitress 8 threads, 2 query workers (the earlier default)"),
    "lean-waitress": (["--server", "waitress"], {}, "lean WSGI path, waitress 8 threads, 2 query workers"),
    "flask-granian2": (["--server", "granian", "--workers", "2"], {"NCKG_LEAN_SPARQL": "false"},
                       "Flask view, granian 2 processes x 2 query workers"),
    "lean-granian1": (["--server", "granian", "--workers", "1"], {}, "lean path, granian 1 process, 2 query workers"),
    "lean-granian2": (["--server", "granian", "--workers", "2"], {},
                      "lean path, granian 2 processes x 2 query workers"),
    "lean-granian2-1worker": (["--server", "granian", "--workers", "2"], {"NCKG_QUERY_WORKERS": "1"},
                              "lean path, granian 2 processes x 1 query worker"),
    "inprocess-granian2": (["--server", "granian", "--workers", "2"], {"NCKG_QUERY_WORKERS": "0"},
                           "queries inside the 2 granian processes (no worker hand-off: the ceiling of a "
                           "harakiri design, not killable)"),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.lightpath")
    parser.add_argument("--duration", type=float, default=6.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--only", default="")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--store-dir", type=Path, default=Path("var/bench"))
    args = parser.parse_args(argv)
    store, _ = build_store(argparse.Namespace(clusters=0, seed=args.seed, rebuild=False, store_dir=args.store_dir),
                           "real")
    cards = adhoc.light_variants(cluster_iris(store))["adhoc-cluster-card"]
    scans = [adhoc.PREFIXES + SCAN.format(threshold=t) for t in (0, 1, 2, 5, 10, 20, 50, 100)]
    report = {"started": dt.datetime.now().isoformat(timespec="seconds"), "duration": args.duration,
              "loadavg_start": [round(x, 2) for x in os.getloadavg()], "designs": {}}
    oxigraph = oxigraph_server(store)
    try:
        for name, (options, env, what) in DESIGNS.items():
            if args.only and not re.search(args.only, name):
                continue
            port = free_port()
            nckg = Server(name, [str(BIN / "nckg"), "serve", "--store", str(store), "--port", str(port), *options],
                          f"http://127.0.0.1:{port}/sparql", log_dir=args.store_dir / "logs",
                          env={**BENCH_ENV, **env})
            try:
                warm(nckg)
                row = {"what": what, "options": options, "env": env}
                for workload, bodies in (("unique-light", cards), ("unique-scans", scans)):
                    ours = wrk(nckg.url, bodies, "unique", args.duration, args.connections)
                    theirs = wrk(oxigraph.url, bodies, "unique", args.duration, args.connections)
                    row[workload] = {"nckg": ours, "oxigraph": theirs,
                                     "ratio": round(ours["rps"] / theirs["rps"], 3) if theirs.get("rps") and
                                     ours.get("rps") else None}
                    print(f"{name:24s} {workload:13s} {ours.get('rps')!s:>9} vs {theirs.get('rps')!s:>9} "
                          f"= {row[workload]['ratio']}x", flush=True)
                report["designs"][name] = row
            finally:
                nckg.stop()
            save(report)
    finally:
        oxigraph.stop()


def save(report: dict) -> None:
    lines = ["# Light-query path: designs measured side by side with oxigraph (real graph)", "",
             f"Run {report['started']}, wrk 8 connections, {report['duration']:g} s per workload and server, nckg "
             f"then oxigraph; load average at start {report['loadavg_start']}. `python -m bench.lightpath`.", "",
             "| design | unique light req/s | oxigraph | ratio | unique scans req/s | oxigraph | ratio | load avg |",
             "|---|---|---|---|---|---|---|---|"]
    for name, row in report["designs"].items():
        light, scans = row["unique-light"], row["unique-scans"]
        lines.append(f"| {name}: {row['what']} | {light['nckg'].get('rps')} | {light['oxigraph'].get('rps')} | "
                     f"**{light['ratio']}×** | {scans['nckg'].get('rps')} | {scans['oxigraph'].get('rps')} | "
                     f"**{scans['ratio']}×** | {light['nckg'].get('loadavg_before')} |")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "lightpath.json").write_text(json.dumps(report, indent=2))
    (RESULTS / "lightpath.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
