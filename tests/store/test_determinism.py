"""Deterministic answers: every catalogue question's CSV (default parameters) is byte-identical on the on-disk
store and on its in-memory copy, whose scan orders differ: every ORDER BY is total over the rows it can tie, and
lists inside a cell come from ordered DISTINCT sub-selects."""

from __future__ import annotations

import pytest

from nckg.model import catalogue
from nckg.store.graph import GraphStore

@pytest.fixture(scope="module")
def in_memory(store_path) -> GraphStore:
    return GraphStore.in_memory_copy(store_path)


@pytest.mark.parametrize("query_id", sorted(catalogue.load_catalogue()))
def test_csv_is_the_same_on_disk_and_in_memory(store, in_memory, query_id):
    on_disk = GraphStore.serialize(catalogue.run(store, query_id), "text/csv")
    assert on_disk == GraphStore.serialize(catalogue.run(in_memory, query_id), "text/csv")
