"""`POST /validate` through the real app: media types in, negotiated reports out, limits, nothing fetched."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import httpx
import pytest
from fastapi.testclient import TestClient

from ccg_graph.api import create_app
from ccg_graph.core.config import PROJECT_ROOT, Settings
from ccg_graph.store import EmbeddedStore

EXAMPLES = PROJECT_ROOT / "data" / "examples"
MISSING_NURSE = (EXAMPLES / "governing-body-missing-nurse.ttl").read_bytes()


@pytest.fixture(scope="module")
def client(national_store: EmbeddedStore, national_settings: Settings) -> Iterator[TestClient]:
    settings = national_settings.model_copy(update={"max_body_bytes": 50_000})
    with TestClient(create_app(settings, store=national_store)) as test_client:
        yield test_client


def test_turtle_in_json_out(client: TestClient) -> None:
    answer = client.post("/validate", content=MISSING_NURSE, headers={"Content-Type": "text/turtle"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert body["conforms"] is False
    (row,) = body["results"]
    assert row["focus_node"] == "<https://w3id.org/ccg-graph/id/ccg/00C/governing-body>"
    assert row["source_shape"] == "ccgsh:GoverningBody-registeredNurse" and row["defined_at"] == "request body:21"


def test_report_by_content_negotiation(client: TestClient) -> None:
    headers = {"Content-Type": "text/turtle"}
    turtle = client.post("/validate", content=MISSING_NURSE, headers={**headers, "Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle") and "sh:ValidationReport" in turtle.text
    text = client.post("/validate", content=MISSING_NURSE, headers={**headers, "Accept": "text/plain"})
    assert "registered nurse" in text.text and "Does not conform" in text.text
    jsonld = client.post("/validate?format=jsonld", content=MISSING_NURSE, headers=headers)
    assert "ValidationReport" in jsonld.text
    refused = client.post("/validate", content=MISSING_NURSE, headers={**headers, "Accept": "image/png"})
    assert refused.status_code == 406


def test_other_media_types_and_context(client: TestClient) -> None:
    nt = (
        "<https://w3id.org/ccg-graph/id/instant/2016-04-01> <http://www.w3.org/2006/time#inXSDDate> "
        '"2016-04-01"^^<http://www.w3.org/2001/XMLSchema#date> .\n'
        # the Secretary of State's post is a target wherever validation runs (sh:targetNode)
        "<https://w3id.org/ccg-graph/id/post/secretary-of-state-for-health> "
        "<https://w3id.org/ccg-graph/def#accountableTo> <https://w3id.org/ccg-graph/id/organisation/parliament> .\n"
    )
    alone = client.post("/validate", content=nt, headers={"Content-Type": "application/n-triples"})
    assert alone.status_code == 200 and alone.json()["conforms"] is True
    overlap = (EXAMPLES / "practice-membership-overlap.ttl").read_bytes()
    context = client.post("/validate?against_graph=true", content=overlap, headers={"Content-Type": "text/turtle"})
    body = context.json()
    assert body["conforms"] is False and body["checked_focus_nodes"] > 0
    assert any(r["source_shape"] == "ccgsh:GPPractice-noOverlappingMemberships" for r in body["results"])


def test_bad_input(client: TestClient) -> None:
    broken = client.post("/validate", content=b"<a> <b> .", headers={"Content-Type": "application/n-triples"})
    assert broken.status_code == 400 and broken.json()["line"] == 1
    unknown = client.post("/validate", content=b"x", headers={"Content-Type": "text/csv"})
    assert unknown.status_code == 415
    big = client.post("/validate", content=b"#" * 60_000, headers={"Content-Type": "text/turtle"})
    assert big.status_code == 413 and "limit" in big.json()["message"]


class _Recorder(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.end_headers()
        self.wfile.write(b'{"@context": {"name": "http://xmlns.com/foaf/0.1/name"}}')

    def log_message(self, *args: object) -> None:
        pass


def test_nothing_is_fetched(client: TestClient) -> None:
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/context.jsonld"
    try:
        jsonld = f'{{"@context": "{url}", "@id": "https://w3id.org/ccg-graph/id/x", "name": "x"}}'
        answer = client.post("/validate", content=jsonld, headers={"Content-Type": "application/ld+json"})
        assert answer.status_code == 400
        xml = (
            '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e SYSTEM "' + url + '">]>\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
            '<rdf:Description rdf:about="http://example.org/a"><ex:p>&e;</ex:p></rdf:Description></rdf:RDF>'
        )
        answer = client.post("/validate", content=xml, headers={"Content-Type": "application/rdf+xml"})
        assert answer.status_code == 400
        assert _Recorder.hits == []
        httpx.get(url.replace("context.jsonld", "control"), timeout=5)  # the recorder does record a real fetch
        assert _Recorder.hits == ["/control"]
    finally:
        server.shutdown()
