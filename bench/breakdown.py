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
"""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path

import pyoxigraph as ox

from bench.procs import Server
from bench.remote_overhead import median_ms
from bench.wrk import run_wrk
from ccg_graph.core.namespaces import PREFIXES
from ccg_graph.execution.evaluate import QueryJob, evaluate
from ccg_graph.execution.framing import encode_message
from ccg_graph.execution.pool import ProcessQueryExecutor
from ccg_graph.store.embedded import EmbeddedStore
from ccg_graph.store.published import published_path

ACCEPT = "application/sparql-results+json"


async def _submit_ms(store_path: Path, job: QueryJob, repeats: int) -> float:
    executor = ProcessQueryExecutor(lambda: store_path, workers=1, queue_limit=1, timeout=30)
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
    finally:
        store.close()
    submitted = asyncio.run(_submit_ms(store_path, job, repeats))
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
        "worker_code_ms": evaluated - serialised,
        "round_trip_ms": submitted - evaluated,
        "http_ms": http_total - submitted,
    }
    return {
        "query": sparql,
        "total_ms": round(http_total, 3),
        "layers": {name: round(value, 3) for name, value in layers.items()},
    }
