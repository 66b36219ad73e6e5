"""What the query page offers to start from: the saved queries as runnable examples, and a starter query.

A saved query's text leaves its parameters unbound (the API binds them per request). An example must run
as it stands in a browser editor, so each parameter is bound to its declared default by the same ``VALUES``
binding the API uses (`ccg_graph.sparql.binding.bind_values`), and a comment at the top names every parameter,
its type, its default and where to change it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ccg_graph.sparql.binding import bind_values
from ccg_graph.sparql.saved_queries import QueryCatalogue, SavedQuery


@dataclass(frozen=True)
class QueryExample:
    """One saved query, ready to run in the editor."""

    name: str
    title: str
    purpose: str
    text: str


def prefix_block(prefixes: Mapping[str, str]) -> str:
    """``PREFIX`` lines for every prefix, one a line, in the order given."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items())


def starter_query(prefixes: Mapping[str, str]) -> str:
    """The editor's first query: every project prefix declared, then the CCGs by name."""
    return (
        prefix_block(prefixes)
        + "\n# Every clinical commissioning group that ever existed (2013-2022), by name.\n"
        + "SELECT ?ccg ?code ?name ?opened ?closed WHERE {\n"
        + "  ?ccg a ccg:ClinicalCommissioningGroup ; ccg:odsCode ?code ; skos:prefLabel ?name ;\n"
        + "       ccg:openDate ?opened ; ccg:closeDate ?closed .\n"
        + "}\n"
        + "ORDER BY ?name\n"
        + "LIMIT 100\n"
    )


def example_text(query: SavedQuery) -> str:
    """The saved query with its parameters bound to their defaults and a comment saying so."""
    if not query.parameters:
        return query.text
    bindings = {p.name: p.to_term(p.default) for p in query.parameters if p.default is not None}
    note = ["#", "# In this example the parameters are bound to their defaults by the VALUES block after WHERE {:"]
    for parameter in query.parameters:
        shown = parameter.default if parameter.default is not None else "(no default: bind one to run this)"
        note.append(f"#   ?{parameter.name} ({parameter.type}) = {shown}")
    note.append("# Change a value there to ask about something else.")
    bound = bind_values(query.text, bindings).splitlines(keepends=True)
    header_end = next((i for i, line in enumerate(bound) if not line.startswith("#")), len(bound))
    return "".join(bound[:header_end]) + "\n".join(note) + "\n" + "".join(bound[header_end:])


def query_examples(queries_dir: Path) -> list[QueryExample]:
    """Every saved query in `queries_dir` as an example, in file-name order."""
    return [QueryExample(q.name, q.title, q.purpose, example_text(q)) for q in QueryCatalogue(queries_dir)]
