"""Incremental validation: the outcome of a change to the published graph, checking only what it can affect.

Full validation of the national graph takes minutes because pySHACL reads it all into rdflib and checks every
target. A change of a few hundred triples can only alter the results of the focus nodes whose validation
reads one of the changed triples, and those are found by walking the shapes' reach plan
(`ccg_graph.validation.reach`) backwards from each changed triple. Validating those focus nodes needs only
the triples their validation reads, found by walking the plan forwards in the changed graph
(`ccg_graph.validation.neighbourhood`). pySHACL then validates that small graph (plus the ontology) on those
focus nodes only, through `ccg_graph.validation.targeting.FocusedValidator`: its shapes graph is built once per
process, and each shape's focus nodes are found by set and index look-ups instead of evaluating every target.
Other nodes in the small graph sit at its edge, with part of their neighbourhood missing, and their results in
the full graph are unchanged by the change, so they are never targeted.

Why not pySHACL's `focus_nodes` option: it evaluates every target of every shape first and then filters each
shape's targets by membership of a Python list (O(targets x focus), blank nodes dropped). On the whole national
graph it is no faster than full validation; even on the small graph it is about four times slower than our
targeting (measured in bench/incremental_validation.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ccg_graph.core.config import Settings, get_settings
from ccg_graph.core.terms import to_rdflib, triple_to_rdflib
from ccg_graph.rdf.parser import ParsedRdf, RdfLimits, read_files
from ccg_graph.store.base import Store
from ccg_graph.validation.engine import load_ontology, load_shapes
from ccg_graph.validation.neighbourhood import ChangedGraph, affected_focus_nodes, collect, source_for
from ccg_graph.validation.outcome import ValidationOutcome, outcome_from_report
from ccg_graph.validation.reach import ReachPlan, compile_shapes
from ccg_graph.validation.targeting import FocusedValidator

#: Held while the reach plan or the focused validator is built. The server builds them in the background when
#: it starts (`prepare`) and a write arriving meanwhile needs them too: the second caller waits for the first
#: one's result instead of compiling the same shapes again beside it.
_PREPARING = threading.RLock()


@lru_cache(maxsize=4)
def _plan_for(shapes_dir: str) -> ReachPlan:
    return compile_shapes(load_shapes(Path(shapes_dir)))


def reach_plan(settings: Settings) -> ReachPlan:
    """The reach plan of the shapes in `settings.shapes_dir` (compiled once per process)."""
    with _PREPARING:
        return _plan_for(str(settings.shapes_dir.resolve()))


@lru_cache(maxsize=4)
def _validator_for(shapes_dir: str, ontology_dir: str) -> FocusedValidator:
    return FocusedValidator(load_shapes(Path(shapes_dir)), load_ontology(Path(ontology_dir)))


def focused_validator(settings: Settings) -> FocusedValidator:
    """The focused validator of the shapes and ontology in `settings` (built once per process)."""
    with _PREPARING:
        return _validator_for(str(settings.shapes_dir.resolve()), str(settings.ontology_dir.resolve()))


def prepare(settings: Settings) -> None:
    """Build what every validation of a change needs (the reach plan, the focused validator), once."""
    with _PREPARING:
        reach_plan(settings)
        focused_validator(settings)


def _as_triple(item: ox.Quad | ox.Triple) -> ox.Triple:
    return item.triple if isinstance(item, ox.Quad) else item


def _effective_change(
    store: Store, added: Iterable[ox.Quad | ox.Triple], removed: Iterable[ox.Quad | ox.Triple]
) -> tuple[set[ox.Triple], set[ox.Triple]]:
    """The triples the union graph really gains and loses (a triple stays while any graph still holds it)."""
    added_triples = {_as_triple(q) for q in added}
    removed_graphs: dict[ox.Triple, set] = {}
    whole_removed: set[ox.Triple] = set()
    for item in removed:
        triple = _as_triple(item)
        if isinstance(item, ox.Quad):
            removed_graphs.setdefault(triple, set()).add(item.graph_name)
        else:
            whole_removed.add(triple)
    source = source_for(store)
    held = source.graphs_of(added_triples | set(removed_graphs) | whole_removed)
    gained = {t for t in added_triples if not held.get(t)}
    lost = set(whole_removed & set(held))
    for triple, graphs in removed_graphs.items():
        if held.get(triple) and held[triple] <= graphs:
            lost.add(triple)
    return gained, lost - added_triples


def validate_change(
    store: Store,
    added: Iterable[ox.Quad | ox.Triple],
    removed: Iterable[ox.Quad | ox.Triple] = (),
    *,
    settings: Settings | None = None,
    also_check: Iterable[ox.NamedNode | ox.BlankNode] = (),
    prefer_sparql: bool = False,
) -> ValidationOutcome:
    """Validate the published graph as it would be after removing `removed` and adding `added`.

    Only the focus nodes the change can affect are checked (plus `also_check`); for those, the conforms flag
    and the results are the ones full validation of the changed graph gives. `store` is only read.
    """
    settings = settings or get_settings()
    timings: dict[str, float | int] = {}
    clock = time.perf_counter()
    plan = reach_plan(settings)
    validator = focused_validator(settings)
    gained, lost = _effective_change(store, added, removed)
    graph = ChangedGraph(source_for(store, prefer_sparql=prefer_sparql), gained, lost)
    timings["change_seconds"] = time.perf_counter() - clock

    mark = time.perf_counter()
    focus = affected_focus_nodes(graph, plan, gained | lost) | set(also_check)
    timings["affected_seconds"] = time.perf_counter() - mark

    mark = time.perf_counter()
    triples = collect(graph, plan, focus)
    timings["collect_seconds"] = time.perf_counter() - mark

    mark = time.perf_counter()
    focus_terms = {to_rdflib(n) for n in focus}
    data = [triple_to_rdflib(t) for t in triples]
    _, report = validator.validate(data, focus_terms, triples)
    outcome = outcome_from_report(report, keep_focus=focus_terms)
    timings["shacl_seconds"] = time.perf_counter() - mark
    timings.update(
        total_seconds=time.perf_counter() - clock,
        added_triples=len(gained),
        removed_triples=len(lost),
        focus_nodes=len(focus),
        subgraph_triples=len(triples),
        store_fetches=graph.fetches,
    )
    outcome.checked_focus_nodes = len(focus)
    outcome.stats = timings
    return outcome


def validate_parsed_in_context(parsed: ParsedRdf, store: Store, settings: Settings | None = None) -> ValidationOutcome:
    """Validate parsed RDF as if added to the published graph; every subject in it is checked too."""
    outcome = validate_change(store, parsed.triples, (), settings=settings, also_check=parsed.subjects())
    return outcome.with_locations(parsed.locations)


def validate_file_in_context(
    paths: Path | Iterable[Path], store: Store, settings: Settings | None = None
) -> ValidationOutcome:
    """`ccg-graph validate --against-graph`: the files, as if added to the published graph in `store`."""
    files = [paths] if isinstance(paths, Path) else list(paths)
    settings = settings or get_settings()
    return validate_parsed_in_context(read_files(files, RdfLimits.from_settings(settings)), store, settings)
