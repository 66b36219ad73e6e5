"""What a replica may fetch, and what the configuration commands refuse, without starting a cluster."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from ccg_graph.core.errors import BadInput
from ccg_graph.replication.feed import FeedBroken, check_chain, parse_feed
from ccg_graph.replication.follower import PrimaryClient, PrimaryUnavailable, primary_origin
from ccg_graph.replication.nginx import BalancerPlan, nginx_config


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers every request with a redirect to `location`, counting what it was asked."""

    location = ""
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        self.send_response(302 if self.location else 200)
        if self.location:
            self.send_header("Location", self.location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


def _serve(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def elsewhere() -> Iterator[tuple[str, list[str]]]:
    class Elsewhere(_Recorder):
        hits: ClassVar[list[str]] = []

    for url in _serve(Elsewhere):
        yield url, Elsewhere.hits


def test_a_replica_never_follows_its_primary_elsewhere(elsewhere: tuple[str, list[str]]) -> None:
    target, hits = elsewhere

    class Redirecting(_Recorder):
        location = f"{target}/replication/status"
        hits: ClassVar[list[str]] = []

    for primary in _serve(Redirecting):
        client = PrimaryClient(primary)
        with pytest.raises(PrimaryUnavailable, match="HTTP 302"):
            client.status()
        with pytest.raises(PrimaryUnavailable):
            client.download_snapshot(Path("/nonexistent/never-written"))
        client.close()
        assert Redirecting.hits == ["/replication/status", "/replication/snapshot"]
    assert hits == []  # the redirect target was never asked


@pytest.mark.parametrize("url", ["ftp://primary/", "primary:8000", "http://primary:8000/?x=1", "http://"])
def test_a_primary_url_must_be_an_http_base_url(url: str) -> None:
    with pytest.raises(BadInput):
        primary_origin(url)


def test_a_feed_that_does_not_continue_the_replicas_release_is_refused() -> None:
    patch = (
        "H id <urn:ccg-graph:release:r2> .\nH prev <urn:ccg-graph:release:r1> .\nTX .\n"
        'A <http://e/s> <http://e/p> "o" <http://e/g> .\nTC .\n'
    )
    releases = parse_feed(patch)
    assert [r.id for r in releases] == ["r2"] and len(releases[0].added) == 1
    check_chain(releases, "r1", "store")
    with pytest.raises(FeedBroken, match="does not continue"):
        check_chain(releases, "r0", "store")
    with pytest.raises(FeedBroken, match=r"no 'TC \.'"):
        parse_feed(patch.replace("TC .\n", ""))
    with pytest.raises(FeedBroken):
        parse_feed(patch.replace('"o"', '"o'))


def test_nginx_configuration_refuses_what_it_cannot_express() -> None:
    with pytest.raises(BadInput, match="at least one"):
        nginx_config(BalancerPlan("http://127.0.0.1:1", ()))
    with pytest.raises(BadInput, match="both the primary and a replica"):
        nginx_config(BalancerPlan("http://127.0.0.1:1", ("http://127.0.0.1:1",)))
    with pytest.raises(BadInput, match="http://host:port"):
        nginx_config(BalancerPlan("https://primary", ("http://127.0.0.1:2",)))
    text = nginx_config(BalancerPlan("http://10.0.0.1:8000", ("http://10.0.0.2:8000", "http://10.0.0.3:8000")))
    assert "server 10.0.0.2:8000 max_fails=1 fail_timeout=10s;" in text
    assert "server 10.0.0.1:8000 backup;" in text


def test_deploy_nginx_exits_2_on_bad_input() -> None:
    command = [sys.executable, "-m", "ccg_graph.cli", "deploy", "nginx", "--primary", "nonsense", "--replica", "x"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--primary" in result.stderr
