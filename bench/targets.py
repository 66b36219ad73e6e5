"""The targets of issues 9 and 20, checked against one run's figures: pass, fail, or not measured (with the reason).

A miss says by how much. Targets about the national graph are only judged on a run whose base is the
national graph; on any other base they are reported as not measured.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench.workload import ENGINE_BOUND

GiB = 2**30
LINEAR_TOLERANCE = 1.1
LOOKUP_MINIMUM = 0.8
ENGINE_MINIMUM = 0.9
CACHED_MINIMUM = 2.0
SOAK_P99_MS = 50.0
SOAK_TARGET_SECONDS = 60
REMOTE_MAXIMUM = 1.3
#: On lookups the engine itself is only about 5x rdflib-endpoint, so 10x is not asked there at c1 and c8.
RDFLIB_EXEMPT = ("lookup.c1", "lookup.c8")
#: Per class, the least share of oxigraph serve's requests/s that meets the targets.
MINIMUM_VS_OXIGRAPH = {"lookup": LOOKUP_MINIMUM} | {
    name: ENGINE_MINIMUM for name in ENGINE_BOUND
}  # an exponent up to 1.1 counts as linear: two points on a shared machine are noisy


def _target(name: str, goal: str, measured: str | None, passed: bool | None, note: str = "") -> dict:
    return {"target": name, "goal": goal, "measured": measured, "pass": passed, "note": note}


def _ratio_target(
    data: dict,
    name: str,
    goal: str,
    classes: tuple[str, ...],
    anchor: str,
    minimum: float,
    exempt: tuple[str, ...] = (),
) -> dict:
    http = data.get("ratios", {}).get("http", {})
    found = {
        k: v
        for k, v in http.items()
        if k.split(".")[0] in classes and k.endswith(f"vs_{anchor}") and k.rsplit(".vs_", 1)[0] not in exempt
    }
    if not found:
        return _target(name, goal, None, None, f"no {anchor} comparison was measured")
    worst_key = min(found, key=lambda k: found[k]["ratio"])
    worst = found[worst_key]["ratio"]
    shown = ", ".join(
        f"{k.rsplit('.vs_', 1)[0]}: {v['ratio']:.2f}{'+' if v['lower_bound'] else ''}" for k, v in found.items()
    )
    passed = worst >= minimum
    note = (
        ""
        if passed
        else f"worst {worst_key.rsplit('.vs_', 1)[0]} at {worst:.2f}, {minimum / worst:.2f}x short of the target"
    )
    return _target(name, goal, shown, passed, note)


def _with_profiles(data: dict, found: list[dict]) -> list[dict]:
    """Add what py-spy saw in ccg-graph to the note of each HTTP target it missed."""
    profiles = data.get("profiles") or {}
    for target in found:
        if target["pass"] is not False or "oxigraph" not in target["target"]:
            continue
        for name, profile in profiles.items():
            if name in (target["measured"] or ""):
                frames = ", ".join(f"{frame} {share:.0%}" for frame, share in profile["top_own"][:5])
                target["note"] += f"; py-spy on ccg-graph under {name} (own time): {frames}"
    return found


def _national(data: dict) -> bool:
    return data.get("base") == "national graph"


def check(data: dict[str, Any]) -> list[dict]:
    out = _with_profiles(
        data,
        [
            _ratio_target(
                data,
                "HTTP lookups vs oxigraph serve",
                ">= 0.8x its requests/s",
                ("lookup",),
                "oxigraph",
                LOOKUP_MINIMUM,
            ),
            _ratio_target(
                data,
                "engine-bound queries vs oxigraph serve",
                ">= 0.9x its requests/s",
                ENGINE_BOUND,
                "oxigraph",
                ENGINE_MINIMUM,
            ),
            _ratio_target(
                data,
                "every class vs rdflib-endpoint",
                ">= 10x its requests/s (lookups at c1 and c8 excepted)",
                tuple(data["profile"]["classes"]),
                "rdflib-endpoint",
                10,
                RDFLIB_EXEMPT,
            ),
            _ratio_target(
                data,
                "warm saved query (answer cache) vs oxigraph serve running it",
                ">= 2x its requests/s",
                ("as_of_cached",),
                "oxigraph",
                CACHED_MINIMUM,
            ),
        ],
    )
    out += [_soak(data), _remote_store(data)]
    embedded = data.get("load", {}).get("embedded", {}).get("1")
    if embedded:
        tps = embedded["triples_per_s"]
        note = "" if tps >= 250_000 else f"{250_000 / tps:.2f}x short"
        load = data.get("load", {})
        engine = [
            f"{label} {load[key]['triples_per_s']:,}/s"
            for key, label in (("pyoxigraph_memory", "pyoxigraph into memory"), ("oxigraph_cli", "oxigraph load"))
            if load.get(key)
        ]
        if note and engine:
            note += "; the engine's own loaders on the same file: " + ", ".join(engine)
        out.append(
            _target("load into the embedded store", ">= 250,000 triples/s", f"{tps:,} triples/s", not note, note)
        )
    else:
        out.append(_target("load into the embedded store", ">= 250,000 triples/s", None, None, "not measured"))
    out += _incremental(data)
    growth = data.get("ratios", {}).get("growth", {})
    for key, label in (
        ("load_seconds", "load"),
        ("full_validation_seconds", "full validation"),
        ("lookup_mean_latency", "lookups"),
    ):
        exponent = growth.get(key)
        goal = "linear or better (cost ~ size^k, k <= 1)"
        if exponent is None:
            out.append(_target(f"cost vs size: {label}", goal, None, None, "fewer than two sizes measured"))
        else:
            passed = exponent <= LINEAR_TOLERANCE
            out.append(
                _target(
                    f"cost vs size: {label}",
                    goal,
                    f"k = {exponent:.2f}",
                    passed,
                    "" if passed else f"k is {exponent:.2f}",
                )
            )
    scale_one = (data.get("scaling") or {}).get("1")
    if scale_one and _national(data):
        rss = scale_one["peak_rss_bytes"]
        passed = rss <= GiB
        out.append(
            _target(
                "server RSS with the national graph",
                "<= 1 GiB",
                f"{rss / GiB:.2f} GiB",
                passed,
                "" if passed else f"{rss / GiB:.2f}x the limit",
            )
        )
    else:
        out.append(
            _target("server RSS with the national graph", "<= 1 GiB", None, None, "the base was not the national graph")
        )
    out += _places(data)
    return out


def _not_run(data: dict, key: str) -> str:
    """Why a step recorded nothing: its failure or missing feature, else that it did not run."""
    reason = data.get("errors", {}).get(key) or data.get("missing", {}).get(key)
    return f"not measured: {reason}" if reason else "not measured (its server did not run)"


Verdict = tuple[str, bool | None, str]


def _judged(data: dict, key: str, name: str, goal: str, figure: str, judge: Callable[[dict], Verdict]) -> dict:
    """The target of step `key`: not measured (why) when it did not run, failed when it stopped short of
    `figure` (it says why: e.g. answers that differ), else `judge`'s (measured, pass, note) of its figures."""
    measured = data.get(key)
    if not measured:
        return _target(name, goal, None, None, _not_run(data, key))
    if figure not in measured:
        return _target(name, goal, None, False, measured.get("skipped", f"no {figure} was recorded"))
    return _target(name, goal, *judge(measured))


def _soak(data: dict) -> dict:
    """Issue 20: lookups under the c16 soak, p99 <= 50 ms and no errors, judged on the national graph."""

    def judge(measured: dict) -> Verdict:
        run, errors = measured["run"], measured["errors"]
        shown = (
            f"p99 {run['p99_ms']:.1f} ms (p50 {run['p50_ms']:.1f}, p95 {run['p95_ms']:.1f}), "
            f"{run['requests_per_s']:,.0f} requests/s, {errors} errors, {measured['seconds']:g} s at "
            f"c{measured['connections']}"
        )
        notes = []
        if measured["seconds"] < SOAK_TARGET_SECONDS:
            notes.append(f"a {measured['seconds']:g} s soak in this profile (the target's is {SOAK_TARGET_SECONDS} s)")
        if run["p99_ms"] > SOAK_P99_MS:
            notes.append(f"p99 {run['p99_ms'] / SOAK_P99_MS:.2f}x the limit")
        if errors:
            notes.append(f"errors {run['errors']}")
        passed: bool | None = run["p99_ms"] <= SOAK_P99_MS and errors == 0
        if not _national(data):
            passed = None
            notes.append("not judged: the base was not the national graph")
        return shown, passed, "; ".join(notes)

    return _judged(data, "soak", "lookups under the c16 soak", f"p99 <= {SOAK_P99_MS:g} ms, no errors", "run", judge)


def _remote_store(data: dict) -> dict:
    """Issue 20: ccg-graph over `oxigraph serve` costs at most 1.3x `oxigraph serve` alone, per lookup."""

    def judge(measured: dict) -> Verdict:
        ratio, layers = measured["median_ratio"], measured["median_layers"]
        passed = ratio <= REMOTE_MAXIMUM and measured["errors"] == 0
        shown = (
            f"{ratio:.2f}x ({measured['median_through_ms']:.2f} ms against {measured['median_direct_ms']:.2f} ms, "
            f"median of {len(measured['lookups'])} lookups), {measured['errors']} errors"
        )
        note = ""
        if not passed:
            note = (
                f"{ratio / REMOTE_MAXIMUM:.2f}x over; per lookup: oxigraph serve {layers['remote_ms']:.2f} ms, "
                f"ccg-graph's store client (asking the server, reading the bytes it relays) "
                f"{layers['store_client_ms']:.2f} ms more, ccg-graph's HTTP layer (uvicorn, the fast path, the "
                f"executor's thread, counting the relayed rows) "
                f"{layers['ccg_graph_http_ms']:.2f} ms more"
            )
            if measured["errors"]:
                note += f"; {measured['errors']} failed requests"
        return shown, passed, note

    return _judged(
        data,
        "remote_store",
        "remote store (ccg-graph over oxigraph serve) vs oxigraph serve alone",
        f"<= {REMOTE_MAXIMUM}x its cost per lookup",
        "median_ratio",
        judge,
    )


def _places(data: dict) -> list[dict]:
    """Issue 19: the search index against the old /search scan, locate against testing every polygon."""
    measured = data.get("places") or {}
    found = []
    for key, ratio, name, minimum in (
        ("search", "ratio_scan_over_index", "search index vs the /search scan", 50),
        ("locate", "ratio_every_polygon_over_index", "locate vs testing every polygon", 10),
    ):
        value = (measured.get(key) or {}).get(ratio)
        if value is None:
            found.append(_target(name, f">= {minimum}x faster", None, None, "not measured"))
        else:
            note = "" if value >= minimum else f"{minimum / value:.2f}x short"
            found.append(_target(name, f">= {minimum}x faster", f"{value}x", value >= minimum, note))
    return found


def incremental_figures(measured: dict) -> tuple[float | None, float | None]:
    """(one-CCG incremental seconds, full seconds of the same graph) from bench.incremental_validation's dict:
    the warm median (the shapes' reach plan compiled once per process, as a server runs it) and its own
    in-process full validation, when it ran one."""
    incremental = measured.get("incremental") or {}
    seconds = incremental.get("warm_median_seconds", incremental.get("cold_seconds"))
    full = (measured.get("full") or {}).get("seconds")
    return seconds, full


def _incremental(data: dict) -> list[dict]:
    goal_time, goal_ratio = "<= 0.5 s for one CCG on the national graph", ">= 50x faster than full validation"
    name_time, name_ratio = "incremental validation time", "incremental vs full validation"
    measured = data.get("incremental_validation")
    if not measured:
        reason = data.get("missing", {}).get("validation.incremental") or data.get("errors", {}).get(
            "validation.incremental", "not measured"
        )
        return [_target(name_time, goal_time, None, None, reason), _target(name_ratio, goal_ratio, None, None, reason)]
    seconds, full = incremental_figures(measured)
    out = []
    if seconds is None:
        out.append(_target(name_time, goal_time, None, None, f"no incremental time among {sorted(measured)}"))
    else:
        ok = seconds <= 0.5 and _national(data)
        out.append(
            _target(
                name_time,
                goal_time,
                f"{seconds:.3f} s",
                ok if _national(data) else None,
                "" if ok else ("not on the national graph" if not _national(data) else f"{seconds / 0.5:.2f}x over"),
            )
        )
    if seconds and full:
        ratio = full / seconds
        out.append(
            _target(
                name_ratio, goal_ratio, f"{ratio:.0f}x", ratio >= 50, "" if ratio >= 50 else f"{50 / ratio:.2f}x short"
            )
        )
    else:
        why = (
            "this profile does not time a full validation of the same graph (make bench does)"
            if not data["profile"].get("incremental_with_full", True)
            else "no full-validation time of the same graph to compare"
        )
        out.append(_target(name_ratio, goal_ratio, None, None, why))
    return out
