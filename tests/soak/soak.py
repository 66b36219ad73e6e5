"""A bounded soak on the loopback: mixed reads, a few slow queries and a trickle of writes, at a concurrency.

`run_soak` drives a running server and returns the figures; `python -m tests.soak.soak` builds a throwaway
core graph, serves it, soaks it and prints the figures (what `make soak` runs).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

FAST_QUERIES = [
    "ASK { ?s ?p ?o }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 20",
    "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 50",
]
#: A slow query (a few hundred ms to seconds over the core graph), under the time limit.
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d <http://www.w3.org/2000/01/rdf-schema#label> ?f }"


@dataclass
class SoakFigures:
    seconds: float
    concurrency: int
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    rss_start_mb: float = 0.0
    rss_end_mb: float = 0.0
    rss_peak_mb: float = 0.0

    @property
    def error_rate(self) -> float:
        return len(self.errors) / self.requests if self.requests else 1.0

    def p(self, kind: str, quantile: float) -> float:
        values = sorted(self.latencies.get(kind, []))
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(quantile * len(values)))]

    def all_latencies(self) -> list[float]:
        return sorted(itertools.chain.from_iterable(self.latencies.values()))

    def report(self) -> str:
        every = self.all_latencies()
        p99 = every[min(len(every) - 1, int(0.99 * len(every)))] if every else float("nan")
        lines = [
            f"soak: {self.seconds:.0f} s at concurrency {self.concurrency}: {self.requests} requests, "
            f"{len(self.errors)} errors (error rate {self.error_rate:.4f})",
            f"  all requests: p50 {statistics.median(every) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms",
        ]
        for kind in sorted(self.latencies):
            lines.append(
                f"  {kind:<6} n={len(self.latencies[kind]):<6} p50 {self.p(kind, 0.5) * 1000:6.0f} ms"
                f"  p95 {self.p(kind, 0.95) * 1000:6.0f} ms  p99 {self.p(kind, 0.99) * 1000:6.0f} ms"
                f"  max {max(self.latencies[kind]) * 1000:6.0f} ms"
            )
        lines.append(
            f"  RSS (server + workers): start {self.rss_start_mb:.0f} MB, end {self.rss_end_mb:.0f} MB, "
            f"peak {self.rss_peak_mb:.0f} MB"
        )
        lines += [f"  error: {e}" for e in self.errors[:10]]
        return "\n".join(lines)


def tree_rss_mb(pid: int) -> float:
    root = psutil.Process(pid)
    total = 0
    for process in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += process.memory_info().rss
    return total / 1024 / 1024


def run_soak(url: str, server_pid: int, token: str, *, seconds: float, concurrency: int) -> SoakFigures:
    """Drive `url` for `seconds` with `concurrency` clients: one runs slow queries, one writes every ~2 s."""
    figures = SoakFigures(seconds, concurrency)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    auth = {"Authorization": f"Bearer {token}"}
    figures.rss_start_mb = figures.rss_peak_mb = tree_rss_mb(server_pid)

    def record(kind: str, started: float, response: httpx.Response | None, ok: tuple[int, ...], what: str) -> None:
        elapsed = time.monotonic() - started
        with lock:
            figures.requests += 1
            figures.latencies.setdefault(kind, []).append(elapsed)
            if response is None or response.status_code not in ok:
                status = "no answer" if response is None else f"{response.status_code} {response.text[:120]}"
                figures.errors.append(f"{kind} {what}: {status}")

    def call(client: httpx.Client, kind: str, ok: tuple[int, ...], what: str, **request: object) -> None:
        started = time.monotonic()
        try:
            response = client.request(**request)
        except httpx.HTTPError as err:
            with lock:
                figures.requests += 1
                figures.errors.append(f"{kind} {what}: {type(err).__name__}")
            return
        record(kind, started, response, ok, what)

    def reader(index: int) -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            for n in itertools.count(index):
                if time.monotonic() > deadline:
                    return
                choice = n % 6
                if choice < 4:
                    query = FAST_QUERIES[choice]
                    call(client, "query", (200,), query[:30], method="GET", url="/sparql", params={"query": query})
                elif choice == 4:
                    call(client, "health", (200,), "/healthz", method="GET", url="/healthz")
                else:
                    call(client, "list", (200,), "/queries", method="GET", url="/queries")

    def slow() -> None:
        with httpx.Client(base_url=url, timeout=120) as client:
            while time.monotonic() < deadline:
                call(client, "slow", (200,), "slow", method="GET", url="/sparql", params={"query": SLOW_QUERY})

    def writer() -> None:
        with httpx.Client(base_url=url, timeout=120) as client:
            for n in itertools.count():
                if time.monotonic() > deadline:
                    return
                body = f'<http://example.org/soak/s{n}> <http://example.org/soak/p> "write {n}" .'.encode()
                call(
                    client,
                    "write",
                    (201, 204),
                    f"PUT {n}",
                    method="PUT",
                    url="/store",
                    params={"graph": f"http://example.org/soak/{n % 5}"},
                    content=body,
                    headers={"content-type": "application/n-triples", **auth},
                )
                time.sleep(2)

    def sample_rss() -> None:
        while time.monotonic() < deadline:
            rss = tree_rss_mb(server_pid)
            with lock:
                figures.rss_peak_mb = max(figures.rss_peak_mb, rss)
            time.sleep(0.5)

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(max(1, concurrency - 2))]
    threads += [threading.Thread(target=slow), threading.Thread(target=writer), threading.Thread(target=sample_rss)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    figures.rss_end_mb = tree_rss_mb(server_pid)
    return figures


def main() -> None:
    from ccg_graph.core.config import Settings
    from ccg_graph.national.build import build
    from tests.faults.conftest import TOKEN, launch

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--build-dir",
        type=Path,
        help="soak the build already in this folder (e.g. the national graph; it is written to)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        build_dir = args.build_dir or Path(folder) / "build"
        if args.build_dir is None:
            build(Settings(build_dir=build_dir), national=False)
        server = launch(build_dir)
        try:
            figures = run_soak(
                server.url, server.process.pid, TOKEN, seconds=args.seconds, concurrency=args.concurrency
            )
        finally:
            server.stop()
    print(figures.report())
    raise SystemExit(0 if not figures.errors else 1)


if __name__ == "__main__":
    main()
