"""The shapes gate every write passes before it is committed.

`shapes_gate(settings)` returns the validator the store calls with the current state and the change; it
raises `ValidationFailed` carrying the SHACL report when the changed graph would not conform, so nothing is
written. `validate_change_fully` validates the whole changed graph: exact, and the reference the
incremental validator is tested against, but its cost grows with the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pyoxigraph as ox
from rdflib import Graph

from ccg_graph.core.config import Settings
from ccg_graph.core.errors import ValidationFailed
from ccg_graph.core.terms import triple_to_rdflib
from ccg_graph.store.base import Store
from ccg_graph.validation import ValidationOutcome, load_ontology, load_shapes, validate_graph

ChangeValidator = Callable[[Store, Iterable[ox.Quad], Iterable[ox.Quad]], ValidationOutcome]


def changed_graph(store: Store, added: Iterable[ox.Quad], removed: Iterable[ox.Quad]) -> Graph:
    """The union of every graph of `store` after the change, as one rdflib graph."""
    removed_set = set(removed)
    graph = Graph()
    for quad in [*store.quads_for_pattern(None, None, None, None), *added]:
        if quad not in removed_set:
            graph.add(triple_to_rdflib(quad))
    return graph


def validate_change_fully(settings: Settings) -> ChangeValidator:
    def validate(store: Store, added: Iterable[ox.Quad], removed: Iterable[ox.Quad]) -> ValidationOutcome:
        data = changed_graph(store, added, removed)
        return validate_graph(data, load_shapes(settings.shapes_dir), load_ontology(settings.ontology_dir))

    return validate


def shapes_gate(validator: ChangeValidator) -> Callable[[Store, list[ox.Quad], list[ox.Quad]], None]:
    """A store `validate` hook that refuses a change the shapes reject (violations; warnings pass)."""

    def gate(store: Store, added: list[ox.Quad], removed: list[ox.Quad]) -> None:
        outcome = validator(store, added, removed)
        if not outcome.conforms and outcome.violations:
            count = len(outcome.violations)
            raise ValidationFailed(
                f"the change was refused: {count} shape violation{'s' if count != 1 else ''} "
                "(nothing was written; the report says what to fix)",
                outcome,
            )

    return gate


def validate_change_incrementally(settings: Settings) -> ChangeValidator:
    """Only the focus nodes the change can affect, with the same results as full validation for them."""
    from ccg_graph.validation.incremental import validate_change

    def validate(store: Store, added: Iterable[ox.Quad], removed: Iterable[ox.Quad]) -> ValidationOutcome:
        return validate_change(store, added, removed, settings=settings)

    return validate


def write_gate(settings: Settings) -> Callable[[Store, list[ox.Quad], list[ox.Quad]], None]:
    """The validator every write of this deployment passes: incremental validation in context."""
    return shapes_gate(validate_change_incrementally(settings))
