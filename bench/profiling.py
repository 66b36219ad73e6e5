"""Where a target is missed, where the time goes: py-spy samples the ccg-graph server while wrk loads it.

The raw (collapsed-stack) output is kept in the results as the top frames by total share (the frame is on the
stack) and by own share (the frame is running), for the note under the targets.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from bench.procs import BenchError, Server
from bench.wrk import run_wrk

#: Leaf frames of threads that are waiting, not working (py-spy's idle detection lets some through): the
#: thread pool's idle workers and the event loop's poll. Samples ending in one are left out of the shares.
IDLE_LEAVES = frozenset(
    {
        "threading.py:Condition.wait",
        "threading.py:Event.wait",
        "queue.py:Queue.get",
        "selectors.py:EpollSelector.select",
        "time.sleep",
    }
)
_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")


def _short(frame: str) -> str:
    """``execute (/x/ccg_graph/sparql.py:22)`` -> ``ccg_graph/sparql.py:execute``."""
    match = _FRAME.match(frame)
    if not match:
        return frame
    path = match.group("file")
    for marker in ("site-packages/", "/ccg_graph/", "/bench/"):
        if marker in path:
            path = (
                path.split(marker, 1)[1]
                if marker == "site-packages/"
                else marker.strip("/") + "/" + path.split(marker, 1)[1]
            )
            break
    return f"{path}:{match.group('func')}"


def summarise(raw: str, top: int = 12) -> dict:
    """Top frames by total and own share of the busy samples in py-spy's raw output."""
    total = 0
    idle = 0
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        frames = [_short(f) for f in stack.split(";") if not f.startswith("process ")]
        if not frames or frames[-1] in IDLE_LEAVES:
            idle += samples
            continue
        total += samples
        for frame in set(frames):
            inclusive[frame] += samples
        own[frames[-1]] += samples
    if total == 0:
        raise BenchError("py-spy recorded no samples of the server")

    def share(counter: Counter[str]) -> list[list]:
        return [[frame, round(n / total, 3)] for frame, n in counter.most_common(top)]

    return {"busy_samples": total, "idle_samples": idle, "top_total": share(inclusive), "top_own": share(own)}


def profile_under_load(
    server: Server, paths: list[str], seconds: float, connections: int, work_dir: Path, name: str
) -> dict:
    """Sample the server with py-spy for `seconds` while wrk sends `paths` at `connections`."""
    py_spy = Path(sys.executable).with_name("py-spy")
    if not py_spy.exists():
        raise BenchError("py-spy is missing: install the bench extras")
    output = work_dir / f"py-spy-{name}.txt"
    duration = max(1, round(seconds))
    spy = subprocess.Popen(
        [
            str(py_spy),
            "record",
            "--pid",
            str(server.process.pid),
            "--duration",
            str(duration),
            "--rate",
            "250",
            "--format",
            "raw",
            "--subprocesses",
            "--output",
            str(output),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    load = run_wrk(
        server.base_url,
        paths,
        connections=connections,
        seconds=duration,
        max_requests=10**9,
        timeout_seconds=30,
        script_path=work_dir / f"py-spy-{name}.lua",
    )
    _, errors = spy.communicate(timeout=duration + 60)
    if spy.returncode != 0 or not output.exists():
        raise BenchError(f"py-spy failed ({spy.returncode}): {errors.decode(errors='replace')[-500:]}")
    result = summarise(output.read_text())
    result["under"] = {"class": name, "connections": connections, "requests_per_s": load["requests_per_s"]}
    return result
