"""Bounded load test of the production server: loopback only, fixed duration, 8 then 32 clients.

    .venv/bin/python bench/loadtest.py                      # 30 s per phase, clients 8 and 32
    .venv/bin/python bench/loadtest.py --seconds 20 --clients 8 32 --timeout 10

Starts `python -m server` (waitress + the query worker pool: the configuration `nckg serve` runs) on 127.0.0.1 over
the curated graph (bench/realgraph.py; a fresh store in a temporary directory), with the defaults of server/config.py
except QUERY_TIMEOUT (--timeout, default 10 s, so that runaway queries end within a phase). Each client thread
keeps one HTTP/1.1 connection and sends, in a seeded random order:

  catalogue   every catalogue question without parameters, GET /queries/<id>/results         expect 200
  adhoc       ad-hoc analytical and per-cluster queries (bench/adhoc.py), GET/POST /sparql     expect 200
  pathological (about 5 %): 3000 nested groups (400), SERVICE to 169.254.169.254 (400), an update (403),
              LOAD <file:///etc/passwd> (403), a row-capped cross product (200 + X-NCKG-Truncated),
              malformed SPARQL and invalid UTF-8 (400)
  plus one "attacker" thread per phase that sends, back to back, a Cartesian product that runs until the timeout
  (expect 504) and a query that crashes its worker with a stack overflow (expect 503): the worker pool is always
  partly busy with runaway work while the others are measured.

An error is any answer whose status is not the one expected for its kind, and any connection failure or client
timeout. Reports req/s, p50/p90/p99 latency (overall and per kind), status counts, errors, and the resident memory
(RSS) of the server and its workers before and after each phase; writes bench/results/loadtest-<date>.json and .md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n0 ?o . ?p ?q ?r }"
CRASH = "SELECT * WHERE { ?s ?p ?o " + " ".join(f"MINUS {{ ?s ?p ?o{i} }}" for i in range(3000)) + " }"


def build_store(directory: Path) -> tuple[Path, dict]:
    """The curated graph in a fresh store laid out like `nckg build` (a `store` symlink to a version)."""
    from bench.realgraph import real_quads
    from nckg.store.graph import write_store

    quads, info = real_quads()
    version = write_store(directory / "store-loadtest", quads)
    (directory / "store").symlink_to(version.name)
    return directory / "store", info


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def memory(pid: int) -> dict:
    workers = children(pid)
    return {"server_mib": round(rss_mib(pid), 1), "workers": len(workers),
            "workers_mib": round(sum(rss_mib(w) for w in workers), 1)}


def requests_mix(clusters: list[str]) -> dict[str, list[tuple]]:
    """kind -> [(label, method, path, body, content type, expected status)]."""
    from bench import adhoc
    from nckg.model.catalogue import load_catalogue

    catalogue = []
    for query in load_catalogue().values():
        try:
            query.bind({})
        except ValueError:
            continue
        catalogue.append((query.id, "GET", f"/queries/{query.id}/results?format=json", None, None, 200))
    sparql = []
    for name, text in adhoc.heavy_queries().items():
        sparql.append((name, "POST", "/sparql", text.encode(), "application/sparql-query", 200))
    for name, texts in adhoc.light_variants(clusters, n=50).items():
        for text in texts:
            sparql.append((name, "GET", "/sparql?" + urllib.parse.urlencode({"query": text}), None, None, 200))

    def get(query):
        return "/sparql?" + urllib.parse.urlencode({"query": query})

    pathological = [
        ("nested-3000", "POST", "/sparql", ("SELECT * WHERE " + "{" * 3000 + "}" * 3000).encode(),
         "application/sparql-query", 400),
        ("service-metadata", "GET", get("SELECT * WHERE { SERVICE <http://169.254.169.254/latest/> { ?s ?p ?o } }"),
         None, None, 400),
        ("update", "POST", "/sparql", b"update=DROP+ALL", "application/x-www-form-urlencoded", 403),
        ("load-file", "GET", get("LOAD <file:///etc/passwd>"), None, None, 403),
        ("cross-product-capped", "GET", get("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"), None, None, 200),
        ("malformed", "GET", get("SELECT ?x WHERE { ?x ?y }}"), None, None, 400),
        ("invalid-utf8", "POST", "/sparql", b"SELECT * WHERE { ?s ?p \"\xff\xfe\" }", "application/sparql-query",
         400),
    ]
    return {"catalogue": catalogue, "adhoc": sparql, "pathological": pathological}


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.samples: list[tuple[str, str, int, float, bool]] = []  # kind, label, status, seconds, expected

    def add(self, kind, label, status, seconds, expected):
        with self.lock:
            self.samples.append((kind, label, status, seconds, expected))


def send(conn: http.client.HTTPConnection, method, path, body, content_type, timeout: float):
    headers = {"Accept": "application/sparql-results+json, application/json;q=0.9, */*;q=0.1"}
    if content_type:
        headers["Content-Type"] = content_type
    conn.timeout = timeout
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status


def client(port: int, mix: dict, until: float, recorder: Recorder, seed: int, client_timeout: float):
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=client_timeout)
    while time.monotonic() < until:
        roll = rng.random()
        kind = "pathological" if roll < 0.05 else "catalogue" if roll < 0.5 else "adhoc"
        label, method, path, body, content_type, expected = rng.choice(mix[kind])
        started = time.perf_counter()
        try:
            status = send(conn, method, path, body, content_type, client_timeout)
        except (OSError, http.client.HTTPException) as error:
            status = -1
            label = f"{label} ({type(error).__name__})"
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=client_timeout)
        recorder.add(kind, label, status, time.perf_counter() - started, status == expected)
    conn.close()


def attacker(port: int, until: float, recorder: Recorder, query_timeout: float):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=query_timeout + 30)
    turn = 0
    while time.monotonic() < until:
        label, query, expected = ("runaway-cartesian", CARTESIAN, 504) if turn % 2 == 0 else \
            ("worker-crash", CRASH, 503)
        turn += 1
        started = time.perf_counter()
        try:
            status = send(conn, "POST", "/sparql", query.encode(), "application/sparql-query", query_timeout + 30)
        except (OSError, http.client.HTTPException):
            status = -1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=query_timeout + 30)
        recorder.add("attacker", label, status, time.perf_counter() - started, status == expected)
    conn.close()


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def summarize(samples, seconds: float) -> dict:
    def stats(subset):
        latencies = [s[3] * 1000 for s in subset]
        return {"requests": len(subset), "req_per_s": round(len(subset) / seconds, 1),
                "p50_ms": round(percentile(latencies, 50) or 0, 1), "p90_ms": round(percentile(latencies, 90) or 0, 1),
                "p99_ms": round(percentile(latencies, 99) or 0, 1), "max_ms": round(max(latencies, default=0), 1),
                "status": dict(sorted(Counter(str(s[2]) for s in subset).items())),
                "errors": sum(1 for s in subset if not s[4])}

    kinds = defaultdict(list)
    for sample in samples:
        kinds[sample[0]].append(sample)
    measured = [s for s in samples if s[0] != "attacker"]
    unexpected = Counter(f"{s[0]}:{s[1]} -> {s[2]}" for s in samples if not s[4])
    labels = defaultdict(list)
    for sample in samples:
        labels[f"{sample[0]}:{sample[1]}"].append(sample[3] * 1000)
    slowest = sorted(((round(percentile(v, 50), 1), k, len(v)) for k, v in labels.items()), reverse=True)[:8]
    return {"all_clients": stats(measured), "by_kind": {k: stats(v) for k, v in sorted(kinds.items())},
            "slowest_median_ms": [{"request": k, "p50_ms": p, "n": n} for p, k, n in slowest],
            "unexpected": dict(unexpected.most_common(20)),
            "5xx_outside_attacker": sum(1 for s in measured if s[2] >= 500)}


def wait_ready(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            if send(conn, "GET", "/sparql?query=ASK%7B%7D", None, None, 5) == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30.0, help="duration of each phase")
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--timeout", type=float, default=10.0, help="QUERY_TIMEOUT of the server")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads")
    parser.add_argument("--label", default="loadtest")
    parser.add_argument("--no-attacker", action="store_true")
    args = parser.parse_args(argv)

    directory = Path(tempfile.mkdtemp(prefix="nckg-loadtest-"))
    server = None
    try:
        store, info = build_store(directory)
        from nckg.store.graph import GraphStore

        graph = GraphStore.open(store)
        clusters = sorted({row["c"].value for row in graph.query(
            "SELECT ?c WHERE { ?c a <https://w3id.org/nckg/ontology#CopperNanocluster> }")})
        quads = len(graph.store)
        del graph
        mix = requests_mix(clusters)
        port = free_port()
        env = {**os.environ, "NCKG_QUERY_TIMEOUT": str(args.timeout), "NCKG_STORE": str(store)}
        server = subprocess.Popen([sys.executable, "-m", "server", "--host", "127.0.0.1", "--port", str(port),
                                   "--threads", str(args.threads), "--store", str(store)], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=open(directory / "server.log", "wb"))
        wait_ready(port, time.monotonic() + 120)
        from server import config as defaults

        report = {"date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                  "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                              "python": platform.python_version()},
                  "server": {"command": f"python -m server --threads {args.threads}", "host": "127.0.0.1",
                             "QUERY_TIMEOUT": args.timeout, "QUERY_WORKERS": defaults.QUERY_WORKERS,
                             "RESULT_ROW_LIMIT": defaults.RESULT_ROW_LIMIT,
                             "MAX_QUERY_NESTING": defaults.MAX_QUERY_NESTING},
                  "graph": {"quads": quads, "clusters": len(clusters), "source": info.get("source")},
                  "mix": {k: len(v) for k, v in mix.items()}, "phases": []}
        report["load_average_1min_before"] = round(os.getloadavg()[0], 2)  # other work on the machine
        for n in args.clients:
            before = memory(server.pid)
            recorder = Recorder()
            started = time.monotonic()
            until = started + args.seconds
            threads = [threading.Thread(target=client, args=(port, mix, until, recorder, 1000 * n + i,
                                                              args.timeout + 30)) for i in range(n)]
            if not args.no_attacker:
                threads.append(threading.Thread(target=attacker, args=(port, until, recorder, args.timeout)))
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
            after = memory(server.pid)
            phase = {"clients": n, "seconds": round(elapsed, 1), **summarize(recorder.samples, elapsed),
                     "memory_before": before, "memory_after": after,
                     "load_average_1min_after": round(os.getloadavg()[0], 2)}
            report["phases"].append(phase)
            print(json.dumps({k: phase[k] for k in ("clients", "all_clients", "5xx_outside_attacker")}), flush=True)
        report["server_alive"] = server.poll() is None
        log_lines = (directory / "server.log").read_text(errors="replace").splitlines()
        report["server_log"] = {"lines": len(log_lines),
                                "access_lines": sum(1 for line in log_lines if '"request_id"' in line),
                                "worker_crashes_logged": sum(1 for line in log_lines if "died while running" in line)}
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(directory, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = f"{args.label}-{dt.date.today().isoformat()}"
    (RESULTS / f"{stem}.json").write_text(json.dumps(report, indent=2) + "\n")
    (RESULTS / f"{stem}.md").write_text(markdown(report))
    print(f"wrote {RESULTS / stem}.json and .md")
    return report


def markdown(report: dict) -> str:
    lines = [f"# Load test ({report['date']})", "",
             f"`bench/loadtest.py`: the production server (`{report['server']['command']}`, waitress + "
             f"{report['server']['QUERY_WORKERS']} query worker processes, QUERY_TIMEOUT "
             f"{report['server']['QUERY_TIMEOUT']:g} s, RESULT_ROW_LIMIT {report['server']['RESULT_ROW_LIMIT']}) on "
             f"127.0.0.1, {report['machine']['cpus']} CPUs shared by server and clients; graph: "
             f"{report['graph']['quads']} quads, {report['graph']['clusters']} clusters. Mix: "
             f"{report['mix']['catalogue']} catalogue questions (45 %), {report['mix']['adhoc']} ad-hoc queries "
             "(50 %), "
             f"{report['mix']['pathological']} pathological requests (5 %), plus one attacker thread alternating a "
             "runaway Cartesian product (504 expected) and a worker-crashing query (503 expected).", "",
             "| clients | s | requests | req/s | p50 ms | p90 ms | p99 ms | errors | 5xx (clients) | RSS before -> after "
             "(server + workers, MiB) |", "|---|---|---|---|---|---|---|---|---|---|"]
    for phase in report["phases"]:
        a, b, c = phase["all_clients"], phase["memory_before"], phase["memory_after"]
        lines.append(f"| {phase['clients']} | {phase['seconds']} | {a['requests']} | {a['req_per_s']} | "
                     f"{a['p50_ms']} | {a['p90_ms']} | {a['p99_ms']} | {a['errors']} | "
                     f"{phase['5xx_outside_attacker']} | "
                     f"{b['server_mib']} + {b['workers_mib']} ({b['workers']}) -> {c['server_mib']} + "
                     f"{c['workers_mib']} ({c['workers']}) |")
    lines += ["", "Per kind (status counts; errors = answers other than the expected status, connection failures):",
              ""]
    for phase in report["phases"]:
        lines.append(f"**{phase['clients']} clients**")
        lines.append("")
        lines.append("| kind | requests | req/s | p50 ms | p99 ms | status | errors |")
        lines.append("|---|---|---|---|---|---|---|")
        for kind, s in phase["by_kind"].items():
            lines.append(f"| {kind} | {s['requests']} | {s['req_per_s']} | {s['p50_ms']} | {s['p99_ms']} | "
                         f"{', '.join(f'{k}: {v}' for k, v in s['status'].items())} | {s['errors']} |")
        if phase["unexpected"]:
            lines.append("")
            lines.append("Unexpected: " + "; ".join(f"{k} x{v}" for k, v in phase["unexpected"].items()))
        lines.append("")
    lines.append(f"Server alive at the end: {report.get('server_alive')}; server log: {report.get('server_log')}. "
                 f"1-minute load average before the run: {report.get('load_average_1min_before')}, after each "
                 f"phase: {[p.get('load_average_1min_after') for p in report['phases']]} (the machine is shared).")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
