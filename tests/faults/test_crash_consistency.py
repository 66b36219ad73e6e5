"""kill -9 in the middle of a large Graph Store PUT and of a large SPARQL Update, then restart.

After each crash: the server starts on the same build directory, the published generation opens, the big
write is there entirely or not at all, and every write acknowledged before the crash is still there.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.faults.conftest import AUTH, count_in_graph, health, launch, put_ntriples

BIG = 40_000  # triples in the write that is interrupted
BIG_GRAPH = "http://example.org/fault/big"


def _big_ntriples() -> bytes:
    return "".join(
        f'<http://example.org/fault/s{i}> <http://example.org/fault/p> "value {i}" .\n' for i in range(BIG)
    ).encode()


def _big_update() -> bytes:
    body = "".join(f'<http://example.org/fault/u{i}> <http://example.org/fault/p> "u {i}" .\n' for i in range(BIG))
    return f"INSERT DATA {{ GRAPH <{BIG_GRAPH}> {{\n{body}}} }}".encode()


def _acknowledged_writes(url: str, round_: int) -> list[str]:
    """Three small writes, each acknowledged (201) before the crash; returns their graphs."""
    graphs = []
    for i in range(3):
        graph = f"http://example.org/fault/ack-{round_}-{i}"
        response = put_ntriples(
            url, graph, f'<http://example.org/fault/a{i}> <http://example.org/fault/p> "{i}" .'.encode()
        )
        assert response.status_code == 201, response.text
        graphs.append(graph)
    return graphs


def _send_in_background(url: str, method: str, path: str, body: bytes, content_type: str) -> list[object]:
    outcome: list[object] = []

    def send() -> None:
        try:
            outcome.append(
                httpx.request(
                    method,
                    f"{url}{path}",
                    content=body,
                    headers={"content-type": content_type, **AUTH},
                    timeout=120,
                )
            )
        except httpx.HTTPError as err:
            outcome.append(err)

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return outcome


#: The quad id:graph/writes states about itself while it describes any graph written (its basis).
WRITES_GRAPH_SELF = 1

WRITES = {
    "graph-store-put": ("PUT", f"/store?graph={BIG_GRAPH}", _big_ntriples, "application/n-triples"),
    "sparql-update": ("POST", "/sparql/update", _big_update, "application/sparql-update"),
}


@pytest.mark.parametrize("delay", [0.5, 3.0])
@pytest.mark.parametrize("write", sorted(WRITES))
def test_kill9_during_a_large_write(fault_build: Path, write: str, delay: float) -> None:
    method, path, make_body, content_type = WRITES[write]
    body = make_body()
    server = launch(fault_build)
    try:
        before = health(server.url)["quads"]
        acknowledged = _acknowledged_writes(server.url, 0)
        after_acks = health(server.url)["quads"]
        # Three one-triple writes to new graphs: each graph's ccg:basis, and id:graph/writes' own basis
        # (ccg_graph.writes.basis), come with them.
        assert after_acks == before + 3 + 3 + WRITES_GRAPH_SELF
        outcome = _send_in_background(server.url, method, path, body, content_type)
        time.sleep(delay)
    finally:
        server.kill9()
    completed = bool(outcome) and isinstance(outcome[0], httpx.Response) and outcome[0].status_code in (201, 204)

    restarted = launch(fault_build)
    try:
        state = health(restarted.url)
        assert state["status"] == "ok"
        big = count_in_graph(restarted.url, BIG_GRAPH)
        assert big in (0, BIG), f"the interrupted write is half there: {big} of {BIG} triples"
        if completed:
            assert big == BIG, "a write acknowledged before the crash was lost"
        described = 1 if big else 0  # the big graph's basis comes and goes with it
        assert state["quads"] == after_acks + big + described
        for graph in acknowledged:
            assert count_in_graph(restarted.url, graph) == 1, f"the acknowledged write to {graph} was lost"
        # The store still takes writes after the crash (an abandoned generation does not block the next one).
        assert _acknowledged_writes(restarted.url, 1)
        assert health(restarted.url)["quads"] == after_acks + big + described + 3 + 3
    finally:
        restarted.stop()
