"""Reading a SPARQL text's code apart from its comments, strings and IRIs: the one lexer.

Everything that looks for a keyword in a query (its form, a ``FROM`` clause, each ``WHERE`` to bind
parameters after, a ``SERVICE`` clause, bracket depth) asks `code_regions` where the code is, so a keyword
inside a comment, a string literal or an IRI never counts, and every caller agrees on what the query says.
"""

from __future__ import annotations

import re
from typing import Literal, cast

from ccg_graph.core.errors import BadQuery

QueryForm = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]

_IRI = re.compile(r"<[^<>\"{}|^`\\\s]*>")
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
#: ``FROM`` as a keyword: not the end of a variable (``?from``), a prefixed name (``ex:from``) or a word.
_FROM = re.compile(r"(?<![\w?$:])FROM\b", re.IGNORECASE)


def code_regions(text: str) -> list[tuple[int, int]]:
    """Spans of `text` that are SPARQL code: not comments, string literals or IRIs."""
    spans: list[tuple[int, int]] = []
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "#":
            spans.append((start, i))
            end = text.find("\n", i)
            i = n if end < 0 else end
            start = i
            continue
        if ch in "\"'":
            quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else ch
            spans.append((start, i))
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            i = min(n, j + len(quote))
            start = i
            continue
        if ch == "<":
            match = _IRI.match(text, i)
            if match:
                spans.append((start, i))
                i = match.end()
                start = i
                continue
        i += 1
    spans.append((start, n))
    return [(a, b) for a, b in spans if a < b]


def find_query_form(text: str) -> QueryForm | None:
    """The first query-form keyword outside comments, strings and IRIs; None if there is none."""
    for start, end in code_regions(text):
        match = _FORM.search(text, start, end)
        if match:
            return cast(QueryForm, match.group(1).upper())
    return None


def query_form(text: str) -> QueryForm:
    """The form of a query (`find_query_form`); a text with none is not a query (`BadQuery`)."""
    form = find_query_form(text)
    if form is None:
        raise BadQuery("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE")
    return form


def names_its_dataset(text: str) -> bool:
    """Does the query have a FROM or FROM NAMED clause? Then ccg-graph must not give it a dataset of its own."""
    return any(_FROM.search(text, start, end) for start, end in code_regions(text))
