"""Benchmark: validating a one-CCG submission against the national graph, incrementally and in full.

The submission is real data: one CCG as the national build describes it (the CCG, its governing body and
posts, its practices' memberships, its dated accountabilities and commissioning responsibilities, and every
triple elsewhere that points at the CCG or its governing body). The benchmark copies the national store into
memory, takes the submission out, and then measures:

* incremental: `validate_change(store without the CCG, added=submission)`, cold (first call in the process,
  which compiles the shapes' reach plan) and warm (median of the repeats);
* full: pySHACL over the whole national graph with the CCG in it (what `ccg-graph validate` on the dump does);
* equivalence: the full run's results about the focus nodes incremental validation checked must equal the
  incremental results (and the full run must have no results elsewhere, the national graph conforming);
* optionally (`--focus-nodes-baseline`), pySHACL's own `focus_nodes` option on the whole graph, profiled.

Run it standalone (needs `ccg-graph build` first, or CCG_GRAPH_BUILD_DIR pointing at a build):

    python -m bench.incremental_validation [--ccg 00C] [--repeats 5] [--skip-full] [--focus-nodes-baseline]

It prints one JSON object. `run(settings, ...)` returns the same dict for a bench harness.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import io
import json
import pstats
import statistics
import sys
import time

import pyoxigraph as ox

from ccg_graph.config import Settings, get_settings
from ccg_graph.errors import NotFound
from ccg_graph.namespaces import ccg_iri, governing_body_iri
from ccg_graph.rdf_io import read_graph
from ccg_graph.store import EmbeddedStore
from ccg_graph.validate import load_ontology, load_shapes, validate_change, validate_graph
from ccg_graph.validation.engine import run_pyshacl
from ccg_graph.validation.incremental import to_rdflib

SUBMISSION_QUERY = """
PREFIX ccg: <https://w3id.org/ccg-graph/def#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT DISTINCT ?s ?p ?o ?g WHERE {
  {
    VALUES ?s { $ccg $body }
  } UNION { $body org:hasPost ?s }
  UNION { ?s org:postIn $body }
  UNION { $ccg ccg:qualifiedAccountability ?s }
  UNION { ?s ccg:accountableOrganisation $ccg }
  UNION { ?s org:organization $ccg }
  UNION { $ccg ccg:qualifiedCommissioning ?s }
  UNION { ?s ccg:commissioner $ccg }
  GRAPH ?g { ?s ?p ?o }
}
"""
INCOMING_QUERY = """
SELECT DISTINCT ?s ?p ?o ?g WHERE { VALUES ?o { $ccg $body } GRAPH ?g { ?s ?p ?o } }
"""


def one_ccg_submission(store: EmbeddedStore, code: str) -> list[ox.Quad]:
    """The quads describing one CCG, as a steward would submit a new CCG (see the module docstring)."""
    values = {"$ccg": f"<{ccg_iri(code)}>", "$body": f"<{governing_body_iri(code)}>"}
    quads: set[ox.Quad] = set()
    for query in (SUBMISSION_QUERY, INCOMING_QUERY):
        text = query
        for name, value in values.items():
            text = text.replace(name, value)
        result = store.query(text)
        assert result.solutions is not None
        quads |= {ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in result.solutions}
    if not quads:
        raise NotFound(f"no CCG {code} in the built graph")
    return sorted(quads, key=str)


def _profile_top(profile: cProfile.Profile, limit: int = 12) -> list[dict]:
    stats = pstats.Stats(profile, stream=io.StringIO())
    rows = []
    for (filename, line, name), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append(
            {
                "function": f"{filename.rsplit('site-packages/', 1)[-1]}:{line}({name})",
                "calls": calls,
                "own_seconds": round(own, 3),
                "cumulative_seconds": round(cumulative, 3),
            }
        )
    rows.sort(key=lambda r: -r["own_seconds"])
    return rows[:limit]


def run(
    settings: Settings | None = None,
    *,
    ccg: str = "00C",
    repeats: int = 5,
    full: bool = True,
    focus_nodes_baseline: bool = False,
) -> dict:
    """Measure incremental against full validation of a one-CCG submission; return the figures."""
    settings = settings or get_settings()
    if not settings.dump_path.is_file():
        raise NotFound(f"no built graph at {settings.build_dir}: run `ccg-graph build` first")
    figures: dict = {"benchmark": "incremental_validation", "ccg": ccg}

    clock = time.perf_counter()
    store = EmbeddedStore()
    with gzip.open(settings.dump_path, "rb") as dump:
        store.native.bulk_load(input=dump, format=ox.RdfFormat.N_QUADS)
    figures["national_quads"] = len(store)
    submission = one_ccg_submission(store, ccg)
    for quad in submission:
        store.native.remove(quad)
    figures["load_seconds"] = round(time.perf_counter() - clock, 2)
    figures["submission_quads"] = len(submission)
    figures["submission_triples"] = len({q.triple for q in submission})

    runs = []
    outcome = None
    for _ in range(max(1, repeats) + 1):
        start = time.perf_counter()
        outcome = validate_change(store, submission, (), settings=settings)
        runs.append(time.perf_counter() - start)
    assert outcome is not None
    warm = statistics.median(runs[1:])
    figures["incremental"] = {
        "cold_seconds": round(runs[0], 3),
        "warm_median_seconds": round(warm, 3),
        "warm_runs_seconds": [round(r, 3) for r in runs[1:]],
        "conforms": outcome.conforms,
        "results": len(outcome.results),
        "focus_nodes": outcome.checked_focus_nodes,
        "stats": {k: round(v, 4) if isinstance(v, float) else v for k, v in outcome.stats.items()},
    }
    figures["target_seconds"] = 0.5
    figures["meets_time_target"] = warm <= 0.5

    if full or focus_nodes_baseline:
        clock = time.perf_counter()
        data = read_graph(settings.dump_path)
        figures["full_read_seconds"] = round(time.perf_counter() - clock, 2)
        shapes, ontology = load_shapes(settings.shapes_dir), load_ontology(settings.ontology_dir)
    if full:
        clock = time.perf_counter()
        complete = validate_graph(data, shapes, ontology)
        full_seconds = time.perf_counter() - clock
        focus = {row.focus_node for row in outcome.results}
        checked = outcome.stats.get("focus_nodes", 0)
        about_checked = [r for r in complete.results if r.focus_node in focus]
        figures["full"] = {
            "seconds": round(full_seconds, 2),
            "conforms": complete.conforms,
            "results": len(complete.results),
        }
        figures["speedup_warm"] = round(full_seconds / warm, 1)
        figures["meets_speedup_target"] = full_seconds / warm >= 50
        figures["equivalent"] = (
            complete.conforms == outcome.conforms
            and sorted(map(str, about_checked)) == sorted(map(str, outcome.results))
            and len(about_checked) == len(complete.results)
        )
        figures["full"]["checked_focus_nodes"] = checked
    if focus_nodes_baseline:
        # pySHACL's own option, on the whole graph: every target is still evaluated over all of it and then
        # filtered by list membership, which is what makes it slow (see the profile's top functions).
        from pyshacl import validate as pyshacl_validate

        focus_list = [to_rdflib(n) for n in _focus_nodes(store, submission, settings)]
        profile = cProfile.Profile()
        clock = time.perf_counter()
        profile.enable()
        pyshacl_validate(
            data,
            shacl_graph=shapes,
            ont_graph=ontology,
            inference="none",
            advanced=True,
            allow_warnings=True,
            focus_nodes=focus_list,
        )
        profile.disable()
        figures["pyshacl_focus_nodes"] = {
            "seconds": round(time.perf_counter() - clock, 2),
            "focus_nodes": len(focus_list),
            "top_functions": _profile_top(profile),
        }
    _ = run_pyshacl  # the engine every figure above goes through
    return figures


def _focus_nodes(store: EmbeddedStore, submission: list[ox.Quad], settings: Settings) -> set:
    from ccg_graph.validation.incremental import _effective_change, reach_plan
    from ccg_graph.validation.neighbourhood import ChangedGraph, affected_focus_nodes, source_for

    gained, lost = _effective_change(store, submission, ())
    graph = ChangedGraph(source_for(store), gained, lost)
    return affected_focus_nodes(graph, reach_plan(settings), gained | lost)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ccg", default="00C", help="ODS code of the CCG to resubmit (default 00C)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-full", action="store_true", help="skip full validation (about 2.5 minutes)")
    parser.add_argument("--focus-nodes-baseline", action="store_true", help="also profile pySHACL focus_nodes")
    args = parser.parse_args(argv)
    figures = run(
        ccg=args.ccg, repeats=args.repeats, full=not args.skip_full, focus_nodes_baseline=args.focus_nodes_baseline
    )
    json.dump(figures, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
