"""Links people can follow: external identifiers link to their human pages, reaction types show their RXNO/MOP
term, /ontology is served from the build's rendering inside the site's layout."""

from __future__ import annotations

import pytest

from nckg.model import ontology_page
from nckg.model.linked_data import human_page


@pytest.mark.parametrize("iri, page", [
    ("http://rdf.ncbi.nlm.nih.gov/pubchem/compound/CID887", "https://pubchem.ncbi.nlm.nih.gov/compound/887"),
    ("http://purl.obolibrary.org/obo/CHEBI_17790", "https://www.ebi.ac.uk/chebi/searchId.do?chebiId=CHEBI:17790"),
    ("http://www.wikidata.org/entity/Q14982", "https://www.wikidata.org/wiki/Q14982"),
    ("http://purl.obolibrary.org/obo/RXNO_0000137", "http://purl.obolibrary.org/obo/RXNO_0000137"),
    ("https://doi.org/10.1021/jacs.0c06577", "https://doi.org/10.1021/jacs.0c06577")])
def test_human_pages(iri, page):
    assert human_page(iri) == page


def test_a_chemical_page_links_pubchem_and_chebi_pages(client):
    page = client.get("/resource/chemical/methanol").get_data(as_text=True)
    assert 'href="https://pubchem.ncbi.nlm.nih.gov/compound/887"' in page
    assert 'href="https://www.ebi.ac.uk/chebi/searchId.do?chebiId=CHEBI:17790"' in page
    assert 'href="http://rdf.ncbi.nlm.nih.gov/pubchem/compound/CID887" class="rdf-link"' in page  # the RDF a click on


def test_reaction_types_show_their_external_term(client):
    page = client.get("/ontology", headers={"Accept": "text/html"}).get_data(as_text=True)
    row = page.split('id="vocab-ElectrochemicalCO2Reduction"', 1)[1].split("</tr>", 1)[0]
    assert 'broader: <a href="http://purl.obolibrary.org/obo/MOP_0000569"' in row


def test_the_ontology_page_is_rendered_once_and_served_with_the_site_navigation(client, store_path, monkeypatch):
    client.get("/ontology", headers={"Accept": "text/html"})
    cached = ontology_page.cache_path(store_path.parent)
    assert cached.is_file()  # written by `nckg build` (here: by the first request, the test build has no CLI)
    ontology_page._read.cache_clear()  # noqa: SLF001 - read from the file again, not from memory
    monkeypatch.setattr("nckg.model.ontology_docs.render_html", lambda: pytest.fail("rendered again"))
    page = client.get("/ontology", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<nav aria-label="Main">' in page and '<div id="ontology-doc">' in page
    assert "#ontology-doc h1" in page and "\nh1 {" not in page  # pyLODE's styles scoped to the documentation


def test_scope_css():
    assert ontology_page.scope_css("body, h1 { color: red }") == "#ontology-doc, #ontology-doc h1 { color: red }"
