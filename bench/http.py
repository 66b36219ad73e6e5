"""Query latency and throughput over HTTP: the same query mix against each server, at each concurrency.

For each server and query class: one request first (its answer's row count is compared across servers, so
a fast wrong answer cannot pass for a fast right one), then a wrk run per concurrency. Classes run from the
cheapest to the dearest; a server that cannot answer a class's first request within the time-out is not
loaded with that class (its throughput is then bounded above by one request per time-out, and recorded as
such), and the harness waits for it to finish what it was doing before the next class.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from bench.procs import READY_QUERY, Server
from bench.profile import Profile
from bench.workload import Workload
from bench.wrk import run_profile_wrk, run_wrk

ACCEPT_JSON = {"Accept": "application/sparql-results+json"}


def first_answer(server: Server, sparql: str, timeout: float) -> dict:
    """One request: status, seconds and the number of solutions (or why there are none)."""
    return first_answer_at(server, server.query_get_path(sparql), timeout)


def first_answer_at(server: Server, path: str, timeout: float) -> dict:
    """One GET of `path` answering SPARQL JSON results: status, seconds and the number of solutions."""
    started = time.perf_counter()
    try:
        response = httpx.get(server.base_url + path, headers=ACCEPT_JSON, timeout=timeout)
    except httpx.TimeoutException:
        return {"status": None, "seconds": None, "rows": None, "error": f"no answer within {timeout:.0f} s"}
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        return {"status": response.status_code, "seconds": seconds, "rows": None, "error": response.text[:300]}
    try:
        rows = len(response.json()["results"]["bindings"])
    except (ValueError, KeyError) as err:
        return {"status": 200, "seconds": seconds, "rows": None, "error": f"not SPARQL JSON results: {err}"}
    return {"status": 200, "seconds": round(seconds, 4), "rows": rows, "error": None}


def wait_until_idle(server: Server, limit: float) -> float | None:
    """Seconds until the server answers a trivial query again (None if it did not within `limit`)."""
    started = time.perf_counter()
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            response = httpx.get(
                server.base_url + server.query_get_path(READY_QUERY), headers=ACCEPT_JSON, timeout=limit
            )
            if response.status_code == 200:
                return round(time.perf_counter() - started, 3)
        except httpx.TransportError:
            time.sleep(0.5)
    return None


def measure_server(server: Server, workload: Workload, profile: Profile, work_dir: Path) -> dict:
    """Every class at every concurrency against one server."""
    outcome: dict = {"startup_s": round(server.started_seconds, 3), "classes": {}}
    busy = False
    for name in profile.classes:
        texts = workload.queries[name]
        entry: dict = {"queries": len(texts)}
        outcome["classes"][name] = entry
        if busy:
            entry["skipped"] = "the server was still busy with an earlier class"
            continue
        entry["first"] = first_answer(server, texts[0], profile.request_timeout_seconds)
        if entry["first"]["rows"] is None:
            entry["skipped"] = f"the first query was not answered: {entry['first']['error']}"
            entry["requests_per_s_upper_bound"] = round(1 / profile.request_timeout_seconds, 4)
            if wait_until_idle(server, profile.request_timeout_seconds * 3) is None:
                busy = True
            continue
        paths = [server.query_get_path(text) for text in texts]
        # A run lasts long enough for a few answers to the dearest classes, within the profile's longest run.
        seconds = min(max(profile.http_seconds, 6 * entry["first"]["seconds"]), profile.http_longest_seconds)
        for connections in profile.concurrencies:
            run = run_wrk(
                server.base_url,
                paths,
                connections=connections,
                seconds=seconds,
                max_requests=profile.http_max_requests,
                timeout_seconds=profile.request_timeout_seconds,
                script_path=work_dir / f"{server.name}-{name}-c{connections}.lua",
            )
            entry[f"c{connections}"] = run
            drained = wait_until_idle(server, profile.request_timeout_seconds * 3)
            if drained is None:
                busy = True
                break
            run["drain_s"] = drained
    outcome["peak_rss_bytes"] = server.peak_rss_bytes()
    return outcome


def agreement(results: dict[str, dict], classes: tuple[str, ...]) -> dict[str, dict]:
    """Per class: the row count of the first query on each server, and whether they all agree."""
    table: dict[str, dict] = {}
    for name in classes:
        rows = {
            server: data["classes"][name].get("first", {}).get("rows")
            for server, data in results.items()
            if name in data.get("classes", {})
        }
        answered = {v for v in rows.values() if v is not None}
        table[name] = {"rows": rows, "agree": len(answered) <= 1}
    return table


def measure_paths(server: Server, label: str, paths: list[str], profile: Profile, work_dir: Path) -> dict:
    """One class given as request paths (e.g. saved queries by name): each path once (the warm-up, which
    fills ccg-graph's answer cache), the first answer's row count, then a wrk run per concurrency."""
    entry: dict = {"queries": len(paths), "first": first_answer_at(server, paths[0], profile.request_timeout_seconds)}
    for path in paths[1:]:
        first_answer_at(server, path, profile.request_timeout_seconds)
    for connections in profile.concurrencies:
        script = work_dir / f"{server.name}-{label}-c{connections}.lua"
        entry[f"c{connections}"] = run_profile_wrk(server.base_url, paths, profile, connections, script)
    return entry
