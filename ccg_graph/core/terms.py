"""Moving RDF terms between pyoxigraph (the store, the parsers) and rdflib (pySHACL, SPARQL Update).

The one converter: every module that hands triples from one library to the other goes through these
functions, so a literal's datatype or a blank node's label is translated the same way everywhere.
"""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ccg_graph.core.errors import BadQuery
from ccg_graph.core.namespaces import XSD_STRING

#: What ccg-graph holds in subject and object position: plain RDF 1.1 terms. pyoxigraph also types a quoted
#: triple (RDF-star) there; the graph never holds one, and `plain_subject`/`plain_object` say so at the
#: boundary instead of every caller widening its own types.
OxSubject = ox.NamedNode | ox.BlankNode
OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal
RdflibTerm = URIRef | BNode | Literal

#: The terms of a quad pattern, as `Store.quads_for_pattern` takes them; `None` matches anything.
SubjectPattern = ox.NamedNode | ox.BlankNode | None
PredicatePattern = ox.NamedNode | None
ObjectPattern = ox.NamedNode | ox.BlankNode | ox.Literal | None
GraphPattern = ox.NamedNode | ox.BlankNode | ox.DefaultGraph | None


def plain_subject(term: ox.NamedNode | ox.BlankNode | ox.Triple) -> OxSubject:
    """A quad's subject as an IRI or blank node; a quoted triple (RDF-star) is refused."""
    if isinstance(term, ox.Triple):
        raise BadQuery(f"quoted triples (RDF-star) are not supported: {term}")
    return term


def plain_object(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> OxTerm:
    """A quad's object as an IRI, blank node or literal; a quoted triple (RDF-star) is refused."""
    if isinstance(term, ox.Triple):
        raise BadQuery(f"quoted triples (RDF-star) are not supported: {term}")
    return term


def as_subject(term: OxTerm) -> OxSubject:
    """A term used as a subject: an IRI or a blank node, never a literal."""
    if isinstance(term, ox.Literal):
        raise BadQuery(f"a literal cannot be a subject: {term}")
    return term


def as_predicate(term: OxTerm) -> ox.NamedNode:
    """A term used as a predicate: only an IRI can be one."""
    if not isinstance(term, ox.NamedNode):
        raise BadQuery(f"a predicate must be an IRI, not {term}")
    return term


@lru_cache(maxsize=1 << 16)
def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> RdflibTerm:
    """A pyoxigraph term as rdflib reads it from N-Quads (a plain literal carries no xsd:string datatype).

    Remembered: the same predicates, classes and hub nodes recur in every neighbourhood validated.
    """
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value) if datatype == XSD_STRING else Literal(term.value, datatype=URIRef(datatype))


def node_to_rdflib(term: object) -> URIRef | BNode:
    """A pyoxigraph IRI or blank node as rdflib's (a focus node, a graph name); anything else is refused."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise BadQuery(f"expected an IRI or a blank node, not {term!r}")


def triple_to_rdflib(triple: ox.Triple | ox.Quad) -> tuple[RdflibTerm, RdflibTerm, RdflibTerm]:
    """A pyoxigraph triple (or a quad's triple) as an rdflib ``(s, p, o)``."""
    return (
        to_rdflib(plain_subject(triple.subject)),
        to_rdflib(triple.predicate),
        to_rdflib(plain_object(triple.object)),
    )


def to_ox(term: object) -> OxTerm:
    """An rdflib term as pyoxigraph's."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise BadQuery(f"unsupported term: {term!r}")


def quad_to_ox(
    subject: Node, predicate: Node, object: Node, graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph | None = None
) -> ox.Quad:
    """An rdflib ``(s, p, o)`` as a pyoxigraph quad in `graph` (the default graph when `None`)."""
    return ox.Quad(as_subject(to_ox(subject)), as_predicate(to_ox(predicate)), to_ox(object), graph)
