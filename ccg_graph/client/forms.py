"""Which form a SPARQL query has: kept as an import path; the one lexer is `ccg_graph.sparql.lexer`."""

from __future__ import annotations

from ccg_graph.sparql.lexer import find_query_form as query_form

__all__ = ["query_form"]
