"""Kept as an import path for one release: validation lives in `ccg_graph.validation` (its one facade)."""

from __future__ import annotations

from ccg_graph.validation import (
    ValidationOutcome,
    ValidationResultRow,
    compact,
    load_ontology,
    load_shapes,
    validate_change,
    validate_file_in_context,
    validate_graph,
)

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
