"""The SPARQL 1.1 Graph Store HTTP Protocol: graphs as resources, read and written whole.

`parse_rdf_body` reads a request body into triples through the guarded parser every door shares
(`ccg_graph.rdf.parser`: media type, UTF-8, size and nesting limits, well-formed XML without entities, nothing
fetched, fresh blank nodes). The change functions turn PUT, POST and DELETE into a
`ChangeSet` against the current store; the route commits it through the same validated, atomic path as
every other write.
"""

from __future__ import annotations

import pyoxigraph as ox

from ccg_graph.core.errors import BadInput
from ccg_graph.rdf.parser import ParsedRdf, RdfLimits, parse_body
from ccg_graph.store.base import Store
from ccg_graph.store.changes import ChangeSet

GraphName = ox.NamedNode | ox.DefaultGraph


def graph_label(graph: GraphName) -> str:
    """How messages name a graph: ``<IRI>``, or "the default graph"."""
    return f"<{graph.value}>" if isinstance(graph, ox.NamedNode) else "the default graph"


def graph_name(graph: str | None, default: bool) -> GraphName:
    """The graph a request names: ``?default`` or ``?graph=IRI`` (exactly one)."""
    if default and graph is not None:
        raise BadInput("name the default graph (?default) or a named graph (?graph=IRI), not both")
    if default:
        return ox.DefaultGraph()
    if graph is None:
        raise BadInput("name a graph: ?default or ?graph=IRI (SPARQL 1.1 Graph Store Protocol, section 4)")
    try:
        return ox.NamedNode(graph)
    except ValueError as err:
        raise BadInput(f"?graph={graph!r} is not an absolute IRI: {err}") from err


def parse_rdf_body(body: bytes, content_type: str | None, base_iri: str | None, limits: RdfLimits) -> list[ox.Triple]:
    """The triples of a request body (any readable syntax, or each part of a multipart/form-data), read by
    the guarded parser every door shares (`ccg_graph.rdf.parser`)."""
    parsed: ParsedRdf = parse_body(body, content_type, limits=limits, base_iri=base_iri)
    return parsed.triples


def graph_quads(store: Store, graph: GraphName) -> list[ox.Quad]:
    return list(store.quads_for_pattern(None, None, None, graph))


def graph_exists(store: Store, graph: GraphName) -> bool:
    if isinstance(graph, ox.DefaultGraph):
        return True
    return graph.value in store.named_graphs()


def _quads(triples: list[ox.Triple], graph: GraphName) -> set[ox.Quad]:
    return {ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples}


def change_for_put(store: Store, graph: GraphName, triples: list[ox.Triple]) -> ChangeSet:
    """PUT: the graph's content becomes exactly `triples`."""
    existing = set(graph_quads(store, graph))
    wanted = _quads(triples, graph)
    return ChangeSet(added=wanted - existing, removed=existing - wanted)


def change_for_post(store: Store, graph: GraphName, triples: list[ox.Triple]) -> ChangeSet:
    """POST: `triples` are merged into the graph (blank nodes stay distinct from the graph's own)."""
    return ChangeSet(added=_quads(triples, graph)).normalise(store.contains)


def change_for_delete(store: Store, graph: GraphName) -> ChangeSet:
    """DELETE: the graph and everything in it go."""
    return ChangeSet(removed=set(graph_quads(store, graph)))
