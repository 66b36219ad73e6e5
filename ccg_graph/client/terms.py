"""Python values -> RDF terms for binding a query's variables.

Values are turned into typed terms and bound through a ``VALUES`` block (`ccg_graph.sparql.binding`), never pasted
into the query text, so a value cannot change what a query does. A plain ``str`` is a string literal; to
bind an IRI pass an ``rdflib.URIRef``, a ``pyoxigraph.NamedNode`` or wrap it with `iri`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from ccg_graph.core.errors import BadQuery
from ccg_graph.core.namespaces import XSD_NS as XSD

Term = ox.NamedNode | ox.Literal


def iri(value: str) -> ox.NamedNode:
    """An IRI term, with a clear error for text that is not one."""
    try:
        return ox.NamedNode(value)
    except ValueError as err:
        raise BadQuery(f"{value!r} is not an IRI ({err})") from err


def _typed(lexical: str, datatype: str) -> ox.Literal:
    return ox.Literal(lexical, datatype=ox.NamedNode(XSD + datatype))


def to_term(name: str, value: object) -> Term:
    """The RDF term for one parameter value; `name` is only used in the error message."""
    if isinstance(value, ox.NamedNode | ox.Literal):
        return value
    if isinstance(value, URIRef):
        return iri(str(value))
    if isinstance(value, Literal):
        if value.language:
            return ox.Literal(str(value), language=value.language)
        if value.datatype:
            return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
        return ox.Literal(str(value))
    if isinstance(value, bool):
        return _typed("true" if value else "false", "boolean")
    if isinstance(value, int):
        return _typed(str(value), "integer")
    if isinstance(value, Decimal):
        return _typed(str(value), "decimal")
    if isinstance(value, float):
        return _typed(repr(value), "double")
    if isinstance(value, datetime):
        return _typed(value.isoformat(), "dateTime")
    if isinstance(value, date):
        return _typed(value.isoformat(), "date")
    if isinstance(value, str):
        return ox.Literal(value)
    if isinstance(value, BNode):
        raise BadQuery(f"parameter {name!r}: a blank node cannot be bound across a SPARQL endpoint")
    raise BadQuery(f"parameter {name!r}: cannot bind a {type(value).__name__} ({value!r}) as an RDF term")


def saved_parameter_text(value: object) -> str:
    """The text a saved query's typed parameter parses (dates in ISO form, IRIs as their text)."""
    if isinstance(value, ox.NamedNode | ox.Literal):
        return value.value
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
