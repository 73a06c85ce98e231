"""Web front end over HTTP (Flask test client, real graph): landing page, query editor, cluster browser, plots with
their CSV/JSON data, dumps, VoID and DCAT, the 404 page, vendored assets (no CDN) and accessibility basics."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from nckg.model import clusters as cluster_model
from nckg.model import dataset as dataset_model
from nckg.model import plots
from nckg.model import terms
from nckg.store.graph import GraphStore
from realgraph import CU32, CU32_ID, real_store_path
from server import create_app

ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / "server"
VENDOR = SERVER / "static" / "vendor"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
NCKG = "https://w3id.org/nckg/ontology#"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
HTML_PAGES = ["/", "/editor", "/clusters", "/plots", "/plots/fe-potential", "/plots/comparisons",
              "/plots/band-edges", "/plots/half-reactions", "/download", "/void", "/catalog",
              f"/resource/{CU32_ID}", "/resource/ligand/pet", "/resource/chemical/nabh4"]


@pytest.fixture(scope="module")
def store() -> GraphStore:
    return GraphStore.open(real_store_path())


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True, "STORE_PATH": str(real_store_path())}).test_client()


def get(client, url, accept=BROWSER):
    response = client.get(url, headers={"Accept": accept})
    assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:500])
    return response


class Page(HTMLParser):
    """What the accessibility and asset checks look at: title, headings, landmarks, links, controls, assets."""

    def __init__(self):
        super().__init__()
        self.lang = None
        self.title = ""
        self.h1 = 0
        self.ids, self.label_for, self.controls, self.assets, self.anchors = set(), set(), [], [], []
        self.landmarks, self.images = [], []
        self._stack = []
        self._label_depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "h1":
            self.h1 += 1
        if tag in ("main", "nav", "header", "footer"):
            self.landmarks.append((tag, a))
        if tag == "label":
            self._label_depth += 1
            if "for" in a:
                self.label_for.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append((a, self._label_depth > 0))
        if tag == "script" and "src" in a:
            self.assets.append(a["src"])
        if tag == "link" and a.get("rel") in ("stylesheet", "icon"):
            self.assets.append(a["href"])
        if tag == "a":
            self.anchors.append(a)
        if tag == "img":
            self.images.append(a)
        self._stack.append(tag)

    def handle_endtag(self, tag):
        if tag == "label":
            self._label_depth -= 1
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()

    def handle_data(self, data):
        if self._stack and self._stack[-1] == "title":
            self.title += data


def page(client, url) -> Page:
    parser = Page()
    parser.feed(get(client, url).get_data(as_text=True))
    return parser


# --- landing page -------------------------------------------------------------------------------------------------

def test_landing_page_shows_live_counts(client, store):
    html = get(client, "/").get_data(as_text=True)
    counts = dataset_model.counts(store)
    assert counts["clusters"] == len(cluster_model.cluster_table(store)) > 0
    for kind in ("clusters", "ligands", "measurements", "comparisons", "half-reactions", "quotes", "triples"):
        shown = re.search(rf'data-kind="{kind}"><dt>[^<]*</dt><dd>([\d,]+)</dd>', html)
        assert shown, kind
        assert int(shown.group(1).replace(",", "")) == counts[kind]
    assert counts["half-reactions"] == 12  # the rows of Table 2


def test_landing_page_describes_the_dataset_in_schema_org(client):
    html = get(client, "/").get_data(as_text=True)
    doc = json.loads(re.search(r'<script type="application/ld\+json" id="schema-org">(.*?)</script>', html,
                               re.DOTALL).group(1))
    assert doc["@type"] == "Dataset" and doc["@id"] == terms.DATASET_IRI
    assert doc["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert {d["contentUrl"] for d in doc["distribution"]} == {
        f"http://localhost/download/{name}" for name in ("nckg.nq", "nckg.trig", "nckg.ttl")}


def test_landing_page_links_and_catalogue_examples(client):
    html = get(client, "/").get_data(as_text=True)
    for href in ('href="/editor"', 'href="/clusters"', 'href="/plots"', 'href="/download"', 'href="/void"',
                 'href="/catalog"', 'href="/download/nckg.nq"'):
        assert href in html, href
    from nckg.model.catalogue import load_catalogue
    catalogue = load_catalogue()
    assert catalogue, "the catalogue has questions"
    first = next(iter(catalogue.values()))
    assert first.title in html
    assert "/editor?query=" in html  # each example opens in the editor
    assert not any(qid.startswith(("page-", "plot-")) for qid in catalogue)  # page queries stay internal


# --- query editor -------------------------------------------------------------------------------------------------

def editor_config(client, url) -> dict:
    html = get(client, url).get_data(as_text=True)
    return json.loads(re.search(r'<script type="application/json" id="editor-config">(.*?)</script>', html,
                                re.DOTALL).group(1))


def test_editor_uses_the_local_endpoint_and_vendored_yasgui(client):
    html = get(client, "/editor").get_data(as_text=True)
    assert '<script src="/static/vendor/yasgui/yasgui.min.js"' in html
    assert '<link rel="stylesheet" href="/static/vendor/yasgui/yasgui.min.css">' in html
    config = editor_config(client, "/editor")
    assert config["endpoint"] == "http://localhost/sparql"
    assert "nckg:CopperNanocluster" in config["query"]
    assert config["prefixes"]["nckg"] == NCKG and config["run"] is False


def test_shared_link_opens_the_query(client):
    query = "SELECT ?e0 WHERE { ?h <https://w3id.org/nckg/ontology#standardPotentialVsRHE> ?e0 }"
    from urllib.parse import quote
    config = editor_config(client, f"/editor?query={quote(query)}&run=1")
    assert config["query"] == query and config["run"] is True


def test_catalogue_example_opens_in_the_editor(client):
    from nckg.model.catalogue import load_catalogue
    example = next(iter(load_catalogue().values()))
    config = editor_config(client, f"/editor?example={example.id}")
    assert config["query"] == example.runnable_text()
    assert {"id": example.id, "title": example.title, "sparql": example.runnable_text()} in config["examples"]
    assert client.get("/editor?example=no-such-question", headers={"Accept": BROWSER}).status_code == 404


# --- cluster browser ----------------------------------------------------------------------------------------------

def test_cluster_table_html(client, store):
    html = get(client, "/clusters").get_data(as_text=True)
    rows = re.findall(r"<tr data-measurements=", html)
    assert len(rows) == dataset_model.counts(store)["clusters"]
    cu32 = html[html.index(f'href="/resource/{CU32_ID}"'):]
    cu32 = cu32[:cu32.index("</tr>")]
    assert 'data-sort="32"' in cu32 and "PET" in cu32 and "2−" in cu32
    assert 'id="cluster-filter"' in html and '<label for="cluster-filter">' in html
    assert 'aria-sort="ascending"' in html


def test_cluster_table_csv_and_json(client):
    response = get(client, "/clusters?format=csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    cu32 = next(r for r in rows if r["iri"] == CU32)
    assert cu32["copper"] == "32" and cu32["hydride"] == "8" and cu32["charge"] == "-2"
    assert cu32["formula"] == "[Cu32(PET)24H8Cl2](PPh4)2"  # as ref. 39's title prints it
    assert cu32["source_doi"] == "10.1021/jacs.0c06577" and cu32["reference"] == "39"
    cu13a = next(r for r in rows if r["label"] == "Cu13a")  # its reaction comes from a comparison (section 3.2)
    assert cu13a["reactions"] == "photocatalytic sulfide oxidation"
    assert "–" not in response.get_data(as_text=True)  # missing is an empty cell
    assert any(r["kernel"] == "" for r in rows)
    data = json.loads(get(client, "/clusters?format=json", accept="application/json").data)
    assert len(data["clusters"]) == len(rows)
    assert {"name": "copper", "kind": "integer"}.items() <= next(c for c in data["columns"] if c["name"] == "copper").items()


# --- plots --------------------------------------------------------------------------------------------------------

def plot_json(client, name) -> dict:
    return json.loads(get(client, f"/plots/{name}?format=json").data)


def test_table2_standard_potentials(client):
    data = plot_json(client, "half-reactions")
    e0 = {row["label"]: row["e0"] for row in data["rows"]}
    assert e0["Carbon monoxide"] == -0.11 and e0["Formic acid"] == -0.12
    assert e0["Methanol"] == 0.03 and e0["Methane"] == 0.17
    assert len(data["rows"]) == 12
    assert [row["e0"] for row in data["rows"]] == sorted(row["e0"] for row in data["rows"])


def test_fe_versus_potential_data(client):
    rows = plot_json(client, "fe-potential")["rows"]
    assert {"clusterLabel": "Cu26·4PF6", "productLabel": "ammonia", "potential": -0.85, "value": 85.1}.items() <= \
        next(r for r in rows if r["clusterLabel"] == "Cu26·4PF6").items()
    assert all(isinstance(r["potential"], float) and 0 <= r["value"] <= 100 for r in rows)


def test_band_edges_data(client):
    rows = {r["clusterLabel"]: r for r in plot_json(client, "band-edges")["rows"]}
    assert (rows["Cu13a"]["cbm"], rows["Cu13a"]["vbm"]) == (-1.2, 0.74)
    assert (rows["Cu13b"]["cbm"], rows["Cu13b"]["vbm"]) == (-1.26, 0.66)


def test_comparison_ratios_data(client):
    rows = plot_json(client, "comparisons")["rows"]
    hydride = next(r for r in rows if r["betterLabel"] == "Cu20H8" and r["worseLabel"] == "Cu20H9")
    assert hydride["ratio"] == 25 and hydride["differenceLabel"] == "one hydride"


@pytest.mark.parametrize("name", list(plots.PLOTS))
def test_plot_page_and_csv(client, name):
    html = get(client, f"/plots/{name}").get_data(as_text=True)
    assert f'data-plot="{name}"' in html
    assert '<script src="/static/vendor/chartjs/chart.umd.min.js"' in html
    assert f'href="/plots/{name}?format=csv"' in html and f'href="/plots/{name}?format=json"' in html
    assert "/editor?query=" in html  # the plot's query opens in the editor
    response = get(client, f"/plots/{name}?format=csv")
    assert response.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert table[0] == plot_json(client, name)["columns"]
    data = plot_json(client, name)
    assert len(table) - 1 == len(data["rows"]) + len(data["left_out"])  # the CSV keeps the left-out records
    assert data["shown"] == len(data["rows"]) > 0


def test_unknown_plot_is_404(client):
    assert client.get("/plots/nothing", headers={"Accept": BROWSER}).status_code == 404


# --- dumps, VoID, DCAT --------------------------------------------------------------------------------------------

def test_dumps(client, store):
    nq = get(client, "/download/nckg.nq").data
    quads = list(parse(nq, format=RdfFormat.N_QUADS))
    assert len(quads) == len(store.store)
    assert any(q.subject == NamedNode(CU32) and q.predicate == NamedNode(NCKG + "formulaAsWritten")
               and q.graph_name == NamedNode("https://w3id.org/nckg/graph/doi/10.1021/jacs.0c06577") for q in quads)
    trig = get(client, "/download/nckg.trig")
    assert trig.mimetype == "application/trig"
    assert len(list(parse(trig.data, format=RdfFormat.TRIG))) == len(quads)
    ttl = get(client, "/download/nckg.ttl")
    assert ttl.mimetype == "text/turtle"
    assert ttl.headers["Content-Disposition"] == 'attachment; filename="nckg.ttl"'
    triples = {(t.subject, t.predicate, t.object) for t in parse(ttl.data, format=RdfFormat.TURTLE)}
    assert len(triples) == len({(q.subject, q.predicate, q.object) for q in quads})
    assert client.get("/download/nckg.zip", headers={"Accept": BROWSER}).status_code == 404


def description(client, url) -> set[tuple]:
    response = get(client, url, accept="text/turtle")
    assert response.mimetype == "text/turtle"
    return {(t.subject, t.predicate, t.object) for t in parse(response.data, format=RdfFormat.TURTLE)}


def objects(triples, subject, predicate):
    return {o for s, p, o in triples if s == subject and p == NamedNode(predicate)}


def test_void_description(client, store):
    triples = description(client, "/.well-known/void")
    dataset = NamedNode(terms.DATASET_IRI)
    assert NamedNode(VOID + "Dataset") in objects(triples, dataset, RDF_TYPE.value)
    assert objects(triples, dataset, VOID + "sparqlEndpoint") == {NamedNode("http://localhost/sparql")}
    assert objects(triples, dataset, VOID + "dataDump") == {
        NamedNode(f"http://localhost/download/{name}") for name in ("nckg.nq", "nckg.trig", "nckg.ttl")}
    assert objects(triples, dataset, VOID + "uriSpace") == {Literal("https://w3id.org/nckg/resource/")}
    clusters = dataset_model.counts(store)["clusters"]
    partitions = objects(triples, dataset, VOID + "classPartition")
    cluster_partition = next(p for p in partitions
                             if objects(triples, p, VOID + "class") == {NamedNode(NCKG + "CopperNanocluster")})
    assert {int(o.value) for o in objects(triples, cluster_partition, VOID + "entities")} == {clusters}
    subsets = objects(triples, dataset, VOID + "subset")
    assert len(subsets) == len(store.graph_counts())
    assert len(triples) == len(description(client, "/void"))  # same description (fresh blank nodes)


def test_dcat_description(client):
    triples = description(client, "/catalog")
    dataset = NamedNode(terms.DATASET_IRI)
    catalog = NamedNode("http://localhost/catalog")
    assert objects(triples, catalog, DCAT + "dataset") == {dataset}
    assert objects(triples, dataset, "http://purl.org/dc/terms/license") == {
        NamedNode("https://creativecommons.org/licenses/by/4.0/")}
    assert objects(triples, dataset, "http://purl.org/dc/terms/source") == {
        NamedNode("https://doi.org/10.1007/s40820-024-01555-6")}
    downloads = {o for d in objects(triples, dataset, DCAT + "distribution")
                 for o in objects(triples, d, DCAT + "downloadURL")}
    assert downloads == {NamedNode(f"http://localhost/download/{n}") for n in ("nckg.nq", "nckg.trig", "nckg.ttl")}
    service = NamedNode("http://localhost/sparql")
    assert objects(triples, service, DCAT + "endpointURL") == {service}
    assert objects(triples, service, DCAT + "servesDataset") == {dataset}


def test_descriptions_for_browsers_and_as_json_ld(client):
    html = get(client, "/void").get_data(as_text=True)
    assert "<h1>VoID description</h1>" in html and "void:sparqlEndpoint" in html
    response = get(client, "/catalog?format=jsonld")
    assert response.mimetype == "application/ld+json"
    assert len(list(parse(response.data, format=RdfFormat.JSON_LD))) > 20


# --- errors -------------------------------------------------------------------------------------------------------

def test_404_page(client):
    response = client.get("/no/such/page", headers={"Accept": BROWSER})
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "<h1>Not found</h1>" in response.get_data(as_text=True)
    plain = client.get("/no/such/page", headers={"Accept": "text/plain"})
    assert plain.status_code == 404 and plain.mimetype == "text/plain"


# --- page and plot queries ----------------------------------------------------------------------------------------

def test_page_queries_are_internal_and_documented():
    """queries/page-*.rq and plot-*.rq carry front matter tagged internal (hidden from the catalogue)."""
    from nckg.model.catalogue import parse_query
    files = sorted((ROOT / "queries").glob("p*-*.rq"))
    assert len([f for f in files if f.name.startswith(("page-", "plot-"))]) >= 20
    for path in files:
        if not path.name.startswith(("page-", "plot-")):
            continue
        text = path.read_text(encoding="utf-8")
        assert re.search(rf"^#\+ id: {path.stem}$", text, re.MULTILINE), path.name
        assert re.search(r"^#\+ question: \S", text, re.MULTILINE), path.name
        assert re.search(r"^#\+ tags: internal", text, re.MULTILINE), path.name
        assert parse_query(text, path.stem, path) is None  # internal: not a catalogue entry


def test_server_holds_no_sparql():
    """The HTTP layer maps requests to nckg calls: no query text in server/ (queries live in queries/*.rq)."""
    mine = [SERVER / "ui.py", SERVER / "resources.py", SERVER / "static" / "js" / "editor.js",
            *[p for p in SERVER.glob("templates/*.html")]]
    for path in mine:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b\s*(\?|\*|DISTINCT|\{|WHERE)", text), path


# --- vendored assets, no CDN --------------------------------------------------------------------------------------

def test_vendored_assets_and_licences():
    for path in ("yasgui/yasgui.min.js", "yasgui/yasgui.min.css", "yasgui/LICENSE", "yasgui/THIRD-PARTY-LICENSES.txt",
                 "chartjs/chart.umd.min.js", "chartjs/LICENSE.md"):
        assert (VENDOR / path).is_file() and (VENDOR / path).stat().st_size > 200, path
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    for package, folder in (("@zazuko/yasgui", "yasgui"), ("chart.js", "chartjs")):
        version = (VENDOR / folder / "VERSION").read_text().strip()
        assert package in readme and version in readme
        assert version in (ROOT / "scripts" / "vendor_assets.sh").read_text()
    assert "scripts/vendor_assets.sh" in readme
    assert "sourceMappingURL" not in (VENDOR / "yasgui" / "yasgui.min.js").read_text(encoding="utf-8")[-300:]


def test_no_cdn_anywhere():
    """Templates and our own static files load nothing from another host."""
    remote = re.compile(r"""(src|href)\s*=\s*["'](https?:)?//(?!localhost|127\.0\.0\.1)""", re.IGNORECASE)
    loads = re.compile(r"""(<script[^>]+src|<link[^>]+href|@import|url\()\s*=?\s*["']?(https?:)?//""", re.IGNORECASE)
    for path in [*SERVER.glob("templates/**/*.html"), *(SERVER / "static").glob("js/*.js"),
                 *(SERVER / "static").glob("css/*.css")]:
        text = path.read_text(encoding="utf-8")
        assert not loads.search(text), path
        for match in remote.finditer(text):  # plain links to other sites are fine, script/style sources are not
            context = text[max(0, match.start() - 40):match.start()]
            assert "<script" not in context and "<link" not in context, path


@pytest.mark.parametrize("url", HTML_PAGES)
def test_every_page_loads_only_local_assets(client, url):
    parsed = page(client, url)
    assert parsed.assets, url
    assert all(asset.startswith("/static/") for asset in parsed.assets), parsed.assets
    for asset in parsed.assets:
        assert client.get(asset).status_code == 200, asset


# --- accessibility basics -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", HTML_PAGES)
def test_accessibility_basics(client, url):
    parsed = page(client, url)
    assert parsed.lang == "en"
    assert parsed.title.strip() and parsed.title.strip().endswith("· nckg"), parsed.title
    assert parsed.h1 == 1, (url, parsed.h1)
    first = parsed.anchors[0]
    assert first.get("class") == "skip-link" and first.get("href") == "#main"
    assert "main" in parsed.ids
    assert any(tag == "nav" and a.get("aria-label") == "Main" for tag, a in parsed.landmarks)
    for attrs, wrapped in parsed.controls:  # every form control has a label
        assert wrapped or attrs.get("id") in parsed.label_for or attrs.get("aria-label"), (url, attrs)
    assert all("alt" in img for img in parsed.images)


def test_titles_are_distinct(client):
    titles = [page(client, url).title.strip() for url in HTML_PAGES]
    assert len(set(titles)) == len(titles), titles


def test_fe_plot_shows_every_potential_with_its_reference_electrode(client):
    data = plot_json(client, "fe-potential")
    references = {row["reference"] for row in data["rows"]}
    assert references == {"vs RHE", "not stated"}  # both as the review states them, never converted
    assert data["shown"] >= 5  # Cu26·4PF6 vs RHE; Cu8-2 and Cu6(MBD)6 with no reference stated
    assert {(r["clusterLabel"].startswith("Cu6"), r["value"]) for r in data["rows"]} >= {(True, 42.5), (True, 23)}
    assert data["left_out"] and all(r["potential"] is None and r["reason"] for r in data["left_out"])
    names = [series["name"] for series in data["series"]]
    assert any(n.endswith(", vs RHE") for n in names) and any(n.endswith(", reference electrode not stated")
                                                               for n in names)
    html = get(client, "/plots/fe-potential").get_data(as_text=True)
    assert f"This plot shows\n  {data['shown']} measurements; it leaves out {len(data['left_out'])}" in html
    assert html.count("— left out: ") == len(data["left_out"])


def test_fe_plot_reads_one_potential_property_with_the_reference_as_data():
    """A graph stating nckg:potential with nckg:referenceElectrode (instead of the two properties) plots the same."""
    K, XSD = "https://w3id.org/nckg/ontology#", "http://www.w3.org/2001/XMLSchema#"
    graph, m, c = NamedNode("https://w3id.org/nckg/graph/x"), NamedNode("http://e/m"), NamedNode("http://e/c")
    decimal = lambda text: Literal(text, datatype=NamedNode(XSD + "decimal"))  # noqa: E731
    quads = [Quad(m, NamedNode(K + p), o, graph) for p, o in (
        ("catalyst", c), ("metric", NamedNode(K + "FaradaicEfficiency")), ("value", decimal("50")),
        ("potential", decimal("-0.5")), ("referenceElectrode", Literal("RHE")))]
    quads.append(Quad(c, NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), Literal("X"), graph))
    _, rows = plots.plot_table(GraphStore.from_quads(quads), "fe-potential")
    assert [(r["potential"], r["reference"], r["value"]) for r in rows] == [(-0.5, "vs RHE", 50)]
