"""Validating parsed input on its own (the file alone), for the CLI and the API alike."""

from __future__ import annotations

from rdflib import Graph

from ccg_graph.config import Settings
from ccg_graph.rdf.parser import ParsedRdf
from ccg_graph.terms import to_rdflib
from ccg_graph.validation.engine import as_prepared_graph, load_ontology, load_shapes, run_pyshacl
from ccg_graph.validation.outcome import ValidationOutcome, outcome_from_report


def validate_on_its_own(parsed: ParsedRdf, settings: Settings) -> ValidationOutcome:
    """Full validation of the parsed triples alone, with the lines where focus nodes are defined."""
    data: Graph = as_prepared_graph(
        (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in parsed.triples
    )
    _, report = run_pyshacl(data, load_shapes(settings.shapes_dir), load_ontology(settings.ontology_dir), inplace=True)
    return outcome_from_report(report).with_locations(parsed.locations)
