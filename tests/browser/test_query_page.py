"""The query page in a real headless Chromium against a real `ccg-graph serve` on the national graph."""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select, WebDriverWait

from ccg_graph.core.namespaces import PREFIXES
from tests.browser.support import (
    editor_value,
    open_query_page,
    requested_urls,
    result_links,
    result_rows,
    run_query,
    screenshot,
    type_query,
)

AIREDALE = "https://w3id.org/ccg-graph/id/ccg/02N"
AIREDALE_NAME = "NHS Airedale, Wharfedale and Craven CCG"
# Typed without PREFIX lines: the editor's prefix completion adds the project's declarations as they are used.
TYPED = 'SELECT ?ccg ?name WHERE { ?ccg a ccg:ClinicalCommissioningGroup ; ccg:odsCode "02N" ; skos:prefLabel ?name }'


def _page(driver: WebDriver, server_url: str, path: str = "/query") -> None:
    state = open_query_page(driver, server_url + path)
    if state != "ready":
        status = driver.find_element(By.ID, "editor-status").text
        pytest.fail(f"the enhanced editor did not start ({state}): {status}")


def test_typed_query_runs_and_shows_rows_with_links(browser: WebDriver, server_url: str) -> None:
    _page(browser, server_url)
    type_query(browser, TYPED)
    typed = editor_value(browser)
    assert f"PREFIX ccg: <{PREFIXES['ccg']}>" in typed and f"PREFIX skos: <{PREFIXES['skos']}>" in typed
    run_query(browser)
    rows = result_rows(browser)
    screenshot(browser, "query-page-typed")
    assert len(rows) == 1
    assert rows[0][0] == "id:ccg/02N" and AIREDALE_NAME in rows[0][1]
    assert AIREDALE in result_links(browser)


def test_saved_example_is_picked_and_run(browser: WebDriver, server_url: str) -> None:
    _page(browser, server_url)
    Select(browser.find_element(By.ID, "example-select")).select_by_value("ccgs-open-on")
    text = editor_value(browser)
    assert "# Title: CCGs open on a date" in text and '"2013-04-01"^^<http://www.w3.org/2001/XMLSchema#date>' in text
    assert "Which clinical commissioning groups existed" in browser.find_element(By.ID, "example-purpose").text
    run_query(browser)
    rows = result_rows(browser)
    screenshot(browser, "query-page-example")
    shown = browser.execute_script("return window.ccgQueryPage.yasgui.getTab().getYasr().results.getBindings().length")
    # The same text through the protocol, independently of the browser, and the known count: 211 CCGs opened
    # on 1 April 2013.
    direct = httpx.post(f"{server_url}/sparql", data={"query": text}, headers={"accept": "text/csv"}).text
    assert shown == len(direct.splitlines()) - 1 == 211
    assert any(row[1] == "id:ccg/00C" and "NHS Darlington CCG" in row[3] for row in rows)


def test_download_buttons_save_the_results(browser: WebDriver, server_url: str, tmp_path: Path) -> None:
    _page(browser, server_url)
    type_query(browser, TYPED)
    shown = [a for a in browser.find_elements(By.CSS_SELECTOR, "a.download-link") if a.is_displayed()]
    links = {a.get_attribute("data-format"): a for a in shown}
    assert set(links) == {"csv", "tsv", "json", "xml"}  # a SELECT query: result formats, not RDF ones
    links["csv"].click()
    saved = tmp_path / "ccg-graph-results.csv"
    deadline = time.monotonic() + 20
    while not saved.is_file() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert saved.is_file(), f"no download in {tmp_path}: {sorted(p.name for p in tmp_path.iterdir())}"
    assert saved.read_text(encoding="utf-8").splitlines() == ["ccg,name", f'{AIREDALE},"{AIREDALE_NAME}"']
    links["json"].click()  # re-points the link at the editor's query; the download itself is not needed here
    as_json = httpx.get(links["json"].get_attribute("href")).json()
    assert as_json["results"]["bindings"][0]["name"]["value"] == AIREDALE_NAME


def test_nothing_is_fetched_from_anywhere_but_this_server(browser: WebDriver, server_url: str) -> None:
    _page(browser, server_url)
    # A class position and a property position: YASGUI's stock completers would ask a web service here.
    type_query(browser, "SELECT ?s WHERE { ?s a foaf:Organization ; rdfs:label ?l } LIMIT 3")
    run_query(browser)
    urls = requested_urls(browser)
    assert any(url.startswith(f"{server_url}/static/query/vendor/yasgui.min.js") for url in urls)
    assert any(url == f"{server_url}/sparql" for url in urls)
    elsewhere = [url for url in urls if urlsplit(url).scheme not in ("data", "blob") and not url.startswith(server_url)]
    assert elsewhere == []
    # The page's Content-Security-Policy did not have to stop anything (YASGUI runs within it).
    refused = [e["message"] for e in browser.get_log("browser") if "Content Security Policy" in e["message"]]
    assert refused == []


def test_without_the_editor_the_plain_form_runs_queries(browser: WebDriver, server_url: str) -> None:
    browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/static/query/vendor/*"]})
    assert open_query_page(browser, f"{server_url}/query") == "unavailable"
    status = browser.find_element(By.ID, "editor-status").text
    assert "enhanced editor could not load" in status
    assert not browser.find_element(By.ID, "enhanced").is_displayed()
    form_query = browser.find_element(By.ID, "plain-query")
    assert form_query.is_displayed() and browser.find_element(By.CSS_SELECTOR, "label[for=plain-query]").is_displayed()
    screenshot(browser, "query-page-plain")
    form_query.clear()
    form_query.send_keys(
        f"PREFIX skos: <{PREFIXES['skos']}> SELECT ?name WHERE {{ <{AIREDALE}> skos:prefLabel ?name }}"
    )
    browser.find_element(By.CSS_SELECTOR, "input[name=format][value=json]").click()
    browser.find_element(By.CSS_SELECTOR, "#plain button[type=submit]").click()
    # The form navigates to /sparql: wait for that page before reading it (the old body goes stale).
    WebDriverWait(browser, 30).until(lambda b: urlsplit(b.current_url).path == "/sparql")
    answer = json.loads(WebDriverWait(browser, 30).until(lambda b: b.find_element(By.TAG_NAME, "body").text))
    assert [b["name"]["value"] for b in answer["results"]["bindings"]] == [AIREDALE_NAME]


def test_the_editor_completes_the_graphs_own_iris_from_this_server(browser: WebDriver, server_url: str) -> None:
    _page(browser, server_url)
    browser.get_log("performance")
    type_query(browser, "SELECT * WHERE { <13T")
    hints = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not hints:
        hints = list(browser.find_elements(By.CSS_SELECTOR, ".CodeMirror-hints .CodeMirror-hint"))
        time.sleep(0.2)
    texts = [h.text for h in hints]
    assert "<https://w3id.org/ccg-graph/id/ccg/13T>" in texts, texts
    screenshot(browser, "query-page-iri-completion")
    next(h for h in hints if h.text.endswith("/ccg/13T>")).click()
    assert "<https://w3id.org/ccg-graph/id/ccg/13T>" in editor_value(browser)
    asked = [urlsplit(u) for u in requested_urls(browser) if not u.startswith("data:")]
    assert any(u.path == "/search/suggest" for u in asked)
    assert all(f"{u.scheme}://{u.netloc}" == server_url for u in asked), "completions come from this server only"
