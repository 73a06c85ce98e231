"""Linked data that works where it is served: page links to this server, PUBLIC_BASE for the public resolver,
compacted JSON-LD (also for Accept: application/json), a cluster's bounded description with its measurements,
readable Turtle; the ontology documentation's example queries."""

from __future__ import annotations

import json
import re

import pytest
from pyoxigraph import NamedNode, RdfFormat, parse

from nckg.model import ontology_docs
from nckg.namespaces import NCKG, NCKR, QUDT
from realgraph import CU26_ID
from server import create_app

HTML = "text/html"
CU26 = NCKR + CU26_ID
FE_MEASUREMENT = NCKR + "measurement/cu26-4plus-faradaicefficiency-3f53e2d5"


def test_page_links_lead_to_this_server(client):
    html = client.get(f"/resource/{CU26_ID}", headers={"Accept": HTML}).get_data(as_text=True)
    body = html.split("<body", 1)[1]
    assert not re.findall(r'<a [^>]*href="https://w3id\.org/nckg/', body)  # no link to the public resolver
    assert 'href="/resource/chemical/ammonia"' in body or 'href="/resource/measurement/' in body
    assert re.search(r'href="/ontology#[^"]+"', body)  # ontology terms: their entry in the documentation
    assert CU26 in html  # the w3id IRI stays the identifier, shown on the page


def test_public_base_links_the_public_resolver(store_path):
    app = create_app({"TESTING": True, "STORE_PATH": str(store_path), "PUBLIC_BASE": "https://w3id.org/nckg/"})
    html = app.test_client().get(f"/resource/{CU26_ID}", headers={"Accept": HTML}).get_data(as_text=True)
    body = html.split("<body", 1)[1]
    assert re.findall(r'href="https://w3id\.org/nckg/resource/', body)
    assert not re.findall(r'href="/resource/', body)


def test_ontology_term_anchors_exist_on_the_documentation_page():
    page = ontology_docs.render_html()
    for local in ("Ligand", "CopperNanocluster", "hasLigand", "FaradaicEfficiency"):
        anchor = ontology_docs.term_anchor(NCKG + local)
        assert anchor and f'id="{anchor}"' in page
    assert ontology_docs.term_anchor(NCKG + "NoSuchTerm") is None


@pytest.mark.parametrize("accept", ["application/ld+json", "application/json"])
def test_json_ld_is_compacted_with_a_context(client, accept):
    response = client.get(f"/resource/{CU26_ID}", headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    document = json.loads(response.data)
    assert document["@context"]["nckg"] == NCKG and document["@context"]["rdfs"]
    nodes = document.get("@graph", [document])
    cluster = next(n for n in nodes if n["@id"] in ("cluster:cu26-4plus", CU26))
    assert "nckg:CopperNanocluster" in cluster["@type"]
    # the compacted document is the same graph as the Turtle one
    turtle = client.get(f"/resource/{CU26_ID}", headers={"Accept": "text/turtle"}).data
    assert set(parse(response.data, format=RdfFormat.JSON_LD)) == set(parse(turtle, format=RdfFormat.TURTLE))


def test_a_clusters_document_holds_its_measurements_conditions_and_units(client):
    turtle = client.get(f"/resource/{CU26_ID}", headers={"Accept": "text/turtle"}).data
    triples = set(parse(turtle, format=RdfFormat.TURTLE))
    about = {(t.predicate.value, t.object.value) for t in triples if t.subject == NamedNode(FE_MEASUREMENT)}
    assert (NCKG + "value", "85.1") in about and (NCKG + "potentialVsRHE", "-0.85") in about
    assert (NCKG + "electrolyte", "0.1 M KNO3 in 0.5 M K2SO4") in about
    assert (QUDT + "unit", "http://qudt.org/vocab/unit/PERCENT") in about
    assert any(t.subject == NamedNode("http://qudt.org/vocab/unit/PERCENT") and t.predicate.value == QUDT + "symbol"
               for t in triples)  # the unit is named
    evidence = {t.object for t in triples if t.subject == NamedNode(FE_MEASUREMENT)
                and t.predicate == NamedNode(NCKG + "hasEvidence")}
    assert evidence and all(any(t.subject == e and t.predicate.value == NCKG + "quote" for t in triples)
                            for e in evidence)


def test_turtle_is_readable(client):
    text = client.get(f"/resource/{CU26_ID}", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert "@prefix cluster: <https://w3id.org/nckg/resource/cluster/> ." in text
    assert "cluster:cu26-4plus a " in text  # short names, not an escaped nckr:cluster\/cu26-4plus
    assert "measurement:cu26-4plus-faradaicefficiency-3f53e2d5 a nckg:Measurement ;" in text
    assert "nckr:cluster\\/" not in text
    subjects = [line.split(" ", 1)[0] for line in text.splitlines() if line and not line[0].isspace()
                and not line.startswith("@prefix")]
    assert len(subjects) == len(set(subjects))  # each subject's statements together


def test_ontology_documentation_has_an_example_query_per_main_class(client):
    examples = ontology_docs.class_examples()
    assert {"CopperNanocluster", "Ligand", "Measurement", "SynthesisProcedure", "Publication"} <= set(examples)
    html = client.get("/ontology", headers={"Accept": HTML}).get_data(as_text=True)
    assert 'id="examples"' in html
    for local in examples:
        assert f'id="example-{local.lower()}"' in html


@pytest.mark.parametrize("local", sorted(ontology_docs.class_examples()))
def test_each_ontology_example_query_answers(store, local):
    _, query = ontology_docs.class_examples()[local]
    assert len(list(store.query(query))) > 0
