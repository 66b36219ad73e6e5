"""Validating only chosen focus nodes of a small graph: every target rewritten to require a focus marker.

Incremental validation runs pySHACL on the neighbourhood of the affected focus nodes. That graph also holds
nodes at its edge (a membership's CCG, a post's governing body) whose own neighbourhoods are cut short; if
they were targets, pySHACL would spend most of its time validating them and reporting breaches that are not
there in the full graph. pySHACL's `focus_nodes` option filters targets against a list (and drops blank
nodes), after evaluating every target anyway.

Instead, the shapes are rewritten once: each target (sh:targetClass, sh:targetNode, sh:targetSubjectsOf,
sh:targetObjectsOf, SPARQL-based targets) becomes a SPARQL-based target whose query first requires the
triple ``?this <urn:x-ccg-graph:validation-focus> true``, and the marker triple is added for each focus node.
Only marked nodes are targets, every target query starts from them, and constraints are untouched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import RDF, RDFS, BNode, Graph, Literal, Node, URIRef
from rdflib.namespace import SH

FOCUS = URIRef("urn:x-ccg-graph:validation-focus")
_MARK = f"?this <{FOCUS}> true ."
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_TARGET_PREDICATES = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)

_cache: dict[int, tuple[Graph, Graph]] = {}


def focus_marks(nodes: Iterable[Node]) -> list[tuple[Node, URIRef, Literal]]:
    return [(node, FOCUS, Literal(True)) for node in nodes]


def _marked(select: str) -> str:
    match = _WHERE.search(select)
    if match is None:
        raise ValueError(f"a SPARQL target without WHERE {{: {select!r}")
    body_start = select[match.end() :].lstrip(" \n\t{")
    if body_start.startswith(("?this", "$this")):
        # the query starts from the focus node: starting from the marked nodes narrows every later pattern
        return select[: match.end()] + f"\n    {_MARK}\n" + select[match.end() :]
    # the query starts elsewhere (e.g. the class hierarchy): rdflib re-evaluates a join's right side for each
    # row of its left, so the marker goes last, where it filters the rows once
    end = select.rstrip().rfind("}")
    return select[:end] + f"    {_MARK}\n" + select[end:]


def focused_shapes(shapes: Graph) -> Graph:
    """`shapes` with every target restricted to marked focus nodes (built once per shapes graph)."""
    cached = _cache.get(id(shapes))
    if cached is not None and cached[0] is shapes:
        return cached[1]
    rewritten = Graph()
    for triple in shapes:
        if triple[1] not in _TARGET_PREDICATES:
            rewritten.add(triple)
    for prefix, namespace in shapes.namespaces():
        rewritten.bind(prefix, namespace, override=True)
    for shape, predicate, value in shapes.triples((None, None, None)):
        if predicate not in _TARGET_PREDICATES:
            continue
        if predicate == SH.target:
            select = shapes.value(value, SH.select)
            if select is None:
                raise ValueError(f"shape {shape} has an sh:target that is not a SPARQL-based target")
            _add_target(rewritten, shape, _marked(str(select)), shapes.value(value, SH.prefixes))
        else:
            _add_target(rewritten, shape, _core_target_query(predicate, value), None)
    for shape in set(shapes.subjects(RDF.type, RDFS.Class)) & set(shapes.subjects(RDF.type, SH.NodeShape)):
        _add_target(rewritten, shape, _core_target_query(SH.targetClass, shape), None)
    _cache[id(shapes)] = (shapes, rewritten)
    return rewritten


def _add_target(graph: Graph, shape: Node, select: str, prefixes: Node | None) -> None:
    target = BNode()
    graph.add((shape, SH.target, target))
    graph.add((target, RDF.type, SH.SPARQLTarget))
    graph.add((target, SH.select, Literal(select)))
    if prefixes is not None:
        graph.add((target, SH.prefixes, prefixes))


def _core_target_query(kind: URIRef, value: Node) -> str:
    term = value.n3()
    body = {
        SH.targetClass: f"?this <{RDF.type}>/<{RDFS.subClassOf}>* {term} .",
        SH.targetNode: f"FILTER (?this = {term})",
        SH.targetSubjectsOf: f"FILTER EXISTS {{ ?this {term} ?anyObject }}",
        SH.targetObjectsOf: f"FILTER EXISTS {{ ?anySubject {term} ?this }}",
    }[kind]
    return f"SELECT DISTINCT ?this WHERE {{\n    {_MARK}\n    {body}\n}}"
