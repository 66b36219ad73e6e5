"""A replica of the national graph (about 600,000 quads): booted from the primary's snapshot, it serves the
same release with the same answers and the same ETags as the primary."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.replication.cluster import Served, health, replica


@pytest.fixture
def national_replica(tmp_path: Path, server_url: str) -> Iterator[Served]:
    served = replica(tmp_path / "replica", server_url, start=False)
    served.ready_timeout = 300.0  # the snapshot is made, sent and loaded before the replica answers
    served.start()
    yield served
    served.stop()


def test_a_replica_of_the_national_graph_answers_as_the_primary(server_url: str, national_replica: Served) -> None:
    primary_status, primary_health = health(server_url)
    replica_status, replica_health = health(national_replica.url)
    assert primary_status == 200 and replica_status == 200, replica_health
    for key in ("release", "quads", "graphs"):
        assert replica_health[key] == primary_health[key]
    assert replica_health["quads"] > 500_000 and replica_health["role"] == "replica"

    headers = {"Accept": "text/turtle", "Host": "ccg-graph.example"}
    for path in ("/id/ccg/03V", "/dataset"):
        answers = [httpx.get(f"{url}{path}", headers=headers, timeout=60) for url in (server_url, national_replica.url)]
        assert [a.status_code for a in answers] == [200, 200], path
        assert answers[0].headers["ETag"] == answers[1].headers["ETag"], path
        assert answers[0].text == answers[1].text, path

    saved = "/queries/ccg-count-by-month"
    counted = [
        httpx.get(f"{url}{saved}", headers={"Accept": "text/csv"}, timeout=120)
        for url in (server_url, national_replica.url)
    ]
    assert counted[0].status_code == 200 and counted[0].text == counted[1].text
    assert len(counted[0].text.splitlines()) > 100
