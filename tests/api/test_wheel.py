"""The wheel carries the graph: built from this checkout (the whole pipeline runs in the wheel build), installed into
a fresh virtual environment, it answers from an empty folder without a build, a checkout or Java (`nckg.open()` and
`nckg serve`), with the answers of the checkout's own built store.

Offline and quick: the wheel is built without build isolation and installed with --no-deps; the new environment
sees the test environment's site-packages (the dependencies) through a .pth line, which does not run the checkout's
editable-install hook, so `import nckg` there can only find the installed wheel.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

import nckg

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, nckg
kg = nckg.open()
frame = kg.clusters()
iris = sorted(frame["iri"])
print(json.dumps({"module": nckg.__file__, "location": kg.location, "iris": iris,
                  "table1": kg.ask("table1").to_csv(), "label": kg.cluster(iris[0]).label}))
"""


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NCKG_") and k not in ("PYTHONPATH", "JAVA_HOME")}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtual environment with the freshly built wheel installed; returns its bin/ folder."""
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--disable-pip-version-check", "--no-build-isolation", "-q",
                    "-w", str(tmp / "dist")], check=True, cwd=tmp,
                   env={k: v for k, v in os.environ.items() if k not in ("NCKG_STORE", "NCKG_WHEEL_DATASET")})
    wheel = next((tmp / "dist").glob("nckg-*.whl"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "--disable-pip-version-check", "-q",
                    str(wheel)], check=True)
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "nckg/_data/nckg.nq.gz" in names
    assert "nckg/_data/queries/table1.rq" in names and "nckg/_data/ontology/nckg.ttl" in names
    return venv / "bin"


def test_the_installed_wheel_answers_from_its_packaged_dataset(installed, tmp_path, store_path, client):
    empty = tmp_path / "empty"
    empty.mkdir()
    probe = subprocess.run([str(installed / "python"), "-c", PROBE], cwd=empty, env=_clean_env(),
                           capture_output=True, text=True, timeout=120)
    assert probe.returncode == 0, probe.stderr
    answer = json.loads(probe.stdout)
    assert answer["module"].startswith(str(installed.parent)) and "packaged dataset" in answer["location"]
    checkout = nckg.open(store_path)
    assert answer["iris"] == sorted(checkout.clusters()["iri"])
    assert answer["label"] == checkout.cluster(answer["iris"][0]).label
    assert answer["table1"].splitlines()[0] == client.get("/queries/table1/results?format=csv").data.decode().splitlines()[0]
    assert len(answer["table1"].splitlines()) == len(checkout.ask("table1").to_csv().splitlines())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_nckg_serve_serves_the_packaged_dataset(installed, tmp_path, client):
    empty = tmp_path / "empty"
    empty.mkdir()
    port = _free_port()
    server = subprocess.Popen([str(installed / "nckg"), "serve", "--port", str(port)], cwd=empty,
                              env=_clean_env(XDG_CACHE_HOME=str(tmp_path / "cache")), start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}/queries/find-cluster/results?format=csv&text=Cu"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    body = response.read()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "nckg serve did not answer within 60 s"
                time.sleep(0.2)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    expected = client.get("/queries/find-cluster/results?format=csv&text=Cu").data
    assert sorted(body.splitlines()) == sorted(expected.splitlines())  # rows with equal sort keys may swap
    assert any((tmp_path / "cache" / "nckg").glob("packaged-*/store"))


def test_build_outside_a_checkout_refuses_and_queries_answer_from_the_packaged_graph(installed, tmp_path, client):
    """A wheel installation has no data/: `nckg build` stops with one line and writes no store that would hide the
    packaged graph; `nckg query`, `export` and `queries run` answer from the packaged graph."""
    empty = tmp_path / "empty"
    empty.mkdir()
    env = _clean_env(XDG_CACHE_HOME=str(tmp_path / "cache"))

    def nckg_cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(installed / "nckg"), *args], cwd=empty, env=env, capture_output=True, text=True,
                              timeout=120)

    build = nckg_cli("build")
    assert build.returncode != 0 and "Traceback" not in build.stderr
    message = build.stderr.strip()
    assert len(message.splitlines()) == 1 and "no data/" in message and "clone the repository" in message
    assert not any(empty.rglob("*")), "nckg build left files behind"  # no var/store to hide the packaged graph
    query = nckg_cli("query", "--format", "csv",
                     "SELECT (COUNT(?c) AS ?n) WHERE { ?c a nckg:CopperNanocluster }")
    assert query.returncode == 0, query.stderr
    expected = client.get("/clusters?format=json").get_json()["clusters"]
    assert query.stdout.splitlines()[1].strip() == str(len(expected))
    run = nckg_cli("queries", "run", "table1", "--format", "csv")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == client.get("/queries/table1/results?format=csv").data.decode().splitlines()[0]
    export = nckg_cli("export", "--format", "nquads", "--output", str(tmp_path / "out.nq"))
    assert export.returncode == 0, export.stderr
    assert (tmp_path / "out.nq").stat().st_size > 100_000
