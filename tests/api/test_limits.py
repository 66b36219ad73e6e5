"""Limits that keep the service up: a timeout that really stops the work, a bounded queue, a row cap.

A real `ccg-graph serve` on the national graph with a 2 s timeout, two query workers and no waiting line.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import psutil
import pytest

from ccg_graph.core.config import Settings
from ccg_graph.national.build import BuildSummary
from tests.conftest import start_server, stop_server

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"
LOOKUP = "SELECT ?p ?o WHERE { <https://w3id.org/ccg-graph/id/ccg/00C> ?p ?o }"
#: Cheap, but of two patterns: a worker answers it (a lookup of one pattern the server may answer itself).
JOINED = (
    "SELECT ?name WHERE { <https://w3id.org/ccg-graph/id/ccg/00C> <https://w3id.org/ccg-graph/def#successor> ?s . "
    "?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?name }"
)


@pytest.fixture(scope="module")
def limited_server(national_build: BuildSummary, national_settings: Settings) -> Iterator[tuple[str, int]]:
    process, url = start_server(
        national_settings.build_dir, query_timeout="2", query_workers="2", query_queue_limit="0", max_result_rows="10"
    )
    yield url, process.pid
    stop_server(process)


def _worker_processes(server_pid: int) -> list[psutil.Process]:
    return [p for p in psutil.Process(server_pid).children() if "ccg_graph.execution.worker" in " ".join(p.cmdline())]


def test_runaway_query_is_stopped_and_stops_using_cpu(limited_server: tuple[str, int]) -> None:
    url, server_pid = limited_server
    started = time.monotonic()
    response = httpx.get(f"{url}/sparql", params={"query": RUNAWAY}, timeout=30)
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert "stopped after 2 s" in response.json()["message"]
    assert elapsed < 10
    time.sleep(1.0)  # the replacement worker starts
    workers = _worker_processes(server_pid)
    assert len(workers) == 2
    for worker in workers:
        worker.cpu_percent(None)
    time.sleep(1.0)
    busy = [w.pid for w in workers if w.cpu_percent(None) > 20]
    assert not busy, f"workers still computing after the timeout: {busy}"


def test_slow_queries_do_not_stall_health_or_fast_queries(limited_server: tuple[str, int]) -> None:
    url, _ = limited_server
    slow = threading.Thread(target=lambda: httpx.get(f"{url}/sparql", params={"query": RUNAWAY}, timeout=30))
    slow.start()
    time.sleep(0.3)
    try:
        started = time.monotonic()
        assert httpx.get(f"{url}/healthz", timeout=5).status_code == 200
        fast = httpx.get(f"{url}/sparql", params={"query": LOOKUP}, timeout=5)
        assert fast.status_code == 200
        assert time.monotonic() - started < 1.5
    finally:
        slow.join()


def test_full_service_answers_503_at_once(limited_server: tuple[str, int]) -> None:
    url, _ = limited_server
    slow = [
        threading.Thread(target=lambda: httpx.get(f"{url}/sparql", params={"query": RUNAWAY}, timeout=30))
        for _ in range(2)
    ]
    for thread in slow:
        thread.start()
    time.sleep(0.5)
    try:
        started = time.monotonic()
        busy = httpx.get(f"{url}/sparql", params={"query": JOINED}, timeout=5)
        assert busy.status_code == 503 and busy.headers["retry-after"]
        assert "retry" in busy.json()["message"]
        assert time.monotonic() - started < 1
        # A lookup of one triple pattern (within the row cap of 10) costs too little to need a worker: it is
        # answered all the same.
        label = (
            "SELECT ?o WHERE { <https://w3id.org/ccg-graph/id/ccg/00C> "
            "<http://www.w3.org/2004/02/skos/core#prefLabel> ?o }"
        )
        lookup = httpx.get(f"{url}/sparql", params={"query": label}, timeout=5)
        assert lookup.status_code == 200 and lookup.json()["results"]["bindings"]  # a worker's would be 503
    finally:
        for thread in slow:
            thread.join()


def test_row_cap_truncates_and_says_so(limited_server: tuple[str, int]) -> None:
    url, _ = limited_server
    response = httpx.get(f"{url}/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 50"}, timeout=10)
    assert response.headers["x-result-truncated"] == "true"
    assert len(response.json()["results"]["bindings"]) == 10
    construct = httpx.get(
        f"{url}/sparql",
        params={"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 50"},
        headers={"accept": "application/n-triples"},
        timeout=10,
    )
    assert construct.headers["x-result-truncated"] == "true"
    assert len(construct.text.strip().splitlines()) == 10
