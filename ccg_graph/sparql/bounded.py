"""Queries whose cost is bounded before they run: a SELECT of one triple pattern, with a row limit added.

The query workers exist because pyoxigraph cannot interrupt a query: anything may run for minutes, so it
runs where it can be killed. One shape of query cannot: a SELECT over a single triple pattern, with no
filter, path, sort, grouping, DISTINCT, OFFSET or subquery, is read straight off one index, one matching
triple per row. Under a ``LIMIT`` of ``n`` its work is ``n`` index steps (and the few duplicate triples
of other graphs that the union default graph skips), whatever the store holds. That is the lookup
(``SELECT ?p ?o WHERE { <iri> ?p ?o }``, everything said about one thing), the commonest query a
linked-data service answers, and the one where the worker's round trip costs more than the query.

`bounded_select(text, rows)` recognises that shape strictly: the text is cut into tokens of a small subset
of the SPARQL grammar (IRIs, prefixed names, variables, single-line string literals with a language tag or
datatype, ``a``, the keywords and brackets of the shape), and anything else (a comment, a number, a long
string, a ``FILTER``, a path operator, a second pattern) answers ``None``, so the query goes to a worker as
every query did before. What is recognised comes back with ``LIMIT rows + 1`` added (or with its own
``LIMIT`` when that is no larger than ``rows``), so the caller learns whether more than ``rows`` rows exist
and can hand such a query to a worker instead.
"""

from __future__ import annotations

import re

__all__ = ["bounded_select"]

_IRI = r"<[^<>\"{}|^`\\\x00-\x20]*>"
_NAME = r"[A-Za-z0-9_\u00b7\u00c0-\ufffd]"
_PREFIX = rf"(?:[A-Za-z\u00c0-\ufffd](?:(?:{_NAME}|[.-])*{_NAME}|{_NAME}?)?)?:"
_LOCAL = rf"(?:{_NAME}(?:(?:{_NAME}|[.-])*{_NAME})?)?"
_STRING = r"\"(?:[^\"\\\n\r]|\\[tbnrf\"'\\])*\"|'(?:[^'\\\n\r]|\\[tbnrf\"'\\])*'"
_TOKEN = re.compile(
    rf"""
    (?P<space>\s+)
    |(?P<iri>{_IRI})
    |(?P<literal>(?:{_STRING})(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^(?:{_IRI}|{_PREFIX}{_LOCAL}))?)
    |(?P<var>[?$]{_NAME}+)
    |(?P<pname>{_PREFIX}{_LOCAL})
    |(?P<word>[A-Za-z]+)(?![\w:])
    |(?P<integer>[0-9]+)(?![\w.:])
    |(?P<punct>[{{}}.*])
    """,
    re.VERBOSE,
)


def _tokens(text: str) -> list[tuple[str, str]] | None:
    """(kind, text) of every token but white space; None when any character falls outside the subset."""
    if '"""' in text or "'''" in text:
        return None  # long strings are not in the subset; a short-string reading of them would be wrong
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            return None
        kind = match.lastgroup
        assert kind is not None
        if kind != "space":
            tokens.append((kind, match.group()))
        position = match.end()
    return tokens


class _Reader:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.at] if self.at < len(self.tokens) else ("end", "")

    def take(self, *kinds: str) -> str | None:
        kind, value = self.peek()
        if kind in kinds:
            self.at += 1
            return value
        return None

    def keyword(self, word: str) -> bool:
        kind, value = self.peek()
        if kind == "word" and value.upper() == word:
            self.at += 1
            return True
        return False


def bounded_select(text: str, rows: int) -> str | None:
    """`text` with a row limit that bounds its cost, when it is a SELECT of one triple pattern; else None.

    The limit is ``rows + 1`` (more rows than that are never read), or the query's own ``LIMIT`` when it is
    ``rows`` or fewer. Prefix and base declarations are kept as they are.
    """
    if rows < 1:
        return None
    tokens = _tokens(text)
    if tokens is None:
        return None
    reader = _Reader(tokens)
    while True:  # the prologue
        if reader.keyword("PREFIX"):
            declared = reader.take("pname")
            if declared is None or not declared.endswith(":") or reader.take("iri") is None:
                return None
        elif reader.keyword("BASE"):
            if reader.take("iri") is None:
                return None
        else:
            break
    if not reader.keyword("SELECT"):
        return None
    if reader.peek() == ("punct", "*"):
        reader.at += 1
    elif reader.take("var") is None:
        return None  # DISTINCT, REDUCED, an expression: not the shape
    while reader.take("var") is not None:
        pass
    reader.keyword("WHERE")
    if reader.take("punct") != "{":
        return None
    subject = reader.take("iri", "pname", "var")
    predicate = reader.take("iri", "pname", "var") or (reader.take("word") if reader.peek()[1] == "a" else None)
    obj = reader.take("iri", "pname", "var", "literal")
    if subject is None or predicate is None or obj is None:
        return None
    if reader.peek() == ("punct", "."):
        reader.at += 1
    if reader.take("punct") != "}":
        return None
    limit: int | None = None
    if reader.keyword("LIMIT"):
        given = reader.take("integer")
        if given is None:
            return None
        limit = int(given)
    if reader.peek()[0] != "end":
        return None  # OFFSET, VALUES, ORDER BY, a second group: not the shape
    if limit is not None:
        return text if limit <= rows else None
    return f"{text}\nLIMIT {rows + 1}"
