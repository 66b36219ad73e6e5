"""`ccg_graph.execution.pool.ProcessQueryExecutor`: which queries the server answers itself, and which go
to its worker processes.

Real worker processes over a store on disk. To see where a query was answered, the workers are stopped
(SIGSTOP): a query sent to one then waits until the time limit kills it, while a query answered in the
server process comes back at once.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from ccg_graph.core.errors import QueryTimeout, ServerBusy
from ccg_graph.execution.framing import QueryJob
from ccg_graph.execution.pool import ProcessQueryExecutor
from ccg_graph.store import EmbeddedStore

G = ox.NamedNode("urn:ccg-graph:test:graph")
LOOKUP = QueryJob("SELECT ?p ?o WHERE { <urn:s1> ?p ?o }")
NOT_BOUNDED = QueryJob("SELECT ?o WHERE { <urn:s1> ?p ?o . ?o ?q ?r }")
TIMEOUT = 1.5


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    directory = tmp_path_factory.mktemp("pool") / "store"
    writer = EmbeddedStore(directory)
    writer.native.extend(
        ox.Quad(ox.NamedNode(f"urn:s{i % 5}"), ox.NamedNode("urn:p"), ox.Literal(str(i)), G) for i in range(40)
    )
    writer.close()
    yield directory


def _executor(store_dir: Path, *, bounded_rows: int = 1000, workers: int = 1) -> ProcessQueryExecutor:
    return ProcessQueryExecutor(
        lambda: store_dir,
        workers=workers,
        queue_limit=0,
        timeout=TIMEOUT,
        bounded_store=EmbeddedStore(store_dir, read_only=True),
        bounded_rows=bounded_rows,
    )


def _stop_workers(executor: ProcessQueryExecutor) -> None:
    for pid in executor.pids:
        os.kill(pid, signal.SIGSTOP)


def _run(
    store_dir: Path, scenario: Callable[[ProcessQueryExecutor], Awaitable[None]], *, bounded_rows: int = 1000
) -> None:
    """`scenario` on a started executor whose worker is then stopped (SIGSTOP); the executor closed after."""

    async def started() -> None:
        executor = _executor(store_dir, bounded_rows=bounded_rows)
        await executor.start()
        try:
            _stop_workers(executor)
            await scenario(executor)
        finally:
            executor.close()

    asyncio.run(started())


def test_a_lookup_with_nothing_else_running_is_answered_without_a_worker(store_dir: Path) -> None:
    async def scenario(executor: ProcessQueryExecutor) -> None:
        answer = await executor.submit(LOOKUP)  # a stopped worker would never answer: QueryTimeout
        assert answer.body is not None and answer.head.rows == 8
        with pytest.raises(QueryTimeout):
            await executor.submit(NOT_BOUNDED)  # the stopped worker had it: killed at the time limit

    _run(store_dir, scenario)


def test_a_lookup_beside_another_query_goes_to_a_free_worker(store_dir: Path) -> None:
    """Two lookups at once with a worker free: the first is answered here, the second by the worker (which
    is stopped, so it times out): under concurrency the workers' cores are the faster way."""

    async def scenario(executor: ProcessQueryExecutor) -> None:
        first, second = await asyncio.gather(executor.submit(LOOKUP), executor.submit(LOOKUP), return_exceptions=True)
        assert not isinstance(first, BaseException) and first.head.rows == 8
        assert isinstance(second, QueryTimeout)

    _run(store_dir, scenario)


def test_a_lookup_is_answered_while_every_worker_is_busy(store_dir: Path) -> None:
    """A slow query holds the only worker: a lookup need not wait behind it, or be refused, while any other
    query is refused at once (no waiting line here)."""

    async def scenario(executor: ProcessQueryExecutor) -> None:
        slow = asyncio.ensure_future(executor.submit(NOT_BOUNDED))
        await asyncio.sleep(0.2)  # the slow query is at the worker
        answer = await executor.submit(LOOKUP)  # a stopped worker would never answer: QueryTimeout
        assert answer.head.rows == 8
        with pytest.raises(ServerBusy):
            await executor.submit(NOT_BOUNDED)
        with pytest.raises(QueryTimeout):
            await slow

    _run(store_dir, scenario)


def test_with_no_bound_every_query_goes_to_a_worker(store_dir: Path) -> None:
    async def scenario(executor: ProcessQueryExecutor) -> None:
        with pytest.raises(QueryTimeout):
            await executor.submit(LOOKUP)

    _run(store_dir, scenario, bounded_rows=0)


def test_a_lookup_with_more_rows_than_the_bound_goes_to_a_worker(store_dir: Path) -> None:
    """8 rows past a bound of 5: a worker answers it, whole (the stopped worker times out)."""

    async def scenario(executor: ProcessQueryExecutor) -> None:
        with pytest.raises(QueryTimeout):
            await executor.submit(LOOKUP)

    _run(store_dir, scenario, bounded_rows=5)


def test_a_lookup_past_the_bound_is_answered_whole_by_a_worker(store_dir: Path) -> None:
    async def answered() -> None:
        executor = _executor(store_dir, bounded_rows=5)
        await executor.start()
        try:
            answer = await executor.submit(LOOKUP)
            assert answer.head.rows == 8 and not answer.head.truncated
        finally:
            executor.close()

    asyncio.run(answered())
