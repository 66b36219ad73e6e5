"""The query worker process: opens the published store read-only and answers jobs sent down a socket.

A worker is a separate process because pyoxigraph cannot be interrupted while it evaluates (a sort or an
aggregate runs to its end): the only way to stop a runaway query is to stop the process running it. The
pool kills a worker whose query passes its time limit and starts a fresh one. Messages are framed as in
`framing`.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
from pathlib import Path

from ccg_graph.execution.evaluate import evaluate
from ccg_graph.execution.framing import LENGTH, decode_job, encode_message
from ccg_graph.store.embedded import EmbeddedStore


def _read_exactly(sock: socket.socket, size: int) -> bytes | None:
    """`size` bytes, or None when the server has closed its end."""
    buffer = bytearray()
    while len(buffer) < size:
        chunk = sock.recv(size - len(buffer))
        if not chunk:
            return None
        buffer += chunk
    return bytes(buffer)


def worker_main(sock: socket.socket) -> None:
    """Serve framed `(store_path, QueryJob)` requests until the socket closes or an empty frame arrives."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the server, which stops its workers
    store: EmbeddedStore | None = None
    opened: str | None = None
    while True:
        try:
            prefix = _read_exactly(sock, LENGTH.size)
            payload = _read_exactly(sock, LENGTH.unpack(prefix)[0]) if prefix is not None else None
        except OSError:
            break
        if not payload:
            break
        store_path, job = decode_job(payload)
        if store_path != opened:
            if store is not None:
                store.close()
            store = EmbeddedStore(Path(store_path), read_only=True)
            opened = store_path
        assert store is not None, "opened above for the first request"
        for message in evaluate(store, job):
            sock.sendall(encode_message(message))
    if store is not None:
        store.close()
    os._exit(0)


if __name__ == "__main__":
    worker_main(socket.socket(fileno=int(sys.argv[1])))
