"""The HTTP connection sends a response's head and body in one write, so a killed server leaves nothing half-said."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ccg_graph.api.http_protocol import FLUSH_AT, JoinedWrites

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# A server that starts its answer, then dies by SIGKILL before it sends the body: the window in which a replica
# killed under load used to leave nginx holding a head without a body.
DYING_SERVER = textwrap.dedent(
    """
    import os, signal, sys
    import uvicorn
    from ccg_graph.api.http_protocol import WholeResponseProtocol

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"9")]})
        if scope["path"] == "/dies-after-the-head":
            os.kill(os.getpid(), signal.SIGKILL)
        await send({"type": "http.response.body", "body": b"n\\r\\n4242\\r\\n"})

    http = WholeResponseProtocol if sys.argv[2] == "joined" else "httptools"
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), http=http, log_level="warning")
    """
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(protocol: str) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """The dying server on a free port, once it accepts connections; killed when the block ends."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", DYING_SERVER, str(port), protocol], cwd=PROJECT_ROOT)
    try:
        _wait_until_listening(process, port)
        yield process, port
    finally:
        process.kill()


def _wait_until_listening(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None:
                raise AssertionError(f"the test server exited with {process.returncode}") from None
            time.sleep(0.05)
    raise AssertionError("the test server did not start within 60 s")


def everything_received(port: int, path: str) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
        return received


def test_a_server_killed_after_starting_its_answer_sends_no_part_of_it() -> None:
    with running_server("joined") as (process, port):
        assert everything_received(port, "/dies-after-the-head") == b""
        assert process.wait(timeout=30) == -9


def test_uvicorns_own_protocol_would_have_sent_the_head_alone() -> None:
    """The control: without joined writes the same death leaves a head that promises 9 bytes and none follow."""
    with running_server("plain") as (_, port):
        received = everything_received(port, "/dies-after-the-head")
        assert received.startswith(b"HTTP/1.1 200 OK") and received.endswith(b"\r\n\r\n")
        assert b"content-length: 9" in received


def test_a_server_that_lives_sends_the_whole_answer() -> None:
    with running_server("joined") as (_, port):
        received = everything_received(port, "/lives")
        assert received.startswith(b"HTTP/1.1 200 OK") and received.endswith(b"\r\n\r\nn\r\n4242\r\n")


class RecordingTransport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_write_buffer_size(self) -> int:
        return 0


def test_writes_of_one_turn_leave_together_and_a_large_stream_is_not_held() -> None:
    async def scenario() -> None:
        inner = RecordingTransport()
        joined = JoinedWrites(inner, asyncio.get_running_loop())
        joined.write(b"HTTP/1.1 200 OK\r\n\r\n")
        joined.write(b"body")
        assert inner.writes == [] and joined.get_write_buffer_size() == 23
        await asyncio.sleep(0)  # the turn ends
        assert inner.writes == [b"HTTP/1.1 200 OK\r\n\r\nbody"]

        joined.write(b"x" * (FLUSH_AT + 1))  # past the limit it goes at once
        assert len(inner.writes) == 2 and joined.get_write_buffer_size() == 0

        joined.write(b"last words")
        joined.close()  # closing sends what is held first
        assert inner.writes[-1] == b"last words" and inner.closed

    asyncio.run(scenario())
