"""The SPARQL 1.1 Graph Store HTTP Protocol: graphs as resources, read and written whole.

`parse_rdf_body` reads a request body into triples (pyoxigraph's parsers: they neither fetch remote JSON-LD
contexts nor resolve XML external entities). The change functions turn PUT, POST and DELETE into a
`ChangeSet` against the current store; the route commits it through the same validated, atomic path as
every other write.
"""

from __future__ import annotations

import email.parser
import email.policy
import re
from xml.parsers import expat

import pyoxigraph as ox

from ccg_graph.core.errors import BadInput, UnsupportedMediaType
from ccg_graph.protocol.requests import media_type
from ccg_graph.store.base import Store
from ccg_graph.store.changes import ChangeSet

GraphName = ox.NamedNode | ox.DefaultGraph

#: The deepest JSON-LD nesting read. pyoxigraph's JSON-LD parser recurses and overflows the server's stack
#: (killing the process) a few thousand levels down; real documents nest a dozen levels at most.
MAX_JSON_NESTING = 256
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_NOT_BRACKET = re.compile(rb"[^\[\]{}]")

READABLE = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "text/n3": ox.RdfFormat.N3,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}


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


def _check_well_formed_xml(body: bytes, media: str) -> None:
    """Refuse a truncated or ill-formed RDF/XML body, which pyoxigraph's parser would read as fewer triples.

    A cut-off upload must not replace a graph with part of itself. Expat here resolves no external entity
    and no parameter entity (nothing is fetched or read from disk).
    """
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(body, True)
    except expat.ExpatError as err:
        raise BadInput(f"the {media} body is not well-formed XML: {err}", line=err.lineno) from err


def _check_json_nesting(body: bytes, media: str) -> None:
    brackets = _NOT_BRACKET.sub(b"", _JSON_STRING.sub(b"", body))
    depth = deepest = 0
    for byte in brackets:
        depth += 1 if byte in b"[{" else -1
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_NESTING:
            raise BadInput(f"the {media} body nests objects or arrays more than {MAX_JSON_NESTING} deep")


def _parse_one(body: bytes, media: str, base_iri: str | None) -> list[ox.Triple]:
    rdf_format = READABLE.get(media)
    if rdf_format is None:
        readable = ", ".join(sorted(READABLE))
        raise UnsupportedMediaType(f"cannot read RDF of type {media or '(none)'!r}; send one of: {readable}")
    if rdf_format == ox.RdfFormat.RDF_XML:
        _check_well_formed_xml(body, media)
    if rdf_format == ox.RdfFormat.JSON_LD:
        _check_json_nesting(body, media)
    try:
        quads = ox.parse(body, format=rdf_format, base_iri=base_iri)
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    except SyntaxError as err:
        raise BadInput(f"the {media} body does not parse: {err}") from err
    except ValueError as err:
        raise BadInput(f"the {media} body does not parse: {err}") from err
    return triples


def parse_rdf_body(body: bytes, content_type: str | None, base_iri: str | None) -> list[ox.Triple]:
    """The triples of a request body in any readable RDF syntax, or of each part of a multipart/form-data."""
    media, _ = media_type(content_type)
    if media != "multipart/form-data":
        return _parse_one(body, media, base_iri)
    header = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + body)
    triples: list[ox.Triple] = []
    for part in message.iter_parts():
        payload = part.get_payload(decode=True) or b""
        if not isinstance(payload, bytes):
            raise BadInput("a multipart/form-data part that is not a file")
        triples.extend(_parse_one(payload, part.get_content_type().lower(), base_iri))
    return triples


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
