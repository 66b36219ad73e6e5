"""Lookups under a soak: the lookup class at concurrency 16 against ``ccg-graph serve`` for the profile's soak
length (60 s in the full profile), its p50/p95/p99 and every error, for the target "p99 <= 50 ms, no errors".

Rows first, as for every class: each lookup of the mix is asked once over HTTP and its row count compared with
what pyoxigraph answers in this process on the same published store, so a fast wrong answer cannot pass. Then
one wrk run, bounded by time only (the request cap is far beyond what a soak can send), cycles through the
lookups; non-2xx answers and socket errors (connect, read, write, time-out) are the errors.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from bench.http import first_answer
from bench.procs import Server
from bench.profile import Profile
from bench.wrk import run_wrk
from ccg_graph.store.embedded import EmbeddedStore
from ccg_graph.store.published import published_path

#: wrk stops at this many answers; a soak is bounded by its length alone.
UNBOUNDED_REQUESTS = 1_000_000_000


def engine_rows(build_dir: Path, texts: list[str]) -> list[int]:
    """The row count of each SELECT in `texts` as pyoxigraph answers it on the published store of `build_dir`."""
    store = EmbeddedStore(published_path(build_dir), read_only=True)
    try:
        counts = []
        for text in texts:
            answer = store.native.query(text, use_default_graph_as_union=True)
            assert isinstance(answer, ox.QuerySolutions), "the lookups are SELECT queries"
            counts.append(sum(1 for _ in answer))
        return counts
    finally:
        store.close()


def error_count(run: dict) -> int:
    """Every failed request of a wrk run: non-2xx answers and socket errors."""
    return sum(run["errors"].values())


def measure(server: Server, build_dir: Path, texts: list[str], profile: Profile, work_dir: Path) -> dict:
    """Rows of every lookup against the engine's, then the soak itself (see the module's docstring)."""
    served = [first_answer(server, text, profile.request_timeout_seconds) for text in texts]
    expected = engine_rows(build_dir, texts)
    rows = {
        "served": [answer["rows"] for answer in served],
        "engine": expected,
        "agree": all(answer["rows"] == count for answer, count in zip(served, expected, strict=True)),
    }
    outcome: dict = {
        "seconds": profile.soak_seconds,
        "connections": profile.soak_connections,
        "queries": len(texts),
        "rows": rows,
    }
    if not rows["agree"]:
        wrong = [i for i, (a, n) in enumerate(zip(served, expected, strict=True)) if a["rows"] != n]
        outcome["skipped"] = f"answers differ from the engine's on lookups {wrong}: not soaked"
        return outcome
    run = run_wrk(
        server.base_url,
        [server.query_get_path(text) for text in texts],
        connections=profile.soak_connections,
        seconds=profile.soak_seconds,
        max_requests=UNBOUNDED_REQUESTS,
        timeout_seconds=profile.request_timeout_seconds,
        script_path=work_dir / f"{server.name}-soak-c{profile.soak_connections}.lua",
    )
    outcome["run"] = run
    outcome["errors"] = error_count(run)
    return outcome
