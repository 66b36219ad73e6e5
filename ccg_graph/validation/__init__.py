"""SHACL validation of ccg-graph data against the shapes in ``shapes/``: full, incremental and in context.

This package's namespace is the one facade the rest of ccg-graph validates through:

* `validate_graph(data, shapes, ontology)`: full validation of an rdflib graph (pySHACL is the engine);
* `validate_on_its_own(parsed, settings)`: a steward's parsed file alone, with the lines of its focus nodes;
* `validate_change(store, added, removed)`: the outcome after a change to the published graph, checking only
  the focus nodes the change can affect (`incremental`);
* `validate_file_in_context(paths, store)`: a steward's file, validated as if added to the published graph.

The modules behind it: `engine` (pySHACL, shapes and ontology loaded once), `reach` (what each shape reads),
`neighbourhood` (the triples a change can affect), `targeting` (focus nodes by shape), `outcome` (reports),
`parse` (files with line numbers).
"""

from __future__ import annotations

from ccg_graph.validation.engine import load_ontology, load_shapes
from ccg_graph.validation.incremental import validate_change, validate_file_in_context
from ccg_graph.validation.outcome import ValidationOutcome, ValidationResultRow, compact, outcome_from_report
from ccg_graph.validation.service import validate_graph, validate_on_its_own

__all__ = [
    "ValidationOutcome",
    "ValidationResultRow",
    "compact",
    "load_ontology",
    "load_shapes",
    "outcome_from_report",
    "validate_change",
    "validate_file_in_context",
    "validate_graph",
    "validate_on_its_own",
]
