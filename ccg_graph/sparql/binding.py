"""Binding saved-query parameters as inline data (``VALUES``), injection-safe and fast.

A parameter value never reaches the query as the user typed it: it is first turned into a typed RDF term
(`queries.Parameter.to_term`), and the term is written by pyoxigraph's own N-Triples serialiser, which
escapes every character that could end the term. The ``VALUES`` block goes at the start of every group that
follows a ``WHERE`` (the query's and each sub-select's), so the bound value constrains evaluation from the
first join (Oxigraph's optimiser then starts from it) and sub-selects, which are evaluated bottom-up and
do not see outer bindings, see it too. pyoxigraph's own ``substitutions`` were measured first: they are
applied after evaluation, which turned a 1.5 s query into a minutes-long one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox

from ccg_graph.sparql.lexer import code_regions  # re-exported: it lived here before the lexer had a module

_WHERE = re.compile(r"WHERE\s*\{", re.IGNORECASE)


def bind_values(query: str, bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """`query` with a one-row ``VALUES`` block of `bindings` opening each ``WHERE`` group."""
    if not bindings:
        return query
    names = sorted(bindings)
    row = " ".join(str(bindings[name]) for name in names)
    block = f" VALUES ({' '.join('?' + name for name in names)}) {{ ({row}) }} "
    insert_at = []
    for start, end in code_regions(query):
        for match in _WHERE.finditer(query, start, end):
            insert_at.append(match.end())
    if not insert_at:
        raise ValueError("the query has no WHERE clause to bind parameters in")
    pieces, previous = [], 0
    for position in insert_at:
        pieces.append(query[previous:position])
        pieces.append(block)
        previous = position
    pieces.append(query[previous:])
    return "".join(pieces)
