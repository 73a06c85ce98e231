"""`/ontology`: documentation for browsers, the ontology itself for machines."""

import rdflib
from rdflib import OWL, RDF, URIRef

NCKG = "https://w3id.org/nckg/ontology#"


def test_browsers_get_the_documentation(client):
    response = client.get("/ontology", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "CopperNanocluster" in html or "copper nanocluster" in html.lower()
    assert "FaradaicEfficiency" in html or "Faradaic efficiency" in html


def test_machines_get_the_ontology_in_the_format_they_ask(client):
    for accept, fmt in (("text/turtle", "turtle"), ("application/rdf+xml", "xml"), ("application/ld+json", "json-ld")):
        response = client.get("/ontology", headers={"Accept": accept})
        assert response.status_code == 200 and response.mimetype == accept
        graph = rdflib.Graph().parse(data=response.data, format=fmt)
        assert (URIRef(NCKG + "CopperNanocluster"), RDF.type, OWL.Class) in graph
        assert response.headers["Vary"] == "Accept"


def test_format_parameter_overrides_and_unknown_format_is_400(client):
    response = client.get("/ontology?format=ttl", headers={"Accept": "text/html"})
    assert response.mimetype == "text/turtle"
    bad = client.get("/ontology?format=docx")
    assert bad.status_code == 400 and "unknown ontology format" in bad.get_data(as_text=True)
