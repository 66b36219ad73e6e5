"""Memory and cost at size: ``ccg-graph serve`` on each scale of the dataset, its peak resident memory after a
short lookup and aggregate load, and the lookup latency at that size (for the cost-versus-size curve)."""

from __future__ import annotations

from pathlib import Path

from bench.http import first_answer
from bench.procs import BenchError
from bench.profile import Profile
from bench.servers import start_ccg_graph
from bench.workload import Workload
from bench.wrk import run_wrk


def measure_at_scale(build_dir: Path, workload: Workload, profile: Profile, work_dir: Path, scale: int) -> dict:
    """Serve one scale; lookups at concurrency 1, one aggregate query, then read the peak RSS."""
    server = start_ccg_graph(build_dir, work_dir / "logs")
    try:
        lookup = run_wrk(
            server.base_url,
            [server.query_get_path(text) for text in workload.queries["lookup"]],
            connections=1,
            seconds=profile.http_seconds,
            max_requests=profile.http_max_requests,
            timeout_seconds=profile.request_timeout_seconds,
            script_path=work_dir / f"scale-x{scale}-lookup.lua",
        )
        aggregate = first_answer(server, workload.queries["aggregate"][0], profile.request_timeout_seconds * 3)
        if aggregate["rows"] is None:
            raise BenchError(f"ccg-graph at scale {scale} did not answer the aggregate query: {aggregate['error']}")
        return {
            "startup_s": round(server.started_seconds, 3),
            "lookup_c1": lookup,
            "aggregate_first": aggregate,
            "peak_rss_bytes": server.peak_rss_bytes(),
        }
    finally:
        server.stop()
