"""The short soak (about 10 s at concurrency 16): no errors, fast queries not starved by slow ones."""

from __future__ import annotations

from pathlib import Path

from tests.faults.conftest import TOKEN, launch
from tests.soak.soak import run_soak

FAST_P99_LIMIT = 2.0  # seconds: a fast query's p99 while slow queries and writes run alongside
#: seconds: the slowest write, the first included (it arrives while the shapes gate is still being prepared);
#: one took 9.2 s when the warm-up and the first write compiled the shapes side by side
WRITE_MAX_LIMIT = 8.0


def test_short_soak(fault_build: Path) -> None:
    server = launch(fault_build)
    try:
        figures = run_soak(server.url, server.process.pid, TOKEN, seconds=10, concurrency=16)
    finally:
        server.stop()
    print(figures.report())
    assert figures.errors == [], figures.report()
    assert figures.requests > 100, figures.report()
    assert len(figures.latencies.get("slow", [])) >= 1 and len(figures.latencies.get("write", [])) >= 2
    assert figures.p("query", 0.99) < FAST_P99_LIMIT, f"fast queries were starved:\n{figures.report()}"
    assert max(figures.latencies["write"]) < WRITE_MAX_LIMIT, f"a write waited too long:\n{figures.report()}"
    assert figures.rss_end_mb < figures.rss_start_mb * 2 + 200, f"memory grew:\n{figures.report()}"
