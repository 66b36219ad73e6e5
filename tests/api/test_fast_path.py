"""The fast path for GET/HEAD SPARQL queries answers as the route does, and several server processes serve."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import psutil
from fastapi.testclient import TestClient

from tests.conftest import start_server, stop_server

QUERY = "SELECT ?p ?o WHERE { <https://w3id.org/ccg-graph/id/scheme/ods> ?p ?o } ORDER BY ?p ?o"


def test_get_by_the_fast_path_answers_as_post_by_the_route(writable_client: TestClient) -> None:
    for accept in (
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ):
        fast = writable_client.get("/sparql", params={"query": QUERY}, headers={"Accept": accept})
        routed = writable_client.post("/sparql", data={"query": QUERY}, headers={"Accept": accept})
        assert fast.status_code == routed.status_code == 200, fast.text
        assert fast.content == routed.content
        for header in ("content-type", "x-result-rows", "x-result-truncated", "vary", "x-content-type-options"):
            assert fast.headers[header] == routed.headers[header], header
    head = writable_client.head("/sparql", params={"query": QUERY})
    assert head.status_code == 200 and head.content == b"" and head.headers["x-result-rows"]


def test_errors_on_the_fast_path_have_the_apps_error_bodies(writable_client: TestClient) -> None:
    bad = writable_client.get("/sparql", params={"query": "SELECT ?x WHERE {"})
    assert bad.status_code == 400 and bad.json()["error"] == "BadQuery"
    unacceptable = writable_client.get("/sparql", params={"query": QUERY}, headers={"Accept": "image/png"})
    assert unacceptable.status_code == 406 and unacceptable.json()["message"]
    described = writable_client.get("/sparql", headers={"Accept": "text/turtle"})  # no query: the route answers
    assert described.status_code == 200 and described.headers["content-type"].startswith("text/turtle")


def test_several_server_processes_share_the_port_and_stop_together(core_build_dir: Path) -> None:
    process, url = start_server(core_build_dir, server_processes="2", query_workers="1")
    try:
        deadline = time.monotonic() + 60
        servers: list[psutil.Process] = []
        while time.monotonic() < deadline:  # uvicorn's supervisor starts its server processes one by one
            children = psutil.Process(process.pid).children()
            servers = [c for c in children if "spawn_main" in " ".join(c.cmdline())]
            if len(servers) == 2:
                break
            time.sleep(0.5)
        assert len(servers) == 2, [c.cmdline() for c in psutil.Process(process.pid).children()]
        with httpx.Client(base_url=url, timeout=30) as client:
            for _ in range(20):
                response = client.get("/sparql", params={"query": QUERY})
                assert response.status_code == 200, response.text
        family = [process.pid, *(p.pid for p in psutil.Process(process.pid).children(recursive=True))]
    finally:
        stop_server(process)
    time.sleep(2)
    assert not [pid for pid in family if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"]
