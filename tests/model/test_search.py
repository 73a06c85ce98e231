"""Search that finds: the search key (nckg.model.search), find-cluster over names, formulas, ligands, families, classes,
reactions and products, and the cluster browser's search keys and facets."""

from __future__ import annotations

import json

import pytest

from nckg.model import catalogue
from nckg.model import clusters as cluster_model
from nckg.model.search import search_key, search_words
from realgraph import CU26_ID, CU32_ID


@pytest.mark.parametrize("typed, key", [
    ("Cu₂₆", "cu26"), ("[Cu32(PET)24H8Cl2]", "cu32pet24h8cl2"), ("Cu13 ·3PF6", "cu133pf6"), ("Cu₄²⁺", "cu42"),
    ("  Alkynyl ", "alkynyl"), ("C≡CtBu", "cctbu"), ("–·()", ""),
])
def test_search_key(typed, key):
    assert search_key(typed) == key


def test_search_words_drop_empty_keys():
    assert search_words("thiolate  ( ) HYDRIDE") == ["thiolate", "hydride"]


def find(store, text: str) -> dict[str, set[str]]:
    """find-cluster's answer: cluster id -> the columns that say what matched."""
    names, rows = catalogue.table(catalogue.run(store, "find-cluster", {"text": text}))
    assert len({row["id"].value for row in rows}) == len(rows)  # one row per cluster
    return {row["id"].value: {c for c in cluster_model.SEARCH_COLUMNS if row[c] is not None and row[c].value}
            for row in rows}


def test_find_cluster_takes_names_as_pasted(store):
    assert CU26_ID.split("/")[1] in find(store, "Cu₂₆")
    pasted = find(store, "[Cu32(PET)24H8Cl2]")
    assert set(pasted) == {CU32_ID.split("/")[1]} and pasted[CU32_ID.split("/")[1]] == {"names"}


def test_find_cluster_by_ligand_family_class_reaction_and_product(store):
    rows = cluster_model.cluster_table(store)
    hydride = {r["id"] for r in rows if (r["hydride"] or 0) > 0}
    assert set(find(store, "hydride")) >= hydride and hydride
    thiolate = find(store, "thiolate")
    assert {"ligand_families"} <= set().union(*thiolate.values())
    assert {r["id"] for r in rows if "thiolate ligand" in r["ligand_families"]} <= set(thiolate)
    alkynyl = find(store, "alkynyl")
    assert len(alkynyl) >= 10
    assert any("reactions" in kinds for kinds in find(store, "nitrate").values())
    assert any("products" in kinds for kinds in find(store, "formic acid").values())
    assert find(store, "no such cluster anywhere") == {}


def test_cluster_table_carries_search_keys_and_facets(store):
    rows = cluster_model.cluster_table(store)
    cu26 = next(r for r in rows if r["id"] == CU26_ID.split("/")[1])
    assert "cu26" in cu26["search"] and "electrochemicalnitratereduction" in cu26["search"]
    facets = cluster_model.cluster_facets(rows)
    assert "thiolate ligand" in facets["ligand_families"] and "ligand" not in facets["ligand_families"]
    assert "electrochemical CO2 reduction" in facets["reactions"]
    assert facets["hydride_state"][0] == "with hydrides"
    assert set(facets["core_configuration"]) == {r["core_configuration"] for r in rows if r["core_configuration"]}


def test_cluster_browser_page_has_facets_and_search_keys(client, store):
    html = client.get("/clusters", headers={"Accept": "text/html"}).get_data(as_text=True)
    for facet in ("ligand-families", "reactions", "hydride-state", "core-configuration"):
        assert f'data-facet="{facet}"' in html
    assert '<option value="thiolate ligand">' in html
    assert html.count("data-search=") == len(cluster_model.cluster_table(store))
    assert "reconstructed from the review's text" in html and "— the review's Table 1 (" not in html
    data = json.loads(client.get("/clusters?format=json").data)
    assert "search" not in data["clusters"][0] and "ligand_families" in data["clusters"][0]


def test_find_cluster_by_geometry_synthesis_method_and_product_synonym(store):
    """Kernel or core geometry ("tetrahedral" finds the di-tetrahedral Cu8-2), the method of a synthesis that makes
    the cluster by label or abbreviation ("gradient reduction", "GRS"), and a product by synonym ("formate")."""
    tetrahedral = find(store, "tetrahedral")
    assert "cu8-cz-cs2_4-s-tbu_4" in tetrahedral and "geometries" in tetrahedral["cu8-cz-cs2_4-s-tbu_4"]
    grs, gradient = find(store, "GRS"), find(store, "gradient reduction")
    assert grs and set(grs) == set(gradient) and all("methods" in kinds for kinds in grs.values())
    assert "cu13-a" in grs
    formate = find(store, "formate")
    assert "cu8-cz-cs2_4-s-tbu_4" in formate and "products" in formate["cu8-cz-cs2_4-s-tbu_4"]
