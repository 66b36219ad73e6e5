"""Shared helpers for the SHACL shape tests: where things are, and validation as the project runs it.

Validation is always run the way the project's validator runs it: pySHACL with the union of ``shapes/*.ttl``
as the shapes graph, the union of ``ontology/*.ttl`` as ``ont_graph``, no inference, SHACL Advanced Features
on (the SPARQL-based targets need them) and warnings allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH

from ccg_graph.validate import validate_graph

REPO = Path(__file__).resolve().parents[2]
SHAPES_DIR = REPO / "shapes"
ONTOLOGY_DIR = REPO / "ontology"
CASES_DIR = Path(__file__).resolve().parent
CONTEXT_FILE = CASES_DIR / "context.ttl"

CCGSH = Namespace("https://w3id.org/ccg-graph/shapes#")
SHAPES_IRI = URIRef("https://w3id.org/ccg-graph/shapes")

#: A (sh:sourceShape, sh:focusNode) pair of one validation result.
Pair = tuple[URIRef, URIRef]


def union_of(paths: list[Path]) -> Graph:
    """One graph holding the triples of every file in `paths` (Turtle)."""
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


@dataclass(frozen=True)
class Outcome:
    """What pySHACL said about one data graph."""

    conforms: bool
    text: str
    result_count: int
    violations: frozenset[Pair]
    warnings: frozenset[Pair]
    messages: tuple[str, ...]


def run_validation(data: Graph, shapes: Graph, ontology: Graph | None) -> Outcome:
    """Validate `data` as the project does and gather the (shape, focus) pairs by severity."""
    outcome = validate_graph(data, shapes, ontology)
    conforms, report, text = outcome.conforms, outcome.report, outcome.as_text()
    violations: set[Pair] = set()
    warnings: set[Pair] = set()
    messages: list[str] = []
    results = list(report.subjects(RDF.type, SH.ValidationResult))
    for result in results:
        shape = report.value(result, SH.sourceShape)
        focus = report.value(result, SH.focusNode)
        severity = report.value(result, SH.resultSeverity)
        assert isinstance(shape, URIRef) and isinstance(focus, URIRef), (shape, focus)
        (warnings if severity == SH.Warning else violations).add((shape, focus))
        for message in report.objects(result, SH.resultMessage):
            assert isinstance(message, Literal)
            messages.append(str(message))
    return Outcome(
        conforms=bool(conforms),
        text=str(text),
        result_count=len(results),
        violations=frozenset(violations),
        warnings=frozenset(warnings),
        messages=tuple(messages),
    )
