"""The web front end in a real browser: Playwright driving Debian's headless chromium against a live server on the
real graph. Loads the landing page, runs a query in the editor and sees rows (and its chart), opens a shared query
link, filters the cluster browser and opens a cluster to see its plot, renders every plot page, and checks keyboard
basics (skip link, sortable headers, quote disclosure). No request may leave 127.0.0.1. Screenshots are kept in
tests/artifacts/ (git-ignored)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from nckg.model import clusters as cluster_model
from nckg.model import dataset as dataset_model
from nckg.model import plots
from nckg.store.graph import GraphStore
from realgraph import CU26_ID, CU32_ID, real_store_path, serving

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                                     "(apt-get install -y chromium; `make test` installs it)"),
]


@pytest.fixture(scope="module")
def base_url():
    with serving(real_store_path()) as url:
        yield url


@pytest.fixture(scope="module")
def graph() -> GraphStore:
    return GraphStore.open(real_store_path())


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, timeout=60_000)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, base_url):
    """A fresh page; every request off 127.0.0.1 is blocked and recorded, as are script errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base_url)
    context.set_default_timeout(20_000)
    offsite: list[str] = []

    def guard(route):
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            offsite.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.offsite, page.errors = offsite, []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    yield page
    context.close()


def finish(page, name: str) -> None:
    """Keep a full-page screenshot and check nothing was fetched from elsewhere and no script failed."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert page.offsite == [], f"requests left 127.0.0.1: {page.offsite}"
    assert page.errors == [], f"script errors: {page.errors}"


def test_landing_page(page, graph):
    page.goto("/")
    assert page.title() == "Nanocluster Knowledge Graph · nckg"
    counts = dataset_model.counts(graph)
    for kind in ("clusters", "measurements", "quotes"):
        shown = page.locator(f'[data-kind="{kind}"] dd').inner_text()
        assert int(shown.replace(",", "")) == counts[kind] > 0
    assert page.get_by_role("link", name="Open the query editor").is_visible()
    finish(page, "landing")


def run_and_wait(page) -> None:
    page.wait_for_selector("body[data-query-state=done]", timeout=30_000)


def test_editor_runs_a_query_and_shows_rows(page, graph):
    expected = len(list(graph.run("page-editor-default")))
    page.goto("/editor")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.locator(".yasqe_queryButton").click()
    run_and_wait(page)
    assert page.locator("#editor-status").inner_text() == f"{expected} results."
    rows = page.locator(".yasr table.dataTable tbody tr")
    assert rows.count() == min(expected, 50) > 0  # YASR's first page
    assert "[Cu32(PET)24H8Cl2](PPh4)2" in page.locator(".yasr table.dataTable tbody").inner_text()
    finish(page, "editor")
    # the same results as a chart (our YASR plugin on the vendored Chart.js)
    page.locator(".yasr .select_chart").click()
    canvas = page.locator(".nckg-yasr-chart canvas")
    canvas.wait_for()
    assert canvas.get_attribute("data-points") == str(expected)
    assert canvas.bounding_box()["height"] > 100
    finish(page, "editor-chart")


TABLE2 = """PREFIX nckg: <https://w3id.org/nckg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?label ?e0 WHERE { ?h a nckg:HalfReaction ; rdfs:label ?label ; nckg:standardPotentialVsRHE ?e0 }
ORDER BY ?e0"""


def test_shared_query_link_opens_in_the_editor_and_runs_from_the_keyboard(page):
    page.goto(f"/editor?query={quote(TABLE2)}")
    page.wait_for_selector(".yasqe .CodeMirror")
    assert page.evaluate("window.nckgYasgui.getTab().getQuery()") == TABLE2
    page.locator(".yasqe .CodeMirror").click()
    page.keyboard.press("Control+Enter")
    run_and_wait(page)
    assert page.locator("#editor-status").inner_text() == "12 results."
    first = page.locator(".yasr table.dataTable tbody tr").first.inner_text()
    assert "Formic acid" in first and "-0.12" in first  # Table 2: HCOOH at -0.12 V vs RHE
    page.keyboard.press("Escape")  # leaves the code editor
    assert page.evaluate("document.activeElement.id") == "copy-link"
    page.keyboard.press("Enter")  # "Copy link to this query" puts the link in the address bar
    assert "/editor?query=" in page.url and "HalfReaction" in page.url
    finish(page, "editor-shared-link")


def test_run_parameter_runs_a_shared_query_at_once(page):
    page.goto(f"/editor?query={quote(TABLE2)}&run=1")
    run_and_wait(page)
    assert page.locator("#editor-status").inner_text() == "12 results."


def test_cluster_browser_filters_and_opens_a_cluster_with_its_plot(page, graph):
    total = dataset_model.counts(graph)["clusters"]
    page.goto("/clusters")
    status = page.locator("#cluster-count")
    assert status.inner_text() == f"{total} of {total} clusters shown"
    page.get_by_label("Filter clusters").fill("Cu26")
    shown = int(re.match(r"(\d+) of", status.inner_text()).group(1))
    assert 1 <= shown < total
    assert page.locator("#cluster-table tbody tr:not([hidden])").count() == shown
    finish(page, "clusters-filtered")
    page.get_by_role("link", name="Cu26·4PF6", exact=True).click()
    page.wait_for_url(f"**/resource/{CU26_ID}")
    assert page.locator("h1").inner_text() == "Cu26·4PF6"
    canvas = page.locator("canvas#cluster-plot")
    canvas.scroll_into_view_if_needed()
    assert canvas.get_attribute("data-rendered") == "true"
    points = page.evaluate("Chart.getChart(document.getElementById('cluster-plot')).data.datasets"
                           ".map(d => d.data)")
    assert [{"x": -0.85, "y": 85.1}] in points  # FE(NH3) 85.1 % at -0.85 V vs RHE
    canvas.screenshot(path=str(ARTIFACTS / "cluster-plot.png"))
    finish(page, "cluster")


def test_sorting_by_keyboard(page, graph):
    largest = max(row["copper"] for row in cluster_model.cluster_table(graph))
    page.goto("/clusters")
    header = page.locator('#cluster-table th[data-key="copper"]')
    assert header.get_attribute("aria-sort") == "ascending"
    header.get_by_role("button").focus()
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") == "descending"
    first = page.locator("#cluster-table tbody tr").first.locator("td").nth(1)  # the Cu column
    assert first.inner_text() == str(largest)


@pytest.mark.parametrize("name", list(plots.PLOTS))
def test_plot_pages_render(page, name):
    page.goto(f"/plots/{name}")
    canvas = page.locator(f'canvas[data-plot="{name}"]')
    assert canvas.get_attribute("data-rendered") == "true"
    assert int(canvas.get_attribute("data-points")) > 0
    assert canvas.bounding_box()["height"] > 200
    assert page.locator("#plot-table tbody tr").count() > 0
    finish(page, f"plot-{name}")


def test_skip_link_and_landmarks(page):
    page.goto("/clusters")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, document.activeElement.textContent]")
    assert focused == ["skip-link", "Skip to main content"]
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # visible when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next stop is inside the main content
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")


def test_resource_page_in_the_browser(page):
    page.goto(f"/resource/{CU32_ID}")
    doc = json.loads(page.locator("#schema-org").text_content())
    assert doc["@type"] == "ChemicalSubstance" and doc["name"] == "Cu32 ([Cu32(PET)24H8Cl2](PPh4)2)"
    summary = page.locator("section:has(#identity-title) details.quote-details > summary")
    summary.focus()
    page.keyboard.press("Enter")  # quotes open from the keyboard
    quote_text = page.locator("section:has(#identity-title) details.quote-details blockquote").first
    assert quote_text.is_visible() and "Li et al." in quote_text.inner_text()
    finish(page, "resource-cu32")


def _shown(page) -> int:
    return int(re.match(r"(\d+) of", page.locator("#cluster-count").inner_text()).group(1))


def _visible_labels(page) -> set[str]:
    """The labels the table shows, with the typographic minus the page prints for charges read back as "-"."""
    return {text.replace("−", "-") for text in page.locator("#cluster-table tbody tr:not([hidden]) th").all_inner_texts()}


@pytest.mark.parametrize("typed, wanted", [
    ("Cu₂₆", lambda row: row["copper"] == 26),  # as copied from a PDF: Unicode subscripts
    ("[Cu32(PET)24H8Cl2]", lambda row: "cluster/" + row["id"] == CU32_ID),  # a pasted formula with brackets
])
def test_cluster_browser_finds_pasted_names_and_formulas(page, graph, typed, wanted):
    matching = [row for row in cluster_model.cluster_table(graph) if wanted(row)]
    assert matching
    page.goto("/clusters")
    page.get_by_label("Filter clusters").fill(typed)
    assert _visible_labels(page) == {row["label"] for row in matching}
    assert _shown(page) == len(matching)


def test_cluster_browser_finds_ligand_families_and_hydrides(page, graph):
    rows = cluster_model.cluster_table(graph)
    page.goto("/clusters")
    search = page.get_by_label("Filter clusters")
    search.fill("hydride")
    with_hydrides = [r for r in rows if (r["hydride"] or 0) > 0]  # labels may repeat: count rows, compare labels
    hydride = {r["label"] for r in with_hydrides}
    assert _shown(page) == len(with_hydrides) > 0
    assert _visible_labels(page) == hydride
    search.fill("alkynyl")
    alkynyl = {r["label"] for r in rows if "alkynyl ligand" in r["ligand_families"]}
    assert _visible_labels(page) >= alkynyl and alkynyl
    search.fill("")
    # facets: a ligand family and the hydride state narrow the table together
    page.get_by_label("Ligand family").select_option("thiolate ligand")
    thiolate = {r["label"] for r in rows if "thiolate ligand" in r["ligand_families"]}
    assert _visible_labels(page) == thiolate and thiolate
    page.get_by_label("Hydride").select_option("with hydrides")
    assert _visible_labels(page) == thiolate & hydride
    finish(page, "clusters-facets")


def test_fe_plot_shows_every_potential_by_reference_electrode(page, graph):
    data = plots.plot_json(graph, "fe-potential")
    page.goto("/plots/fe-potential")
    canvas = page.locator('canvas[data-plot="fe-potential"]')
    assert canvas.get_attribute("data-rendered") == "true"
    assert int(canvas.get_attribute("data-points")) == data["shown"] >= 5
    legend = page.evaluate("Chart.getChart(document.getElementById('plot-canvas')).data.datasets.map(d => d.label)")
    assert any(name.endswith(", vs RHE") for name in legend)
    assert any(name.endswith(", reference electrode not stated") for name in legend)
    points = page.evaluate("Chart.getChart(document.getElementById('plot-canvas')).data.datasets"
                           ".flatMap(d => d.data)")
    assert {"x": -0.85, "y": 85.1} in points  # Cu26·4PF6, FE(NH3) at -0.85 V vs RHE
    assert {"x": -1.4, "y": 42.5} in points  # Cu6(MBD)6, FE(C2H4) at -1.4 V (reference not stated)
    count = page.locator("#plot-count")
    assert count.get_attribute("data-shown") == str(data["shown"])
    assert count.get_attribute("data-left-out") == str(len(data["left_out"]))
    assert page.locator("#left-out li").count() == len(data["left_out"])
    finish(page, "plot-fe-potential-all")


def test_editor_styles_a_failed_query_as_an_error(page):
    page.goto(f"/editor?query={quote('SELECT * WHERE { ?s foo:bar ?o }')}&run=1")
    page.wait_for_selector("body[data-query-state=error]", timeout=30_000)
    status = page.locator("#editor-status")
    assert status.inner_text() == "The query failed; see the message below."
    assert "error" in status.get_attribute("class")
    assert status.evaluate("e => getComputedStyle(e).color") == "rgb(164, 22, 26)"  # --bad, not --good
    message = page.locator(".yasr .query-error-message")
    assert message.inner_text().startswith("unknown prefix 'foo:' at line 1, column 21 — declare it")
    detail = page.locator(".yasr details.query-error-detail")
    assert not detail.locator("pre").is_visible()  # the parser's text is one click away
    detail.locator("summary").click()
    assert "Prefix not found" in detail.locator("pre").inner_text()
    page.errors.clear()  # the failed request is logged by the browser console as an error (by design)
    finish(page, "editor-error")


def test_editor_runs_a_query_without_prefix_declarations(page):
    query = "SELECT ?label WHERE { ?c a nckg:CopperNanocluster ; rdfs:label ?label } LIMIT 3"
    page.goto(f"/editor?query={quote(query)}&run=1")
    run_and_wait(page)
    assert page.locator("#editor-status").inner_text() == "3 results."
    assert page.locator("#predeclared-prefixes code", has_text="rdfs:").count() == 1
    assert page.locator(".yasqe .parseErrorIcon").count() == 0  # the editor's own check knows them too
    page.evaluate("window.nckgYasgui.getTab().getYasqe().setValue('SELECT * WHERE { ?s foo:bar ?o }')")
    page.wait_for_selector(".yasqe .parseErrorIcon")  # an undeclared prefix is still marked


def test_quotes_read_cleanly_with_the_verbatim_text_a_click_away(page):
    page.goto("/resource/cluster/cu32h20-dtp_12")
    page.locator("section:has(#identity-title) details.quote-details > summary").click()
    item = page.locator("section:has(#identity-title) ul.quotes > li", has_text="dithiophosphate").first
    quote = item.locator("blockquote")
    assert "nanocluster of Cu₃₂H₂₀L₁₂ (L is a dithiophosphate ligand), which offered" in quote.inner_text()
    verbatim = item.locator("details.verbatim")
    assert not verbatim.locator(".verbatim-text").is_visible()
    verbatim.locator("summary").click()
    assert "$Cu_{32}H_{20}L_{12}$" in verbatim.locator(".verbatim-text").inner_text()
    finish(page, "quote-reading-text")


def test_source_issue_note_and_human_links(page):
    page.goto("/resource/half-reaction/co2-to-propionaldehyde")
    note = page.locator("aside.source-issues")
    assert note.is_visible() and "unbalanced — 2 C on the left, 3 on the right" in note.inner_text()
    finish(page, "source-issue-note")
    page.goto("/resource/chemical/methanol")
    assert page.locator('a[href="https://pubchem.ncbi.nlm.nih.gov/compound/887"]').is_visible()
    assert page.locator('a[href="https://www.ebi.ac.uk/chebi/searchId.do?chebiId=CHEBI:17790"]').is_visible()
    finish(page, "external-links")


def test_the_ontology_page_has_the_site_navigation(page):
    page.goto("/ontology")
    assert page.locator('header nav[aria-label="Main"]').is_visible()
    assert page.locator("#ontology-doc #vocab-ElectrochemicalCO2Reduction").count() == 1
    finish(page, "ontology")
