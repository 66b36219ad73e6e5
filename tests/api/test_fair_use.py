"""Fair use: per-client query rates and worker-time budgets, 429 with Retry-After, clients behind proxies."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from ccg_graph.api import create_app
from ccg_graph.api.fair_use import FairUse, TokenBuckets
from ccg_graph.core.config import Settings
from tests.api.conftest import core_settings
from tests.conftest import start_server, stop_server

QUERY = {"query": "ASK { ?s ?p ?o }"}


def test_token_buckets_refill_at_their_rate_and_overdraw_by_charges() -> None:
    buckets = TokenBuckets(capacity=2, per_second=0.5)
    assert buckets.take("a", 1, now=0.0) == 0 and buckets.take("a", 1, now=0.0) == 0
    assert buckets.take("a", 1, now=0.0) == pytest.approx(2.0)  # one token at 0.5/s
    assert buckets.take("b", 1, now=0.0) == 0  # another client has its own bucket
    assert buckets.take("a", 1, now=2.0) == 0
    buckets.charge("a", 5, now=2.0)  # a heavy query overdraws, down to minus the capacity
    assert buckets.wait("a", 1, now=2.0) == pytest.approx(6.0)


def _request(peer: str, forwarded: str | None) -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded is not None else []
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers, "client": (peer, 5000)})


def test_the_client_is_taken_from_x_forwarded_for_only_behind_a_trusted_proxy() -> None:
    fair_use = FairUse(Settings(trusted_proxies="10.0.0.0/8, ::1"))
    assert fair_use.client(_request("10.1.2.3", "203.0.113.9")) == "203.0.113.9"
    assert fair_use.client(_request("::1", "198.51.100.1, 203.0.113.9, 10.0.0.7")) == "203.0.113.9"
    assert fair_use.client(_request("192.0.2.44", "203.0.113.9")) == "192.0.2.44"  # not a proxy of ours
    assert fair_use.client(_request("10.1.2.3", None)) == "10.1.2.3"


def test_past_the_rate_a_client_gets_429_with_retry_after(core_build_dir: Path) -> None:
    settings = core_settings(core_build_dir, rate_limit_per_minute=2)
    with TestClient(create_app(settings)) as client:
        assert client.get("/sparql", params=QUERY).status_code == 200
        assert client.get("/queries/ccgs-open-on", params={"as_of": "2020-01-01"}).status_code == 200
        refused = client.get("/sparql", params=QUERY)
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.json()["error"] == "RateLimited"
        assert client.get("/healthz").status_code == 200  # only queries are limited


def test_past_its_worker_time_budget_a_client_gets_429(core_build_dir: Path) -> None:
    settings = core_settings(core_build_dir, query_budget_seconds=0.001, query_budget_window_seconds=3600)
    with TestClient(create_app(settings)) as client:
        assert client.get("/sparql", params=QUERY).status_code == 200  # any query takes more than 1 ms
        refused = client.get("/sparql", params=QUERY)
        assert refused.status_code == 429
        assert "worker time" in refused.json()["message"]
        assert int(refused.headers["retry-after"]) >= 1


@pytest.mark.parametrize(("trusted", "separate"), [("127.0.0.1", True), ("192.0.2.1", False)])
def test_a_real_server_limits_each_forwarded_client_only_behind_a_trusted_proxy(
    core_build_dir: Path, trusted: str, separate: bool
) -> None:
    process, url = start_server(core_build_dir, rate_limit_per_minute="1", trusted_proxies=trusted)
    try:
        first = httpx.get(f"{url}/sparql", params=QUERY, headers={"X-Forwarded-For": "203.0.113.1"})
        assert first.status_code == 200
        second = httpx.get(f"{url}/sparql", params=QUERY, headers={"X-Forwarded-For": "203.0.113.2"})
        assert second.status_code == (200 if separate else 429)
        again = httpx.get(f"{url}/sparql", params=QUERY, headers={"X-Forwarded-For": "203.0.113.1"})
        assert again.status_code == 429
    finally:
        stop_server(process)
