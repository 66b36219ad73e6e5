"""Full SHACL validation: of an rdflib graph, or of a parsed file on its own (the CLI and the API alike)."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph
from rdflib.term import Node

from ccg_graph.core.config import Settings
from ccg_graph.core.terms import triple_to_rdflib
from ccg_graph.rdf.parser import ParsedRdf
from ccg_graph.validation.engine import (
    as_prepared_graph,
    load_ontology,
    load_shapes_for_a_file_alone,
    run_pyshacl,
)
from ccg_graph.validation.outcome import ValidationOutcome, outcome_from_report


def validate_graph(
    data: Graph | Iterable[tuple[Node, Node, Node]], shapes: Graph, ontology: Graph | None = None
) -> ValidationOutcome:
    """Validate `data` against `shapes` (pySHACL, with the ontology as its `ont_graph` so `sh:targetClass`
    sees the class hierarchy); `data` itself is never modified."""
    working = as_prepared_graph(data)  # the copy pySHACL would make anyway, with queries parsed once
    _, report = run_pyshacl(working, shapes, ontology, inplace=True)
    return outcome_from_report(report)


def validate_on_its_own(parsed: ParsedRdf, settings: Settings) -> ValidationOutcome:
    """Full validation of the parsed triples alone, with the lines where focus nodes are defined: by every
    shape except those judged only in context (`load_shapes_for_a_file_alone`)."""
    triples = (triple_to_rdflib(t) for t in parsed.triples)
    shapes = load_shapes_for_a_file_alone(settings.shapes_dir)
    outcome = validate_graph(triples, shapes, load_ontology(settings.ontology_dir))
    return outcome.with_locations(parsed.locations)
