"""The cost of one lookup, taken apart: HTTP, the worker round trip, ccg-graph's code in the worker, the
serialiser and the engine, so a miss against `oxigraph serve` is explained by numbers.

Each layer is timed on its own, in this process, on the same store and query, as the median of many runs;
the layers are then differences of successive medians:

- engine: pyoxigraph evaluating the query and handing over every solution;
- serialisation: the same with pyoxigraph's SPARQL JSON serialiser instead, less the engine;
- worker code: `evaluate` and the answer's framing (what a query worker runs), less the two above;
- round trip and queue: a `ProcessQueryExecutor` with one worker answering the job, less the worker's work;
- HTTP: wrk's mean latency at concurrency 1 on the running server for this one request, less the round trip
  (uvicorn, FastAPI, routing, negotiation, the response).

A lookup of one triple pattern is answered in the server process when nothing else is running
(`worker.answer_bounded`), which is what a lookup at concurrency 1 meets: then "worker code" is
`answer_bounded` (recognising the shape, the row count) less the serialiser, and "round trip" is a
`ProcessQueryExecutor` answering it in its own thread, less that. The worker path's two layers are kept
beside them (`worker_path`), for comparison.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from bench.procs import Server
from bench.remote_overhead import median_ms
from bench.wrk import run_wrk
from ccg_graph.core.config import Settings
from ccg_graph.core.namespaces import PREFIXES
from ccg_graph.execution.evaluate import QueryJob, evaluate
from ccg_graph.execution.framing import encode_message
from ccg_graph.execution.pool import ProcessQueryExecutor
from ccg_graph.execution.worker import answer_bounded
from ccg_graph.store.embedded import EmbeddedStore
from ccg_graph.store.published import published_path

ACCEPT = "application/sparql-results+json"


async def _submit_ms(store_path: Path, job: QueryJob, repeats: int, bounded_rows: int = 0) -> float:
    bounded_store = EmbeddedStore(store_path, read_only=True) if bounded_rows else None
    executor = ProcessQueryExecutor(
        lambda: store_path,
        workers=1,
        queue_limit=1,
        timeout=30,
        bounded_store=bounded_store,
        bounded_rows=bounded_rows,
    )
    await executor.start()
    try:
        for _ in range(max(3, repeats // 10)):
            await executor.submit(job)
        samples = []
        for _ in range(repeats):
            started = time.perf_counter()
            await executor.submit(job)
            samples.append(time.perf_counter() - started)
        return statistics.median(samples) * 1000
    finally:
        executor.close()
        if bounded_store is not None:
            bounded_store.close()


def lookup_cost(server: Server, build_dir: Path, sparql: str, work_dir: Path, repeats: int = 300) -> dict:
    """The layers of one lookup's cost, in milliseconds (see the module's docstring)."""
    store_path = published_path(build_dir)
    store = EmbeddedStore(store_path, read_only=True)
    try:
        native = store.native

        def solutions() -> ox.QuerySolutions:
            answer = native.query(sparql, use_default_graph_as_union=True)
            assert isinstance(answer, ox.QuerySolutions), "the breakdown is of a SELECT lookup"
            return answer

        engine = median_ms(lambda: list(solutions()), repeats)
        serialised = median_ms(lambda: solutions().serialize(format=ox.QueryResultsFormat.JSON), repeats)
        job = QueryJob(sparql, accept=ACCEPT, prefixes=dict(PREFIXES))
        evaluated = median_ms(lambda: [encode_message(m) for m in evaluate(store, job)], repeats)
        rows = Settings().bounded_query_rows
        bounded = rows > 0 and answer_bounded(store, job, rows) is not None
        in_process = median_ms(lambda: answer_bounded(store, job, rows), repeats) if bounded else None
    finally:
        store.close()
    through_worker = asyncio.run(_submit_ms(store_path, job, repeats))
    submitted = asyncio.run(_submit_ms(store_path, job, repeats, rows)) if bounded else through_worker
    code = in_process if in_process is not None else evaluated
    run = run_wrk(
        server.base_url,
        [server.query_get_path(sparql)],
        connections=1,
        seconds=2,
        max_requests=repeats * 10,
        timeout_seconds=10,
        script_path=work_dir / "breakdown.lua",
        accept=ACCEPT,
    )
    http_total = run["mean_ms"] or 0.0
    layers = {
        "engine_ms": engine,
        "serialisation_ms": serialised - engine,
        "worker_code_ms": code - serialised,
        "round_trip_ms": submitted - code,
        "http_ms": http_total - submitted,
    }
    return {
        "query": sparql,
        "path": "server process" if bounded else "worker",
        "total_ms": round(http_total, 3),
        "layers": {name: round(value, 3) for name, value in layers.items()},
        "worker_path": {
            "worker_code_ms": round(evaluated - serialised, 3),
            "round_trip_ms": round(through_worker - evaluated, 3),
        },
    }


def _best_ms(call: Callable[[], object], repeats: int) -> float:
    """The fastest of `repeats` calls, in milliseconds (the engine's own cost, least disturbed by the machine)."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def engine_per_class(build_dir: Path, queries: dict[str, list[str]], repeats: int = 5) -> dict:
    """What the engine alone spends on each class's queries, in process: for each query the best of `repeats`
    runs of pyoxigraph evaluating it over the union default graph and writing SPARQL JSON, then the median
    and the range over the class. It says which classes are bound by the engine and which, like lookups, by
    the cost around each request (a class the engine answers in a fraction of a millisecond cannot reach
    `oxigraph serve`'s pace through a Python HTTP stack, whatever its queries look like)."""
    store = EmbeddedStore(published_path(build_dir), read_only=True)
    try:
        native = store.native
        classes = {}
        for name, texts in queries.items():
            if name == "national_aggregate":
                continue  # seconds per query: the class is the engine's by any measure, and slow to time
            best = [
                _best_ms(
                    lambda q=text: native.query(q, use_default_graph_as_union=True).serialize(
                        format=ox.QueryResultsFormat.JSON
                    ),
                    repeats,
                )
                for text in texts
            ]
            classes[name] = {
                "queries": len(best),
                "median_ms": round(statistics.median(best), 3),
                "min_ms": round(min(best), 3),
                "max_ms": round(max(best), 3),
            }
        return classes
    finally:
        store.close()
