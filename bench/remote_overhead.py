"""What the API layer costs on a remote store: lookups through ccg-graph (backed by `oxigraph serve`) against
the same queries sent straight to `oxigraph serve`.

Needs an `oxigraph serve` holding the national build (`ccg-graph load --to http://HOST:PORT/query ...`).
Usage: python bench/remote_overhead.py http://127.0.0.1:7878 [repeats]
`run()` starts a `ccg-graph serve` process with CCG_GRAPH_STORE=sparql for each union mode, and returns the
median milliseconds per lookup of each path and the ratio ccg-graph / direct.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx

from bench.procs import wait_for_healthz
from ccg_graph.core.config import PROJECT_ROOT
from ccg_graph.sparql.binding import bind_values
from ccg_graph.sparql.saved_queries import QueryCatalogue

#: Lookups: one resource and its neighbours, answered in milliseconds.
LOOKUPS = ["ccg-names", "governing-body", "ccg-oversight-on", "practice-membership-history", "ccg-services"]
ACCEPT = {"Accept": "application/sparql-results+json"}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def median_ms(call: Callable[..., Any], repeats: int) -> float:
    """The median milliseconds of `repeats` calls, after one to warm up."""
    call()  # warm
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def _serve(oxigraph: str, union: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {
        **os.environ,
        "CCG_GRAPH_STORE": "sparql",
        "CCG_GRAPH_QUERY_URL": f"{oxigraph}/query",
        "CCG_GRAPH_REMOTE_UNION": union,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "ccg_graph.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    if wait_for_healthz(url, 30):
        return process, url
    process.kill()
    raise RuntimeError("ccg-graph serve did not start")


def run(oxigraph: str = "http://127.0.0.1:7878", repeats: int = 30) -> dict:
    catalogue = QueryCatalogue(PROJECT_ROOT / "queries")
    texts = {name: bind_values(catalogue.get(name).text, catalogue.get(name).bind({})) for name in LOOKUPS}
    client = httpx.Client(timeout=60)
    lookups: dict[str, dict[str, float]] = {}
    report: dict[str, object] = {"repeats": repeats, "lookups": lookups}
    for union in ("parameter", "dataset"):
        process, url = _serve(oxigraph, union)
        try:
            for name, text in texts.items():
                direct_params = {"query": text, "union-default-graph": ""}
                direct_url, through_url = f"{oxigraph}/query", f"{url}/sparql"
                direct = median_ms(
                    lambda p=direct_params, u=direct_url: client.post(u, data=p, headers=ACCEPT), repeats
                )
                through = median_ms(
                    lambda t=text, u=through_url: client.post(u, data={"query": t}, headers=ACCEPT), repeats
                )
                entry = lookups.setdefault(name, {"direct_ms": round(direct, 2)})
                entry[f"ccg_graph_{union}_ms"] = round(through, 2)
                entry[f"ratio_{union}"] = round(through / direct, 2)
        finally:
            process.terminate()
            process.wait(10)
    for union in ("parameter", "dataset"):
        ratios = [entry[f"ratio_{union}"] for entry in lookups.values()]
        report[f"median_ratio_{union}"] = statistics.median(ratios)
    return report


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 30), indent=2))
