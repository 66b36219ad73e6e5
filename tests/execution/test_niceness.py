"""Query workers run below the server's CPU priority, so long queries yield to HTTP and writes on busy cores."""

from __future__ import annotations

import os
import time

import pytest

from ccg_graph.core.config import Settings
from ccg_graph.execution.pool import start_worker_process


def priority_of(pid: int) -> int:
    return os.getpriority(os.PRIO_PROCESS, pid)


@pytest.mark.parametrize("niceness", [0, 7])
def test_a_worker_lowers_its_priority_by_the_niceness_it_is_given(niceness: int) -> None:
    expected = min(priority_of(0) + niceness, 19)
    worker = start_worker_process(niceness)
    try:
        deadline = time.monotonic() + 60  # the worker lowers its priority once Python has started
        while priority_of(worker.process.pid) != expected and time.monotonic() < deadline:
            assert worker.process.poll() is None, f"the worker exited with {worker.process.returncode}"
            time.sleep(0.05)
        assert priority_of(worker.process.pid) == expected
    finally:
        worker.process.kill()
        worker.process.wait(30)
        worker.close_socket()


def test_the_default_niceness_is_a_lower_priority_and_is_validated() -> None:
    assert Settings().query_worker_niceness == 5
    with pytest.raises(ValueError):
        Settings(query_worker_niceness=20)
