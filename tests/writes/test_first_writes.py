"""Writes sent the moment the server answers: none may fail, whatever is still being prepared.

The server used to prepare the shapes gate in the background while the first writes compiled it too, and
rdflib's SPARQL parser (not thread-safe) made them answer 500. Now the gate is prepared under one lock before
the server answers, and every rdflib SPARQL parse holds one lock; these tests send six writes, and writes
beside `/validate` (pySHACL parsing SPARQL), as soon as `/healthz` answers.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from ccg_graph.core.config import Settings
from ccg_graph.national.build import build
from tests.conftest import start_server, stop_server

TOKEN = "first-writes-token-51a0"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
WRITES = 6


def _put(url: str, number: int) -> httpx.Response:
    body = f'<http://example.org/first/{number}> <http://example.org/p> "write {number}" .\n'
    return httpx.put(
        f"{url}/store",
        params={"graph": f"http://example.org/first-writes/{number}"},
        content=body.encode(),
        headers={"Content-Type": "text/turtle", **AUTH},
        timeout=120,
    )


def test_six_writes_at_start_all_succeed(tmp_path: Path) -> None:
    build_dir = tmp_path / "build"
    build(Settings(build_dir=build_dir), national=False)
    process, url = start_server(build_dir, update_token=TOKEN)  # returns as soon as /healthz answers
    try:
        with ThreadPoolExecutor(WRITES) as pool:
            responses = list(pool.map(lambda n: _put(url, n), range(WRITES)))
        failures = [(r.status_code, r.text[:300]) for r in responses if r.status_code not in (201, 204)]
        assert not failures, failures
        health = httpx.get(f"{url}/healthz", timeout=10).json()
        graphs = httpx.get(
            f"{url}/sparql",
            params={"query": "SELECT (COUNT(DISTINCT ?g) AS ?n) { GRAPH ?g { ?s <http://example.org/p> ?o } }"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        ).json()
        assert int(graphs["results"]["bindings"][0]["n"]["value"]) == WRITES, health
    finally:
        stop_server(process)


@pytest.mark.parametrize("attempt", range(2))
def test_validate_beside_writes_at_start(tmp_path: Path, attempt: int) -> None:
    """`/validate` (pySHACL parsing SPARQL) and writes (the gate being prepared) at once, the moment it answers."""
    build_dir = tmp_path / "build"
    build(Settings(build_dir=build_dir), national=False)
    process, url = start_server(build_dir, update_token=TOKEN)
    example = (Path(__file__).resolve().parents[2] / "data" / "examples" / "governing-body-complete.ttl").read_bytes()

    def validate(_: int) -> httpx.Response:
        return httpx.post(f"{url}/validate", content=example, headers={"Content-Type": "text/turtle"}, timeout=120)

    try:
        with ThreadPoolExecutor(6) as pool:
            writes = [pool.submit(_put, url, n) for n in range(3)]
            checks = [pool.submit(validate, n) for n in range(3)]
            responses = [f.result() for f in writes + checks]
        assert all(r.status_code < 500 for r in responses), [(r.status_code, r.text[:200]) for r in responses]
        assert all(c.result().json()["conforms"] for c in checks)
    finally:
        stop_server(process)
