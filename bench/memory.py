"""Memory and cost at size: ``ccg-graph serve`` on each scale of the dataset, its peak resident memory after a
short lookup and aggregate load, and the lookup latency at that size (for the cost-versus-size curve).

The servers of every size run side by side (an idle server costs no CPU) and the lookup runs go round them
in turn, a few rounds, keeping each size's best: on a shared machine, load from elsewhere then falls on every
size alike instead of on whichever ran during a busy spell.
"""

from __future__ import annotations

from pathlib import Path

from bench.http import first_answer
from bench.procs import BenchError, Server
from bench.profile import Profile
from bench.servers import start_ccg_graph
from bench.workload import Workload
from bench.wrk import run_wrk

ROUNDS = 3


def measure_sizes(build_dirs: dict[int, Path], workload: Workload, profile: Profile, work_dir: Path) -> dict:
    """Per scale: start-up, the best of `ROUNDS` lookup runs at concurrency 1, one aggregate, peak RSS."""
    servers: dict[int, Server] = {}
    try:
        for scale, build_dir in sorted(build_dirs.items()):
            servers[scale] = start_ccg_graph(build_dir, work_dir / "logs")
        paths = {scale: [s.query_get_path(t) for t in workload.queries["lookup"]] for scale, s in servers.items()}
        runs: dict[int, list[dict]] = {scale: [] for scale in servers}
        for round_number in range(ROUNDS):
            for scale, server in servers.items():
                runs[scale].append(
                    run_wrk(
                        server.base_url,
                        paths[scale],
                        connections=1,
                        seconds=profile.http_seconds,
                        max_requests=profile.http_max_requests,
                        timeout_seconds=profile.request_timeout_seconds,
                        script_path=work_dir / f"scale-x{scale}-lookup-{round_number}.lua",
                    )
                )
        outcome = {}
        for scale, server in servers.items():
            aggregate = first_answer(server, workload.queries["aggregate"][0], profile.request_timeout_seconds * 3)
            if aggregate["rows"] is None:
                raise BenchError(f"ccg-graph at scale {scale} did not answer the aggregate query: {aggregate['error']}")
            answered = [run for run in runs[scale] if run["requests"]]
            if not answered:
                raise BenchError(f"ccg-graph at scale {scale} answered no lookup")
            outcome[str(scale)] = {
                "startup_s": round(server.started_seconds, 3),
                "lookup_c1": min(answered, key=lambda run: run["mean_ms"]),
                "lookup_c1_rounds_mean_ms": [run["mean_ms"] for run in runs[scale]],
                "aggregate_first": aggregate,
                "peak_rss_bytes": server.peak_rss_bytes(),
            }
        return outcome
    finally:
        for server in servers.values():
            server.stop()
