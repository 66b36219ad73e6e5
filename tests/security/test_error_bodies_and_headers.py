"""Error answers carry a message, never a trace or an internal path; HTML gets the security headers."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from ccg_graph.api import create_app
from ccg_graph.core.config import PROJECT_ROOT, Settings
from ccg_graph.store import EmbeddedStore


def test_an_unexpected_error_is_a_generic_500(tmp_path: Path) -> None:
    """A bug (here: a store that fails on read) answers 500 with a generic message; the trace is only logged."""

    class Broken(EmbeddedStore):
        def __len__(self) -> int:
            raise RuntimeError(f"boom in {PROJECT_ROOT}/ccg_graph/store/secret.py")

    app = create_app(Settings(build_dir=tmp_path), store=Broken())
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/healthz")
    assert response.status_code == 500
    assert response.json() == {
        "error": "InternalError",
        "message": "the server could not answer this request; the error is logged",
    }
    assert "boom" not in response.text and str(PROJECT_ROOT) not in response.text


def test_error_bodies_do_not_leak_paths(client: httpx.Client) -> None:
    for response in (
        client.get("/sparql", params={"query": "SELECT * {"}),
        client.get("/queries/nope"),
        client.get("/store", params={"graph": "http://example.org/none"}),
        client.put("/store", params={"graph": "x"}, content=b"x", headers={"content-type": "text/turtle"}),
    ):
        assert 400 <= response.status_code < 500
        assert str(PROJECT_ROOT) not in response.text and "Traceback" not in response.text


def test_html_answers_carry_security_headers(client: httpx.Client) -> None:
    response = client.get("/docs")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_every_answer_is_nosniff(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "ASK {}"})
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in response.headers  # results are data, not pages


def test_the_docs_page_loads_nothing_from_elsewhere(client: httpx.Client) -> None:
    page = client.get("/docs").text
    assert "cdn." not in page and "http://" not in page and "https://" not in page
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert client.get(f"/static/docs/vendor/{asset}").status_code == 200
