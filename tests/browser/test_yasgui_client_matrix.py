"""YASGUI in the client matrix: the query page's own editor in headless Chromium, asking the running server in
every answer format YASGUI offers (its request settings: GET and POST; for SELECT JSON, XML, CSV and TSV; for
CONSTRUCT Turtle, RDF/JSON, RDF/XML, TriG, N-Triples, N-Quads, CSV and TSV).

The expected answers come from the same server over plain HTTP in the test (SPARQL JSON results and
N-Triples); what YASGUI received is read back from its results object (the bindings it parsed, and the text of
the response for graphs, parsed here by rdflib), so each format is compared with what the server says.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from ccg_graph.core.config import Settings
from ccg_graph.national.build import build
from tests.api.test_client_matrix import CONSTRUCT, SELECT
from tests.browser.support import open_query_page, run_query, screenshot
from tests.conftest import start_server, stop_server

#: YASGUI's own menus (AcceptOptionsMap and AcceptHeaderGraphMap in the vendored yasgui.min.js).
SELECT_FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_FORMATS = {
    "turtle": ("text/turtle", "turtle"),
    "rdf-json": ("application/rdf+json", None),  # the server writes no RDF/JSON
    "rdf-xml": ("application/rdf+xml", "xml"),
    "trig": ("application/trig", "trig"),
    "n-triples": ("application/n-triples", "nt"),
    "n-quads": ("application/n-quads", "nquads"),
    "csv": ("text/csv", None),  # CSV and TSV are SPARQL results formats, not graph syntaxes
    "tsv": ("text/tab-separated-values", None),
}
#: What the server writes a graph in (the list its 406 names, read from the same server in the test).
GRAPH_SYNTAXES_NAMED = "available: text/turtle"
METHODS = ["GET", "POST"]
VENDORED = Path(__file__).resolve().parents[2] / "ccg_graph" / "static" / "query" / "vendor" / "yasgui.min.js"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    build_dir: Path = tmp_path_factory.mktemp("yasgui-matrix") / "build"
    build(Settings(build_dir=build_dir), national=False)
    process, url = start_server(build_dir)
    yield url
    stop_server(process)


def test_the_menus_are_yasguis_own() -> None:
    text = VENDORED.read_text(encoding="utf-8")
    for media in SELECT_FORMATS.values():
        assert f"value:`{media}`" in text
    for media, _ in GRAPH_FORMATS.values():
        assert f"value:`{media}`" in text


def _ask(driver: WebDriver, url: str, query: str, config: dict[str, str]) -> dict[str, object]:
    """Open /query, set YASGUI's request settings and the query, press run, and read what YASGUI got."""
    state = open_query_page(driver, f"{url}/query")
    if state != "ready":
        pytest.fail(f"the editor did not start ({state}): {driver.find_element(By.ID, 'editor-status').text}")
    driver.execute_script(
        "const tab = window.ccgQueryPage.yasgui.getTab();"
        "tab.setRequestConfig(arguments[0]); tab.getYasqe().setValue(arguments[1]);",
        config,
        query,
    )
    run_query(driver)
    return driver.execute_script(
        "const results = window.ccgQueryPage.yasgui.getTab().getYasr().results;"
        "return {error: results.getError ? results.getError() : null,"
        " type: results.getContentType ? results.getContentType() : null,"
        " text: results.getOriginalResponseAsString(), bindings: results.getBindings ? results.getBindings() : null,"
        " vars: results.getVariables ? results.getVariables() : null};"
    )


def _expected_rows(url: str) -> list[tuple[str, str, str]]:
    answer = httpx.get(f"{url}/sparql", params={"query": SELECT}, headers={"Accept": "application/sparql-results+json"})
    rows = [tuple(b[v]["value"] for v in ("s", "p", "o")) for b in answer.json()["results"]["bindings"]]
    assert len(rows) == 20
    return rows


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", sorted(SELECT_FORMATS))
def test_yasgui_select(browser: WebDriver, endpoint: str, method: str, fmt: str) -> None:
    got = _ask(browser, endpoint, SELECT, {"method": method, "acceptHeaderSelect": SELECT_FORMATS[fmt]})
    screenshot(browser, f"yasgui-matrix-select-{fmt}-{method.lower()}")
    assert not got["error"], f"YASGUI got an error for {fmt} by {method}: {got['error']}"
    bindings = got["bindings"]
    assert isinstance(bindings, list), f"YASGUI parsed no bindings from {got['type']}: {str(got['text'])[:300]}"
    rows = [tuple(b[v]["value"] for v in ("s", "p", "o")) for b in bindings]
    assert rows == _expected_rows(endpoint)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", sorted(GRAPH_FORMATS))
def test_yasgui_construct(browser: WebDriver, endpoint: str, method: str, fmt: str) -> None:
    media, rdflib_format = GRAPH_FORMATS[fmt]
    got = _ask(browser, endpoint, CONSTRUCT, {"method": method, "acceptHeaderGraph": media})
    if rdflib_format is None:
        # Not a graph syntax the server writes: a 406 naming the ones it does, shown to the person in YASGUI.
        direct = httpx.get(f"{endpoint}/sparql", params={"query": CONSTRUCT}, headers={"Accept": media})
        assert direct.status_code == 406 and GRAPH_SYNTAXES_NAMED in direct.json()["message"], direct.text[:300]
        assert got["error"] and GRAPH_SYNTAXES_NAMED in str(got["error"]), f"{media}: {got}"
        shown = browser.find_element(By.CSS_SELECTOR, "#yasgui .yasr").text
        screenshot(browser, f"yasgui-matrix-construct-{fmt}-{method.lower()}")
        assert "406" in shown or GRAPH_SYNTAXES_NAMED in shown, f"YASGUI did not show the refusal: {shown[:300]}"
        return
    assert not got["error"], f"YASGUI got an error asking for {media} by {method}: {got['error']}"
    direct = httpx.get(f"{endpoint}/sparql", params={"query": CONSTRUCT}, headers={"Accept": "application/n-triples"})
    expected = Graph().parse(data=direct.text, format="nt")
    received = Graph()
    if rdflib_format in ("trig", "nquads"):
        dataset = Dataset()
        dataset.parse(data=str(got["text"]), format=rdflib_format)
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            received.add((s, p, o))
    else:
        received.parse(data=str(got["text"]), format=rdflib_format)
    assert len(expected) == 20 and isomorphic(received, expected), f"{media}: {str(got['text'])[:300]}"
