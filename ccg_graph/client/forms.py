"""Which form a SPARQL query has (SELECT, ASK, CONSTRUCT, DESCRIBE), read from its code, not its comments."""

from __future__ import annotations

import re

from ccg_graph.binding import code_regions  # the same lexer the binding uses

_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


def query_form(text: str) -> str | None:
    """The first query-form keyword outside comments, strings and IRIs; None if there is none."""
    for start, end in code_regions(text):
        match = _FORM.search(text, start, end)
        if match:
            return match.group(1).upper()
    return None
