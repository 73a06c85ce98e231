"""Every catalogue question against the built graph: the answer holds the rows its fixture
(queries/expected/<id>.yaml, derived from the review text) says the curated data justifies.

The graph is the real one, built once per test session by the whole pipeline (conftest `store`).
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from nckg.model import catalogue
from nckg.model import catalogue_fixtures
from nckg.store.graph import GraphStore

CATALOGUE = catalogue.load_catalogue()


@pytest.fixture(scope="module")
def graph(store) -> GraphStore:
    """The real graph built for this test session (conftest `store`)."""
    return store


@pytest.mark.parametrize("query_id", sorted(CATALOGUE))
def test_answer_matches_the_curated_data(graph, query_id):
    problems = catalogue_fixtures.check_expected(graph, query_id)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("query_id", sorted(CATALOGUE))
def test_published_text_gives_the_same_answer(graph, query_id):
    """The runnable text of the examples catalogue (defaults in a VALUES block) answers like the typed binding."""
    query = CATALOGUE[query_id]
    published = Counter(tuple(_normal(term) for term in row) for row in graph.query(query.runnable_text()))
    bound = Counter(tuple(_normal(term) for term in row) for row in catalogue.run(graph, query_id))
    assert published == bound


def _normal(term) -> str:
    """A term as text, with GROUP_CONCAT lists sorted (their order is not defined by SPARQL)."""
    if term is None:
        return "None"
    text = term.value
    return "; ".join(sorted(re.split(r"[;,] ", text))) if ", " in text or "; " in text else text


def test_every_ligand_family_offered_finds_clusters(graph):
    # the family dropdown of clusters-by-ligand-family offers no family whose table would be empty
    (family,) = [p for p in CATALOGUE["clusters-by-ligand-family"].parameters if p.name == "family"]
    empty = [value for value in family.values
             if not list(catalogue.run(graph, "clusters-by-ligand-family", {"family": value}))]
    assert not empty, f"families offered without any cluster: {empty}"
