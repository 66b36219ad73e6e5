"""The shapes against pass/fail/warn cases, the UCO way: each case names the exact constraint it breaks.

Every case is a Turtle file merged into the valid base world ``tests/shapes/context.ttl``; its leading
comments may carry directives, one per line, in Turtle terms (prefixes ``ccg:``, ``ccgsh:``, ``org:``,
``skos:``, ``time:``, ``prov:``, ``rdfs:``, ``xsd:``; ``<...>`` resolves against the instance base
``https://w3id.org/ccg-graph/id/``, as ``@base`` does in the files):

    # expect: ccgsh:GoverningBody-registeredNurse <ccg/00C/governing-body>
    # expect-warning: ccgsh:GPPractice-memberOfCommissioner <practice/Y03303>
    # remove: <ccg/00C/governing-body> org:hasPost <ccg/00C/governing-body/post/registered-nurse> .

``remove`` takes a triple (which must be in the context) out before the file's own triples are added, so a
case can change one thing in the valid world. ``pass/*.ttl`` must conform with no results at all;
``fail/*.ttl`` must not conform, and the (sh:sourceShape, sh:focusNode) pairs of its violations must be
exactly its ``expect`` lines (its warnings exactly its ``expect-warning`` lines, usually none);
``warn/*.ttl`` must conform with no violations and exactly its ``expect-warning`` pairs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import SH
from rdflib.plugins.sparql import processor as sparql_processor

from .support import CASES_DIR, CCGSH, SHAPES_DIR, Outcome, Pair, run_validation, union_of

ID_BASE = "https://w3id.org/ccg-graph/id/"
_EXPECT = URIRef("urn:x-ccg-graph-test:expect")
_DIRECTIVE_HEADER = f"""@base <{ID_BASE}> .
@prefix ccg:   <https://w3id.org/ccg-graph/def#> .
@prefix ccgsh: <https://w3id.org/ccg-graph/shapes#> .
@prefix org:   <http://www.w3.org/ns/org#> .
@prefix skos:  <http://www.w3.org/2004/02/skos/core#> .
@prefix time:  <http://www.w3.org/2006/time#> .
@prefix prov:  <http://www.w3.org/ns/prov#> .
@prefix rdfs:  <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:   <http://www.w3.org/2001/XMLSchema#> .
"""

#: Core constraint parameters: a shape using any of them (or sh:sparql) can produce a result.
CONSTRAINT_PARAMETERS = {
    SH[name]
    for name in [
        *["class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive"],
        *["maxExclusive", "maxInclusive", "minLength", "maxLength", "pattern", "languageIn", "uniqueLang"],
        *["equals", "disjoint", "lessThan", "lessThanOrEquals", "not", "and", "or", "xone", "node"],
        *["qualifiedValueShape", "closed", "hasValue", "in", "sparql"],
    ]
}


@dataclass(frozen=True)
class Case:
    """One case file: the triples it adds, the context triples it removes, and what must fire."""

    path: Path
    additions: Graph
    removals: Graph
    violations: frozenset[Pair]
    warnings: frozenset[Pair]


def _pairs(lines: list[str], where: Path) -> frozenset[Pair]:
    graph = Graph()
    statements = "".join(f"{shape} <{_EXPECT}> {focus} .\n" for shape, focus in map(_split, lines))
    graph.parse(data=_DIRECTIVE_HEADER + statements, format="turtle", publicID=str(where))
    pairs = set()
    for shape, _, focus in graph.triples((None, _EXPECT, None)):
        assert isinstance(shape, URIRef) and isinstance(focus, URIRef), (where, shape, focus)
        pairs.add((shape, focus))
    assert len(pairs) == len(lines), f"{where}: duplicate expectation"
    return frozenset(pairs)


def _split(line: str) -> tuple[str, str]:
    shape, _, focus = line.strip().partition(" ")
    assert focus.strip(), f"an expectation needs a shape and a focus node: {line!r}"
    return shape, focus.strip()


def read_case(path: Path) -> Case:
    """Parse a case file and its directives."""
    expect: list[str] = []
    expect_warning: list[str] = []
    remove: list[str] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        for prefix, bucket in (("# expect:", expect), ("# expect-warning:", expect_warning), ("# remove:", remove)):
            if line.startswith(prefix):
                bucket.append(line[len(prefix) :].strip())
    removals = Graph()
    if remove:
        removals.parse(data=_DIRECTIVE_HEADER + "\n".join(remove), format="turtle")
    return Case(
        path=path,
        additions=Graph().parse(path, format="turtle"),
        removals=removals,
        violations=_pairs(expect, path) if expect else frozenset(),
        warnings=_pairs(expect_warning, path) if expect_warning else frozenset(),
    )


def _case_files(kind: str) -> list[Path]:
    return sorted((CASES_DIR / kind).glob("*.ttl"))


def _param(path: Path) -> Any:
    return pytest.param(path, id=f"{path.parent.name}/{path.stem}")


PASS_FILES = [_param(p) for p in _case_files("pass")]
FAIL_FILES = [_param(p) for p in _case_files("fail")]
WARN_FILES = [_param(p) for p in _case_files("warn")]


def case_data(case: Case, context: Graph) -> Graph:
    """The context, less the case's removals, plus the case's own triples."""
    missing = [t for t in case.removals if t not in context]
    assert not missing, f"{case.path.name} removes triples that are not in context.ttl: {missing}"
    data = Graph()
    for triple in context:
        if triple not in case.removals:
            data.add(triple)
    for triple in case.additions:
        data.add(triple)
    return data


def _compact(pairs: frozenset[Pair]) -> list[str]:
    def short(term: URIRef) -> str:
        text = str(term)
        return "ccgsh:" + text[len(str(CCGSH)) :] if text.startswith(str(CCGSH)) else f"<{text}>"

    return sorted(f"{short(s)} {short(f)}" for s, f in pairs)


def _assert_messages_complete(outcome: Outcome) -> None:
    """Every result carries a message, with every SPARQL variable in it filled in."""
    assert len(outcome.messages) >= outcome.result_count, outcome.text
    unfilled = [m for m in outcome.messages if "{?" in m or "{$" in m]
    assert not unfilled, unfilled


@pytest.fixture
def validate_case(
    shapes_graph: Graph, ontology_graph: Graph, context_graph: Graph
) -> Callable[[Path], tuple[Case, Outcome]]:
    def run(path: Path) -> tuple[Case, Outcome]:
        case = read_case(path)
        return case, run_validation(case_data(case, context_graph), shapes_graph, ontology_graph)

    return run


# --- the files themselves -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(SHAPES_DIR.glob("*.ttl")), ids=lambda p: p.name)
def test_shape_file_parses(path: Path) -> None:
    graph = Graph().parse(path, format="turtle")
    assert len(graph) > 0


def test_there_are_cases() -> None:
    assert PASS_FILES and FAIL_FILES and WARN_FILES


def test_context_conforms_with_no_results(shapes_graph: Graph, ontology_graph: Graph, context_graph: Graph) -> None:
    outcome = run_validation(context_graph, shapes_graph, ontology_graph)
    assert outcome.conforms and outcome.result_count == 0, outcome.text


# --- the cases ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PASS_FILES)
def test_pass_case_conforms(path: Path, validate_case: Callable[[Path], tuple[Case, Outcome]]) -> None:
    case, outcome = validate_case(path)
    assert not case.violations and not case.warnings, "a pass case expects nothing"
    assert outcome.conforms and outcome.result_count == 0, outcome.text


@pytest.mark.parametrize("path", FAIL_FILES)
def test_fail_case_fires_exactly_its_constraints(
    path: Path, validate_case: Callable[[Path], tuple[Case, Outcome]]
) -> None:
    case, outcome = validate_case(path)
    assert case.violations, f"{path.name} has no '# expect:' line"
    assert not outcome.conforms
    assert _compact(outcome.violations) == _compact(case.violations), outcome.text
    assert _compact(outcome.warnings) == _compact(case.warnings), outcome.text
    _assert_messages_complete(outcome)


@pytest.mark.parametrize("path", WARN_FILES)
def test_warn_case_fires_exactly_its_warnings(
    path: Path, validate_case: Callable[[Path], tuple[Case, Outcome]]
) -> None:
    case, outcome = validate_case(path)
    assert case.warnings and not case.violations, f"{path.name} must expect warnings only"
    assert outcome.conforms, outcome.text
    assert not outcome.violations, outcome.text
    assert _compact(outcome.warnings) == _compact(case.warnings), outcome.text
    _assert_messages_complete(outcome)


def test_every_constraint_has_a_case(shapes_graph: Graph) -> None:
    """Each ccgsh: shape that can fire (outside the QC shapes) is expected by some fail or warn case."""
    qc_shapes = set(union_of([SHAPES_DIR / "ontology_qc.ttl"]).subjects())
    constraining = {
        s
        for s, p, _ in shapes_graph
        if isinstance(s, URIRef) and str(s).startswith(str(CCGSH)) and p in CONSTRAINT_PARAMETERS
    } - qc_shapes
    expected = set()
    for param in FAIL_FILES + WARN_FILES:
        case = read_case(param.values[0])
        expected |= {shape for shape, _ in case.violations | case.warnings}
    assert sorted(str(s) for s in constraining - expected) == []
    assert sorted(str(s) for s in expected - constraining) == [], "a case expects a shape that does not exist"


def test_shapes_are_named_not_blank(shapes_graph: Graph) -> None:
    """Property shapes and shapes with targets have IRIs, so reports name the exact constraint."""
    blank = {s for s in shapes_graph.subjects(SH.property, None) if isinstance(s, BNode)}
    blank |= {o for o in shapes_graph.objects(None, SH.property) if isinstance(o, BNode)}
    for target in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
        blank |= {s for s in shapes_graph.subjects(target, None) if isinstance(s, BNode)}
    assert not blank


def test_parse_cache_changes_no_result(
    _reuse_parsed_sparql: Any,
    monkeypatch: pytest.MonkeyPatch,
    validate_case: Callable[[Path], tuple[Case, Outcome]],
) -> None:
    """The session's SPARQL parse cache gives the same report as rdflib's own parsing."""
    path = CASES_DIR / "fail" / "membership_overlap_open_ended.ttl"
    _, cached = validate_case(path)
    monkeypatch.setattr(sparql_processor.SPARQLProcessor, "query", _reuse_parsed_sparql)
    _, plain = validate_case(path)
    assert (plain.violations, plain.warnings, sorted(plain.messages)) == (
        cached.violations,
        cached.warnings,
        sorted(cached.messages),
    )
