"""Benchmark: validating a one-CCG submission against the national graph, incrementally and in full.

The submission is real data: one CCG as the national build describes it (the CCG, its governing body and
posts, its practices' memberships, its dated accountabilities and commissioning responsibilities, and every
triple elsewhere that points at the CCG or its governing body). The benchmark copies the national store into
memory, takes the submission out, and then measures:

* incremental: `validate_change(store without the CCG, added=submission)`, cold (first call in the process,
  which compiles the shapes' reach plan and loads pySHACL's shapes graph) and warm (median of the repeats);
* a membership change on the national graph, also real data: a practice of the CCG recorded as moving to the
  CCG's successor with the dates wrong (its membership of the CCG cut short to an earlier interval of the
  graph, and a new membership of the successor over the old dates, which overlaps: a violation);
* pySHACL's own `focus_nodes` option on the same neighbourhood graph our validator gets, for comparison;
* full: pySHACL over the whole national graph (what `ccg-graph validate` on the dump does), once as built (the
  graph the one-CCG resubmission restores) and once with the membership change;
* equivalence: for each change, the full run's results about the focus nodes incremental validation checked
  equal the incremental results; for the membership change, the full run's results about every other node
  equal those of the national graph as built (nothing outside the checked nodes changed);
* optionally (`--focus-nodes-baseline`), pySHACL's own `focus_nodes` option on the whole graph.

The machine may be shared: every timing comes with the 1-minute load average when it was taken, and the
speed-up is the ratio of two timings taken in the same run.

Run it standalone (needs `ccg-graph build` first, or CCG_GRAPH_BUILD_DIR pointing at a build):

    python -m bench.incremental_validation [--ccg 00C] [--repeats 7] [--skip-full] [--focus-nodes-baseline]

It prints one JSON object. `run(settings, ...)` returns the same dict for a bench harness.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import io
import json
import os
import pstats
import statistics
import sys
import time

import pyoxigraph as ox
from rdflib import Graph

from ccg_graph.core.config import Settings, get_settings
from ccg_graph.core.errors import NotFound
from ccg_graph.core.namespaces import ID, ccg_iri, governing_body_iri
from ccg_graph.store import EmbeddedStore
from ccg_graph.validate import ValidationOutcome, load_ontology, load_shapes, validate_change, validate_graph
from ccg_graph.validation.engine import as_prepared_graph, run_pyshacl
from ccg_graph.validation.incremental import _effective_change, reach_plan, to_rdflib
from ccg_graph.validation.neighbourhood import ChangedGraph, affected_focus_nodes, collect, source_for
from ccg_graph.validation.outcome import compact

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


MEMBERSHIP_QUERY = """
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX ccg: <https://w3id.org/ccg-graph/def#>
PREFIX time: <http://www.w3.org/2006/time#>
SELECT ?membership ?practice ?interval ?begin ?g ?shorter ?successor WHERE {
  GRAPH ?g { ?membership org:organization $ccg ; org:member ?practice ; org:memberDuring ?interval }
  ?interval time:hasBeginning ?begin ; time:hasEnd/time:inXSDDate ?end .
  ?shorter time:hasBeginning ?begin ; time:hasEnd/time:inXSDDate ?shorterEnd .
  FILTER (?shorterEnd < ?end)
  $ccg ccg:successor ?successor .
} ORDER BY ?membership ?shorterEnd LIMIT 1
"""


def membership_change(store: EmbeddedStore, code: str) -> tuple[list[ox.Quad], list[ox.Quad]]:
    """A practice of CCG `code` recorded as moving to the CCG's successor with the dates wrong (see above).

    Returns (added, removed) quads; every IRI but the new membership's is already in the graph.
    """
    result = store.query(MEMBERSHIP_QUERY.replace("$ccg", f"<{ccg_iri(code)}>"))
    assert result.solutions is not None
    rows = list(result.solutions)
    if not rows:
        raise NotFound(f"no membership of CCG {code} with a shorter interval and a successor to move it to")
    row = rows[0]
    graph, practice, successor = row["g"], row["practice"], row["successor"]
    during = ox.NamedNode("http://www.w3.org/ns/org#memberDuring")
    removed = [ox.Quad(row["membership"], during, row["interval"], graph)]
    added = [ox.Quad(row["membership"], during, row["shorter"], graph)]
    practice_code = practice.value.rsplit("/", 1)[-1]
    new = ox.NamedNode(f"{ID}membership/{practice_code}/{successor.value.removeprefix(str(ID))}/moved")
    org = "http://www.w3.org/ns/org#"
    for predicate, value in (
        ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", ox.NamedNode(f"{org}Membership")),
        (f"{org}member", practice),
        (f"{org}organization", successor),
        (f"{org}role", ox.NamedNode("https://w3id.org/ccg-graph/def#MemberPracticeRole")),
        (f"{org}memberDuring", row["interval"]),
    ):
        added.append(ox.Quad(new, ox.NamedNode(predicate), value, graph))
    return added, removed


def _load() -> float:
    return round(os.getloadavg()[0], 2)


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


def _focus_nodes(store: EmbeddedStore, added, removed, settings: Settings) -> set:
    gained, lost = _effective_change(store, added, removed)
    graph = ChangedGraph(source_for(store), gained, lost)
    return affected_focus_nodes(graph, reach_plan(settings), gained | lost)


def _measure(store: EmbeddedStore, added, removed, settings: Settings, repeats: int) -> tuple[dict, ValidationOutcome]:
    runs, loads = [], []
    outcome = None
    for _ in range(max(1, repeats) + 1):
        loads.append(_load())
        start = time.perf_counter()
        outcome = validate_change(store, added, removed, settings=settings)
        runs.append(time.perf_counter() - start)
    assert outcome is not None
    figures = {
        "cold_seconds": round(runs[0], 3),
        "warm_median_seconds": round(statistics.median(runs[1:]), 3),
        "warm_min_seconds": round(min(runs[1:]), 3),
        "warm_runs_seconds": [round(r, 3) for r in runs[1:]],
        "load_average_1min": loads,
        "conforms": outcome.conforms,
        "results": len(outcome.results),
        "focus_nodes": outcome.checked_focus_nodes,
        "stats": {k: round(v, 4) if isinstance(v, float) else v for k, v in outcome.stats.items()},
    }
    return figures, outcome


def _pyshacl_focus_nodes_on_neighbourhood(store: EmbeddedStore, added, removed, settings: Settings) -> dict:
    """pySHACL's `focus_nodes` option on the neighbourhood graph our validator gets (same nodes, same triples)."""
    gained, lost = _effective_change(store, added, removed)
    graph = ChangedGraph(source_for(store), gained, lost)
    focus = affected_focus_nodes(graph, reach_plan(settings), gained | lost)
    triples = collect(graph, reach_plan(settings), focus)
    data = as_prepared_graph((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in triples)
    shapes, ontology = load_shapes(settings.shapes_dir), load_ontology(settings.ontology_dir)
    focus_list = [to_rdflib(n) for n in focus]
    runs = []
    profile = cProfile.Profile()
    for attempt in range(3):
        loads = _load()
        start = time.perf_counter()
        if attempt == 2:
            profile.enable()
        run_pyshacl(data, shapes, ontology, focus_nodes=focus_list)
        if attempt == 2:
            profile.disable()
        else:
            runs.append(time.perf_counter() - start)
    return {
        "seconds": round(min(runs), 3),
        "load_average_1min": loads,
        "focus_nodes": len(focus_list),
        "profile_top_functions": _profile_top(profile, 8),
    }


def _rows(results, keep) -> list[str]:
    return sorted(str(r) for r in results if keep(r.focus_node))


def _national_rdflib(store: EmbeddedStore) -> Graph:
    graph = Graph()
    for quad in store.native.quads_for_pattern(None, None, None, None):
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


def _timed_full(data: Graph, shapes: Graph, ontology: Graph) -> tuple[ValidationOutcome, dict]:
    load = _load()
    clock = time.perf_counter()
    outcome = validate_graph(data, shapes, ontology)
    seconds = time.perf_counter() - clock
    return outcome, {
        "seconds": round(seconds, 2),
        "load_average_1min": load,
        "conforms": outcome.conforms,
        "results": len(outcome.results),
    }


def run(
    settings: Settings | None = None,
    *,
    ccg: str = "00C",
    repeats: int = 7,
    full: bool = True,
    focus_nodes_baseline: bool = False,
) -> dict:
    """Measure incremental against full validation of a one-CCG submission; return the figures."""
    settings = settings or get_settings()
    if not settings.dump_path.is_file():
        raise NotFound(f"no built graph at {settings.build_dir}: run `ccg-graph build` first")
    figures: dict = {"benchmark": "incremental_validation", "ccg": ccg, "cpus": os.cpu_count()}

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

    figures["incremental"], outcome = _measure(store, submission, (), settings, repeats)
    checked_ccg = _focus_nodes(store, submission, (), settings)
    focus_ccg = {compact(to_rdflib(n)) for n in checked_ccg}
    figures["pyshacl_focus_nodes_on_neighbourhood"] = _pyshacl_focus_nodes_on_neighbourhood(
        store, submission, (), settings
    )
    warm = figures["incremental"]["warm_median_seconds"]
    figures["target_seconds"] = 0.5
    figures["meets_time_target"] = warm <= 0.5

    store.native.extend(submission)  # the national graph as built again
    try:
        added, removed = membership_change(store, ccg)
    except NotFound as missing:  # a small base graph (the harness test) has no practice to move
        added, removed, moved = [], [], None
        figures["membership_change"] = {"skipped": str(missing)}
    else:
        figures["membership_change"], moved = _measure(store, added, removed, settings, repeats)
        figures["membership_change"]["change"] = {
            "added": [str(q.triple) for q in added],
            "removed": [str(q.triple) for q in removed],
        }
    focus_move = {compact(to_rdflib(n)) for n in _focus_nodes(store, added, removed, settings)} if moved else set()

    if full or focus_nodes_baseline:
        clock = time.perf_counter()
        data = _national_rdflib(store)
        figures["full_read_seconds"] = round(time.perf_counter() - clock, 2)
        shapes, ontology = load_shapes(settings.shapes_dir), load_ontology(settings.ontology_dir)
    if full:
        national, figures["full"] = _timed_full(data, shapes, ontology)
        figures["speedup_warm"] = round(figures["full"]["seconds"] / warm, 1)
        figures["meets_speedup_target"] = figures["speedup_warm"] >= 50
        figures["equivalent_one_ccg"] = national.conforms == outcome.conforms and _rows(
            national.results, focus_ccg.__contains__
        ) == _rows(outcome.results, lambda _: True)

    if full and moved is not None:
        for quad in removed:
            data.remove((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        for quad in added:
            data.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        changed, figures["full_membership_change"] = _timed_full(data, shapes, ontology)
        about = _rows(changed.results, focus_move.__contains__)
        elsewhere_same = _rows(changed.results, lambda n: n not in focus_move) == _rows(
            national.results, lambda n: n not in focus_move
        )
        figures["equivalent_membership_change"] = {
            "checked_nodes_equal": about == _rows(moved.results, lambda _: True),
            "other_nodes_unchanged": elsewhere_same,
            "conforms_equal": changed.conforms == moved.conforms,
        }
        figures["speedup_membership_change"] = round(
            figures["full_membership_change"]["seconds"] / figures["membership_change"]["warm_median_seconds"], 1
        )
    if focus_nodes_baseline:
        # pySHACL's own option, on the whole graph (the CCG in it, as after the submission): every target is
        # still evaluated over all of it and then filtered by list membership.
        for quad in added:
            data.remove((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        for quad in removed:
            data.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        focus_list = [to_rdflib(n) for n in checked_ccg if isinstance(n, ox.NamedNode)]
        load = _load()
        clock = time.perf_counter()
        run_pyshacl(data, shapes, ontology, focus_nodes=focus_list)
        figures["pyshacl_focus_nodes_on_national_graph"] = {
            "seconds": round(time.perf_counter() - clock, 2),
            "load_average_1min": load,
            "focus_nodes": len(focus_list),
        }
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ccg", default="00C", help="ODS code of the CCG to resubmit (default 00C)")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--skip-full", action="store_true", help="skip the two full validations (minutes each)")
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
