"""The remote store's cost: lookups through ``ccg-graph serve`` backed by ``oxigraph serve`` (CCG_GRAPH_STORE=sparql)
against the same lookups sent to that ``oxigraph serve`` directly, in the harness's own oxigraph session.

The oxigraph server is the one the harness started for its ratios (``serve-read-only --union-default-graph``),
so ccg-graph is told that the server's default graph already is the union (CCG_GRAPH_REMOTE_UNION=server) and
is given an empty build directory: every answer it gives comes from the remote server. Rows first: each lookup
is asked once both ways and the row counts compared; only if they all agree are they timed.

Each lookup is timed both ways by wrk at concurrency 1 on that one request (the median of its answers, wrk's
p50), the two ways alternating lookup by lookup so load from elsewhere falls on both alike; its cost ratio is
ccg-graph's median over oxigraph's, and the figure judged is the median of those ratios. The breakdown says
where ccg-graph's extra time goes, per lookup (medians over the lookups):

- remote: ``oxigraph serve`` answering the lookup over HTTP (the direct median);
- store client: ccg-graph's `SparqlStore` in this process sending the query and reading the answer's bytes
  (the relay of SPARQL JSON and XML answers: kept-alive `http.client` connections, nothing parsed), less the
  remote's own time;
- ccg-graph HTTP: the rest of ccg-graph's median (uvicorn, the fast path, the ETag, the query executor's
  thread, counting the relayed rows, the response).
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from bench.http import first_answer
from bench.procs import Server
from bench.profile import Profile
from bench.remote_overhead import median_ms
from bench.servers import start_ccg_graph
from bench.wrk import run_wrk
from ccg_graph.rdf.media_types import SPARQL_RESULTS_JSON
from ccg_graph.store.remote import SparqlStore

#: In-process timings of the store client: calls per lookup (after one to warm up).
CLIENT_REPEATS = 50


def remote_env(oxigraph: Server) -> dict[str, str]:
    """The settings that make ``ccg-graph serve`` answer from `oxigraph` (see ccg_graph.core.config)."""
    return {
        "CCG_GRAPH_STORE": "sparql",
        "CCG_GRAPH_QUERY_URL": oxigraph.query_url,
        "CCG_GRAPH_REMOTE_UNION": "server",
    }


def _p50(server: Server, text: str, profile: Profile, script: Path) -> dict:
    run = run_wrk(
        server.base_url,
        [server.query_get_path(text)],
        connections=1,
        seconds=profile.remote_seconds,
        max_requests=profile.http_max_requests,
        timeout_seconds=profile.request_timeout_seconds,
        script_path=script,
    )
    return {"p50_ms": run["p50_ms"], "requests": run["requests"], "errors": sum(run["errors"].values())}


def client_ms(oxigraph: Server, text: str) -> float:
    """Median ms of ccg-graph's store client asking `oxigraph` for `text` in SPARQL JSON and reading the answer's
    bytes, as ``/sparql`` does for a SELECT in a format the server writes (`SparqlStore.relay_solutions`)."""
    store = SparqlStore(oxigraph.query_url, union="server")
    try:

        def ask() -> None:
            chunks = store.relay_solutions(text, SPARQL_RESULTS_JSON)
            assert chunks is not None, "the lookups are SELECT queries, which oxigraph answers in SPARQL JSON"
            for _ in chunks:
                pass

        return median_ms(ask, CLIENT_REPEATS)
    finally:
        store.close()


def measure(oxigraph: Server, texts: list[str], profile: Profile, work_dir: Path) -> dict:
    """Rows both ways, then each lookup's median both ways, its ratio and its breakdown (module docstring)."""
    chosen = texts[: profile.remote_lookups]
    empty_build = work_dir / "remote-build"
    empty_build.mkdir(parents=True, exist_ok=True)
    ours = start_ccg_graph(empty_build, work_dir / "logs", env=remote_env(oxigraph))
    try:
        outcome: dict[str, Any] = {
            "union": "server",
            "queries": len(chosen),
            "startup_s": round(ours.started_seconds, 3),
        }
        rows = []
        for text in chosen:
            through = first_answer(ours, text, profile.request_timeout_seconds)
            direct = first_answer(oxigraph, text, profile.request_timeout_seconds)
            rows.append({"ccg-graph over oxigraph": through["rows"], "oxigraph": direct["rows"]})
        outcome["rows"] = rows
        outcome["agree"] = all(r["oxigraph"] is not None and len(set(r.values())) == 1 for r in rows)
        if not outcome["agree"]:
            outcome["skipped"] = "the answers differ (or one way did not answer): not timed"
            return outcome
        lookups: list[dict[str, Any]] = []
        for number, text in enumerate(chosen):
            direct = _p50(oxigraph, text, profile, work_dir / "wrk" / f"remote-direct-{number}.lua")
            through = _p50(ours, text, profile, work_dir / "wrk" / f"remote-through-{number}.lua")
            client = client_ms(oxigraph, text)
            entry: dict[str, Any] = {"direct": direct, "through": through, "client_ms": round(client, 3)}
            if direct["p50_ms"] and through["p50_ms"]:
                entry["ratio"] = round(through["p50_ms"] / direct["p50_ms"], 3)
                entry["layers"] = {
                    "remote_ms": direct["p50_ms"],
                    "store_client_ms": round(client - direct["p50_ms"], 3),
                    "ccg_graph_http_ms": round(through["p50_ms"] - client, 3),
                }
            lookups.append(entry)
        outcome["lookups"] = lookups
        outcome["errors"] = sum(e["direct"]["errors"] + e["through"]["errors"] for e in lookups)
        timed = [e for e in lookups if "ratio" in e]
        if timed:
            outcome["median_ratio"] = round(statistics.median(e["ratio"] for e in timed), 3)
            outcome["median_direct_ms"] = round(statistics.median(e["direct"]["p50_ms"] for e in timed), 3)
            outcome["median_through_ms"] = round(statistics.median(e["through"]["p50_ms"] for e in timed), 3)
            outcome["median_layers"] = {
                key: round(statistics.median(e["layers"][key] for e in timed), 3) for key in timed[0]["layers"]
            }
        return outcome
    finally:
        ours.stop()
