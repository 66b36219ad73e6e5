"""Comparing answers across backends: terms as plain tuples, blank nodes as one placeholder."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from ccg_graph.store import Store


def plain(term: object) -> tuple[str, ...] | None:
    """A term as a comparable tuple; every blank node is the same (servers label them their own way)."""
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return ("bnode",)
    if isinstance(term, ox.Literal):
        return ("literal", term.value, term.datatype.value, term.language or "")
    if isinstance(term, ox.DefaultGraph):
        return ("default",)
    return ("iri", term.value)


def rows(store: Store, query: str, bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None, **dataset) -> list:
    """The solutions of a SELECT, sorted, as tuples of plain terms in variable order."""
    result = store.query(query, bindings=bindings, **dataset)
    assert result.solutions is not None
    names = [v.value for v in result.solutions.variables]
    return sorted((tuple(plain(s[n]) for n in names) for s in result.solutions), key=repr)


def plain_quads(quads: Iterable[ox.Quad]) -> list:
    return sorted(
        ((plain(q.subject), plain(q.predicate), plain(q.object), plain(q.graph_name)) for q in quads), key=repr
    )
