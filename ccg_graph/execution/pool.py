"""Query executors: where user queries run, with a time limit that really stops them and a bounded queue.

`ProcessQueryExecutor` (the store on disk) runs each query in one of a fixed number of worker processes
that open the published store read-only; a query past its time limit has its worker killed (so it stops
using CPU at once) and replaced. `ThreadQueryExecutor` serves stores that live only in this process (in
memory, or a remote SPARQL server that enforces its own limits): it bounds the wait but cannot stop the
work, which is why the server uses the process executor whenever the store is on disk.

Both hand back a `QueryAnswer`: the negotiated head, and the body as bytes or as an async stream of chunks.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import anyio

from ccg_graph.core.errors import QueryTimeout, ServerBusy
from ccg_graph.execution.framing import (
    END,
    Complete,
    Failure,
    Head,
    Message,
    QueryJob,
    decode_message,
    encode_job,
    read_frame,
)
from ccg_graph.execution.worker import answer_bounded, evaluate
from ccg_graph.store.base import Store


class WorkerLost(ServerBusy):
    """A worker process died while answering (out of memory, killed from outside)."""


@dataclass
class QueryAnswer:
    head: Head
    body: bytes | None = None
    stream: AsyncIterator[bytes] | None = None
    worker_seconds: float = 0.0  # from the job reaching a worker to its first answer (the fair-use budget)


class QueryExecutor(Protocol):
    async def submit(self, job: QueryJob) -> QueryAnswer: ...

    def close(self) -> None: ...


def _timeout_error(seconds: float) -> QueryTimeout:
    return QueryTimeout(
        f"the query was stopped after {seconds:g} s (the server's time limit, CCG_GRAPH_QUERY_TIMEOUT); "
        "narrow it with more specific patterns, a LIMIT, or a saved query"
    )


def _busy_error() -> ServerBusy:
    return ServerBusy("the server is answering as many queries as it can; retry in a moment")


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen[bytes]
    sock: socket.socket
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None

    async def connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(sock=self.sock)

    def send(self, data: bytes) -> None:
        assert self.writer is not None
        self.writer.write(data)  # a job is a few hundred bytes: the socket buffer takes it at once

    async def receive(self) -> Message:
        assert self.reader is not None
        return decode_message(await read_frame(self.reader))

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(5)
        self.close_socket()

    def close_socket(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)  # at once, not at the event loop's next turn
        if self.writer is not None:
            self.writer.close()
        else:
            self.sock.close()


def start_worker_process(niceness: int = 0) -> _Worker:
    """A fresh `python -m ccg_graph.execution.worker` talking over one end of a socket pair, `niceness` steps
    below the server's CPU priority (the worker lowers its own at start: see `worker_main`).

    A plain subprocess rather than multiprocessing's spawn: the child imports only what it needs (not the
    parent's `__main__`, which may be pytest or uvicorn), so it starts fast and the same way everywhere.
    """
    parent, child = socket.socketpair()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "ccg_graph.execution.worker", str(child.fileno()), str(niceness)],
            pass_fds=[child.fileno()],
            stdin=subprocess.DEVNULL,
        )
    finally:
        child.close()
    return _Worker(process, parent)


class ProcessQueryExecutor:
    """A fixed pool of query worker processes over the store at `store_path()` (read when each job starts).

    With `bounded_store` (the same published store, open in this process) and `bounded_rows`, a query whose
    cost is bounded before it runs (`worker.answer_bounded`: one triple pattern, at most `bounded_rows`
    rows) is answered here without a worker; every other query, and one of those with more rows, goes to
    a worker.
    """

    def __init__(
        self,
        store_path: Callable[[], Path],
        *,
        workers: int,
        queue_limit: int,
        timeout: float,
        niceness: int = 0,
        bounded_store: Store | None = None,
        bounded_rows: int = 0,
    ) -> None:
        self._store_path = store_path
        self._bounded_store = bounded_store if bounded_rows > 0 else None
        self._bounded_rows = bounded_rows
        self._in_flight = 0  # queries being answered, here or by a worker
        self._bounded_busy = False
        self._bounded_thread = ThreadPoolExecutor(1, thread_name_prefix="bounded-query")
        self._niceness = niceness
        self._size = workers
        self._queue_limit = queue_limit
        self._timeout = timeout
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._waiting = 0

    async def _start_worker(self) -> _Worker:
        """A new worker (spawned in a thread: starting a process takes a few hundred milliseconds)."""
        worker = await asyncio.to_thread(start_worker_process, self._niceness)
        await worker.connect()
        self._all.add(worker)
        return worker

    async def start(self) -> None:
        """Start every worker."""
        workers = await asyncio.gather(*(self._start_worker() for _ in range(self._size)))
        for worker in workers:
            self._idle.put_nowait(worker)

    async def _replace(self, worker: _Worker) -> None:
        self._all.discard(worker)
        await asyncio.to_thread(worker.process.kill)
        await asyncio.to_thread(worker.process.wait, 5)
        worker.close_socket()
        self._idle.put_nowait(await self._start_worker())

    async def submit(self, job: QueryJob) -> QueryAnswer:
        self._in_flight += 1
        try:
            if self._bounded_store is not None and self._may_answer_here():
                answered = await self._answer_bounded(self._bounded_store, job)
                if answered is not None:
                    return answered
            return await self._submit_to_worker(job)
        finally:
            self._in_flight -= 1

    def _may_answer_here(self) -> bool:
        """May a bounded query be answered in this process now? When the one thread for it is free, and either
        no other query is being answered (then a worker's round trip is all the worker would add) or every
        worker is busy (then the query would wait, or be refused, behind slow ones it need not wait for).

        Under concurrent queries with workers free, the workers are the faster way: they use every core, where
        a thread of this process shares one interpreter lock with the HTTP handling (measured in
        docs/performance.md: answering every lookup here cost a third of the throughput at 4 clients)."""
        return not self._bounded_busy and (self._in_flight == 1 or self._idle.empty())

    async def _answer_bounded(self, store: Store, job: QueryJob) -> QueryAnswer | None:
        """`job` answered in this process when its cost is bounded (`worker.answer_bounded`), else None. It runs
        in this executor's one thread, so the event loop goes on reading requests meanwhile."""
        started = time.monotonic()
        loop = asyncio.get_running_loop()
        self._bounded_busy = True
        try:
            complete = await loop.run_in_executor(self._bounded_thread, answer_bounded, store, job, self._bounded_rows)
        finally:
            self._bounded_busy = False
        if complete is None:
            return None
        return QueryAnswer(complete.head, body=complete.body, worker_seconds=time.monotonic() - started)

    async def _submit_to_worker(self, job: QueryJob) -> QueryAnswer:
        if self._idle.empty() and self._waiting >= self._queue_limit:
            raise _busy_error()
        self._waiting += 1
        try:
            worker = await self._idle.get()
        finally:
            self._waiting -= 1
        started = time.monotonic()
        try:
            worker.send(encode_job(str(self._store_path()), job))
            first = await asyncio.wait_for(worker.receive(), self._timeout)
        except TimeoutError:
            await self._replace(worker)
            raise _timeout_error(self._timeout) from None
        except (EOFError, OSError, asyncio.IncompleteReadError):
            await self._replace(worker)
            raise WorkerLost("the query worker stopped unexpectedly; retry, and narrow the query") from None
        except asyncio.CancelledError:
            await asyncio.shield(self._replace(worker))
            raise
        seconds = time.monotonic() - started
        if isinstance(first, Complete):
            self._idle.put_nowait(worker)
            return QueryAnswer(first.head, body=first.body, worker_seconds=seconds)
        if isinstance(first, Failure):
            self._idle.put_nowait(worker)
            raise first.to_exception()
        assert isinstance(first, Head)
        return QueryAnswer(first, stream=self._stream(worker), worker_seconds=seconds)

    async def _stream(self, worker: _Worker) -> AsyncIterator[bytes]:
        finished = False
        try:
            while True:
                message = await asyncio.wait_for(worker.receive(), self._timeout)
                if message == END:
                    finished = True
                    return
                if isinstance(message, Failure):
                    finished = True  # the worker has sent its last message for this job
                    return
                assert isinstance(message, bytes)
                yield message
        finally:
            if finished:
                self._idle.put_nowait(worker)
            else:
                await asyncio.shield(self._replace(worker))

    def close(self) -> None:
        self._bounded_thread.shutdown(wait=False)
        for worker in list(self._all):
            with contextlib.suppress(OSError, RuntimeError):
                worker.close_socket()  # the worker reads the end of its socket and exits
        for worker in list(self._all):
            try:
                worker.process.wait(2)
            except subprocess.TimeoutExpired:
                worker.kill()
        self._all.clear()

    @property
    def pids(self) -> list[int]:
        """The worker processes' ids (tests watch them stop using CPU)."""
        return [w.process.pid for w in self._all]


class ThreadQueryExecutor:
    """Runs queries in threads on a store held by this process; bounds waiting, cannot stop the work."""

    def __init__(self, store: Callable[[], Store], *, workers: int, queue_limit: int, timeout: float) -> None:
        self._store = store
        self._limiter = anyio.CapacityLimiter(workers)
        self._queue_limit = queue_limit
        self._timeout = timeout
        self._waiting = 0

    def _run(self, job: QueryJob) -> list[object]:
        return list(evaluate(self._store(), job))

    async def submit(self, job: QueryJob) -> QueryAnswer:
        if self._limiter.available_tokens == 0 and self._waiting >= self._queue_limit:
            raise _busy_error()
        self._waiting += 1
        started = time.monotonic()
        try:
            with anyio.fail_after(self._timeout):
                messages = await anyio.to_thread.run_sync(self._run, job, limiter=self._limiter, abandon_on_cancel=True)
        except TimeoutError:
            raise _timeout_error(self._timeout) from None
        finally:
            self._waiting -= 1
        seconds = time.monotonic() - started  # includes waiting for a thread: an upper bound
        first = messages[0]
        if isinstance(first, Failure):
            raise first.to_exception()
        if isinstance(first, Complete):
            return QueryAnswer(first.head, body=first.body, worker_seconds=seconds)
        assert isinstance(first, Head)
        chunks = [m for m in messages[1:] if isinstance(m, bytes)]
        return QueryAnswer(first, body=b"".join(chunks), worker_seconds=seconds)

    def close(self) -> None:
        """Nothing to release: the threads belong to anyio's pool."""
