"""HTTP caching: ETag / If-None-Match -> 304, Cache-Control, the LRU of answers (counted hits),
invalidation by a store swap, POST answers cached like GET, volatile queries never cached, CACHE_SIZE=0 turning it off."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, build_test_store
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from nckg.build.pipeline import swap_in
from nckg.store.cache import (
    Entry,
    ResultCache,
    cacheable,
    etag_for,
    make_key,
    normalise_query,
)
from server import create_app

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
CLUSTERS = ("PREFIX nckg: <https://w3id.org/nckg/ontology#>\n"
            "SELECT ?c WHERE { ?c a nckg:CopperNanocluster } ORDER BY ?c LIMIT 5")


def _hits(app) -> int:
    return app.extensions["nckg_cache"].hits


@pytest.fixture
def fixture_app(tmp_path):
    target = build_test_store(tmp_path)
    return create_app({"TESTING": True, "STORE_PATH": str(target), "QUERY_WORKERS": 0}), target


def test_second_identical_get_is_a_cache_hit(app, client):
    first = client.get("/sparql", query_string={"query": CLUSTERS, "format": "json"})
    assert first.status_code == 200 and first.headers["X-NCKG-Cache"] == "miss"
    assert _hits(app) == 0
    second = client.get("/sparql", query_string={"query": CLUSTERS, "format": "json"})
    assert _hits(app) == 1 and second.headers["X-NCKG-Cache"] == "hit"
    assert second.data == first.data and second.content_type == first.content_type
    assert second.headers["ETag"] == first.headers["ETag"] and first.headers["ETag"].startswith('W/"')
    assert first.headers["Cache-Control"] == "public, max-age=60"
    assert "Accept" in second.headers["Vary"]
    # the same query written differently (comments, line breaks, spaces) is the same entry
    respaced = CLUSTERS.replace(" WHERE ", "\n  WHERE  # the pattern\n ")
    third = client.get("/sparql", query_string={"query": respaced, "format": "json"})
    assert _hits(app) == 2 and third.data == first.data
    # another representation is another entry, with another ETag
    csv = client.get("/sparql", query_string={"query": CLUSTERS}, headers={"Accept": "text/csv"})
    assert csv.headers["X-NCKG-Cache"] == "miss" and csv.headers["ETag"] != first.headers["ETag"]
    assert _hits(app) == 2


def test_if_none_match_gives_304_with_empty_body(app, client):
    first = client.get("/sparql", query_string={"query": COUNT, "format": "json"})
    etag = first.headers["ETag"]
    for tag in (etag, etag.removeprefix("W/"), f'"nope", {etag}', "*"):
        again = client.get("/sparql", query_string={"query": COUNT, "format": "json"},
                           headers={"If-None-Match": tag})
        assert again.status_code == 304, tag
        assert again.data == b"" and again.headers["ETag"] == etag
        assert again.headers["Cache-Control"] == "public, max-age=60"
    other = client.get("/sparql", query_string={"query": COUNT, "format": "json"},
                       headers={"If-None-Match": 'W/"something-else"'})
    assert other.status_code == 200 and other.data == first.data


def test_catalogue_results_are_cached_with_etags(app, client):
    first = client.get("/queries/table1/results?format=json")
    assert first.status_code == 200 and first.headers["X-NCKG-Cache"] == "miss"
    second = client.get("/queries/table1/results?format=json")
    assert second.headers["X-NCKG-Cache"] == "hit" and second.data == first.data and _hits(app) == 1
    assert json.loads(second.data)["results"]["bindings"]
    not_modified = client.get("/queries/table1/results?format=json", headers={"If-None-Match": first.headers["ETag"]})
    assert not_modified.status_code == 304 and not_modified.data == b""
    # parameters are part of the key
    a = client.get("/queries/clusters-by-nuclearity/results?format=json&min_cu=30")
    b = client.get("/queries/clusters-by-nuclearity/results?format=json&min_cu=40")
    assert a.headers["ETag"] != b.headers["ETag"] and a.data != b.data
    # HTML pages and errors are neither kept nor tagged
    html = client.get("/queries/table1/results?format=html")
    assert html.status_code == 200 and "ETag" not in html.headers
    bad = client.get("/queries/clusters-by-nuclearity/results?format=json&min_cu=many")
    assert bad.status_code == 400 and "ETag" not in bad.headers


def test_store_swap_changes_the_etag_and_empties_the_cache(fixture_app):
    app, target = fixture_app
    client = app.test_client()
    before = client.get("/sparql", query_string={"query": COUNT, "format": "json"})
    client.get("/sparql", query_string={"query": COUNT, "format": "json"})
    assert _hits(app) == 1 and len(app.extensions["nckg_cache"]) == 1
    quads = list(parse(path=str(FIXTURES / "mini.trig"), format=RdfFormat.TRIG))
    quads.append(Quad(NamedNode("https://w3id.org/nckg/resource/x"), NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                      Literal("added by a rebuild"), NamedNode("https://w3id.org/nckg/graph/ontology")))
    swap_in(target, quads)
    after = client.get("/sparql", query_string={"query": COUNT, "format": "json"},
                       headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["X-NCKG-Cache"] == "miss"
    assert after.headers["ETag"] != before.headers["ETag"]
    count = lambda r: int(json.loads(r.data)["results"]["bindings"][0]["n"]["value"])
    assert count(after) == count(before) + 1
    assert _hits(app) == 1 and len(app.extensions["nckg_cache"]) == 1  # the old version's entry is gone


def _post(client, query=COUNT, **headers):
    return client.post("/sparql", data=query, content_type="application/sparql-query",
                       headers={"Accept": "application/sparql-results+json", **headers})


def test_second_identical_post_is_a_cache_hit_with_the_get_etag(app, client):
    first = _post(client)
    assert first.status_code == 200 and first.headers["X-NCKG-Cache"] == "miss" and _hits(app) == 0
    second = _post(client, query=COUNT.replace(" WHERE ", "\n WHERE  # all quads\n"))
    assert second.headers["X-NCKG-Cache"] == "hit" and _hits(app) == 1 and second.data == first.data
    assert second.headers["ETag"] == first.headers["ETag"] and first.headers["Cache-Control"] == "public, max-age=60"
    # a form POST and a GET of the same query, dataset and representation are the same entry
    form = client.post("/sparql", data={"query": COUNT}, headers={"Accept": "application/sparql-results+json"})
    get = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": "application/sparql-results+json"})
    assert form.headers["X-NCKG-Cache"] == get.headers["X-NCKG-Cache"] == "hit" and _hits(app) == 3
    assert form.headers["ETag"] == get.headers["ETag"] == first.headers["ETag"]
    not_modified = _post(client, **{"If-None-Match": first.headers["ETag"]})
    assert not_modified.status_code == 304 and not_modified.data == b""


def test_post_cache_misses_on_another_dataset_format_or_store_version(fixture_app):
    app, target = fixture_app
    client = app.test_client()
    first = _post(client)
    tags = {first.headers["ETag"]}
    other_graph = client.post("/sparql?default-graph-uri=https://w3id.org/nckg/graph/ontology", data=COUNT,
                              content_type="application/sparql-query",
                              headers={"Accept": "application/sparql-results+json"})
    form_graph = client.post("/sparql", data={"query": COUNT, "named-graph-uri": "https://w3id.org/nckg/graph/x"},
                             headers={"Accept": "application/sparql-results+json"})
    csv = _post(client, Accept="text/csv")
    for response in (other_graph, form_graph, csv):
        assert response.status_code == 200 and response.headers["X-NCKG-Cache"] == "miss"
        tags.add(response.headers["ETag"])
    assert len(tags) == 4 and _hits(app) == 0 and other_graph.data != first.data and csv.data != first.data
    quads = list(parse(path=str(FIXTURES / "mini.trig"), format=RdfFormat.TRIG))
    quads.append(Quad(NamedNode("https://w3id.org/nckg/resource/y"), NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                      Literal("a rebuild"), NamedNode("https://w3id.org/nckg/graph/ontology")))
    swap_in(target, quads)
    after = _post(client, **{"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200 and after.headers["X-NCKG-Cache"] == "miss" and after.data != first.data
    assert _hits(app) == 0


def test_updates_sent_by_post_are_never_cached(app, client):
    for _ in range(2):
        refused = client.post("/sparql", data={"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"})
        assert refused.status_code == 403 and "ETag" not in refused.headers
    assert _hits(app) == 0 and len(app.extensions["nckg_cache"]) == 0


def test_volatile_queries_and_errors_are_not_cached(app, client):
    for query in ("SELECT (RAND() AS ?r) WHERE {}", "SELECT (NOW() AS ?t) WHERE {}"):
        for _ in range(2):
            response = client.get("/sparql", query_string={"query": query, "format": "json"})
            assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
            assert "ETag" not in response.headers
    for _ in range(2):
        bad = client.get("/sparql", query_string={"query": "SELECT * WHERE {"})
        assert bad.status_code == 400 and "ETag" not in bad.headers
    assert _hits(app) == 0


def test_cache_size_zero_disables(store_path):
    app = create_app({"TESTING": True, "STORE_PATH": str(store_path), "CACHE_SIZE": 0})
    client = app.test_client()
    response = client.get("/sparql", query_string={"query": COUNT, "format": "json"})
    assert response.status_code == 200
    assert "ETag" not in response.headers and "X-NCKG-Cache" not in response.headers
    assert "nckg_cache" not in app.extensions


def test_normalise_query_keeps_strings_and_iris():
    text = 'SELECT  ?x # note\nWHERE {\n ?x <http://e/#a> "two  spaces # not a comment" }'
    assert normalise_query(text) == 'SELECT ?x WHERE { ?x <http://e/#a> "two  spaces # not a comment" }'
    assert normalise_query('ASK { "a" }') != normalise_query('ASK { "a " }')
    assert not cacheable("SELECT (UUID() AS ?u) {}") and not cacheable("SELECT * { SERVICE <http://x/> {} }")
    assert cacheable('SELECT * { ?s ?p "RAND()" } # NOW()')


def test_lru_evicts_and_counts():
    cache = ResultCache(maxsize=2)
    keys = [make_key("sparql", f"ASK {{ <http://e/{i}> ?p ?o }}", version="v1") for i in range(3)]
    for key in keys:
        cache.put(key, Entry(200, b"x", ()))
    assert cache.get(keys[0]) is None and cache.get(keys[2]) is not None
    assert cache.stats()["evictions"] == 1 and cache.hits == 1 and cache.misses == 1
    assert etag_for(keys[1]) != etag_for(make_key("sparql", "ASK { <http://e/1> ?p ?o }", version="v2"))
    cache.observe("v1")
    cache.observe("v2")
    assert len(cache) == 0
    assert not ResultCache(maxsize=0).put(keys[0], Entry(200, b"x", ()))
