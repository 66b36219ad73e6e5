"""Walking a reach plan over the published graph with a change laid on top of it.

`ChangedGraph` answers "the triples with this node as subject (or object) and this predicate" for the graph
as it would be after the change: the store's answer, minus the removed triples, plus the added ones. Two
readers fetch from the store: the embedded backend's own quad index (fast, and it sees blank nodes), and
plain SPARQL SELECTs batched with VALUES, which any SPARQL backend answers.

`affected_focus_nodes` walks the plan backwards from each changed triple to the focus nodes whose validation
can read it; `collect` walks it forwards from those focus nodes and gathers every triple their validation
reads, in the changed graph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Protocol

import pyoxigraph as ox

from ccg_graph.core.terms import plain_object, plain_subject
from ccg_graph.store.base import Store
from ccg_graph.validation.reach import START, ReachPlan

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Key = tuple[Term, str | None, bool]  # (node, predicate or None for any, inverse)


class TripleSource(Protocol):
    def fetch(self, nodes: list[Term], predicate: str | None, inverse: bool) -> dict[Term, list[ox.Triple]]:
        """For each node, the triples with it as subject (as object when `inverse`) and the predicate."""

    def graphs_of(self, triples: Iterable[ox.Triple]) -> dict[ox.Triple, set]:
        """For each triple held by the store, the graphs holding it (absent triples are left out)."""

    def first(self, node: Term, predicate: str | None, inverse: bool, skip: set[ox.Triple]) -> ox.Triple | None:
        """One triple with `node` as subject (object when `inverse`) and the predicate, not in `skip`."""


class NativeSource:
    """Reads the embedded store's quad index directly (all graphs, the default graph included)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def fetch(self, nodes: list[Term], predicate: str | None, inverse: bool) -> dict[Term, list[ox.Triple]]:
        pred = ox.NamedNode(predicate) if predicate else None
        found: dict[Term, list[ox.Triple]] = {}
        for node in nodes:
            found[node] = list({q.triple for q in self._quads(node, pred, inverse)})
        return found

    def _quads(self, node: Term, pred: ox.NamedNode | None, inverse: bool) -> Iterator[ox.Quad]:
        """The quads with `node` as object (`inverse`) or subject; a literal is never a subject."""
        if inverse:
            return self.store.quads_for_pattern(None, pred, node, None)
        if isinstance(node, ox.Literal):
            return iter(())
        return self.store.quads_for_pattern(node, pred, None, None)

    def graphs_of(self, triples: Iterable[ox.Triple]) -> dict[ox.Triple, set]:
        held: dict[ox.Triple, set] = {}
        for t in triples:
            if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode):
                continue  # blank nodes of submitted data are fresh: never in the store
            graphs = {q.graph_name for q in self.store.quads_for_pattern(t.subject, t.predicate, t.object, None)}
            if graphs:
                held[t] = graphs
        return held

    def first(self, node: Term, predicate: str | None, inverse: bool, skip: set[ox.Triple]) -> ox.Triple | None:
        pred = ox.NamedNode(predicate) if predicate else None
        return next((q.triple for q in self._quads(node, pred, inverse) if q.triple not in skip), None)


class SparqlSource:
    """Reads through `Store.query` with one SELECT per step and batch of nodes (works on any backend).

    Blank nodes of the store cannot be named in a query, so their neighbourhoods are not read; the shapes
    of ccg-graph put blank nodes only in the ontology and the shapes graphs.
    """

    batch = 400

    def __init__(self, store: Store) -> None:
        self.store = store

    def fetch(self, nodes: list[Term], predicate: str | None, inverse: bool) -> dict[Term, list[ox.Triple]]:
        found: dict[Term, list[ox.Triple]] = {n: [] for n in nodes}
        named = [n for n in nodes if isinstance(n, ox.NamedNode) or (inverse and isinstance(n, ox.Literal))]
        pred = f"<{predicate}>" if predicate else "?p"
        for i in range(0, len(named), self.batch):
            chunk = named[i : i + self.batch]
            values = " ".join(str(n) for n in chunk)
            pattern = f"?other {pred} ?n" if inverse else f"?n {pred} ?other"
            query = f"SELECT DISTINCT ?n ?p ?other WHERE {{ VALUES ?n {{ {values} }} {pattern} }}"
            if predicate:
                query = query.replace("?n ?p ?other WHERE", "?n ?other WHERE")
            result = self.store.query(query)
            assert result.solutions is not None
            for row in result.solutions:
                node, other = row["n"], row["other"]
                p = ox.NamedNode(predicate) if predicate else row["p"]
                found.setdefault(node, []).append(ox.Triple(other, p, node) if inverse else ox.Triple(node, p, other))
        return found

    def first(self, node: Term, predicate: str | None, inverse: bool, skip: set[ox.Triple]) -> ox.Triple | None:
        return next((t for t in self.fetch([node], predicate, inverse)[node] if t not in skip), None)

    def graphs_of(self, triples: Iterable[ox.Triple]) -> dict[ox.Triple, set]:
        held: dict[ox.Triple, set] = {}
        named = [
            t for t in triples if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)
        ]
        for i in range(0, len(named), self.batch):
            chunk = named[i : i + self.batch]
            rows = " ".join(f"({t.subject} {t.predicate} {t.object})" for t in chunk)
            query = (
                "SELECT ?s ?p ?o ?g WHERE { VALUES (?s ?p ?o) { " + rows + " } "
                "{ GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?any { ?s ?p ?o } } } }"
            )
            result = self.store.query(query)
            assert result.solutions is not None
            for row in result.solutions:
                triple = ox.Triple(row["s"], row["p"], row["o"])
                held.setdefault(triple, set()).add(row["g"] if row["g"] is not None else ox.DefaultGraph())
        return held


def source_for(store: Store, *, prefer_sparql: bool = False) -> TripleSource:
    native = store.native
    if native is not None and not prefer_sparql:
        return NativeSource(native)
    return SparqlSource(store)


class ChangedGraph:
    """The store as it would be after removing `removed` and adding `added` (only the parts asked for)."""

    def __init__(self, source: TripleSource, added: Iterable[ox.Triple], removed: Iterable[ox.Triple]) -> None:
        self.source = source
        self.added = set(added)
        self.removed = set(removed) - self.added
        self._added_by: dict[Key, list[ox.Triple]] = defaultdict(list)
        for t in self.added:
            subject, object_ = plain_subject(t.subject), plain_object(t.object)
            for key in ((subject, str(t.predicate.value), False), (object_, str(t.predicate.value), True)):
                self._added_by[key].append(t)
                self._added_by[(key[0], None, key[2])].append(t)
        self._cache: dict[Key, list[ox.Triple]] = {}
        self.include_removed = False  # True: the union of before and after (for the backward walk)
        self.fetches = 0

    def edges(self, nodes: Iterable[Term], predicate: str | None, inverse: bool) -> dict[Term, list[ox.Triple]]:
        todo = [n for n in nodes if (n, predicate, inverse) not in self._cache]
        if todo:
            self.fetches += 1
            fetched = self.source.fetch(todo, predicate, inverse)
            for node in todo:
                self._cache[(node, predicate, inverse)] = fetched.get(node, [])
        answer = {}
        for node in nodes:
            base = self._cache[(node, predicate, inverse)]
            extra = self._added_by.get((node, predicate, inverse))
            if not self.include_removed and self.removed:
                kept = [t for t in base if t not in self.removed]
                base = kept if len(kept) < len(base) else base
            answer[node] = list({*base, *extra}) if extra else base
        return answer

    def witness(self, node: Term, predicate: str | None, inverse: bool) -> list[ox.Triple]:
        """One triple of the changed graph with `node` (as subject, or object when `inverse`), if any."""
        extra = self._added_by.get((node, predicate, inverse))
        if extra:
            return [extra[0]]
        if (node, predicate, inverse) in self._cache:
            return [t for t in self._cache[(node, predicate, inverse)] if t not in self.removed][:1]
        self.fetches += 1
        found = self.source.first(node, predicate, inverse, self.removed)
        return [found] if found is not None else []


def _other_end(triple: ox.Triple, inverse: bool) -> Term:
    return plain_subject(triple.subject) if inverse else plain_object(triple.object)


def collect(graph: ChangedGraph, plan: ReachPlan, focus_nodes: Iterable[Term]) -> set[ox.Triple]:
    """Every triple of the changed graph that validating `focus_nodes` can read."""
    graph.include_removed = False
    seen: set[tuple[Term, int]] = set()
    frontier: set[tuple[Term, int]] = set()
    start_states = plan.closure({START})
    for node in focus_nodes:
        frontier |= {(node, s) for s in start_states}
    triples: set[ox.Triple] = set()
    pending_witness: set[tuple[Term, int]] = set()
    while frontier:
        seen |= frontier
        wanted: dict[tuple[str | None, bool], dict[Term, set[int]]] = defaultdict(lambda: defaultdict(set))
        witnessed: dict[tuple[str | None, bool], dict[Term, set[int]]] = defaultdict(lambda: defaultdict(set))
        for node, state in frontier:
            for step in plan.steps.get(state, ()):
                chosen = witnessed if step.exists_only else wanted
                chosen[(step.predicate, step.inverse)][node].add(step.target)
        for key, by_node in witnessed.items():
            for node, targets in by_node.items():
                if node not in wanted[key]:  # a full fetch of the same step makes the witness redundant
                    triples.update(graph.witness(node, key[0], key[1]))
                    # a target-only step leads nowhere further (checked below, kept general)
                    for triple in graph.witness(node, key[0], key[1]):
                        other = _other_end(triple, key[1])
                        frontier_next = {(other, s) for s in plan.closure(targets)}
                        pending_witness.update(p for p in frontier_next if p not in seen)
        frontier = set(pending_witness)
        pending_witness.clear()
        for (predicate, inverse), by_node in wanted.items():
            found = graph.edges(list(by_node), predicate, inverse)
            for node, targets in by_node.items():
                closed = plan.closure(targets)
                for triple in found[node]:
                    triples.add(triple)
                    other = _other_end(triple, inverse)
                    for state in closed:
                        if (other, state) not in seen:
                            frontier.add((other, state))
    return triples


def affected_focus_nodes(graph: ChangedGraph, plan: ReachPlan, changed: Iterable[ox.Triple]) -> set[Term]:
    """The focus nodes whose validation reads at least one of `changed`, before or after the change."""
    graph.include_removed = True
    by_predicate: dict[str | None, list[tuple[int, bool]]] = defaultdict(list)
    for state, steps in plan.steps.items():
        for step in steps:
            by_predicate[step.predicate].append((state, step.inverse))
    frontier: set[tuple[Term, int]] = set()
    for triple in changed:
        for state, inverse in by_predicate.get(str(triple.predicate.value), []) + by_predicate.get(None, []):
            frontier.add((_other_end(triple, not inverse), state))
    incoming = plan.incoming()
    back_epsilon = plan.reverse_epsilon()
    seen: set[tuple[Term, int]] = set()
    found: set[Term] = set()
    while frontier:
        seen |= frontier
        wanted: dict[tuple[str | None, bool], dict[Term, set[int]]] = defaultdict(lambda: defaultdict(set))
        following: set[tuple[Term, int]] = set()
        for node, state in frontier:
            if state == START:
                found.add(node)
            for source in back_epsilon.get(state, ()):
                following.add((node, source))
            for source, step in incoming.get(state, ()):
                # the step went source --predicate--> state; going back means the opposite direction
                wanted[(step.predicate, not step.inverse)][node].add(source)
        for (predicate, inverse), by_node in wanted.items():
            fetched = graph.edges(list(by_node), predicate, inverse)
            for node, sources in by_node.items():
                for triple in fetched[node]:
                    other = _other_end(triple, inverse)
                    following |= {(other, s) for s in sources}
        frontier = {pair for pair in following if pair not in seen}
    graph.include_removed = False
    return {n for n in found if not isinstance(n, ox.Literal)}
