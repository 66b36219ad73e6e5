"""The database-server pattern of docs/deployment.md, run once: two API processes over one `oxigraph serve`
behind nginx, every process on its own loopback port. Both processes are alike (`--reads-on-primary`
balances reads over both); writes go to the one named primary, and land in the shared database."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ccg_graph.core.config import Settings
from ccg_graph.national.build import build
from ccg_graph.store.loading import load_dump
from ccg_graph.store.remote import REGISTRY_SECONDS, SparqlStore
from tests.replication.cluster import TOKEN, Nginx, Served, has_label, insert, wait_for
from tests.replication.test_replicas import GRAPH, RESOURCE, read_load
from tests.store.servers import ServerProcess, oxigraph_server


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[ServerProcess, Path]]:
    build_dir = tmp_path / "build"
    build(Settings(build_dir=build_dir), national=False)
    server = oxigraph_server(tmp_path / "oxigraph")
    server.start()
    store = SparqlStore.from_settings(server.settings())
    load_dump(store, build_dir / "ccg-graph.nq.gz", chunk_triples=500)
    store.close()
    yield server, build_dir
    server.stop()


def test_two_api_processes_over_one_database_behind_nginx(tmp_path: Path, database: tuple) -> None:
    server, build_dir = database
    env = {"store": "sparql", "update_token": TOKEN, "query_workers": "2", "remote_timeout": "15"}
    env.update({key: str(value) for key, value in server.settings_fields.items()})
    apis = [Served(build_dir, (), env) for _ in range(2)]
    nginx: Nginx | None = None
    try:
        for api in apis:
            api.start()
        nginx = Nginx(tmp_path / "nginx", apis[0].url, [apis[1].url], "--reads-on-primary").start()

        value = f"in the database {uuid.uuid4()}"
        insert(nginx.url, GRAPH, value)  # through nginx to the process named primary, into the database
        assert has_label(apis[0].url, value)  # the writing process reads its own write at once
        # The other process reuses its list of ccg-graph's graphs for up to REGISTRY_SECONDS; a write that
        # creates a graph shows there once the list is read again (within 2 s; waited for with a margin).
        waited = wait_for(lambda: has_label(apis[1].url, value), 30, "the other API process sees the write")
        assert waited <= REGISTRY_SECONDS + 10
        assert all(has_label(nginx.url, value) for _ in range(4))

        headers = {"Accept": "text/turtle", "Host": "ccg-graph.example"}

        def same_etags() -> bool:
            answers = [httpx.get(f"{api.url}{RESOURCE}", headers=headers, timeout=30) for api in apis]
            assert [a.status_code for a in answers] == [200, 200]
            return answers[0].headers["ETag"] == answers[1].headers["ETag"]

        # Each process re-reads the database's fingerprint (the basis of ETags) every etag_refresh_seconds.
        wait_for(same_etags, 30, "both API processes give the resource the same ETag")

        victim = apis[1]
        killer = threading.Timer(2.0, victim.kill9)
        killer.start()
        answered, failures = read_load(nginx.url, seconds=6.0, threads=4)
        killer.join()
        assert failures == [], failures[:5]
        assert answered >= 20, f"only {answered} reads were answered in 6 s"
        victim.start()
        assert has_label(victim.url, value)
    finally:
        if nginx is not None:
            nginx.stop()
        for api in apis:
            api.stop()
