"""Benchmark runner: the same store served by nckg's production server and by `oxigraph serve-read-only`.

    .venv/bin/python -m bench.run --clusters 10000            # or: .venv/bin/python bench/run.py --clusters 10000

Builds (or reuses) an on-disk store holding the curated graph plus N synthetic clusters (bench/generate.py), starts
  nckg-disk  server.production.create_server over the read-only on-disk store (waitress, --threads threads)
  nckg-mem   the same app with STORE_IN_MEMORY (GraphStore.in_memory_copy), unless --no-memory
  oxigraph   `oxigraph serve-read-only --union-default-graph` over the same directory
on loopback, checks that all answer every query with the same number of rows, drives each query with wrk (fixed
connections, fixed duration; bench/wrk/sparql.lua) and writes bench/results/<date>-<label>.json, <label>.md and
<label>.svg. Every request of a size run carries a unique nonce comment (no text-keyed cache can answer: "uncached");
the "real" mix runs the catalogue and ad-hoc queries round-robin with repeated texts over the curated graph alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import adhoc  # noqa: E402
from bench.generate import load, tree_rss_mib  # noqa: E402
from bench.realgraph import write_real_nquads  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LUA = ROOT / "bench" / "wrk" / "sparql.lua"
HEAVY_MS = 20.0  # a query whose single request takes at least this long on oxigraph counts as heavy


def label_of(clusters: int) -> str:
    if clusters == 0:
        return "real"
    for unit, suffix in ((1_000_000, "M"), (1000, "k")):
        if clusters % unit == 0:
            return f"{clusters // unit}{suffix}"
    return str(clusters)


# -- queries -----------------------------------------------------------------------------------------------------
INTERNAL = ("page-clusters", "page-counts", "graph_counts")  # internal aggregates every visitor triggers


def candidate_queries() -> tuple[dict[str, str], dict[str, str]]:
    """The catalogue (nckg.model.catalogue; parameters bound to their defaults in a leading VALUES block, the text the
    published examples carry) plus the internal whole-graph aggregates: ({id: text}, {id: reason skipped})."""
    chosen, skipped = {}, {}
    try:
        from nckg.model.catalogue import load_catalogue  # noqa: PLC0415

        for query in load_catalogue().values():
            if query.form not in ("select", "ask"):
                skipped[query.id] = f"{query.form} query"
            else:
                chosen[query.id] = query.runnable_text()
    except Exception as error:  # noqa: BLE001 - the catalogue module is being written
        skipped["catalogue"] = f"nckg.model.catalogue unavailable: {error}"
    for name in INTERNAL:
        path = ROOT / "queries" / f"{name}.rq"
        if path.exists():
            chosen[name] = path.read_text(encoding="utf-8")
    return chosen, skipped


def select_queries(probes: dict[str, float], heavy: int, light: int) -> list[str]:
    """The `heavy` slowest queries (single request on oxigraph >= HEAVY_MS) and `light` others spread over the
    remaining range of times; all when either is negative."""
    if heavy < 0 or light < 0:
        return list(probes)
    ranked = sorted(probes, key=lambda name: -probes[name])
    slow = [n for n in ranked if probes[n] * 1000 >= HEAVY_MS][:heavy]
    fast = [n for n in ranked if n not in slow]
    step = max(1, len(fast) // light) if light else 0
    return slow + (fast[::step][:light] if light else [])


def cluster_iris(store_path: Path) -> list[str]:
    from pyoxigraph import Store  # noqa: PLC0415

    store = Store.read_only(str(store_path))
    iris = [row[0].value for row in store.query(
        "SELECT ?c WHERE { GRAPH ?g { ?c a <https://w3id.org/nckg/ontology#CopperNanocluster> } }")]
    del store
    return sorted(set(iris))


# -- servers -----------------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, name: str, cmd: list[str], url: str, ready_line: bool = False, log_dir: Path | None = None,
                 env: dict[str, str] | None = None):
        self.name, self.cmd, self.url, self.ready_line = name, cmd, url, ready_line
        self.env = {**os.environ, **(env or {})}
        self.log = (log_dir / f"{name}.log") if log_dir else None
        if self.log:
            self.log.parent.mkdir(parents=True, exist_ok=True)
        self.restarts, self._peak_before = 0, 0.0
        self._start()

    def ensure_alive(self) -> None:
        """Restart a server that died (recorded in its info as crashes, with the exit code)."""
        if self.proc.poll() is not None:
            crashes = self.info.get("crashes", []) + [self.proc.returncode]
            self.restart()
            self.info["crashes"] = crashes

    def restart(self) -> None:
        """Stop and start again (ends a runaway query: nckg has no query timeout)."""
        peak = tree_rss_mib(self.proc.pid, "VmHWM")
        self.stop()
        self.restarts += 1
        self._start()
        self._peak_before = max(peak, self._peak_before)
        self.info.update(restarts=self.restarts, rss_peak_before_restart_mib=round(self._peak_before, 1))

    def _start(self) -> None:
        name, cmd, ready_line = self.name, self.cmd, self.ready_line
        stderr = open(self.log, "a", encoding="utf-8") if self.log else subprocess.DEVNULL  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE if ready_line else stderr,
                                     stderr=stderr, text=True, env=self.env)
        self.info: dict = {"command": " ".join([Path(cmd[0]).name, *cmd[1:]])}
        if ready_line:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"{name} did not start: {' '.join(cmd)}")
            self.info.update(json.loads(line))
        self._wait_ready()
        self.info["rss_ready_mib"] = round(tree_rss_mib(self.proc.pid), 1)

    def _wait_ready(self, timeout: float = 600) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}")
            try:
                request("ASK { }", self.url, timeout=5)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready after {timeout} s")

    def stop(self) -> None:
        if self.proc.poll() is not None:
            self.info["exited"] = self.proc.returncode
            return
        self.info["rss_peak_mib"] = round(tree_rss_mib(self.proc.pid, "VmHWM"), 1)  # sum of the processes' peaks
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def granian_cmd(port: int | str, processes: int, threads: int, target: str, factory: bool = False) -> list[str]:
    """granian serving the WSGI `target` as the production configuration does (server.production.granian_argv)."""
    from server.production import granian_argv  # noqa: PLC0415

    argv = granian_argv("127.0.0.1", 0, processes, threads)
    argv[argv.index("--port") + 1] = str(port)
    return [*argv[:-1], *(["--factory"] if factory else []), target]


def granian_server(store: Path, processes: int, threads: int, log_dir: Path | None = None) -> Server:
    """nckg's app (benchmark settings, on-disk store) under granian with `processes` HTTP processes."""
    port = free_port()
    return Server(f"nckg-granian{processes}", granian_cmd(port, processes, threads, "bench.serve_nckg:wsgi_app",
                                                          factory=True),
                  f"http://127.0.0.1:{port}/sparql", log_dir=log_dir, env={"NCKG_STORE": str(store)})


def oxigraph_server(store: Path, log_dir: Path | None = None) -> Server:
    """`oxigraph serve-read-only` over `store` with nckg's default-graph semantics (the union of the named graphs)."""
    port = free_port()
    # no --timeout-s: oxigraph 0.5.13 then spawns a thread per query that sleeps for the whole timeout; at ~1,000
    # req/s they exhaust vm.max_map_count and it aborts
    return Server("oxigraph", [str(BIN / "oxigraph"), "serve-read-only", "--location", str(store), "--bind",
                               f"127.0.0.1:{port}", "--union-default-graph"], f"http://127.0.0.1:{port}/query",
                  log_dir=log_dir)


def start_servers(store: Path, threads: int, memory: bool, log_dir: Path | None = None,
                  granian: int = 0) -> dict[str, Server]:
    servers: dict[str, Server] = {}
    try:
        servers["oxigraph"] = oxigraph_server(store, log_dir)
        for name, extra in (("nckg-mem", ["--in-memory"]), ("nckg-disk", [])):
            if name == "nckg-mem" and not memory:
                continue
            port = free_port()
            servers[name] = Server(name, [sys.executable, "-m", "bench.serve_nckg", "--store", str(store), "--port",
                                          str(port), "--threads", str(threads), *extra],
                                   f"http://127.0.0.1:{port}/sparql", ready_line=True, log_dir=log_dir)
        if granian:
            server = granian_server(store, granian, threads, log_dir)
            servers[server.name] = server
    except BaseException:
        for server in servers.values():
            server.stop()
        raise
    return servers


# -- load --------------------------------------------------------------------------------------------------------
def request(query: str, url: str, timeout: float = 600) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=query.encode(), method="POST", headers={
        "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=timeout) as response:
        return response.status, response.read()


def probe(query: str, server: Server, timeout: float) -> dict:
    """One request: seconds, status and number of result rows. A server that does not answer within `timeout` s is
    restarted (the query would go on burning a core)."""
    started = time.perf_counter()
    try:
        status, body = request(query, server.url, timeout=timeout)
    except TimeoutError:
        server.restart()
        return {"status": None, "seconds": None, "rows": None, "error": f"no answer within {timeout} s"}
    except urllib.error.HTTPError as error:
        return {"status": error.code, "seconds": round(time.perf_counter() - started, 4), "rows": None,
                "error": error.read()[:300].decode(errors="replace")}
    except OSError as error:
        if "timed out" in str(error):
            server.restart()
            return {"status": None, "seconds": None, "rows": None, "error": f"no answer within {timeout} s"}
        return {"status": None, "seconds": round(time.perf_counter() - started, 4), "rows": None, "error": str(error)}
    seconds = time.perf_counter() - started
    data = json.loads(body)
    rows = len(data["results"]["bindings"]) if "results" in data else int(bool(data.get("boolean")))
    return {"status": status, "seconds": round(seconds, 4), "rows": rows, "bytes": len(body)}


def wrk(url: str, bodies: list[str], mode: str, duration: float, connections: int, method: str = "POST") -> dict:
    with tempfile.TemporaryDirectory(prefix="nckg-wrk-") as tmp:
        bodies_file, result = Path(tmp) / "bodies.rq", Path(tmp) / "result.json"
        bodies_file.write_text("\n#----\n".join(bodies), encoding="utf-8")
        cmd = ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{duration:.0f}s",
               "--timeout", "120s", "-s", str(LUA), url, "--", str(bodies_file), mode,
               "application/sparql-results+json", method]
        load_before = os.getloadavg()[0]
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 180,
                             env={**os.environ, "WRK_RESULT": str(result)})
        if run.returncode != 0 or not result.exists():
            return {"error": (run.stderr or run.stdout)[-500:]}
        out = json.loads(result.read_text())
    seconds = out["duration_us"] / 1e6
    errors = sum(out["errors"].values())
    lat = out["latency_us"]
    return {"requests": out["requests"], "seconds": round(seconds, 2), "errors": out["errors"],
            "rps": round(max(0, out["requests"] - errors) / seconds, 2) if seconds else 0.0,
            "p50_ms": lat["p50"] / 1000, "p90_ms": lat["p90"] / 1000, "p99_ms": lat["p99"] / 1000,
            "mean_ms": round(lat["mean"] / 1000, 3), "max_ms": lat["max"] / 1000,
            "bytes": out["bytes"], "loadavg_before": round(load_before, 2)}


def pyload(url: str, bodies: list[str], mode: str, duration: float, connections: int, timeout: float = 300) -> dict:
    """Closed-loop load for slow queries (where wrk's fixed window would cut off the requests in flight): one thread
    per connection sends request after request (keep-alive) until `duration` s have passed, and every request started
    is waited for; throughput = completed requests / time until the last one ended."""
    import http.client  # noqa: PLC0415
    import threading  # noqa: PLC0415
    from urllib.parse import urlsplit  # noqa: PLC0415

    parts = urlsplit(url)
    latencies: list[float] = []
    errors = {"status": 0, "other": 0}
    lock = threading.Lock()
    started = time.perf_counter()
    counter = iter(range(10**9))

    def worker(tid: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        while time.perf_counter() - started < duration:
            n = next(counter)
            body = bodies[n % len(bodies)] + (f"\n# nonce py{tid}-{n}\n" if mode == "nonce" else "")
            t0 = time.perf_counter()
            try:
                conn.request("POST", parts.path, body.encode(), {"Content-Type": "application/sparql-query",
                                                                 "Accept": "application/sparql-results+json"})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = None
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
            elapsed = time.perf_counter() - t0
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors["status" if ok is False else "other"] += 1
        conn.close()

    load_before = os.getloadavg()[0]
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    latencies.sort()

    def pct(q: float) -> float | None:
        return round(latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000, 1) if latencies else None

    return {"client": "python", "requests": len(latencies) + sum(errors.values()), "seconds": round(seconds, 2),
            "errors": errors, "rps": round(len(latencies) / seconds, 3), "p50_ms": pct(0.5), "p90_ms": pct(0.9),
            "p99_ms": pct(0.99), "mean_ms": round(sum(latencies) / len(latencies) * 1000, 1) if latencies else None,
            "max_ms": pct(1.0), "loadavg_before": round(load_before, 2)}


def measure(name: str, bodies: list[str], kind: str, servers: dict[str, Server], args) -> dict:
    """Probe every server once (checks row counts agree), then run wrk against each in turn."""
    entry: dict = {"query": name, "variants": len(bodies), "probe": {}, "wrk": {}}
    for server in servers.values():
        server.ensure_alive()
        entry["probe"][server.name] = probe(bodies[0], server, args.probe_timeout)
    rows = {p["rows"] for p in entry["probe"].values()}
    entry["rows"] = entry["probe"]["oxigraph"]["rows"]
    entry["rows_agree"] = len(rows) == 1
    times = [p["seconds"] for p in entry["probe"].values()]
    slowest = math.inf if None in times else max(times)
    ox_s = entry["probe"]["oxigraph"]["seconds"]
    entry["kind"] = kind or ("heavy" if ox_s is None or ox_s * 1000 >= HEAVY_MS else "light")
    if slowest > args.max_request_seconds:
        entry["skipped"] = "single request " + ", ".join(
            f"{n} {'> %g' % args.probe_timeout if p['seconds'] is None else '%.1f' % p['seconds']} s"
            for n, p in entry["probe"].items()) + f" (wrk only below {args.max_request_seconds:g} s)"
        return entry
    entry["duration"] = args.duration
    mode = "fixed" if args.repeat else "nonce"
    # wrk counts only the requests that end inside its window: for slow queries use the closed-loop Python client
    entry["client"] = "wrk" if slowest <= args.wrk_below and kind != "mix" else "python"
    for server in servers.values():
        server.ensure_alive()
        if entry["client"] == "wrk":
            entry["wrk"][server.name] = wrk(server.url, bodies, mode, args.duration, args.connections)
        else:
            entry["wrk"][server.name] = pyload(server.url, bodies, mode, args.duration, args.connections)
        print(f"  {name:32s} {server.name:10s} {entry['wrk'][server.name].get('rps', 'ERR')!s:>10} req/s", flush=True)
    return entry


# -- store -------------------------------------------------------------------------------------------------------
def build_store(args, label: str) -> tuple[Path, dict]:
    """The store for this size (reused when present unless --rebuild), with its build figures."""
    store = args.store_dir / f"store-{label}-seed{args.seed}"
    figures = store.with_suffix(".build.json")
    if store.exists() and figures.exists() and not args.rebuild:
        return store, {**json.loads(figures.read_text()), "reused": True}
    shutil.rmtree(store, ignore_errors=True)
    real_nq = args.store_dir / "real.nq"
    real_info = write_real_nquads(real_nq)
    print(f"building {store} ({args.clusters} synthetic clusters + {real_info['quads']} curated quads)", flush=True)
    build = load(store, args.clusters, args.seed, [real_nq])
    build["real_graph"] = real_info
    figures.write_text(json.dumps(build, indent=2))
    return store, build


# -- report ------------------------------------------------------------------------------------------------------
def ratio(entry: dict, server: str) -> float | None:
    ours, theirs = entry["wrk"].get(server, {}), entry["wrk"].get("oxigraph", {})
    if not ours.get("rps") or not theirs.get("rps"):
        return None
    return ours["rps"] / theirs["rps"]


def geomean(values: list[float]) -> float | None:
    values = [v for v in values if v and v > 0]
    return math.exp(sum(map(math.log, values)) / len(values)) if values else None


def fmt(value, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}" if value < 100 else f"{value:,.0f}"
    return str(value)


def nckg_servers(report: dict) -> list[str]:
    """nckg's servers of a report, in table order: nckg-disk, nckg-mem, then any nckg-granian<N>."""
    order = {"nckg-disk": 0, "nckg-mem": 1}
    return sorted((s for s in report["servers_run"] if s != "oxigraph"), key=lambda s: (order.get(s, 2), s))


def markdown(report: dict) -> str:
    ours = nckg_servers(report)
    servers = ["oxigraph", *ours]
    b = report["build"]
    lines = [f"# nckg vs oxigraph serve-read-only — {report['label']} "
             f"({report['clusters']:,} synthetic clusters, {b['quads']:,} quads)", "",
             f"Run {report['date']} on {report['machine']}; wrk {report['connections']} connections, "
             f"{report['duration']} s per query and server (queries slower than 0.5 s: closed-loop Python client, "
             "every started request awaited), "
             f"{'repeated query texts' if report['repeat'] else 'a unique nonce per request (uncached)'}; "
             f"nckg = waitress with {report['threads']} threads (nckg-granian<N>: granian, N processes, on disk). Ratio = nckg req/s ÷ oxigraph req/s "
             "(> 1: nckg faster). Latencies p50/p99 in ms.", ""]
    head = ["query", "kind", "rows", "oxigraph req/s"]
    for s in ours:
        head += [f"{s} req/s", f"{s} ratio"]
    head += ["oxigraph p50/p99"] + [f"{s} p50/p99" for s in ours]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for entry in report["results"]:
        w = entry["wrk"]
        if entry.get("skipped"):
            lines.append(f"| {entry['query']} | {entry['kind']} | {fmt(entry['rows'])} | skipped: {entry['skipped']} |")
            continue
        row = [entry["query"] + ("" if entry["rows_agree"] else " ⚠ rows differ"), entry["kind"], fmt(entry["rows"]),
               fmt(w.get("oxigraph", {}).get("rps"), 1)]
        for s in ours:
            r = ratio(entry, s)
            row += [fmt(w.get(s, {}).get("rps"), 1), f"**{r:.2f}×**" if r else "–"]
        for s in servers:
            x = w.get(s, {})
            row.append(f"{fmt(x.get('p50_ms'), 1)} / {fmt(x.get('p99_ms'), 1)}" if "p50_ms" in x else "–")
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", "Geometric mean of the ratios:", ""]
    for kind in ("heavy", "light", "mix"):
        for s in ours:
            g = report["summary"].get(f"{kind}/{s}")
            if g:
                lines.append(f"- {kind} queries, {s}: **{g:.2f}×**")
    probes = report.get("probes") or {}
    if probes and any(len(p) > 1 for p in probes.values()):
        lines += ["", f"Single sequential request of each of the {len(probes)} candidate queries (catalogue with default "
                  "parameters + internal aggregates), speed ratio oxigraph time ÷ nckg time:", ""]
        for s in ours:
            pairs = [(p["oxigraph"]["seconds"], p[s]["seconds"]) for p in probes.values()
                     if p["oxigraph"].get("rows") is not None and p.get(s, {}).get("rows") is not None
                     and p[s]["seconds"]]
            heavy = [o / n for o, n in pairs if o * 1000 >= HEAVY_MS]
            light = [o / n for o, n in pairs if o * 1000 < HEAVY_MS]
            differ = sum(1 for p in probes.values() if None not in (p["oxigraph"].get("rows"), p.get(s, {}).get("rows"))
                         and p["oxigraph"]["rows"] != p[s]["rows"])
            if not pairs:
                continue
            lines.append(f"- {s}: geometric mean {fmt(geomean([o / n for o, n in pairs]))}× over {len(pairs)} queries "
                         f"(heavy, ≥ {HEAVY_MS:.0f} ms on oxigraph: {fmt(geomean(heavy))}× over {len(heavy)}; "
                         f"light: {fmt(geomean(light))}× over {len(light)}); row counts differ on {differ}")
    lines += ["", "Build (generate + bulk load + optimize, one process; curated graph included):", "",
              f"- {b['quads']:,} quads in {b['seconds_total']} s = **{b['quads_per_second']:,} quads/s**; "
              f"peak RSS loader {b['peak_rss_mib']['self']:,} MiB, generator {b['peak_rss_mib']['children']:,} MiB; "
              f"store {b['store_bytes'] / 2**20:,.0f} MiB on disk" + (" (store reused from an earlier run)" if b.get("reused") else ""),
              "", "Servers (RSS after start / peak, MiB):", ""]
    for name, info in report["servers"].items():
        extra = f", opened/copied the store in {info['open_seconds']} s" if "open_seconds" in info else ""
        lines.append(f"- {name}: {info.get('rss_ready_mib')} / {info.get('rss_peak_mib')}{extra}")
    if report.get("skipped_queries"):
        lines += ["", "Catalogue queries not run: " + "; ".join(f"`{k}` ({v})" for k, v in report["skipped_queries"].items())]
    return "\n".join(lines) + "\n"


def plot(report: dict, path: Path) -> bool:
    try:
        import matplotlib  # noqa: PLC0415

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # noqa: PLC0415
    except ImportError:
        return False
    entries = [e for e in report["results"] if e["wrk"]]
    ours = nckg_servers(report)
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(entries) * len(ours) + 1.8))
    height = 0.8 / max(1, len(ours))
    for i, server in enumerate(ours):
        ys = [k + i * height for k in range(len(entries))]
        values = [ratio(e, server) or 0 for e in entries]
        ax.barh(ys, values, height=height, label=f"{server} / oxigraph")
        for y, v in zip(ys, values):
            ax.text(v, y, f" {v:.2f}×", va="center", fontsize=8)
    ax.set_yticks([k + height * (len(ours) - 1) / 2 for k in range(len(entries))])
    ax.set_yticklabels([f"{e['query']} ({e['kind']})" for e in entries], fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.axvline(1, color="black", linewidth=0.8)
    ax.set_xlabel("throughput ratio nckg ÷ oxigraph serve-read-only (log scale; > 1: nckg faster)")
    ax.set_title(f"{report['label']}: {report['build']['quads']:,} quads, wrk -c{report['connections']}")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True


def merge(new: dict, old: dict | None, json_path: Path) -> dict:
    """The earlier report `old` with the queries measured now replaced (or added)."""
    if old is None:
        return new
    measured = {e["query"] for e in new["results"]}
    old["results"] = [e if e["query"] not in measured else next(n for n in new["results"] if n["query"] == e["query"])
                      for e in old["results"]] + [e for e in new["results"]
                                                  if e["query"] not in {o["query"] for o in old["results"]}]
    old.setdefault("remeasured", []).append({"date": new["date"], "queries": sorted(measured),
                                             "servers": new["servers"]})
    servers = [s for s in old["servers_run"] if s != "oxigraph"]
    summary = {f"{kind}/{s}": geomean([ratio(e, s) for e in old["results"] if e["kind"] == kind])
               for kind in ("heavy", "light", "mix") for s in servers}
    old["summary"] = {k: round(v, 3) for k, v in summary.items() if v}
    json_path.write_text(json.dumps(old, indent=2) + "\n")
    return old


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clusters", type=int, default=10000, help="synthetic clusters (0: the curated graph only)")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--duration", type=float, default=10, help="seconds of wrk per query and server")
    parser.add_argument("--wrk-below", type=float, default=0.5,
                        help="wrk for queries whose single request is faster (s); slower: closed-loop Python client")
    parser.add_argument("--max-request-seconds", type=float, default=8, help="no wrk for queries slower than this")
    parser.add_argument("--probe-timeout", type=float, default=20, help="single-request timeout (server restarted)")
    parser.add_argument("--probe-oxigraph-only", dest="probe_all", action="store_false",
                        help="probe every candidate on oxigraph only (the measured ones are probed on all servers)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads of the nckg servers")
    parser.add_argument("--no-memory", dest="memory", action="store_false", help="skip the in-memory nckg server")
    parser.add_argument("--granian", type=int, default=0, metavar="N",
                        help="also serve nckg (on-disk store) with granian, N HTTP processes (server nckg-granian<N>)")
    parser.add_argument("--repeat", action="store_true", help="repeat the same texts (no nonce); default for --clusters 0")
    parser.add_argument("--only", help="regular expression: run only the queries whose name matches")
    parser.add_argument("--heavy", type=int, default=6, help="catalogue queries measured: the N slowest (-1: all)")
    parser.add_argument("--light", type=int, default=3, help="... and N lighter ones (-1: all)")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--mix-only", action="store_true", help="with --clusters 0: only the round-robin mix")
    parser.add_argument("--merge", action="store_true",
                        help="keep the other queries of the latest <label> JSON (re-measure some with --only)")
    parser.add_argument("--store-dir", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the `finally`: stop the servers
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install -y wrk")
    if not (BIN / "oxigraph").exists():
        sys.exit(f"oxigraph is missing: {BIN / 'pip'} install oxigraph==0.5.13")
    label = label_of(args.clusters)
    args.repeat = args.repeat or args.clusters == 0
    args.store_dir.mkdir(parents=True, exist_ok=True)
    store, build = build_store(args, label)
    print(f"store {store}: {build['quads']:,} quads, {build['quads_per_second']:,} quads/s", flush=True)
    if args.build_only:
        return build
    catalogue, skipped = candidate_queries()
    heavy = adhoc.heavy_queries()
    light = adhoc.light_variants(cluster_iris(store), seed=args.seed)
    servers = start_servers(store, args.threads, args.memory, args.store_dir / "logs", args.granian)
    results, probes = [], {}
    args.results.mkdir(parents=True, exist_ok=True)
    json_path = args.results / f"{dt.date.today().isoformat()}-{label}.json"
    earlier = sorted(args.results.glob(f"*-{label}.json"))
    previous = json.loads(earlier[-1].read_text()) if args.merge and earlier else None

    def report(final: bool) -> dict:
        out = {
            "label": label, "clusters": args.clusters, "seed": args.seed, "complete": final,
            "date": dt.datetime.now().isoformat(timespec="seconds"),
            "machine": f"{os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} "
                       f"GiB, {platform.python_implementation()} {platform.python_version()}",
            "connections": args.connections, "threads": args.threads, "duration": args.duration, "repeat": args.repeat,
            "servers_run": list(servers), "servers": {name: s.info for name, s in servers.items()},
            "build": build, "skipped_queries": skipped, "results": results, "probes": probes, "versions": _versions(),
        }
        summary = {f"{kind}/{s}": geomean([ratio(e, s) for e in results if e["kind"] == kind])
                   for kind in ("heavy", "light", "mix") for s in servers if s != "oxigraph"}
        out["summary"] = {k: round(v, 3) for k, v in summary.items() if v}
        json_path.write_text(json.dumps(out, indent=2) + "\n")  # rewritten after every query: a crash keeps the rest
        return out

    try:
        # one sequential request per candidate query and server: single-request latency, row counts, selection
        for name, text in catalogue.items():
            if args.only and not re.search(args.only, name):
                continue
            probes[name] = {}
            for server in servers.values():  # oxigraph, nckg-mem, then nckg-disk only if either of them answered
                if server.name != "oxigraph" and not args.probe_all:
                    continue
                if server.name == "nckg-disk" and all(p["seconds"] is None for p in probes[name].values()):
                    probes[name][server.name] = {"status": None, "seconds": None, "rows": None, "error": "not probed"}
                    continue
                server.ensure_alive()
                probes[name][server.name] = probe(text, server, args.probe_timeout)
        ox = {n: p["oxigraph"]["seconds"] for n, p in probes.items() if p["oxigraph"].get("rows") is not None
              and p["oxigraph"]["seconds"] <= args.max_request_seconds}
        chosen = select_queries(ox, args.heavy, args.light)
        plan = [(n, [catalogue[n]], "") for n in chosen] + [(n, [t], "heavy") for n, t in heavy.items()] + \
               [(n, texts, "light") for n, texts in light.items()]
        if args.only:
            plan = [p for p in plan if re.search(args.only, p[0])]
        print(f"probed {len(probes)} catalogue queries; measuring {len(plan)}", flush=True)
        report(False)
        if args.clusters == 0:  # the curated graph: one round-robin mix of every query, repeated texts
            mix = [catalogue[n] for n in ox] + list(heavy.values()) + [texts[0] for texts in light.values()]
            results.append(measure(f"mix of {len(mix)} queries round-robin", mix, "mix", servers, args))
        for name, texts, kind in ([] if args.mix_only else plan):
            results.append(measure(name, texts, kind, servers, args))
            results[-1]["catalogue"] = name in catalogue
            report(False)
    finally:
        for server in servers.values():
            server.stop()
    final = report(True)
    if args.merge:
        final = merge(final, previous, json_path)
    (args.results / f"{label}.md").write_text(markdown(final))
    plotted = plot(final, args.results / f"{label}.svg")
    print(markdown(final))
    print(f"wrote {json_path}, {args.results / f'{label}.md'}" + (f", {args.results / f'{label}.svg'}" if plotted else ""))
    return final


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    out = {}
    for package in ("pyoxigraph", "oxigraph", "flask", "waitress"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            pass
    try:
        out["wrk"] = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    except OSError:
        pass
    return out


if __name__ == "__main__":
    main()
