"""The basis of a graph made by a write: every named graph says how its statements are known (`ccg:basis`).

The build describes its own graphs in the provenance graph. A write (SPARQL Update, Graph Store Protocol)
can create a graph the build never made; what lands there is what an authorised client sent, so it is a
source record of that request (the release log names the agent and time), stated in the graph
``id:graph/writes``, itself a source record of the writes while it describes any graph. Submissions state
their own, richer record (see `ccg_graph.writes.submissions`). A write that empties a graph this module described
also takes the description away, so no basis outlives its graph.
"""

from __future__ import annotations

import pyoxigraph as ox

from ccg_graph.core.namespaces import CCG, source_graph_iri
from ccg_graph.store.base import Store
from ccg_graph.store.changes import ChangeSet

WRITES_GRAPH = ox.NamedNode(str(source_graph_iri("writes")))
BASIS = ox.NamedNode(str(CCG.basis))
SOURCE_RECORD = ox.NamedNode(str(CCG.SourceRecord))


def _has_basis(store: Store, graph: ox.NamedNode, change: ChangeSet) -> bool:
    if any(q.subject == graph and q.predicate == BASIS for q in change.added):
        return True
    stated = (q for q in store.quads_for_pattern(graph, BASIS, None, None) if q not in change.removed)
    return next(stated, None) is not None


def _emptied(store: Store, graph: ox.NamedNode, change: ChangeSet) -> bool:
    if any(q.graph_name == graph for q in change.added):
        return False
    return all(q in change.removed for q in store.quads_for_pattern(None, None, None, graph))


def with_basis(store: Store, change: ChangeSet) -> ChangeSet:
    """`change` plus the basis of each named graph it creates, minus the basis of each it empties."""
    result = ChangeSet(added=set(change.added), removed=set(change.removed))
    touched = {q.graph_name for q in change.added | change.removed if isinstance(q.graph_name, ox.NamedNode)}
    touched.discard(WRITES_GRAPH)
    if not touched:
        return result
    for graph in sorted(touched, key=str):
        described = ox.Quad(graph, BASIS, SOURCE_RECORD, WRITES_GRAPH)
        if any(q.graph_name == graph for q in change.added) and not _has_basis(store, graph, change):
            result.add(described)
        elif store.contains(described) and _emptied(store, graph, change):
            result.remove(described)
    # The writes graph describes itself while it describes any graph, and goes when it describes none.
    own = [ox.Quad(WRITES_GRAPH, BASIS, SOURCE_RECORD, WRITES_GRAPH)]
    stated = {q for q in store.quads_for_pattern(None, BASIS, None, WRITES_GRAPH) if q.subject != WRITES_GRAPH}
    stated = (stated - result.removed) | {q for q in result.added if q.graph_name == WRITES_GRAPH and q not in own}
    for quad in own:
        if stated and not store.contains(quad):
            result.add(quad)
        elif not stated and store.contains(quad):
            result.remove(quad)
    return result
