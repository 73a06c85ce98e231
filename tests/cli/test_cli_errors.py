"""Expected CLI failures print one clear message and exit non-zero; a traceback only with --debug / NCKG_DEBUG=1."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import build_test_store
from engines import free_port
from fakestore import erroring_store
from nckg.build import pipeline as build_module
from nckg.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


def invoke(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env)


def assert_clean_failure(result, *fragments: str, lines: int = 1) -> None:
    """Non-zero exit, no traceback, the message in at most `lines` non-empty stderr lines holding every fragment."""
    assert result.exit_code != 0
    stderr = [line for line in result.stderr.splitlines() if line.strip()]
    assert 0 < len(stderr) <= lines, result.stderr
    assert "Traceback" not in result.output + result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


@pytest.mark.parametrize("args", [["query", "ASK {}"], ["export"], ["queries", "run", "table1"],
                                  ["queries", "check", "table1"]])
def test_no_store_yet(tmp_path, args):
    missing = tmp_path / "var" / "store"
    result = invoke(*args, "--store", str(missing), env={"NCKG_SPARQL_URL": ""})
    assert_clean_failure(result, "cannot open the store", str(missing), "nckg build")


@pytest.mark.parametrize("args", [["query", "ASK {}"], ["export"]])
def test_unreachable_remote_store(args):
    url = f"http://127.0.0.1:{free_port()}/sparql"
    result = invoke(*args, env={"NCKG_SPARQL_URL": url})
    assert_clean_failure(result, "unreachable", url)


def test_rejected_upload_is_one_line(tmp_path, monkeypatch):
    store = build_test_store(tmp_path)
    report = build_module.BuildReport(store, {"g": 1}, {"clusters": 1}, 1, 0.1)
    monkeypatch.setattr(build_module, "build", lambda store_path=None, data_dir=None, beside=None: report)
    refusal = b"<html>\n<body>\n<p>No writes here</p>\n</body>\n</html>\n"
    with erroring_store(403, refusal, "text/html") as url:
        target = url + "/store"
        result = invoke("build", "--store", str(store), "--target", target, env={"NCKG_SPARQL_URL": ""})
    assert_clean_failure(result, f"built locally, but the upload to {target} failed", "403")


def test_missing_source_text_names_the_record(tmp_path):
    project = tmp_path / "project"
    for part in ("data", "ontology"):
        shutil.copytree(ROOT / part, project / part)
    (project / "data" / "sources" / "cu-nanoclusters-review.txt").unlink()
    result = invoke("validate", env={"NCKG_HOME": str(project)})
    assert_clean_failure(result, "data/sources/cu-nanoclusters-review.yaml:", "text file cu-nanoclusters-review.txt is missing",
                         lines=2)


def test_bad_parameter(store_path):
    result = invoke("queries", "run", "co2rr-product-above-fe", "-p", "min_fe=abc", "--store", str(store_path))
    assert_clean_failure(result, "min_fe", "abc", lines=4)


def test_unexpected_failure_is_one_line_and_debug_shows_it(monkeypatch):
    def broken(registry):
        raise RuntimeError("the section index is corrupt\nsecond line of detail")

    monkeypatch.setattr("nckg.build.stats.by_section", broken)
    result = invoke("stats")
    assert_clean_failure(result, "error: the section index is corrupt (run with --debug for the traceback)")
    assert "second line" not in result.stderr
    for debug in (invoke("--debug", "stats"), invoke("stats", env={"NCKG_DEBUG": "1"})):
        assert isinstance(debug.exception, RuntimeError)
