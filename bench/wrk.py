"""A bounded HTTP load run with wrk, the load generator, on the loopback.

wrk (Debian's ``wrk``) is a C event-loop client: at a few microseconds of CPU per request it leaves the two
cores of this machine to the server, where a Python client would compete with it and flatter the slow
servers. Each run is bounded in time (``-d``) and in count (the Lua script stops the thread after
`max_requests` responses), cycles through a fixed list of request paths, and reports latency percentiles
from wrk's own histogram as one JSON line.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from bench.procs import BenchError
from bench.profile import Profile

_SCRIPT = """
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *tp);
]]
local clock = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(1, clock)  -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) * 1e-9
end

local paths = {
%(paths)s
}
local max_requests = %(max_requests)d
local next_index = 1
answered = 0
first_sent = 0
last_answer = 0
wrk.headers["Accept"] = "%(accept)s"

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function request()
  if first_sent == 0 then first_sent = now() end
  local path = paths[next_index]
  next_index = next_index %% #paths + 1
  return wrk.format("GET", path)
end

function response(status, headers, body)
  answered = answered + 1
  last_answer = now()
  if answered >= max_requests then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local first, last = nil, 0
  for _, thread in ipairs(threads) do
    local sent = thread:get("first_sent")
    if sent > 0 and (first == nil or sent < first) then first = sent end
    if thread:get("last_answer") > last then last = thread:get("last_answer") end
  end
  local active = 0
  if first ~= nil and last > first then active = last - first end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %%d, "duration_us": %%d, "active_s": %%.6f, "bytes": %%d, "p50_us": %%d, "p95_us": %%d, ' ..
    '"p99_us": %%d, "mean_us": %%.1f, "max_us": %%d, "errors": {"connect": %%d, "read": %%d, "write": %%d, ' ..
    '"status": %%d, "timeout": %%d}}\\n',
    summary.requests, summary.duration, active, summary.bytes, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.mean, latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise BenchError("the `wrk` load generator is missing: `apt-get install -y wrk` (make bench installs it)")
    return found


def run_wrk(
    base_url: str,
    paths: list[str],
    *,
    connections: int,
    seconds: float,
    max_requests: int,
    timeout_seconds: float,
    script_path: Path,
    accept: str = "application/sparql-results+json",
) -> dict:
    """Run wrk with `connections` concurrent connections; return its figures (times in ms, rate in req/s)."""
    if not paths:
        raise BenchError("no request paths to send")
    lines = ",\n".join(f"  [==[{path}]==]" for path in paths)
    script_path.parent.mkdir(parents=True, exist_ok=True)
    script_path.write_text(_SCRIPT % {"paths": lines, "max_requests": max_requests, "accept": accept})
    command = [
        wrk_binary(),
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={max(1, round(timeout_seconds))}s",
        "-s",
        str(script_path),
        base_url,
    ]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + timeout_seconds + 60)
    if completed.returncode != 0:
        raise BenchError(f"wrk failed ({completed.returncode}): {completed.stderr.strip()[:500]}")
    report = next((line for line in completed.stdout.splitlines() if line.startswith("{")), None)
    if report is None:
        raise BenchError(f"wrk printed no report: {completed.stdout[-500:]}")
    raw = json.loads(report)
    # wrk's own duration is the -d bound even when the count bound stopped the run earlier, so the rate is
    # taken over the span from the first request sent to the last answer received (from the script's clock).
    duration = raw["active_s"] if raw["active_s"] > 0 else raw["duration_us"] / 1e6
    completed_requests = raw["requests"]
    answered_ok = completed_requests - raw["errors"]["status"]  # an error status is not throughput
    ok = completed_requests > 0
    return {
        "connections": connections,
        "requests": completed_requests,
        "duration_s": round(duration, 3),
        "wall_bound_s": round(raw["duration_us"] / 1e6, 3),
        "requests_per_s": round(answered_ok / duration, 2) if duration > 0 else 0.0,
        "p50_ms": round(raw["p50_us"] / 1000, 3) if ok else None,
        "p95_ms": round(raw["p95_us"] / 1000, 3) if ok else None,
        "p99_ms": round(raw["p99_us"] / 1000, 3) if ok else None,
        "mean_ms": round(raw["mean_us"] / 1000, 3) if ok else None,
        "max_ms": round(raw["max_us"] / 1000, 3) if ok else None,
        "errors": raw["errors"],
    }


def run_profile_wrk(
    server_url: str,
    paths: list[str],
    profile: Profile,
    connections: int,
    script_path: Path,
    accept: str = "application/sparql-results+json",
) -> dict:
    """`run_wrk` bounded by the profile's run length, request count and time-out."""
    return run_wrk(
        server_url,
        paths,
        connections=connections,
        seconds=profile.http_seconds,
        max_requests=profile.http_max_requests,
        timeout_seconds=profile.request_timeout_seconds,
        script_path=script_path,
        accept=accept,
    )
