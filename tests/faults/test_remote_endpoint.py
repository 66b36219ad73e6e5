"""A remote SPARQL endpoint (allow-listed for SERVICE) that goes away mid-request, then comes back.

The remote is a small SPARQL JSON endpoint on the loopback that can be told to drop connections without
answering (the process died mid-request) or be shut down (refused). Each outage is a 502 with a message;
once the remote answers again, so does the federated query.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port
from tests.faults.conftest import launch
from tests.stub_http import reply

ANSWER = {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "remote"}}]}}


class Remote:
    def __init__(self, port: int) -> None:
        self.port = port
        self.drop = False
        self._server: ThreadingHTTPServer | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def start(self) -> None:
        remote = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length", "0")))
                if remote.drop:
                    self.connection.close()  # gone mid-request: no status line, no body
                    return
                reply(self, 200, json.dumps(ANSWER).encode(), "application/sparql-results+json")

            do_GET = do_POST

            def log_message(self, format: str, *args: object) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@pytest.fixture
def remote() -> Iterator[Remote]:
    endpoint = Remote(free_port())
    endpoint.start()
    yield endpoint
    endpoint.stop()


def test_a_remote_store_that_goes_away_gives_502_and_the_service_recovers(fault_build: Path, remote: Remote) -> None:
    server = launch(fault_build, service_allow=remote.endpoint, query_timeout="5")
    query = f"SELECT ?x WHERE {{ SERVICE <{remote.endpoint}> {{ ?s ?p ?x }} }}"

    def ask() -> httpx.Response:
        return httpx.get(f"{server.url}/sparql", params={"query": query}, timeout=30)

    try:
        first = ask()
        assert first.status_code == 200, first.text
        assert first.json()["results"]["bindings"][0]["x"]["value"] == "remote"

        remote.drop = True
        dropped = ask()
        assert dropped.status_code == 502, dropped.text
        assert remote.endpoint in dropped.json()["message"]

        remote.stop()
        refused = ask()
        assert refused.status_code == 502, refused.text
        assert "failed" in refused.json()["message"]
        assert httpx.get(f"{server.url}/healthz", timeout=5).status_code == 200

        remote.drop = False
        remote.start()
        recovered = ask()
        assert recovered.status_code == 200, recovered.text
        assert recovered.json()["results"]["bindings"][0]["x"]["value"] == "remote"
    finally:
        server.stop()
