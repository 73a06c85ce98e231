"""Production serving beyond the default waitress process: granian with several HTTP processes, the
per-version page data, and the cheap store-version check every query makes."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Quad

from nckg.model import clusters as cluster_model
from nckg.model import dataset as dataset_model
from nckg.store.backend import COPY_MIB_PER_SECOND, worker_memory_mb, worker_startup_timeout
from nckg.namespaces import NCKG, RDF
from nckg.store.graph import GraphStore, current_version

ROOT = Path(__file__).resolve().parents[2]
COUNT_CLUSTERS = f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a <{NCKG}CopperNanocluster> }}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _worker_pids(root: int) -> set[int]:
    """Query worker processes (python -m nckg.store.worker) descending from process `root`, from /proc."""
    parents, workers = {}, set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            if b"nckg.store.worker" in argv:
                workers.add(int(entry.name))

    def descends(pid: int) -> bool:
        for _ in range(64):
            pid = parents.get(pid, 0)
            if pid == root:
                return True
            if pid <= 1:
                return False
        return False

    return {pid for pid in workers if descends(pid)}


def _alive(pids: set[int]) -> set[int]:
    """Those of `pids` still running (not gone, not zombies)."""
    alive = set()
    for pid in pids:
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                alive.add(pid)
        except OSError:
            pass
    return alive


def _get(url: str, timeout: float = 10) -> tuple[int, dict, bytes]:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, dict(response.headers.items()), response.read()


def _stop(proc: subprocess.Popen) -> bool:
    """SIGTERM to the server's process group; False when it had to be killed after 30 s."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
        return True
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return False


def test_granian_serves_with_two_http_processes_and_stops_cleanly(store_path, store):
    port = _free_port()
    workers: set[int] = set()
    proc = subprocess.Popen([sys.executable, "-m", "server", "--server", "granian", "--workers", "2", "--threads",
                             "2", "--port", str(port), "--store", str(store_path)], cwd=ROOT,
                            env={**os.environ, "NCKG_QUERY_WORKERS": "2"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    url = f"http://127.0.0.1:{port}/sparql?" + urllib.parse.urlencode({"query": COUNT_CLUSTERS})
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
            try:
                status, headers, body = _get(url + "&format=json")
                break
            except (OSError, urllib.error.HTTPError):
                assert time.monotonic() < deadline, "granian did not answer within 60 s"
                time.sleep(0.2)
        assert status == 200
        expected = int(next(iter(store.query(COUNT_CLUSTERS)))["n"].value)
        assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) == expected > 0
        headers = {k.lower(): v for k, v in headers.items()}
        assert headers["server"] == "granian" and headers["x-content-type-options"] == "nosniff"
        assert "x-request-id" in headers and headers["server-timing"].startswith("query;dur=")
        # a bad query is still the parser's 400, a page still renders: the same app behind another server
        with pytest.raises(urllib.error.HTTPError) as bad:
            _get(f"http://127.0.0.1:{port}/sparql?query=SELEC")
        assert bad.value.code == 400
        status, _, page = _get(f"http://127.0.0.1:{port}/clusters?format=json")
        assert status == 200 and len(json.loads(page)["clusters"]) == expected
        deadline = time.monotonic() + 30
        while len(workers := _worker_pids(proc.pid)) < 4 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(workers) == 4  # each of the 2 HTTP processes has its own pool of QUERY_WORKERS=2
    finally:
        if not _stop(proc):
            pytest.fail("granian did not stop within 30 s of SIGTERM")
    deadline = time.monotonic() + 15
    while _alive(workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(workers), "query workers outlived the server"


def test_workers_need_granian():
    run = subprocess.run([sys.executable, "-m", "server", "--server", "waitress", "--workers", "2"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 2 and "--workers needs --server granian" in run.stderr


def test_page_data_is_computed_once_per_store_version(store_path):
    first, second = GraphStore.open(store_path), GraphStore.open(store_path)
    assert cluster_model.cluster_table(first) is cluster_model.cluster_table(first)
    assert dataset_model.counts(first) is dataset_model.counts(first)
    assert dataset_model.counts(second) == dataset_model.counts(first)  # another open store: its own entry, same values


def test_page_data_of_an_unversioned_store_follows_its_changes():
    store = GraphStore.from_quads([])
    before = dataset_model.counts(store)["clusters"]
    store.store.add(Quad(NamedNode("https://example.org/cu1"), NamedNode(RDF + "type"),
                         NamedNode(NCKG + "CopperNanocluster"),
                         NamedNode("https://w3id.org/nckg/graph/doi/10.1/x")))
    assert dataset_model.counts(store)["clusters"] == before + 1


def test_current_version_follows_the_symlink_swap(tmp_path):
    for name in ("store-a", "store-b", "store-c"):
        (tmp_path / name).mkdir()
    link = tmp_path / "store"
    link.symlink_to("store-a")
    assert current_version(link) == "store-a"
    (tmp_path / "next").symlink_to("store-b")
    os.replace(tmp_path / "next", link)  # what nckg.build.pipeline does
    assert current_version(link) == "store-b"
    (tmp_path / "hop").symlink_to(tmp_path / "store-c")  # a chain of links, absolute target
    link.unlink()
    link.symlink_to("hop")
    assert current_version(link) == "store-c"
    assert current_version(tmp_path / "store-a") == "store-a"  # a plain directory


def _sparse_store(directory: Path, mib: int) -> Path:
    """A directory that looks `mib` MiB big to nckg.store.backend.store_bytes (a sparse file: no disk used)."""
    directory.mkdir()
    with open(directory / "000001.sst", "wb") as handle:
        handle.truncate(mib * 2**20)
    return directory


def test_worker_settings_are_sized_on_the_store(tmp_path):
    small, large = _sparse_store(tmp_path / "small", 10), _sparse_store(tmp_path / "large", 10 * 1024)
    assert worker_memory_mb("auto", small, in_memory=False) == 2048 == worker_memory_mb("auto", large, False)
    assert worker_memory_mb("auto", small, in_memory=True) == 2048 + 35
    assert worker_memory_mb("auto", large, in_memory=True) == 2048 + 35 * 1024
    assert worker_memory_mb(0, large, True) == 0 and worker_memory_mb("4096", large, True) == 4096
    assert worker_startup_timeout("auto", large, in_memory=False) == 120.0
    assert worker_startup_timeout("auto", small, in_memory=True) == 120.0
    assert worker_startup_timeout("auto", large, in_memory=True) == pytest.approx(3 * 10 * 1024 / COPY_MIB_PER_SECOND)
    assert worker_startup_timeout(15, large, True) == 15.0


def test_the_app_pool_gets_the_sized_memory_cap(store_path):
    from server import create_app
    from server.db import get_pool

    expected = worker_memory_mb("auto", store_path, in_memory=True)
    app = create_app({"STORE_PATH": str(store_path), "STORE_IN_MEMORY": True, "QUERY_WORKERS": 1})
    pool = get_pool(app)
    try:
        assert expected > 2048 and pool.argv[pool.argv.index("--memory-mb") + 1] == str(expected)
        assert pool.startup_timeout == 120.0
    finally:
        pool.close()


def test_graph_counts_are_computed_once_per_version(store_path):
    opened = GraphStore.open(store_path)
    first = opened.graph_counts()
    first.clear()  # callers get a copy
    assert opened.graph_counts() and opened.__dict__.get("_graph_counts") == opened.graph_counts()
    scratch = GraphStore.from_quads([])
    assert scratch.graph_counts() == {}
    scratch.store.add(Quad(NamedNode("https://example.org/a"), NamedNode(RDF + "type"),
                           NamedNode(NCKG + "CopperNanocluster"), NamedNode("https://example.org/g")))
    assert scratch.graph_counts() == {"https://example.org/g": 1}  # an unversioned store is counted again


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n0 ?o . ?p ?q ?r }"
CRASHING = "SELECT * WHERE { ?s ?p ?o " + " ".join(f"MINUS {{ ?s ?p ?o{i} }}" for i in range(3000)) + " }"
MEMORY_HUNGRY = ("SELECT ?big WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i "
                 "BIND(CONCAT(STR(?a), STR(?c), STR(?d), STR(?f), STR(?g), STR(?i)) AS ?big) } ORDER BY ?big")


def _ask(port: int, query: str, method: str, timeout: float = 30) -> tuple[int, float, bytes]:
    """(status, seconds, body) of one /sparql request; status 0 when the connection failed."""
    started = time.monotonic()
    if method == "GET":
        request = urllib.request.Request(f"http://127.0.0.1:{port}/sparql?" + urllib.parse.urlencode({"query": query}),
                                         headers={"Accept": "application/sparql-results+json"})
    else:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/sparql", data=query.encode(), method="POST",
                                         headers={"Content-Type": "application/sparql-query",
                                                  "Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    except OSError as error:
        status, body = 0, str(error).encode()
    return status, time.monotonic() - started, body[:300]


def test_default_server_under_load_confines_runaway_crashing_and_memory_hungry_queries(store_path):
    """The default configuration (`python -m server`: granian, 2 HTTP processes, the lean /sparql path, in-memory
    workers): 8 clients send light queries (unique texts, GET and POST) while runaway, crashing and memory-hungry
    queries arrive; no light query fails, the runaway answers 504 within the timeout + 5 s, and the server keeps
    answering afterwards."""
    port, timeout = _free_port(), 2.0
    proc = subprocess.Popen([sys.executable, "-m", "server", "--port", str(port), "--store", str(store_path)],
                            cwd=ROOT, env={**os.environ, "NCKG_QUERY_TIMEOUT": str(timeout),
                                           "NCKG_WORKER_MEMORY_LIMIT_MB": "1500"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while _ask(port, "ASK {}", "GET", timeout=5)[0] != 200:
            assert proc.poll() is None and time.monotonic() < deadline, "the server did not start within 60 s"
            time.sleep(0.2)
        light = f"SELECT ?p ?o WHERE {{ ?c a <{NCKG}CopperNanocluster> ; ?p ?o }} LIMIT "
        innocent: list[tuple[int, float, bytes]] = []
        hostile: dict[str, list[tuple[int, float, bytes]]] = {"runaway": [], "crashing": [], "memory": []}
        stop = time.monotonic() + 8

        def client(n: int) -> None:
            i = 0
            while time.monotonic() < stop:
                i += 1
                innocent.append(_ask(port, light + str(1000 + n * 10_000 + i), "GET" if i % 2 else "POST"))

        def attacker() -> None:
            while time.monotonic() < stop:
                for name, query in (("runaway", RUNAWAY), ("crashing", CRASHING), ("memory", MEMORY_HUNGRY)):
                    hostile[name].append(_ask(port, query, "POST"))

        threads = [threading.Thread(target=client, args=(n,)) for n in range(8)] + [
            threading.Thread(target=attacker)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert all(h[0] for h in hostile.values()), hostile
        failed = [(status, body) for status, _, body in innocent if status != 200]
        assert len(innocent) > 50 and not failed, (len(innocent), failed[:10])
        assert all(status == 504 and seconds < timeout + 5 for status, seconds, _ in hostile["runaway"]), hostile
        assert all(status == 503 for status, _, _ in hostile["crashing"]), hostile["crashing"]
        assert all(status in (503, 504) and seconds < timeout + 5 for status, seconds, _ in hostile["memory"]), hostile
        for method in ("GET", "POST"):  # still answering afterwards
            assert _ask(port, light + "7", method)[0] == 200
    finally:
        _stop(proc)


def test_default_server_reports_a_taken_port_in_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        run = subprocess.run([sys.executable, "-m", "server", "--port", str(taken.getsockname()[1])], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and run.stderr.strip().splitlines() == [
        "error: cannot serve: [Errno 98] Address already in use"]
