"""SHACL validation of ccg-graph data against the shapes in ``shapes/``: full, incremental and in context.

This module is the public face; the work lives in `ccg_graph.validation`:

* `validate_graph(data, shapes, ontology)`: full validation of an rdflib graph (pySHACL is the engine; the
  ontology is its `ont_graph`, so `sh:targetClass` sees the class hierarchy);
* `validate_change(store, added, removed)`: the outcome after a change to the published graph, checking only
  the focus nodes the change can affect (see `ccg_graph.validation.incremental`);
* `validate_file_in_context(paths, store)`: a steward's file, validated as if added to the published graph.
"""

from __future__ import annotations

from rdflib import Graph

from ccg_graph.validation.engine import as_prepared_graph, load_ontology, load_shapes, run_pyshacl
from ccg_graph.validation.incremental import validate_change, validate_file_in_context
from ccg_graph.validation.outcome import ValidationOutcome, ValidationResultRow, compact, outcome_from_report


def validate_graph(data: Graph, shapes: Graph, ontology: Graph | None = None) -> ValidationOutcome:
    """Validate `data` against `shapes`; the data graph itself is never modified."""
    working = as_prepared_graph(data)  # the copy pySHACL would make anyway, with queries parsed once
    _, report = run_pyshacl(working, shapes, ontology, inplace=True)
    return outcome_from_report(report)


__all__ = [
    "ValidationOutcome",
    "ValidationResultRow",
    "compact",
    "load_ontology",
    "load_shapes",
    "validate_change",
    "validate_file_in_context",
    "validate_graph",
]
