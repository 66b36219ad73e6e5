"""Serve the built graph on a free loopback port for as long as the guide takes (uvicorn in a thread)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from ccg_graph.api import create_app
from ccg_graph.core.config import Settings
from ccg_graph.core.errors import CCGGraphError


@contextmanager
def serving(settings: Settings, start_timeout: float = 60.0) -> Iterator[str]:
    """The URL of ``/sparql`` on the built graph, served until the block ends."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="ccg-graph-guide-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout
    while not server.started:
        if not thread.is_alive():
            raise CCGGraphError(f"the graph server did not start (is the graph built in {settings.build_dir}?)")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise CCGGraphError(f"the graph server did not start within {start_timeout:g} s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/sparql"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
