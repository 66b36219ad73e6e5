"""Reading py-spy's raw output: shares of busy samples, idle waits left out."""

from __future__ import annotations

import pytest

from bench.procs import BenchError
from bench.profiling import summarise

# py-spy's raw format: one stack a line, root first, frames "function (file:line)", then the sample count.
SERVE = 'process 1:"python -m ccg_graph.cli serve";WorkerThread.run (threading.py:10)'
RAW = (
    f"{SERVE};Condition.wait (threading.py:320) 70\n"
    f"{SERVE};execute (/w/ccg_graph/sparql.py:22);EmbeddedStore.query (/w/ccg_graph/store/embedded.py:50) 20\n"
    f"{SERVE};execute (/w/ccg_graph/sparql.py:22) 10\n"
)


def test_busy_samples_are_shared_out_and_idle_waits_left_out() -> None:
    summary = summarise(RAW)
    assert summary["busy_samples"] == 30 and summary["idle_samples"] == 70
    assert summary["top_own"][0] == ["ccg_graph/store/embedded.py:EmbeddedStore.query", pytest.approx(0.667, abs=0.001)]
    assert ["ccg_graph/sparql.py:execute", 1.0] in summary["top_total"]


def test_no_busy_sample_is_an_error() -> None:
    with pytest.raises(BenchError, match="no samples"):
        summarise(RAW.splitlines()[0] + "\n")
