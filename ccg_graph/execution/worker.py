"""The query worker process: opens the published store read-only and answers jobs sent down a pipe.

A worker is a separate process because pyoxigraph cannot be interrupted while it evaluates (a sort or an
aggregate runs to its end): the only way to stop a runaway query is to stop the process running it. The
pool kills a worker whose query passes its time limit and starts a fresh one.
"""

from __future__ import annotations

import os
import signal
import sys
from multiprocessing.connection import Connection
from pathlib import Path

from ccg_graph.execution.evaluate import QueryJob, evaluate
from ccg_graph.store.embedded import EmbeddedStore


def worker_main(conn: Connection) -> None:
    """Serve `(store_path, QueryJob)` requests until the pipe closes or a `None` arrives."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the server, which stops its workers
    store: EmbeddedStore | None = None
    opened: str | None = None
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            break
        if request is None:
            break
        store_path, job = request
        assert isinstance(job, QueryJob)
        if store_path != opened:
            if store is not None:
                store.close()
            store = EmbeddedStore(Path(store_path), read_only=True)
            opened = store_path
        assert store is not None, "opened above for the first request"
        for message in evaluate(store, job):
            conn.send(message)
    if store is not None:
        store.close()
    os._exit(0)


if __name__ == "__main__":
    worker_main(Connection(int(sys.argv[1])))
