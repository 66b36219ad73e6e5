"""The write path under read load: lookups at concurrency 4 alone, then while SPARQL updates arrive one
after another, on a server of its own (a hard-linked copy of the build, with writes enabled).

Each update adds one triple to a bench graph, so it passes the shapes and publishes a new release (a new
store generation): the figures are the writes' latency and how much of the read rate survives them. One write
goes first, unmeasured with the rest (`first_write`): the server's first write loads the shapes.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from pathlib import Path

import httpx

from bench.procs import Server
from bench.profile import Profile
from bench.servers import start_ccg_graph
from bench.workload import Workload
from bench.wrk import run_wrk
from ccg_graph.store.published import link_copy, published_path

TOKEN = "bench-write-token"
GRAPH = "https://w3id.org/ccg-graph/id/graph/bench-writes"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def _update(number: int) -> str:
    subject = f"https://w3id.org/ccg-graph/id/bench/write-{number}"
    return f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <{subject}> <{LABEL}> "bench write {number}" }} }}'


HEADERS = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"}


def _first_write(server: Server) -> dict:
    """One write before measuring: the server loads the shapes and compiles their reach plan on its first."""
    started = time.perf_counter()
    response = httpx.post(f"{server.base_url}/sparql/update", content=_update(0), headers=HEADERS, timeout=120)
    return {"status": response.status_code, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _writes(server: Server, stop: threading.Event, outcome: dict) -> None:
    """SPARQL updates one after another until `stop`; their latencies and statuses go into `outcome`."""
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    number = 0
    try:
        with httpx.Client(base_url=server.base_url, timeout=60) as client:
            while not stop.is_set():
                number += 1
                started = time.perf_counter()
                try:
                    status = str(client.post("/sparql/update", content=_update(number), headers=HEADERS).status_code)
                except httpx.HTTPError as err:
                    status = type(err).__name__
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[status] = statuses.get(status, 0) + 1
    finally:
        outcome.update(
            {
                "count": len(latencies),
                "statuses": statuses,
                "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
                "max_ms": round(max(latencies), 1) if latencies else None,
            }
        )


def measure(build_dir: Path, workload: Workload, profile: Profile, work_dir: Path) -> dict:
    copy = work_dir / "write-load"
    link_copy(published_path(build_dir), copy / "store")
    dump = build_dir / "ccg-graph.nq.gz"
    if dump.exists():
        os.link(dump, copy / dump.name)  # `ccg-graph serve` checks that the build is complete
    server = start_ccg_graph(copy, work_dir / "logs", env={"CCG_GRAPH_UPDATE_TOKEN": TOKEN})
    try:
        paths = [server.query_get_path(text) for text in workload.queries["lookup"]]
        seconds = max(3.0, profile.http_seconds * 3)
        first_write = _first_write(server)

        def reads(label: str) -> dict:
            return run_wrk(
                server.base_url,
                paths,
                connections=4,
                seconds=seconds,
                max_requests=profile.http_max_requests,
                timeout_seconds=profile.request_timeout_seconds,
                script_path=work_dir / "wrk" / f"write-load-{label}.lua",
            )

        alone = reads("alone")
        writes: dict = {}
        stop = threading.Event()
        writer = threading.Thread(target=_writes, args=(server, stop, writes))
        writer.start()
        try:
            during = reads("during-writes")
        finally:
            stop.set()
            writer.join()
    finally:
        server.stop()
    share = during["requests_per_s"] / alone["requests_per_s"] if alone["requests_per_s"] else None
    return {
        "reads_alone": alone,
        "reads_during_writes": during,
        "first_write": first_write,
        "writes": writes,
        "read_rate_kept": round(share, 3) if share is not None else None,
    }
