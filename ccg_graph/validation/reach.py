"""How far the shapes look from a focus node: a reach plan computed from the shapes themselves.

Incremental validation needs two answers: which focus nodes a change can affect, and which triples those
focus nodes' validation reads. Both follow from the paths the shapes walk. This module compiles every shape
(its targets, property paths, value-shape constraints and SHACL-SPARQL queries) into one small automaton
over (predicate, direction) steps starting at the focus node:

* walking it forwards from a focus node collects every triple validating that node can read;
* walking it backwards from a changed triple finds every focus node whose validation can read that triple.

The automaton over-approximates: a step is followed whatever the object constant or filter of the pattern,
so it may fetch a little more than a shape needs, never less. SPARQL queries are read through rdflib's
algebra: every triple pattern, including those inside FILTER (NOT) EXISTS and property paths, becomes a step
from the variable reached first (starting at ``$this``) to the other end.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef, Variable
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, Path, SequencePath
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Node

START = 0


class UnsupportedShape(Exception):
    """A shape uses a construct the reach analysis cannot bound (so incremental validation would be unsound)."""


@dataclass(frozen=True)
class Step:
    """One move along a triple: `predicate` (None for any predicate), forwards or `inverse`, to `target`."""

    predicate: str | None
    inverse: bool
    target: int
    exists_only: bool = False  # only whether one such triple exists matters (sh:targetSubjectsOf/ObjectsOf)


@dataclass
class ReachPlan:
    """An automaton of steps from the focus node (state `START`)."""

    steps: dict[int, list[Step]] = field(default_factory=lambda: defaultdict(list))
    epsilon: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    state_count: int = 1
    _closures: dict[frozenset[int], frozenset[int]] = field(default_factory=dict, repr=False, compare=False)

    def new_state(self) -> int:
        self.state_count += 1
        return self.state_count - 1

    def add_step(
        self, source: int, predicate: str | None, inverse: bool, target: int | None = None, exists_only: bool = False
    ) -> int:
        target = self.new_state() if target is None else target
        step = Step(predicate, inverse, target, exists_only)
        self._closures.clear()
        if step not in self.steps[source]:
            self.steps[source].append(step)
        return target

    def link(self, source: int, target: int) -> None:
        if source != target:
            self.epsilon[source].add(target)
            self._closures.clear()

    def closure(self, states: set[int]) -> frozenset[int]:
        """The states reachable from `states` through epsilon links (remembered: walks ask the same sets often)."""
        key = frozenset(states)
        found = self._closures.get(key)
        if found is None:
            seen = set(states)
            todo = list(states)
            while todo:
                for nxt in self.epsilon.get(todo.pop(), ()):
                    if nxt not in seen:
                        seen.add(nxt)
                        todo.append(nxt)
            found = self._closures[key] = frozenset(seen)
        return found

    def incoming(self) -> dict[int, list[tuple[int, Step]]]:
        """For each state, the (source state, step) pairs leading into it."""
        into: dict[int, list[tuple[int, Step]]] = defaultdict(list)
        for source, steps in self.steps.items():
            for step in steps:
                into[step.target].append((source, step))
        return into

    def reverse_epsilon(self) -> dict[int, set[int]]:
        back: dict[int, set[int]] = defaultdict(set)
        for source, targets in self.epsilon.items():
            for target in targets:
                back[target].add(source)
        return back

    def predicates(self) -> set[str | None]:
        return {step.predicate for steps in self.steps.values() for step in steps}

    def __len__(self) -> int:
        return sum(len(s) for s in self.steps.values())


# --- SHACL property paths --------------------------------------------------------------------------------


def _compile_shacl_path(plan: ReachPlan, shapes: Graph, path: Node, source: int, inverse: bool = False) -> int:
    if isinstance(path, URIRef):
        return plan.add_step(source, str(path), inverse)
    if isinstance(path, BNode):
        if (path, RDF.first, None) in shapes:
            members = list(Collection(shapes, path))
            state = source
            for member in reversed(members) if inverse else members:
                state = _compile_shacl_path(plan, shapes, member, state, inverse)
            return state
        inner = shapes.value(path, SH.inversePath)
        if inner is not None:
            return _compile_shacl_path(plan, shapes, inner, source, not inverse)
        alternatives = shapes.value(path, SH.alternativePath)
        if alternatives is not None:
            end = plan.new_state()
            for member in Collection(shapes, alternatives):
                plan.link(_compile_shacl_path(plan, shapes, member, source, inverse), end)
            return end
        for kind, zero in ((SH.zeroOrMorePath, True), (SH.oneOrMorePath, False), (SH.zeroOrOnePath, True)):
            inner = shapes.value(path, kind)
            if inner is not None:
                return _repeat(
                    plan,
                    source,
                    zero,
                    kind != SH.zeroOrOnePath,
                    partial(_compile_shacl_path, plan, shapes, inner, inverse=inverse),
                )
    raise UnsupportedShape(f"unsupported sh:path {path!r}")


def _repeat(plan: ReachPlan, source: int, zero: bool, many: bool, compile_once: Callable[[int], int]) -> int:
    end = plan.new_state()
    if zero:
        plan.link(source, end)
    plan.link(compile_once(source), end)
    if many:
        plan.link(compile_once(end), end)
    return end


# --- SPARQL queries --------------------------------------------------------------------------------------


def _compile_sparql_path(plan: ReachPlan, path: Node | Path, source: int, inverse: bool) -> int:
    if isinstance(path, URIRef):
        return plan.add_step(source, str(path), inverse)
    if isinstance(path, Variable):
        return plan.add_step(source, None, inverse)
    if isinstance(path, InvPath):
        return _compile_sparql_path(plan, path.arg, source, not inverse)
    if isinstance(path, SequencePath):
        state = source
        for member in reversed(path.args) if inverse else path.args:
            state = _compile_sparql_path(plan, member, state, inverse)
        return state
    if isinstance(path, AlternativePath):
        end = plan.new_state()
        for member in path.args:
            plan.link(_compile_sparql_path(plan, member, source, inverse), end)
        return end
    if isinstance(path, MulPath):
        zero = path.mod in ("*", "?")
        many = path.mod in ("*", "+")
        return _repeat(plan, source, zero, many, lambda s: _compile_sparql_path(plan, path.path, s, inverse))
    if isinstance(path, NegatedPath):
        # !(p|^q) matches any other predicate in either direction: follow every predicate both ways.
        end = plan.new_state()
        plan.link(plan.add_step(source, None, False), end)
        plan.link(plan.add_step(source, None, True), end)
        return end
    raise UnsupportedShape(f"unsupported SPARQL path {path!r}")


def _triple_patterns(node: object) -> Iterator[tuple[Node, Node | Path, Node]]:
    """Every triple pattern in an rdflib algebra tree, including those under FILTER (NOT) EXISTS."""
    if isinstance(node, dict):
        if "triples" in node and isinstance(node["triples"], list):
            for triple in node["triples"]:
                # TriplesBlocks under FILTER EXISTS keep `s p o ; p2 o2` as one flat run of terms.
                terms = list(triple)
                if len(terms) % 3:
                    raise UnsupportedShape(f"cannot read the triple pattern {terms!r}")
                for i in range(0, len(terms), 3):
                    yield tuple(terms[i : i + 3])
        for key, value in node.items():
            if key not in ("triples", "_vars"):
                yield from _triple_patterns(value)
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _triple_patterns(item)


def _is_var(term: object) -> bool:
    return isinstance(term, Variable | BNode)


def compile_query(plan: ReachPlan, query_text: str, source: int, prefixes: dict[str, str]) -> None:
    """Add the steps a SELECT query walks from ``$this`` (bound to the node at `source`)."""
    header = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())
    algebra = prepareQuery(header + query_text).algebra
    patterns = list(dict.fromkeys(_triple_patterns(algebra)))
    state_of: dict[object, int] = {Variable("this"): source}
    pending = patterns
    while pending:
        progressed = False
        still = []
        for subject, predicate, obj in pending:
            if subject in state_of:
                end = _compile_sparql_path(plan, predicate, state_of[subject], False)
                _bind(plan, state_of, obj, end)
                progressed = True
            elif obj in state_of:
                end = _compile_sparql_path(plan, predicate, state_of[obj], True)
                _bind(plan, state_of, subject, end)
                progressed = True
            else:
                still.append((subject, predicate, obj))
        pending = still
        if pending and not progressed:
            raise UnsupportedShape(
                "a SPARQL pattern is not connected to $this, so its reach cannot be bounded: "
                + "; ".join(f"{s} {p} {o}" for s, p, o in pending)
            )


def _bind(plan: ReachPlan, state_of: dict[object, int], term: Node, end: int) -> None:
    if not _is_var(term):
        return  # a constant or literal: nothing further is read from it
    if term not in state_of:
        state_of[term] = end
    elif term != Variable("this"):
        # Reached again by another route (another UNION branch or OPTIONAL, so maybe other nodes): what the
        # query reads beyond the variable is read from these nodes too.
        plan.link(end, state_of[term])
    # $this is bound to the focus node alone, and everything beyond it is walked from the focus already; a
    # path ending at $this only needs its own triples, which walking it from its subject fetches.


# --- shapes ----------------------------------------------------------------------------------------------

_COMPARISONS = (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals)
_NESTED_ONE = (SH.node, SH["not"], SH.qualifiedValueShape)
_NESTED_LIST = (SH["or"], SH["and"], SH.xone)


class _Compiler:
    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self.plan = ReachPlan()
        self.prefixes = _declared_prefixes(shapes)
        self._done: set[tuple[object, int]] = set()

    def shape(self, shape: Node, state: int) -> None:
        """The steps validating `shape` reads from a node at `state` (a focus node or a value node)."""
        if (shape, state) in self._done:
            return
        self._done.add((shape, state))
        g = self.shapes
        path = g.value(shape, SH.path)
        if path is not None:
            values = _compile_shacl_path(self.plan, g, path, state)
            for predicate in _COMPARISONS:
                for other in g.objects(shape, predicate):
                    _compile_shacl_path(self.plan, g, other, state)
            self.value_constraints(shape, values)
        else:
            self.value_constraints(shape, state)
        for constraint in g.objects(shape, SH.sparql):
            if path is not None:
                raise UnsupportedShape(f"sh:sparql on a property shape ({shape}) is not analysed")
            self.query(constraint, state)

    def value_constraints(self, shape: Node, state: int) -> None:
        g = self.shapes
        if (shape, SH["class"], None) in g:
            typed = self.plan.add_step(state, str(RDF.type), False)
            self.plan.add_step(typed, str(RDFS.subClassOf), False, typed)
        if g.value(shape, SH.closed) == Literal(True):
            self.plan.add_step(state, None, False)
        for predicate in _NESTED_ONE:
            for nested in g.objects(shape, predicate):
                self.shape(nested, state)
        for predicate in _NESTED_LIST:
            for members in g.objects(shape, predicate):
                for nested in Collection(g, members):
                    self.shape(nested, state)
        for prop in g.objects(shape, SH.property):
            self.shape(prop, state)

    def query(self, node: Node, state: int) -> None:
        select = self.shapes.value(node, SH.select)
        if select is None:
            raise UnsupportedShape(f"SPARQL constraint or target {node} has no sh:select")
        compile_query(self.plan, str(select), state, self.prefixes)

    def targets(self, shape: Node) -> bool:
        g = self.shapes
        found = False
        classes = set(g.objects(shape, SH.targetClass))
        if (shape, RDF.type, RDFS.Class) in g:
            classes.add(shape)
        if classes:
            typed = self.plan.add_step(START, str(RDF.type), False)
            self.plan.add_step(typed, str(RDFS.subClassOf), False, typed)
            found = True
        for predicate in g.objects(shape, SH.targetSubjectsOf):
            self.plan.add_step(START, str(predicate), False, exists_only=True)
            found = True
        for predicate in g.objects(shape, SH.targetObjectsOf):
            self.plan.add_step(START, str(predicate), True, exists_only=True)
            found = True
        if (shape, SH.targetNode, None) in g:
            found = True
        for target in g.objects(shape, SH.target):
            self.query(target, START)
            found = True
        return found


def _declared_prefixes(shapes: Graph) -> dict[str, str]:
    prefixes = {}
    for declaration in shapes.objects(None, SH.declare):
        prefix, namespace = shapes.value(declaration, SH.prefix), shapes.value(declaration, SH.namespace)
        if prefix is not None and namespace is not None:
            prefixes[str(prefix)] = str(namespace)
    return prefixes


def compile_shapes(shapes: Graph) -> ReachPlan:
    """The reach plan of every targeted shape in `shapes`, merged at the focus node."""
    compiler = _Compiler(shapes)
    candidates = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    for predicate in (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf, SH.target):
        candidates |= set(shapes.subjects(predicate, None))
    for shape in sorted(candidates, key=str):
        if compiler.targets(shape):
            compiler.shape(shape, START)
    return compiler.plan


def describe(plan: ReachPlan) -> list[str]:
    """The plan as readable lines (for debugging and the docs)."""
    lines = []
    for source in sorted(plan.steps):
        for step in plan.steps[source]:
            arrow = "<-" if step.inverse else "->"
            lines.append(f"{source} {arrow}[{step.predicate or '*'}] {step.target}")
    for source in sorted(plan.epsilon):
        for target in sorted(plan.epsilon[source]):
            lines.append(f"{source} ~> {target}")
    return lines


__all__ = ["START", "ReachPlan", "Step", "UnsupportedShape", "compile_query", "compile_shapes", "describe"]
_ = Path  # rdflib's Path base class is referenced for readers: every SPARQL path above is one of its kinds
