"""Parameter binding: typed, injection-safe, visible inside sub-selects."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ccg_graph.core.errors import BadQuery
from ccg_graph.sparql.binding import bind_values
from ccg_graph.sparql.saved_queries import Parameter
from ccg_graph.store import EmbeddedStore


def test_values_open_every_where_group_but_not_strings_or_comments() -> None:
    query = "SELECT ?x WHERE { ?s <http://e/a#b> \"WHERE {\" , 'WHERE {' . { SELECT ?s WHERE { ?s ?p ?x } } } # WHERE {"
    bound = bind_values(query, {"x": ox.Literal("1")})
    assert bound.count('VALUES (?x) { ("1") }') == 2
    assert '"WHERE {"' in bound and "'WHERE {'" in bound and bound.endswith("# WHERE {")


def test_a_hostile_string_stays_one_literal() -> None:
    store = EmbeddedStore()
    term = Parameter("name", "xsd:string").to_term('x" } } ; DROP ALL ; SELECT * { "')
    result = store.query("SELECT ?name WHERE { }", bindings={"name": term})
    assert result.solutions is not None
    assert [s["name"].value for s in result.solutions] == ['x" } } ; DROP ALL ; SELECT * { "']


@pytest.mark.parametrize(
    ("kind", "raw"),
    [("xsd:date", "2013-13-01"), ("xsd:integer", "1; DROP"), ("iri", "not an iri"), ("iri", "http://a> <b")],
)
def test_wrong_types_are_refused(kind: str, raw: str) -> None:
    with pytest.raises(BadQuery):
        Parameter("p", kind).to_term(raw)
