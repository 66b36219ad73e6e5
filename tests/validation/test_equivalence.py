"""Incremental validation gives exactly the results of full validation, on every shape case as a real change.

Each case of ``tests/shapes/{pass,fail,warn}`` is a change to the valid world ``tests/shapes/context.ttl``:
its ``remove:`` triples are taken out and its own triples added. The world conforms with no results, so full
validation of the changed world reports only what the change caused, and incremental validation of the same
change against a store holding the world must report the same rows (focus node, shape, severity, path,
value, message) and the same conforms flag. The cases cover every shape, so every shape's reach is checked.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from ccg_graph.core.config import Settings
from ccg_graph.store import EmbeddedStore
from ccg_graph.validate import load_ontology, load_shapes, validate_change, validate_graph
from tests.shapes.support import CASES_DIR, CONTEXT_FILE
from tests.shapes.test_shapes import case_data, read_case

CASES = sorted((CASES_DIR / "fail").glob("*.ttl")) + sorted((CASES_DIR / "warn").glob("*.ttl"))
CASES += sorted((CASES_DIR / "pass").glob("*.ttl"))
CONTEXT_GRAPH = "urn:x-ccg-graph-test:context"


def ox_triples(graph: Graph) -> list[ox.Triple]:
    data = graph.serialize(format="nt", encoding="utf-8")
    return [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]


@pytest.fixture(scope="module")
def world() -> tuple[EmbeddedStore, Graph]:
    context = Graph().parse(CONTEXT_FILE, format="turtle")
    store = EmbeddedStore()
    store.native.extend(
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(CONTEXT_GRAPH)) for t in ox_triples(context)
    )
    return store, context


def rows(outcome) -> list[tuple]:
    return sorted(
        tuple(str(x) for x in (r.focus_node, r.source_shape, r.severity, r.path, r.value, r.message))
        for r in outcome.results
    )


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_incremental_equals_full(path: Path, world: tuple[EmbeddedStore, Graph]) -> None:
    store, context = world
    settings = Settings()
    case = read_case(path)
    full = validate_graph(
        case_data(case, context), load_shapes(settings.shapes_dir), load_ontology(settings.ontology_dir)
    )
    incremental = validate_change(store, ox_triples(case.additions), ox_triples(case.removals), settings=settings)
    assert incremental.conforms == full.conforms, incremental.as_text() + "\n---\n" + full.as_text()
    assert rows(incremental) == rows(full), incremental.as_text() + "\n---\n" + full.as_text()
    if path.parent.name != "pass":
        assert incremental.results, "a fail or warn case must produce results"
