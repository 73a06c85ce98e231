"""The repository stands alone: source documents live in data/sources/, nothing reads outside the checkout,
and a copy of the tracked files in an empty folder validates, builds and passes a test module."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from nckg.build import pipeline as build
from nckg.build import compile
from nckg.sources import documents
from nckg.namespaces import REVIEW_DOI
from nckg.sources.loading import DataError
from nckg.sources.vocabulary import load_vocabulary

ROOT = Path(__file__).resolve().parents[2]
# spelled in pieces so that this file does not match its own search
OUTSIDE = ["../" + "shared", 'parent / "' + 'shared"', '"shared" / "' + 'seed"', "/work/" + "shared"]


def tracked_files() -> list[str]:
    return subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()


def test_no_tracked_file_points_outside_the_repository():
    hits = []
    for name in tracked_files():
        path = ROOT / name
        if path.suffix in {".txt", ".nq", ".png", ".svg"} or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        hits += [f"{name}: {pattern}" for pattern in OUTSIDE if pattern in text]
    assert not hits, "\n".join(hits)


def test_the_review_text_ships_with_its_record():
    review = documents.load_documents()[REVIEW_DOI]
    assert review.text_path == ROOT / "data" / "sources" / "cu-nanoclusters-review.txt"
    assert hashlib.sha256(review.text_path.read_bytes()).hexdigest() == review.record.sha256
    assert review.record.licence == "CC-BY-4.0"
    assert "Creative Commons Attribution 4.0" in review.text()  # the licence statement travels with the text


def test_a_copy_in_an_empty_folder_validates_builds_and_tests(tmp_path):
    """`git ls-files` copied into an empty folder: the copy's own code (not this checkout's) validates, builds and
    runs a test module that checks every quote against the shipped text."""
    copy = tmp_path / "alone" / "nckg"
    for name in tracked_files():
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, copy / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NCKG_")}
    env["PYTHONPATH"] = f"{copy / 'src'}{os.pathsep}{copy}"

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *args], cwd=copy, env=env, capture_output=True, text=True, timeout=300)

    where = run("-c", "import nckg, server; print(nckg.__file__); print(server.__file__)")
    assert where.stdout.split() == [str(copy / "src" / "nckg" / "__init__.py"), str(copy / "server" / "__init__.py")]
    validated = run("-m", "nckg", "validate")
    assert validated.returncode == 0 and "SHACL conforms" in validated.stdout, validated.stderr
    built = run("-m", "nckg", "build", "--store", str(tmp_path / "var" / "store"))
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "var" / "store").resolve().is_dir()
    tested = run("-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/sources/test_topics.py")
    assert tested.returncode == 0 and " passed" in tested.stdout, tested.stdout[-2000:]


# --- adding another source document: a tiny fixture source ------------------------------------------------------

TINY_TEXT = "A tiny open text. Copper clusters were made in water by slow reduction.\n"
TINY_DOI = "10.9999/tiny-source"


def tiny_project(tmp_path: Path, *, quoted_from: str = TINY_DOI, sha256: str | None = None) -> Path:
    """A data folder with one source document (text + record) and one publication quoting it."""
    data = tmp_path / "data"
    (data / "sources").mkdir(parents=True)
    (data / "sources" / "tiny.txt").write_text(TINY_TEXT, encoding="utf-8")
    digest = sha256 or hashlib.sha256(TINY_TEXT.encode()).hexdigest()
    (data / "sources" / "tiny.yaml").write_text(
        f"doi: {TINY_DOI}\ntitle: A tiny source\ncitation: A. Author, A tiny source (fixture)\nlicence: CC-BY-4.0\n"
        f"licence_url: https://creativecommons.org/licenses/by/4.0/\nattribution: fixture text, unchanged\n"
        f"text: tiny.txt\nsha256: '{digest}'\n", encoding="utf-8")
    (data / "topics").mkdir()
    (data / "topics" / "tiny.yaml").write_text(
        "publications:\n"
        f"  - doi: {TINY_DOI}\n"
        "    title: A tiny source\n"
        "    evidence:\n"
        "      - section: '1'\n"
        "        quote: 'Copper clusters were made in water by slow reduction.'\n"
        f"        quoted_from: {quoted_from}\n", encoding="utf-8")
    return data


def test_a_fixture_source_is_quoted_checked_and_compiled(tmp_path):
    data = tiny_project(tmp_path)
    registry = build.load_sources(data)
    assert set(registry.documents) == {TINY_DOI}
    quads = compile.compile_all(registry, load_vocabulary())
    objects = {(q.predicate.value, q.object.value) for q in quads}
    assert ("http://www.w3.org/ns/prov#wasQuotedFrom", f"https://doi.org/{TINY_DOI}") in objects
    licence = [q for q in quads if q.predicate == NamedNode("http://purl.org/dc/terms/license")]
    assert [(q.subject.value, q.object.value) for q in licence] == [
        (f"https://doi.org/{TINY_DOI}", "https://creativecommons.org/licenses/by/4.0/")]


def test_a_quote_citing_a_source_without_text_names_file_and_line(tmp_path):
    data = tiny_project(tmp_path, quoted_from="10.9999/not-here")
    with pytest.raises(DataError) as caught:
        build.load_sources(data)
    assert [str(e).split(": ", 1) for e in caught.value.errors] == [
        [f"{data / 'topics' / 'tiny.yaml'}:7",
         "no source document with DOI 10.9999/not-here in data/sources/ (add its text and record)"]]


def test_a_quote_not_in_its_source_is_refused(tmp_path):
    data = tiny_project(tmp_path, quoted_from=REVIEW_DOI)  # the tiny folder has no review text
    with pytest.raises(DataError, match=r"tiny\.yaml:7: no source document with DOI 10\.1007/s40820"):
        build.load_sources(data)


def test_a_changed_source_text_fails_its_checksum(tmp_path):
    data = tiny_project(tmp_path, sha256="0" * 64)
    with pytest.raises(DataError) as caught:
        build.load_sources(data)
    message = str(caught.value)
    assert "tiny.yaml:8: sha256 of tiny.txt is" in message and "the record says 000" in message


def test_a_missing_source_text_names_the_record(tmp_path):
    data = tiny_project(tmp_path)
    (data / "sources" / "tiny.txt").unlink()
    with pytest.raises(DataError, match=r"tiny\.yaml:7: text file tiny\.txt is missing"):
        build.load_sources(data)
