"""The three-engine table of the README ("The same answers on three engines"), produced by a command:

    .venv/bin/python -m bench.engine_equality [--store var/store]

Starts `oxigraph serve` and Virtuoso on free loopback ports (tests/engines.py), uploads the store with nckg's
upload (Graph Store Protocol), and for every catalogue question compares the default answer on each engine with
the embedded store's (tests/engines.py comparable_rows: rows as a set, lists inside a cell sorted) and runs its
expected-answer fixture (queries/expected/) on each. Prints a Markdown table and the totals; exit 1 if any differ.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # tests/engines.py starts and stops the servers

import engines  # noqa: E402

from nckg import config  # noqa: E402
from nckg.model import catalogue, catalogue_fixtures  # noqa: E402
from nckg.store.graph import GraphStore  # noqa: E402
from nckg.store.remote import RemoteHandle  # noqa: E402
from nckg.store.upload import upload  # noqa: E402

NAMES = {"oxigraph": "Oxigraph server", "virtuoso": "Virtuoso 7.2"}


def compare(store: GraphStore, remote, query_id: str) -> tuple[bool, bool]:
    """(default answer equal to the embedded one, expected-answer fixture passes)."""
    equal = engines.comparable_rows(catalogue.run(remote, query_id)) == \
        engines.comparable_rows(catalogue.run(store, query_id))
    return equal, catalogue_fixtures.check_expected(remote, query_id) == []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None, help="the built store (default: var/store)")
    args = parser.parse_args(argv)
    store = GraphStore.open(args.store or config.store_path())
    questions = sorted(catalogue.load_catalogue())
    results: dict[str, dict[str, tuple[bool, bool]]] = {}
    for name in NAMES:
        engine = engines.start(name)
        try:
            upload(store, gsp_url=engine.gsp_url, query_url=engine.query_url)
            remote = RemoteHandle(engine.query_url, version_ttl=0).get()
            results[name] = {q: compare(store, remote, q) for q in questions}
        finally:
            engine.stop()
    header = " | ".join(f"embedded = {NAMES[n]} (answer, fixture)" for n in NAMES)
    print(f"| question | {header} |\n|---|" + "---|" * len(NAMES))
    for q in questions:
        cells = " | ".join("{} , {}".format(*("yes" if ok else "**no**" for ok in results[n][q])) for n in NAMES)
        print(f"| {q} | {cells} |")
    print()
    failed = False
    for name in NAMES:
        answers = sum(a for a, _ in results[name].values())
        fixtures = sum(f for _, f in results[name].values())
        failed |= answers < len(questions) or fixtures < len(questions)
        print(f"{NAMES[name]}: {answers} of {len(questions)} default answers equal, {fixtures} of {len(questions)} "
              "expected-answer fixtures pass")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
