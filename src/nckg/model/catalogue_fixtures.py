"""Expected-answer fixtures of the catalogue (queries/expected/<id>.yaml): each case names rows the answer must
(or must not) contain, checked against a store."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path

import yaml
from pyoxigraph import Literal

from nckg import config
from nckg.model.catalogue import CatalogueError, CatalogueQuery, cell, get_query, table
from nckg.store.graph import GraphStore


def expected_dir(directory: Path | None = None) -> Path:
    return Path(directory or config.queries_dir()) / "expected"


def load_expected(query_id: str, directory: Path | None = None) -> list[dict]:
    """The cases of a query's fixture: each {params, contains, absent, min_rows, max_rows, rows, source}."""
    path = expected_dir(directory) / f"{query_id}.yaml"
    if not path.exists():
        raise CatalogueError(f"{path}: no expected-answer fixture")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    cases = data.get("cases") if isinstance(data, dict) else None
    if not isinstance(cases, list) or not cases:
        raise CatalogueError(f"{path}: a fixture has `cases:`, a non-empty list")
    for case in cases:
        unknown = set(case) - {"name", "params", "contains", "absent", "min_rows", "max_rows", "rows", "source",
                               "ordered"}
        if unknown:
            raise CatalogueError(f"{path}: unknown case keys {sorted(unknown)}")
        if not case.get("contains") and not case.get("rows") and case.get("max_rows") != 0:
            raise CatalogueError(f"{path}: each case asserts specific rows (`contains` or `rows`)")
    return cases


def _matches(expected, term) -> bool:
    """Whether a result cell matches an expected value: equal text (IRI, compact IRI or its last segment),
    numerically equal, or an operator mapping {includes|matches|min|max|absent}."""
    if isinstance(expected, dict):
        ok = True
        if "absent" in expected:
            ok &= (term is None) == bool(expected["absent"])
        if term is None:
            return ok and "absent" in expected
        value = term.value
        if "includes" in expected:
            wanted = expected["includes"] if isinstance(expected["includes"], list) else [expected["includes"]]
            parts = [p.strip() for p in re.split(r"[;,|]", value)]
            ok &= all(any(_matches(w, Literal(p)) for p in parts) for w in wanted)
        if "matches" in expected:
            ok &= re.search(str(expected["matches"]), value) is not None
        for key, compare in (("min", lambda a, b: a >= b), ("max", lambda a, b: a <= b)):
            if key in expected:
                try:
                    ok &= compare(float(value), float(expected[key]))
                except ValueError:
                    ok = False
        return ok
    if term is None:
        return expected is None
    value = term.value
    if isinstance(expected, bool):
        return value.lower() == str(expected).lower()
    if isinstance(expected, (int, float)):
        try:
            return math.isclose(float(value.replace("\u2212", "-")), float(expected), rel_tol=1e-9, abs_tol=1e-9)
        except ValueError:
            return False
    expected = str(expected)
    return expected in (value, cell(term)) or value.endswith("/" + expected) or value.endswith("#" + expected)


def _row_matches(expected: Mapping, row: Mapping) -> bool:
    return all(_matches(value, row.get(key)) for key, value in expected.items())


def check_case(store: GraphStore, query: CatalogueQuery, case: Mapping) -> list[str]:
    """Problems found running one fixture case (empty: the answer is as expected)."""
    names, rows = table(store.query(query.body, substitutions=query.bind(case.get("params") or {})))
    label = f"{query.id}{' [' + case['name'] + ']' if case.get('name') else ''}"
    problems = []
    for key in {k for item in case.get("contains") or [] for k in item} - set(names):
        problems.append(f"{label}: fixture names column {key!r}, the query returns {names}")
    if problems:
        return problems
    if case.get("min_rows") is not None and len(rows) < case["min_rows"]:
        problems.append(f"{label}: {len(rows)} rows, expected at least {case['min_rows']}")
    if case.get("max_rows") is not None and len(rows) > case["max_rows"]:
        problems.append(f"{label}: {len(rows)} rows, expected at most {case['max_rows']}")
    position = 0
    for item in case.get("contains") or []:
        hits = [i for i, row in enumerate(rows) if _row_matches(item, row)]
        if not hits:
            problems.append(f"{label}: no row matches {item}")
        elif case.get("ordered"):
            later = [i for i in hits if i >= position]
            if not later:
                problems.append(f"{label}: row {item} is out of the expected order")
            else:
                position = later[0] + 1
    for item in case.get("absent") or []:
        if any(_row_matches(item, row) for row in rows):
            problems.append(f"{label}: a row matches {item}, which should be absent")
    if case.get("rows") is not None:
        if len(rows) != len(case["rows"]) or not all(_row_matches(e, r) for e, r in zip(case["rows"], rows)):
            problems.append(f"{label}: expected exactly the rows {case['rows']}, got "
                            f"{[{n: cell(r[n]) for n in names} for r in rows]}")
    return problems


def check_expected(store: GraphStore, query_id: str, directory: Path | None = None) -> list[str]:
    """Run every case of a query's fixture; the list of problems (empty when all hold)."""
    query = get_query(query_id, directory)
    return [problem for case in load_expected(query_id, directory) for problem in check_case(store, query, case)]
