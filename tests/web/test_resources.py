"""Linked data at /resource/<id>: content negotiation (HTML, Turtle, JSON-LD, N-Triples, RDF/XML), the HTML page
(labels, asserted and inferred types, properties, provenance quotes with DOI links, incoming links, external
identifiers, embedded schema.org JSON-LD), the cluster page, and 404s for unknown resources."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from conftest import build_test_store
from nckg.store.graph import write_store
from realgraph import CU26_ID, CU32, CU32_ID, real_store_path
from server import create_app

NCKG = "https://w3id.org/nckg/ontology#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FORMULA = NamedNode(NCKG + "formulaAsWritten")
QUOTE = NamedNode(NCKG + "quote")
MINI_FORMULA = "[Cu32(PET)24H8Cl2](PPh4)2"  # tests/fixtures/mini.trig
MINI_QUOTE = "The reduction of CuPET(TMEDA)Cl by sodium borohydride can yield Cu_{32} nanoclusters"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    """`client` serves the small fixture store (exact, known triples); `real_client` below serves the real graph."""
    return build_test_store(tmp_path_factory.mktemp("resources-store"))


def triples_of(response, fmt: RdfFormat) -> set[tuple]:
    return {(t.subject, t.predicate, t.object) for t in parse(response.data, format=fmt)}


class ScriptsAndLinks(HTMLParser):
    """Collects <script type=application/ld+json> bodies, <a href>s, <title> and <h1> text."""

    def __init__(self):
        super().__init__()
        self.jsonld, self.hrefs, self.title, self.h1 = [], [], "", []
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._in = "jsonld"
            self.jsonld.append("")
        elif tag in ("title", "h1"):
            self._in = tag
            if tag == "h1":
                self.h1.append("")
        if tag == "a" and "href" in attrs:
            self.hrefs.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag in ("script", "title", "h1"):
            self._in = None

    def handle_data(self, data):
        if self._in == "jsonld":
            self.jsonld[-1] += data
        elif self._in == "title":
            self.title += data
        elif self._in == "h1":
            self.h1[-1] += data


def parsed(response) -> ScriptsAndLinks:
    page = ScriptsAndLinks()
    page.feed(response.get_data(as_text=True))
    return page


# --- content negotiation on the small fixture graph ---------------------------------------------------------------

def test_browsers_get_the_html_page(client):
    response = client.get(f"/resource/{CU32_ID}", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "Accept" in response.headers["Vary"]
    html = response.get_data(as_text=True)
    page = parsed(response)
    assert page.title.startswith("Cu32")
    assert [h.strip() for h in page.h1] == ["Cu32"]
    assert f"<code>{CU32}</code>" in html
    assert "copper nanocluster" in html  # the type's label from the ontology graph
    assert "/resource/ligand/pet" in page.hrefs and "/resource/ligand/cl" in page.hrefs
    assert MINI_QUOTE in html
    assert "https://doi.org/10.1021/jacs.0c06577" in page.hrefs  # primary source
    assert "https://doi.org/10.1007/s40820-024-01555-6" in page.hrefs  # the review it is quoted from


def test_turtle_by_accept_header(client):
    response = client.get(f"/resource/{CU32_ID}", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    triples = triples_of(response, RdfFormat.TURTLE)
    assert (NamedNode(CU32), FORMULA, Literal(MINI_FORMULA)) in triples
    # the description carries its evidence nodes and the statements pointing at it
    evidence = NamedNode("https://w3id.org/nckg/resource/evidence/2f1a0c9e4b7d")
    assert (evidence, QUOTE, Literal(MINI_QUOTE)) in triples


@pytest.mark.parametrize("accept,fmt", [
    ("application/ld+json", RdfFormat.JSON_LD),
    ("application/n-triples", RdfFormat.N_TRIPLES),
    ("application/rdf+xml", RdfFormat.RDF_XML),
])
def test_other_rdf_formats(client, accept, fmt):
    response = client.get(f"/resource/{CU32_ID}", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == accept
    assert (NamedNode(CU32), FORMULA, Literal(MINI_FORMULA)) in triples_of(response, fmt)


@pytest.mark.parametrize("name,mime", [("ttl", "text/turtle"), ("jsonld", "application/ld+json"),
                                       ("nt", "application/n-triples"), ("html", "text/html")])
def test_format_parameter_overrides_accept(client, name, mime):
    response = client.get(f"/resource/{CU32_ID}?format={name}", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.mimetype == mime


def test_link_header_lists_alternates_and_canonical_iri(client):
    link = client.get(f"/resource/{CU32_ID}", headers={"Accept": BROWSER}).headers["Link"]
    assert 'rel="alternate"; type="text/turtle"' in link
    assert 'type="application/ld+json"' in link
    assert f'<{CU32}>; rel="canonical"' in link


def test_unacceptable_media_type_is_406(client):
    assert client.get(f"/resource/{CU32_ID}", headers={"Accept": "image/png"}).status_code == 406


def test_unknown_resource_is_a_404_page(client):
    response = client.get("/resource/cluster/cu999-nothing", headers={"Accept": BROWSER})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "<title>Not found" in html
    assert "https://w3id.org/nckg/resource/cluster/cu999-nothing" in html
    assert 'href="/clusters"' in html


def test_unknown_resource_as_rdf_is_a_plain_404(client):
    response = client.get("/resource/cluster/cu999-nothing", headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert response.mimetype == "text/plain"
    assert "cu999-nothing" in response.get_data(as_text=True)


def test_schema_org_json_ld_is_embedded(client):
    page = parsed(client.get(f"/resource/{CU32_ID}", headers={"Accept": BROWSER}))
    assert len(page.jsonld) == 1
    doc = json.loads(page.jsonld[0])
    assert doc["@context"] == "https://schema.org"
    assert doc["@type"] == "ChemicalSubstance"
    assert doc["@id"] == CU32 and doc["name"] == "Cu32"
    assert doc["chemicalComposition"] == MINI_FORMULA
    assert {"@type": "ScholarlyArticle", "@id": "https://doi.org/10.1021/jacs.0c06577",
            "url": "https://doi.org/10.1021/jacs.0c06577", "identifier": "doi:10.1021/jacs.0c06577"} in doc["citation"]


def test_incoming_links_on_a_ligand_page(client):
    response = client.get("/resource/ligand/pet", headers={"Accept": BROWSER})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Linked from" in html
    assert f'href="/resource/{CU32_ID}"' in html
    assert "phenylethyl thiolate" in html and "(PET)" in html  # label and abbreviation
    assert "thiolate ligand" in html  # its type's label


def test_evidence_page_shows_the_quote_and_who_cites_it(client):
    response = client.get("/resource/evidence/2f1a0c9e4b7d", headers={"Accept": BROWSER})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert MINI_QUOTE in html
    assert f'href="/resource/{CU32_ID}"' in html
    assert json.loads(parsed(response).jsonld[0])["@type"] == "Quotation"


def test_resource_namespace_redirects_to_the_browser(client):
    response = client.get("/resource/")
    assert response.status_code == 303 and response.headers["Location"].endswith("/clusters")


def test_inferred_types_are_shown_apart(tmp_path):
    """A type stated only in the inferred graph (what the reasoner derives: Cu32 carries the thiolate PET) is
    listed under "Inferred types", not as asserted."""
    quads = list(parse(path="tests/fixtures/mini.trig", format=RdfFormat.TRIG))
    quads.append(Quad(NamedNode(CU32), RDF_TYPE, NamedNode(NCKG + "ThiolateProtectedCluster"),
                      NamedNode("https://w3id.org/nckg/graph/inferred")))
    write_store(tmp_path / "store", quads)
    client = create_app({"TESTING": True, "STORE_PATH": str(tmp_path / "store")}).test_client()
    html = client.get(f"/resource/{CU32_ID}", headers={"Accept": BROWSER}).get_data(as_text=True)
    inferred = html.split("<dt>Inferred types</dt>", 1)[1].split("</dd>", 1)[0]
    assert "Thiolate protected cluster" in inferred  # no label in the fixture ontology: the local name, readable
    asserted = html.split("<dt>Types</dt>", 1)[1].split("</dd>", 1)[0]
    assert "ThiolateProtected" not in asserted and "Thiolate protected" not in asserted


# --- the cluster page on the real graph ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_client():
    return create_app({"TESTING": True, "STORE_PATH": str(real_store_path())}).test_client()


def section(html: str, heading_id: str) -> str:
    """The HTML of the <section> whose heading has id `heading_id`."""
    start = html.index(f'id="{heading_id}"')
    return html[start:html.index("</section>", start)]


def test_cluster_page_has_every_section(real_client):
    response = real_client.get(f"/resource/{CU32_ID}", headers={"Accept": BROWSER})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for heading in ("identity-title", "composition-title", "core-title", "synthesis-title", "sources-title",
                    "properties-title", "provenance-title"):
        assert f'id="{heading}"' in html, heading
    identity = section(html, "identity-title")
    assert "Cu<sub>32</sub>(PET)<sub>24</sub>H<sub>8</sub>Cl<sub>2</sub>" in identity  # formula markup
    assert "0 (derived" in identity  # 32 Cu - 24 PET - 2 Cl - 8 H - (-2) = 0 free electrons
    assert "In 2020, Li et al. reported a copper hydride cluster" in identity  # its quote


def test_cluster_page_composition_and_ligands(real_client):
    html = real_client.get(f"/resource/{CU32_ID}", headers={"Accept": BROWSER}).get_data(as_text=True)
    rows = re.findall(r"<tr>(.*?)</tr>", section(html, "composition-title"), re.DOTALL)
    text = [re.sub(r"<[^>]+>", " ", row) for row in rows]
    assert any("(PET)" in t and " 24 " in t and "thiolate" in t.lower() and "S" in t for t in text), text
    assert any("Cl" in t and " 2 " in t and "halide" in t.lower() for t in text), text
    assert any(re.search(r"\bcopper\b", t) and " 32 " in t for t in text), text  # the element nckg:Cu
    assert any("counter-ion" in t and " 2 " in t for t in text), text


def test_cluster_page_synthesis_and_sources(real_client):
    html = real_client.get(f"/resource/{CU32_ID}", headers={"Accept": BROWSER}).get_data(as_text=True)
    synthesis = section(html, "synthesis-title")
    assert "Precursor reduction" in synthesis or "precursor reduction" in synthesis.lower()
    assert "sodium borohydride" in synthesis
    assert "The reduction of CuPET(TMEDA)Cl by sodium borohydride can yield Cu32 nanoclusters" in synthesis
    sources = section(html, "sources-title")
    assert 'href="https://doi.org/10.1021/jacs.0c06577"' in sources
    assert "ref. 39 of the review" in sources


def test_cluster_page_measurements_comparisons_and_plot_data(real_client):
    html = real_client.get(f"/resource/{CU26_ID}", headers={"Accept": BROWSER}).get_data(as_text=True)
    measurements = section(html, "measurements-title")
    assert "85.1 %" in measurements and "\u22120.85 V vs RHE" in measurements
    assert 'data-plot="fe-potential"' in measurements
    series = json.loads(re.search(r'<script type="application/json" id="fe-data">(.*?)</script>', html,
                                  re.DOTALL).group(1))
    assert {"x": -0.85, "y": 85.1, "qualifier": None} in series[0]["points"]
    assert series[0]["productLabel"] == "ammonia"
    comparisons = section(html, "comparisons-title")
    assert "Cu13" in comparisons and "better" in comparisons
    assert "dimer" in section(html, "relations-title").lower()
