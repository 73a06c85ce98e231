"""Property-based fuzzing of the HTTP API (hypothesis): whatever arrives, the answer is never a 5xx.

Random and mutated SPARQL (GET, POST form, POST direct), random bytes with random content types, random headers,
random paths and catalogue parameters - against the production app configuration (worker pool, limits). Each test
runs FUZZ_EXAMPLES examples (default 300; `NCKG_FUZZ_EXAMPLES` overrides). The counts and the status histogram go
to stdout at the end of the module and, when `NCKG_FUZZ_REPORT=<file.json>` is set, to that file
(bench/fuzz.sh writes bench/results/fuzz-hypothesis.json).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server import create_app

FUZZ_EXAMPLES = int(os.environ.get("NCKG_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=os.environ.get("CI") is not None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.filter_too_much, HealthCheck.data_too_large])
QUERIES = Path(__file__).resolve().parents[2] / "queries"
COUNTS: dict[str, Counter] = defaultdict(Counter)

SEEDS = [
    "PREFIX nckg: <https://w3id.org/nckg/ontology#>\nSELECT ?c ?f WHERE { ?c nckg:formulaAsWritten ?f ; "
    "nckg:copperAtomCount 32 } ORDER BY ?f LIMIT 10",
    "SELECT ?s (COUNT(?o) AS ?n) WHERE { GRAPH ?g { ?s a ?o } } GROUP BY ?s HAVING (COUNT(?o) > 0)",
    "ASK { ?s ?p \"μ₃-H\"@en FILTER(STRLEN(STR(?s)) > 3 && REGEX(STR(?p), '^http', 'i')) }",
    "CONSTRUCT { ?s <urn:p> ?o } WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o } LIMIT 5",
    "DESCRIBE <https://w3id.org/nckg/resource/cluster/cu32h8-cl_2-pet_24-2minus>",
    "SELECT * WHERE { VALUES (?x ?y) { (1 'a') (UNDEF <urn:b>) } OPTIONAL { ?x ?p ?y } MINUS { ?y ?q ?x } }",
    "SELECT ?x WHERE { BIND(<<( <urn:a> <urn:b> 'c'@en--ltr )>> AS ?x) FILTER(isTRIPLE(?x)) }",
    "PREFIX ex: <http://example.org/> SELECT ?o WHERE { ex:a (ex:p|^ex:q)+/ex:r* ?o } OFFSET 2",
]
SEEDS += [p.read_text(encoding="utf-8") for p in sorted(QUERIES.glob("*.rq"))[:12]]
TOKENS = ["{", "}", "(", ")", "[", "]", ".", ";", ",", "?x", "$y", "_:b", "SELECT", "WHERE", "FILTER", "OPTIONAL",
          "UNION", "GRAPH", "SERVICE", "SERVICE <http://127.0.0.1:1/>", "SILENT", "FROM", "LOAD", "INSERT", "DELETE",
          "'''", '"""', "'", '"', "\\", "\\u0041", "#", "\n", "<", ">", "<urn:x>", "<file:///etc/passwd>", "^^",
          "@en", "LIMIT 3", "ORDER BY", "GROUP BY", "COUNT(*)", "BIND(1 AS ?z)", "VALUES ?v { 1 }", "MINUS",
          "NOT EXISTS", "^", "/", "*", "+", "|", "!", "&&", "||", "a", "1e999", "-0.0", "\x00", "\ufffd", "𝔘"]
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=400)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from conftest import build_test_store

    app = create_app({"TESTING": True, "PROPAGATE_EXCEPTIONS": False,
                      "STORE_PATH": str(build_test_store(tmp_path_factory.mktemp("fuzz-store")))})
    yield app.test_client()
    print("\nfuzz counts:", json.dumps({k: dict(v) for k, v in COUNTS.items()}, sort_keys=True))
    report = os.environ.get("NCKG_FUZZ_REPORT")
    if report:
        Path(report).parent.mkdir(parents=True, exist_ok=True)
        summary = {name: {"requests": sum(c for s, c in counts.items() if s.isdigit()),
                          "examples": counts["examples"],
                          "status": {s: c for s, c in sorted(counts.items()) if s.isdigit()},
                          "5xx": sum(c for s, c in counts.items() if s.isdigit() and s.startswith("5"))}
                   for name, counts in sorted(COUNTS.items())}
        Path(report).write_text(json.dumps({"max_examples": FUZZ_EXAMPLES, "tests": summary}, indent=2) + "\n")


def check(name: str, response, what, method: str = "GET") -> None:
    COUNTS[name][str(response.status_code)] += 1
    assert response.status_code < 500, (what, response.status_code, response.get_data(as_text=True)[:300])
    if response.status_code >= 400 and method != "HEAD":
        assert response.get_data(), what  # every refusal says why


@st.composite
def mutated(draw):
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 8))):
        if not text:
            break
        at = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "replace", "swap"]))
        if op == "insert":
            text = text[:at] + draw(st.sampled_from(TOKENS) | TEXT.map(lambda t: t[:8])) + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 12)):]
        elif op == "replace" and at < len(text):
            text = text[:at] + draw(st.characters(codec="utf-8", exclude_categories=["Cs"])) + text[at + 1:]
        elif op == "swap":
            other = draw(st.integers(0, len(text)))
            a, b = sorted((at, other))
            text = text[:a] + text[b:] + text[a:b]
    return text


def send_query(client, name: str, query: str, how: str):
    if how == "get":
        response = client.get("/sparql", query_string={"query": query})
    elif how == "form":
        response = client.post("/sparql", data={"query": query})
    else:
        response = client.post("/sparql", data=query.encode("utf-8"), content_type="application/sparql-query")
    check(name, response, query)


@FUZZ
@given(query=TEXT, how=st.sampled_from(["get", "form", "direct"]))
def test_random_text_as_query_never_5xx(client, query, how):
    COUNTS["random_text"]["examples"] += 1
    send_query(client, "random_text", query, how)


@FUZZ
@given(query=mutated(), how=st.sampled_from(["get", "form", "direct"]))
def test_mutated_sparql_never_5xx(client, query, how):
    COUNTS["mutated_sparql"]["examples"] += 1
    send_query(client, "mutated_sparql", query, how)


CONTENT_TYPES = ["application/sparql-query", "application/x-www-form-urlencoded", "application/sparql-update",
                 "application/sparql-query; charset=latin-1", "application/sparql-query; charset=utf-8",
                 "multipart/form-data; boundary=x", "multipart/form-data", "text/plain", "application/json", "", ";",
                 "application/x-www-form-urlencoded; charset=utf-16", "*/*", "application/sparql-query;;;=="]


@FUZZ
@given(body=st.binary(max_size=3000) | mutated().map(lambda q: q.encode("utf-8", "surrogatepass")),
       content_type=st.sampled_from(CONTENT_TYPES) | st.text(st.characters(min_codepoint=32, max_codepoint=126),
                                                             max_size=60),
       accept=st.sampled_from(["*/*", "application/sparql-results+json", "text/turtle", "text/csv", "image/png", ""]))
def test_random_bodies_and_content_types_never_5xx(client, body, content_type, accept):
    COUNTS["random_bodies"]["examples"] += 1
    response = client.post("/sparql", data=body, headers={"Content-Type": content_type, "Accept": accept})
    check("random_bodies", response, (body[:80], content_type))


HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=120)
MEDIA = st.sampled_from(["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                         "text/tab-separated-values", "text/turtle", "application/ld+json", "text/html", "*/*",
                         "text/*", "application/*", "image/png", "application/json;q=0.5", "text/turtle;q=0",
                         "application/n-triples;q=abc", "*/*;q=1.5", ",,,", ";"])
PATHS = ["/sparql", "/", "/editor", "/clusters", "/plots", "/download", "/queries", "/void", "/.well-known/void",
         "/dcat", "/catalog", "/.well-known/sparql-examples", "/openapi.yaml", "/resource"]


@FUZZ
@given(path=st.sampled_from(PATHS), accept=st.lists(MEDIA, max_size=4).map(", ".join) | HEADER_TEXT,
       headers=st.dictionaries(st.sampled_from(["X-Request-ID", "Accept-Charset", "Accept-Language", "Origin",
                                                "X-Forwarded-For", "Content-Type", "Cookie", "If-None-Match",
                                                "Range", "Referer", "Access-Control-Request-Headers"]),
                               HEADER_TEXT, max_size=5),
       fmt=st.none() | st.sampled_from(["json", "xml", "csv", "tsv", "turtle", "html", "jsonld", "pdf", ""]) | TEXT,
       query=st.none() | st.sampled_from(SEEDS[:4]) | TEXT, method=st.sampled_from(["GET", "HEAD", "OPTIONS"]))
def test_random_headers_and_formats_never_5xx(client, path, accept, headers, fmt, query, method):
    COUNTS["random_headers"]["examples"] += 1
    params = {k: v for k, v in (("format", fmt), ("query", query)) if v is not None}
    response = client.open(path, method=method, query_string=params, headers={"Accept": accept, **headers})
    check("random_headers", response, (method, path, accept, headers, params), method)


SEGMENT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=30)


def catalogue_ids() -> list[str]:
    ids = []
    for path in sorted(QUERIES.glob("*.rq")):
        if path.read_text(encoding="utf-8").startswith("#+"):
            ids.append(path.stem)
    return ids or ["none"]


@FUZZ
@given(kind=st.sampled_from(["resource", "plots", "download", "queries", "queries-results", "static", "editor"]),
       segments=st.lists(SEGMENT | st.sampled_from(["..", ".", "%2e%2e", "%2F", "cluster", "etc", "passwd",
                                                     "%00", "~root", "\\..\\"]), min_size=1, max_size=5),
       query_id=st.sampled_from(catalogue_ids()),
       params=st.dictionaries(st.sampled_from(["cluster", "ligand", "family", "metric", "reaction", "atom", "min",
                                               "max", "doi", "limit", "format", "x", "query", "example", "run"]),
                              st.sampled_from(['"} ; DROP ALL #', "<urn:x> } UNION { ?s ?p ?o", "1e999", "-1",
                                               "NaN", "cu32h8-cl_2-pet_24-2minus", "ThiolateLigand", "S",
                                               "10.1021/jacs.0c06577", "https://doi.org/10.1/x>", "\x00", "\ufffd",
                                               "' OR '1'='1"]) | TEXT,
                              max_size=4))
def test_random_paths_and_catalogue_parameters_never_5xx(client, kind, segments, query_id, params):
    COUNTS["random_paths"]["examples"] += 1
    tail = "/".join(quote(segment, safe="%.~") for segment in segments)  # raw "..", "%2e%2e" stay as they are
    path = {"resource": f"/resource/{tail}", "plots": f"/plots/{tail}", "download": f"/download/{tail}",
            "queries": f"/queries/{tail}", "queries-results": f"/queries/{query_id}/results",
            "static": f"/static/{tail}", "editor": "/editor"}[kind]
    response = client.get(path, query_string=params)
    check("random_paths", response, (path, params))
    if response.status_code == 200 and kind in ("static", "download", "resource"):
        assert not re.search(rb"root:[x*]?:0:0:", response.data)  # never /etc/passwd
