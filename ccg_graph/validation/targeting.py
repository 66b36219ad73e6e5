"""pySHACL on chosen focus nodes, with the shapes loaded once per process and the targets found by set look-ups.

Incremental validation knows its focus nodes (the ones a change can affect). pySHACL's own way to restrict a run
to them, the `focus_nodes` option, evaluates every target of every shape over the data graph first and then
keeps the targets found in a Python list (`URIRef in list`, O(targets x focus), blank nodes dropped). Rewriting
the targets as SPARQL queries that start from marked focus nodes (our previous approach) moved the cost into
rdflib's SPARQL engine: the SHACL-SPARQL rules' target queries (e.g. the membership-overlap pairing) cost up to
a second on a neighbourhood of three thousand triples.

`FocusedValidator` instead asks, for each shape, only "which of these focus nodes does the shape target?":

* core targets by set and index look-ups in the data graph (sh:targetNode membership; sh:targetClass and
  implicit class targets through the node's rdf:type and the rdfs:subClassOf closure, as pySHACL computes them;
  sh:targetSubjectsOf / sh:targetObjectsOf by one triple look-up);
* SPARQL-based targets: a focus node can only be selected if it has every triple the query requires of
  ``$this`` (its mandatory top-level triple patterns with a constant predicate), checked by index look-ups;
  the query then runs in an in-memory Oxigraph store of the same triples, restricted with ``VALUES $this`` to
  those candidates (rdflib needs 20 ms or more per pre-bound query here; Oxigraph well under one).

Then each shape is validated by pySHACL on exactly its focus nodes (`Shape.validate(executor, graph, focus)`,
the call pySHACL itself makes for nested shapes), and the report is built by pySHACL's own report builder. The
`ShapesGraph` (parsed shapes, constraint components, SPARQL helpers) is built once and reused, since the server
validates every write.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from threading import Lock

import pyoxigraph as ox
from pyshacl.consts import SH_SPARQLTarget
from pyshacl.graph_abstraction import DataGraph
from pyshacl.monkey import apply_patches
from pyshacl.pytypes import SHACLExecutor
from pyshacl.rdfutil.inoculate import inoculate
from pyshacl.shape import Shape
from pyshacl.shapes_graph import ShapesGraph
from pyshacl.validator import Validator, assign_baked_in
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from ccg_graph.core.terms import node_to_rdflib, plain_object, plain_subject, quad_to_ox
from ccg_graph.validation import pyshacl_speedups
from ccg_graph.validation.engine import PreparedQueryGraph

_THIS = Variable("this")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_UNSUPPORTED = tuple(
    URIRef(str(SH) + name) for name in ("rule", "SPARQLTargetType", "SPARQLFunction", "JSTarget", "JSConstraint")
)
# algebra nodes whose pattern must match for the query to have a solution (a UNION branch, an OPTIONAL or MINUS
# right side, a GRAPH, VALUES or an aggregate need not, so the walk stops there)
_PASS_THROUGH = ("SelectQuery", "Distinct", "Reduced", "Filter", "Extend", "OrderBy", "ToMultiSet", "Slice")
# expressions rdflib and Oxigraph evaluate alike; arithmetic is not among them (rdflib adds a duration to an
# xsd:date, Oxigraph gives an error), nor are casts, other functions and aggregates
_PORTABLE_BUILTINS = {
    f"Builtin_{name}"
    for name in (
        *("STR", "BOUND", "COALESCE", "CONCAT", "isIRI", "isBLANK", "isLITERAL", "isNUMERIC", "EXISTS", "NOTEXISTS"),
        *("sameTerm", "LANG", "DATATYPE", "IF", "STRSTARTS", "STRENDS", "CONTAINS", "SUBSTR", "STRLEN", "LCASE"),
        *("UCASE", "LANGMATCHES"),
    )
}
_NOT_PORTABLE = ("AdditiveExpression", "MultiplicativeExpression", "UnaryMinus", "UnaryPlus", "Function")


class UnsupportedTargets(Exception):
    """The shapes use a SHACL feature `FocusedValidator` does not reproduce (rules, custom target types...)."""


@dataclass(frozen=True)
class SparqlTarget:
    select: str  # the query text with its sh:prefixes applied
    required: tuple[tuple[URIRef, bool], ...]  # (predicate, $this is the object) every solution needs
    portable: bool  # Oxigraph gives the same answer as rdflib (see `portable`)


@dataclass(frozen=True)
class ShapeTargets:
    shape: Shape
    nodes: frozenset
    classes: frozenset
    subjects_of: frozenset
    objects_of: frozenset
    sparql: tuple[SparqlTarget, ...]


def _required_patterns(node: object, out: set[tuple[URIRef, bool]], top: bool = True) -> None:
    if not isinstance(node, CompValue):
        return
    name = node.name
    if name == "BGP":
        for subject, predicate, obj in node.triples:
            if isinstance(predicate, URIRef):
                if subject == _THIS:
                    out.add((predicate, False))
                if obj == _THIS:
                    out.add((predicate, True))
    elif name == "Project":
        if top:  # a sub-select's ?this is another variable unless projected: do not look inside
            _required_patterns(node.p, out, top=False)
    elif name == "Join":
        _required_patterns(node.p1, out, top)
        _required_patterns(node.p2, out, top)
    elif name in ("LeftJoin", "Minus"):
        _required_patterns(node.p1, out, top)
    elif name in _PASS_THROUGH:
        _required_patterns(node.get("p"), out, top)


def required_patterns(select: str) -> tuple[tuple[URIRef, bool], ...]:
    """The (predicate, inverse) triples every solution of `select` has at ``$this`` (a necessary condition)."""
    found: set[tuple[URIRef, bool]] = set()
    _required_patterns(prepareQuery(select).algebra, found)
    return tuple(sorted(found))


def _portable(node: object) -> bool:
    if isinstance(node, CompValue):
        name = node.name
        if name in _NOT_PORTABLE or name.startswith("Aggregate_") or name in ("Group", "AggregateJoin"):
            return False
        if name.startswith("Builtin_") and name not in _PORTABLE_BUILTINS:
            return False
        return all(_portable(value) for key, value in node.items() if key != "_vars")
    if isinstance(node, dict):
        return all(_portable(value) for value in node.values())
    if isinstance(node, list | tuple):
        return all(_portable(item) for item in node)
    return True


def portable(select: str) -> bool:
    """Whether `select` uses only what rdflib and Oxigraph evaluate alike: patterns, paths, comparisons, STR..."""
    return _portable(prepareQuery(select).algebra)


def _restricted(select: str, candidates: Iterable[ox.NamedNode]) -> str:
    match = _WHERE.search(select)
    if match is None:
        raise UnsupportedTargets(f"a SPARQL target without WHERE {{: {select!r}")
    values = " ".join(str(node) for node in candidates)
    return f"{select[: match.end()]}\n    VALUES $this {{ {values} }}\n{select[match.end() :]}"


def _solutions(store: ox.Store, select: str) -> ox.QuerySolutions:
    """The solutions of a SPARQL target's SELECT (a target that is not a SELECT is not one pySHACL runs)."""
    result = store.query(select)
    if not isinstance(result, ox.QuerySolutions):
        raise UnsupportedTargets(f"a SPARQL target that is not a SELECT: {select!r}")
    return result


class FocusedValidator:
    """pySHACL validation of chosen focus nodes of a data graph (see the module docstring).

    Build one per (shapes, ontology) pair and reuse it; `validate` may be called from several threads (runs are
    serialised: pySHACL's shape objects keep per-run state, and the work is CPU-bound under the GIL anyway).
    """

    def __init__(self, shapes: Graph, ontology: Graph | None) -> None:
        for feature in _UNSUPPORTED:
            if (None, RDF.type, feature) in shapes or (None, feature, None) in shapes:
                raise UnsupportedTargets(f"the shapes use {feature}, which focused validation does not apply")
        apply_patches()
        assign_baked_in()
        pyshacl_speedups.install()
        self.shapes_graph = ShapesGraph(shapes)
        self._lock = Lock()
        self._targets: list[ShapeTargets] = []
        for shape in self.shapes_graph.shapes:
            shape.set_advanced(True)
            nodes, classes, implicit, objects_of, subjects_of = shape.target()
            sparql = []
            for target in shape.advanced_target().values():
                if target["type"] != SH_SPARQLTarget:
                    raise UnsupportedTargets(f"shape {shape.node} has a target that is not a SPARQL-based target")
                helper = target["qh"]
                select = helper.apply_prefixes(helper.select_text)
                sparql.append(SparqlTarget(select, required_patterns(select), portable(select)))
                _restricted(select, [])  # fail here, not during a write, if it cannot be restricted
            self._targets.append(
                ShapeTargets(
                    shape,
                    frozenset(nodes),
                    frozenset(classes) | frozenset(implicit),
                    frozenset(subjects_of),
                    frozenset(objects_of),
                    tuple(sparql),
                )
            )
        # what pySHACL mixes into the data graph from the ontology does not depend on the data: compute it once
        self._ontology_triples: list[tuple[Node, Node, Node]] = []
        if ontology is not None:
            base = Graph()
            inoculate(DataGraph.from_rdflib_graph(base), ontology)  # writes through to `base`, its backing graph
            self._ontology_triples = list(base)
        self._ontology_ox = [quad_to_ox(s, p, o) for s, p, o in self._ontology_triples]

    def data_graph(self, triples: Iterable[tuple]) -> PreparedQueryGraph:
        graph = PreparedQueryGraph()
        graph.addN((s, p, o, graph) for s, p, o in triples)
        graph.addN((s, p, o, graph) for s, p, o in self._ontology_triples)
        return graph

    def focus_by_shape(
        self, data: Graph, focus: set, oxigraph_triples: Iterable[ox.Triple] | None = None
    ) -> list[tuple[Shape, list]]:
        """For each shape with targets among `focus`, those focus nodes (in the shapes graph's order)."""
        subclasses: dict[URIRef, set] = {}
        types: dict = {}
        oxstore: ox.Store | None = None
        chosen = []
        for targets in self._targets:
            found = set(targets.nodes & focus)
            if targets.classes:
                for tc in targets.classes:
                    if tc not in subclasses:
                        subclasses[tc] = set(data.transitive_subjects(RDFS.subClassOf, tc))
                for node in focus:
                    if node in found:
                        continue
                    if node not in types:
                        types[node] = set(data.objects(node, RDF.type))
                    if any(types[node] & subclasses[tc] for tc in targets.classes):
                        found.add(node)
            for predicate in targets.subjects_of:
                found.update(n for n in focus if (n, predicate, None) in data)
            for predicate in targets.objects_of:
                found.update(n for n in focus if (None, predicate, n) in data)
            for target in targets.sparql:
                candidates = [
                    n
                    for n in focus
                    if n not in found
                    and all(
                        ((None, p, n) in data) if inverse else ((n, p, None) in data) for p, inverse in target.required
                    )
                ]
                if not candidates:
                    continue
                if not target.portable:  # rdflib, as full validation runs it, with $this pre-bound
                    found.update(n for n in candidates if len(data.query(target.select, initBindings={"this": n})))
                    continue
                if oxstore is None:
                    oxstore = self._oxigraph_store(data, oxigraph_triples)
                found.update(self._select(oxstore, target, candidates))
            if found:
                chosen.append((targets.shape, sorted(found, key=str)))
        return chosen

    def _oxigraph_store(self, data: Graph, triples: Iterable[ox.Triple] | None) -> ox.Store:
        store = ox.Store()
        if triples is None:
            store.extend(quad_to_ox(s, p, o) for s, p, o in data)
        else:
            store.extend(ox.Quad(plain_subject(t.subject), t.predicate, plain_object(t.object)) for t in triples)
            store.extend(self._ontology_ox)
        return store

    @staticmethod
    def _select(store: ox.Store, target: SparqlTarget, candidates: list) -> set:
        named = [ox.NamedNode(str(n)) for n in candidates if isinstance(n, URIRef)]
        blank = {n for n in candidates if isinstance(n, BNode)}
        found = set()
        if named:
            found |= {node_to_rdflib(row["this"]) for row in _solutions(store, _restricted(target.select, named))}
        if blank:  # blank nodes cannot be named in VALUES: run unrestricted and keep the candidates
            selected = (row["this"] for row in _solutions(store, target.select))
            found |= {n for n in (BNode(t.value) for t in selected if isinstance(t, ox.BlankNode)) if n in blank}
        return found

    def validate(
        self, triples: Iterable[tuple], focus: Iterable, oxigraph_triples: Iterable[ox.Triple] | None = None
    ) -> tuple[bool, Graph]:
        """Validate the data graph of `triples` (rdflib terms; the ontology is mixed in) on `focus` only.

        `oxigraph_triples`, the same triples as pyoxigraph terms, saves a conversion when SPARQL targets run.
        """
        data = self.data_graph(triples)
        focus_set = {n for n in focus if not isinstance(n, Literal)}
        with self._lock:
            graph = DataGraph.from_rdflib_graph(data)
            executor = SHACLExecutor(advanced_mode=True, allow_warnings=True)
            non_conformant = False
            reports: list = []
            for shape, nodes in self.focus_by_shape(data, focus_set, oxigraph_triples):
                conforms, shape_reports = shape.validate(executor, graph, focus=nodes)
                non_conformant = non_conformant or not conforms
                reports.extend(shape_reports)
            report, _ = Validator.create_validation_report(self.shapes_graph, not non_conformant, reports)
        return not non_conformant, report
