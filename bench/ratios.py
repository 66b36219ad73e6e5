"""Every ratio the results file and the report show, computed from the measured figures only.

A ratio is "ccg-graph over the anchor" for throughput (higher is better for ccg-graph) and "anchor over
ccg-graph" for time (so above 1 also means ccg-graph is faster). Where the anchor could not answer a class
within the time-out, its throughput is bounded above, so the ratio is a lower bound, marked as such.
"""

from __future__ import annotations

import math
from typing import Any


def _rps(server: dict | None, name: str, connections: int) -> tuple[float | None, bool]:
    """(requests/s, is it only an upper bound) of one class at one concurrency."""
    if not server:
        return None, False
    entry = server.get("classes", {}).get(name, {})
    run = entry.get(f"c{connections}")
    if run and run.get("requests"):
        return run["requests_per_s"], False
    if "requests_per_s_upper_bound" in entry:
        return entry["requests_per_s_upper_bound"], True
    return None, False


def growth_exponent(points: dict[int, float]) -> float | None:
    """The k in cost ~ size^k between the smallest and the largest size (1 is linear)."""
    usable = {s: v for s, v in points.items() if v and v > 0}
    if len(usable) < 2:
        return None
    small, large = min(usable), max(usable)
    return round(math.log(usable[large] / usable[small]) / math.log(large / small), 3)


def compute(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"http": {}, "load": {}, "validation": {}, "growth": {}, "memory": {}}
    servers = data.get("http", {}).get("servers", {})
    ours = servers.get("ccg-graph")
    for name in data["profile"]["classes"]:
        for connections in data["profile"]["concurrencies"]:
            mine, _ = _rps(ours, name, connections)
            for anchor in ("oxigraph", "rdflib-endpoint"):
                theirs, bound = _rps(servers.get(anchor), name, connections)
                if mine and theirs:
                    key = f"{name}.c{connections}.vs_{anchor}"
                    out["http"][key] = {"ratio": round(mine / theirs, 3), "lower_bound": bound}
    # Saved queries answered from ccg-graph's answer cache, against oxigraph running the same bound texts.
    for connections in data["profile"]["concurrencies"]:
        mine, _ = _rps(ours, "as_of_cached", connections)
        theirs, bound = _rps(servers.get("oxigraph"), "as_of", connections)
        if mine and theirs:
            out["http"][f"as_of_cached.c{connections}.vs_oxigraph"] = {
                "ratio": round(mine / theirs, 3),
                "lower_bound": bound,
            }
    load = data.get("load", {})
    embedded = load.get("embedded", {}).get("1")
    for anchor in ("pyoxigraph_memory", "oxigraph_cli", "rdflib_parse"):
        theirs = load.get(anchor)
        if embedded and theirs and theirs.get("triples_per_s"):
            out["load"][f"embedded_vs_{anchor}"] = round(embedded["triples_per_s"] / theirs["triples_per_s"], 3)
    validation = data.get("validation") or {}
    for scale, measured in validation.get("scales", {}).items():
        if "ccg_graph" in measured:
            out["validation"][f"x{scale}.pyshacl_over_ccg_graph"] = round(
                measured["pyshacl"]["seconds"] / measured["ccg_graph"]["seconds"], 3
            )
    out["growth"]["load_seconds"] = growth_exponent({int(s): v["seconds"] for s, v in load.get("embedded", {}).items()})
    out["growth"]["full_validation_seconds"] = growth_exponent(
        {int(s): v["ccg_graph"]["seconds"] for s, v in validation.get("scales", {}).items() if "ccg_graph" in v}
    )
    out["growth"]["lookup_mean_latency"] = growth_exponent(
        {int(s): v["lookup_c1"]["mean_ms"] for s, v in (data.get("scaling") or {}).items() if v}
    )
    out["growth"]["server_peak_rss"] = growth_exponent(
        {int(s): v["peak_rss_bytes"] for s, v in (data.get("scaling") or {}).items() if v}
    )
    for anchor in ("oxigraph", "rdflib-endpoint"):
        if ours and servers.get(anchor):
            out["memory"][f"ccg_graph_over_{anchor}_rss"] = round(
                ours["peak_rss_bytes"] / servers[anchor]["peak_rss_bytes"], 3
            )
    places = data.get("places") or {}
    out["places"] = {
        "search_scan_over_index": (places.get("search") or {}).get("ratio_scan_over_index"),
        "locate_every_polygon_over_index": (places.get("locate") or {}).get("ratio_every_polygon_over_index"),
    }
    return out
