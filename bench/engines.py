"""Side-by-side bench of the catalogue on three engines: the embedded in-memory store, `oxigraph serve` and Virtuoso.

    .venv/bin/python -m bench.engines --clusters 10000

Builds (or reuses) the store of bench/run.py (curated graph + N synthetic clusters, bench/generate.py), starts
oxigraph serve and Virtuoso on free loopback ports with private folders (tests/engines.py), uploads the store to
each with nckg's own upload (Graph Store Protocol; the upload time is measured), then runs the heavy catalogue
questions (default parameters) `--repeat` times on each engine after one warm-up run, compares each answer with the
embedded store's (rows as a set, GROUP_CONCAT lists sorted) and writes bench/results/engines-<label>.json and .md.
Every server is stopped at the end. One request at a time: this measures query latency, not throughput.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # tests/engines.py starts and stops the servers

import engines  # noqa: E402

from bench.generate import load  # noqa: E402
from bench.realgraph import write_real_nquads  # noqa: E402
from nckg.model import catalogue  # noqa: E402
from nckg.store.remote import RemoteHandle  # noqa: E402
from nckg.store.upload import upload  # noqa: E402
from nckg.store.graph import GraphStore  # noqa: E402

# The catalogue questions that were slowest on the 10 k store (bench/README.md), plus the headline question.
HEAVY = ["co2rr-product-above-fe", "structure-performance", "multi-reaction-clusters", "best-catalyst-per-product",
         "table1", "clusters-by-ligand-family", "superatoms", "hydride-clusters"]


def store_for(clusters: int, seed: int, store_dir: Path) -> Path:
    label = f"{clusters // 1000}k" if clusters else "real"
    store = store_dir / f"store-{label}-seed{seed}"
    if not store.exists():
        store_dir.mkdir(parents=True, exist_ok=True)
        real_nq = store_dir / "real.nq"
        write_real_nquads(real_nq)
        load(store, clusters, seed, [real_nq])
    return store


def timed(function, repeat: int) -> tuple[list[float], object]:
    function()  # warm-up
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return times, result


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clusters", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--store-dir", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--queries", nargs="*", default=HEAVY)
    args = parser.parse_args(argv)
    label = f"{args.clusters // 1000}k" if args.clusters else "real"
    store_path = store_for(args.clusters, args.seed, args.store_dir)
    embedded = GraphStore.in_memory_copy(store_path)
    quads = sum(embedded.graph_counts().values())
    report = {"date": dt.date.today().isoformat(), "clusters": args.clusters, "quads": quads, "repeat": args.repeat,
              "engines": {}, "queries": {}}
    stores = {"embedded": embedded}
    started_engines = []
    try:
        for name in ("oxigraph", "virtuoso"):
            engine = engines.start(name)
            started_engines.append(engine)
            began = time.perf_counter()
            upload(embedded, gsp_url=engine.gsp_url, timeout=args.timeout)
            seconds = time.perf_counter() - began
            report["engines"][name] = {"upload_seconds": round(seconds, 2),
                                       "triples_per_second": round(quads / seconds)}
            print(f"{name}: uploaded {quads} triples in {seconds:.1f} s", flush=True)
            stores[name] = RemoteHandle(engine.query_url, timeout=args.timeout, version_ttl=3600).get()
        for query_id in args.queries:
            entry, expected = {}, None
            for name, store in stores.items():
                try:
                    times, result = timed(lambda s=store: catalogue.run(s, query_id), args.repeat)
                    rows = engines.comparable_rows(result)
                    entry[name] = {"median_s": round(statistics.median(times), 4), "rows": len(rows)}
                    if name == "embedded":
                        expected = rows
                    else:
                        entry[name]["equal"] = rows == expected
                except Exception as error:  # noqa: BLE001 - a failing engine is a result of the bench
                    entry[name] = {"error": str(error).splitlines()[0][:200]}
            report["queries"][query_id] = entry
            print(query_id, json.dumps(entry), flush=True)
    finally:
        for engine in started_engines:
            engine.stop()
    results = ROOT / "bench" / "results"
    (results / f"engines-{label}.json").write_text(json.dumps(report, indent=2) + "\n")
    (results / f"engines-{label}.md").write_text(markdown(report))
    return report


def markdown(report: dict) -> str:
    lines = [f"# Catalogue on three engines, {report['clusters']:,} synthetic clusters ({report['quads']:,} quads)", "",
             f"{report['date']}; median of {report['repeat']} runs after a warm-up, one request at a time, "
             "127.0.0.1, shared 2-core machine. `=`: same answer as the embedded store.", "",
             "| engine | upload (GSP) | triples/s |", "|---|---|---|"]
    for name, figures in report["engines"].items():
        lines.append(f"| {name} | {figures['upload_seconds']} s | {figures['triples_per_second']:,} |")
    lines += ["", "| question | embedded (in memory) | oxigraph serve | Virtuoso |", "|---|---|---|---|"]

    def cell(entry: dict | None) -> str:
        if not entry:
            return "–"
        if "error" in entry:
            return f"error: {entry['error'][:60]}"
        mark = "" if entry.get("equal", True) else " (**differs**)"
        return f"{entry['median_s']:.3f} s, {entry['rows']} rows{mark}"

    for query_id, entry in report["queries"].items():
        lines.append(f"| {query_id} | {cell(entry.get('embedded'))} | {cell(entry.get('oxigraph'))} | "
                     f"{cell(entry.get('virtuoso'))} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
