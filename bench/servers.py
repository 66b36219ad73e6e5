"""The three servers compared over HTTP, each started as its own process serving the same dataset.

- ``ccg-graph``: ``ccg-graph serve`` on a build directory (the embedded pyoxigraph store), as a user runs it;
- ``oxigraph``: ``oxigraph serve-read-only`` on a store loaded by ``oxigraph load``, with the union of the
  named graphs as the default graph, as ccg-graph answers;
- ``rdflib-endpoint``: rdflib-endpoint's FastAPI app over an rdflib ``Dataset`` (default union) holding the
  same N-Quads (see ``bench.rdflib_server``).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from bench.procs import BenchError, Server, free_port, start_server


def oxigraph_binary() -> str:
    """The ``oxigraph`` command installed with the bench extras (beside this Python), else on PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.exists():
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise BenchError("the `oxigraph` command is missing: install the bench extras (pip install -e '.[bench]')")
    return found


def start_ccg_graph(build_dir: Path, logs: Path, env: dict[str, str] | None = None) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "ccg_graph.cli", "serve", "--port", str(port), "--build-dir", str(build_dir)]
    return start_server("ccg-graph", command, "/sparql", port, logs / f"ccg-graph-{port}.log", env=env)


def start_oxigraph(store_dir: Path, logs: Path) -> Server:
    port = free_port()
    command = [
        oxigraph_binary(),
        "serve-read-only",
        "--location",
        str(store_dir),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
    ]
    return start_server("oxigraph", command, "/query", port, logs / f"oxigraph-{port}.log")


def start_rdflib_endpoint(nquads: Path, logs: Path, report: Path) -> Server:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "bench.rdflib_server",
        "--data",
        str(nquads),
        "--port",
        str(port),
        "--report",
        str(report),
    ]
    server = start_server(
        "rdflib-endpoint", command, "/", port, logs / f"rdflib-endpoint-{port}.log", ready_timeout=1800
    )
    return server
