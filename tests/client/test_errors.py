"""Errors a researcher can meet: a wrong URL, a server that is down, slow or busy, a malformed query."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ccg_graph.client import Client, EndpointError, EndpointTimeout, EndpointUnreachable, QueryRejected
from ccg_graph.core.errors import BadInput
from tests.stub_http import reply

from ..conftest import free_port


def test_malformed_query_carries_the_servers_message(client: Client) -> None:
    with pytest.raises(QueryRejected) as caught:
        client.select("SELECT ?x WHERE { ?x ")
    assert caught.value.exit_code == 2
    assert "rejected the query" in str(caught.value) and "error at" in str(caught.value)


def test_wrong_path_is_a_404(server_url: str) -> None:
    with pytest.raises(EndpointError) as caught:
        Client(f"{server_url}/not-sparql", retries=0).select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert caught.value.status == 404 and caught.value.exit_code == 2


def test_nothing_listening() -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    with pytest.raises(EndpointUnreachable, match="cannot connect"):
        Client(url, retries=1, backoff=0.05).select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")


def test_not_an_endpoint_url() -> None:
    for url in ("ftp://example.org/sparql", "localhost:8000", ""):
        with pytest.raises(BadInput, match="not an HTTP"):
            Client(url)


@pytest.fixture
def silent_listener() -> Iterator[str]:
    """A socket that accepts connections and never answers, like a server stuck on a query."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/sparql"
    sock.close()


def test_timeout(silent_listener: str) -> None:
    with pytest.raises(EndpointTimeout, match="no answer within 1 s"):
        Client(silent_listener, timeout=1, retries=0).select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")


class _Busy(BaseHTTPRequestHandler):
    requests = 0

    def do_POST(self) -> None:
        type(self).requests += 1
        reply(self, 503, b"the service is restarting", "text/plain")

    def log_message(self, *args: object) -> None:
        pass


def test_busy_endpoint_is_retried_then_reported() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Busy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = Client(f"http://127.0.0.1:{server.server_address[1]}/sparql", retries=2, backoff=0.01)
        with pytest.raises(EndpointError) as caught:
            client.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    finally:
        server.shutdown()
    assert _Busy.requests == 3
    assert caught.value.status == 503 and "the service is restarting" in str(caught.value)
