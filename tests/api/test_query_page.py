"""The query page as HTML (what a browser without JavaScript gets), from a real `ccg-graph serve`."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import httpx

from ccg_graph.core.namespaces import PREFIXES


class _Collector(HTMLParser):
    """Tags with their attributes, and the text of <script type=application/json> blocks."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.textarea = ""
        self._in_textarea = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_textarea = tag == "textarea"

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._in_textarea = False

    def handle_data(self, data: str) -> None:
        if self._in_textarea:
            self.textarea += data


def _parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def test_page_works_without_javascript_and_is_accessible(server_url: str) -> None:
    response = httpx.get(f"{server_url}/query")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page = _parse(response.text)
    tags = page.tags
    assert ("html", {"lang": "en-GB"}) in tags
    assert any(t == "meta" and a.get("name") == "viewport" for t, a in tags)
    assert [t for t, _ in tags].count("h1") == 1
    form = next(a for t, a in tags if t == "form")
    assert form == {"method": "get", "action": "sparql"}
    labelled = {a["for"] for t, a in tags if t == "label" and a.get("for")}
    controls = {a["id"] for t, a in tags if t in ("textarea", "select") and a.get("id")}
    assert controls == {"plain-query", "example-select"} and controls <= labelled
    assert {a["value"] for t, a in tags if t == "input" and a.get("name") == "format"} >= {"csv", "tsv", "json"}
    for name, iri in PREFIXES.items():
        assert f"PREFIX {name}: <{iri}>" in page.textarea
    assert "<noscript>" in response.text
    # Everything the page loads comes from this server, by a relative URL.
    loaded = [a.get("src") or a.get("href") or "" for t, a in tags if t in ("script", "link")]
    loaded = [url for url in loaded if url]
    assert loaded and all(not re.match(r"^[a-z]+://|^//", url) for url in loaded), loaded


def test_saved_queries_are_listed_and_open_in_the_form(server_url: str) -> None:
    listing = httpx.get(f"{server_url}/query").text
    config = json.loads(re.search(r'id="query-page-config" type="application/json">(.*?)</script>', listing, re.S)[1])
    names = [e["name"] for e in config["examples"]]
    assert "ccgs-open-on" in names and len(names) >= 20
    assert config["endpoint"] == "sparql" and config["prefixes"] == PREFIXES
    opened = _parse(httpx.get(f"{server_url}/query", params={"example": "ccgs-open-on"}).text)
    assert opened.textarea.startswith("# Title: CCGs open on a date")
    assert 'VALUES (?as_of) { ("2013-04-01"^^<http://www.w3.org/2001/XMLSchema#date>) }' in opened.textarea
    missing = httpx.get(f"{server_url}/query", params={"example": "no-such-query"})
    assert missing.status_code == 404 and "There is no saved query named &#39;no-such-query&#39;" in missing.text


def test_static_files_and_the_editor_are_served(server_url: str) -> None:
    for path in ("static/query/page.js", "static/query/page.css"):
        assert httpx.get(f"{server_url}/{path}").status_code == 200
    editor = httpx.get(f"{server_url}/static/query/vendor/yasgui.min.js")
    assert editor.status_code == 200, "the editor is not installed: run `make assets` (needs Node.js and npm)"
    assert editor.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert httpx.get(f"{server_url}/static/../config.py").status_code == 404
