"""`ccg_graph.sparql.bounded`: which queries are known to be cheap before they run, judged strictly.

Every judgement is checked against an independent reader of SPARQL, rdflib's parser and algebra: a query
the recogniser accepts must be, in rdflib's algebra, a projection of one basic graph pattern of one triple
(under a slice, when it has a LIMIT), and nothing else. The engine must then answer the limited text
with the same rows as the query itself whenever there are no more rows than the limit.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st
from rdflib.plugins.sparql import prepareQuery

from ccg_graph.sparql.bounded import bounded_select

CCG = "PREFIX ccg: <https://w3id.org/ccg-graph/def#>\n"

ACCEPTED = [
    "SELECT ?p ?o WHERE { <https://w3id.org/ccg-graph/id/ccg/03V> ?p ?o }",
    "SELECT * { <urn:s> ?p ?o . }",
    "select ?p ?o where {<urn:s> ?p ?o}",
    "SELECT $p $o WHERE { <urn:s> $p $o }",
    CCG + 'SELECT ?c WHERE { ?c ccg:odsCode "03V" }',
    CCG + "SELECT ?c WHERE { ?c a ccg:ClinicalCommissioningGroup }",
    CCG + "BASE <https://w3id.org/ccg-graph/id/>\nSELECT ?p WHERE { <ccg/03V> ?p ?o }",
    'SELECT ?s WHERE { ?s <urn:label> "NHS \\"Corby\\" CCG"@en-GB }',
    "SELECT ?s WHERE { ?s <urn:label> 'single'@en }",
    'PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\nSELECT ?s WHERE { ?s <urn:d> "2013-04-01"^^xsd:date }',
    'SELECT ?s WHERE { ?s <urn:d> "x"^^<http://www.w3.org/2001/XMLSchema#string> }',
    "SELECT ?o WHERE { <urn:s> <urn:p> ?o } LIMIT 10",
    "PREFIX : <urn:x#>\nSELECT ?o WHERE { :s :p ?o }",
]

REFUSED = [
    "",
    "SELECT DISTINCT ?p WHERE { ?s ?p ?o }",
    "SELECT REDUCED ?p WHERE { ?s ?p ?o }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s ?p ?o . ?o ?q ?r }",
    "SELECT ?s WHERE { ?s ?p ?o ; ?q ?r }",
    "SELECT ?s WHERE { ?s ?p ?o , ?r }",
    CCG + "SELECT ?s WHERE { ?s ccg:successor+ ?o }",
    CCG + "SELECT ?s WHERE { ?s ccg:successor* ?o }",
    CCG + "SELECT ?s WHERE { ?s ccg:successor/ccg:successor ?o }",
    CCG + "SELECT ?s WHERE { ?s ^ccg:successor ?o }",
    CCG + "SELECT ?s WHERE { ?s ccg:a|ccg:b ?o }",
    CCG + "SELECT ?s WHERE { ?s !ccg:a ?o }",
    CCG + "SELECT ?s WHERE { ?s ccg:successor? ?o }",
    "SELECT ?s WHERE { ?s ?p ?o FILTER (?o = 1) }",
    "SELECT ?s WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?r } }",
    "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT ?s WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT ?s WHERE { ?s ?p ?o } VALUES ?s { <urn:a> }",
    "SELECT ?s WHERE { ?s ?p ?o BIND (1 AS ?x) }",
    "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s",
    "SELECT ?s WHERE { ?s ?p ?o } GROUP BY ?s",
    "SELECT ?s WHERE { ?s ?p ?o } OFFSET 5",
    "SELECT ?s WHERE { ?s ?p ?o } LIMIT 5 OFFSET 5",
    "SELECT ?s WHERE { ?s ?p ?o } LIMIT 5000",
    "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } } }",
    "SELECT ?s WHERE { { ?s ?p ?o } }",
    "SELECT ?s WHERE { ?s ?p ?o } # a comment",
    'SELECT ?s WHERE { ?s ?p """long\nstring""" }',
    "SELECT ?s WHERE { ?s ?p 5 }",
    "SELECT ?s WHERE { ?s ?p true }",
    "SELECT ?s WHERE { ?s ?p _:b }",
    "SELECT ?s WHERE { ?s ?p [] }",
    "SELECT ?s WHERE { ?s ?p ( 1 2 ) }",
    "SELECT ?s WHERE { << ?a ?b ?c >> ?p ?o }",
    "SELECT ?s FROM <urn:g> WHERE { ?s ?p ?o }",
    "SELECT ?s FROM NAMED <urn:g> WHERE { ?s ?p ?o }",
    "ASK { ?s ?p ?o }",
    "CONSTRUCT WHERE { ?s ?p ?o }",
    "DESCRIBE <urn:s>",
    "SELECT ?s WHERE { ?s ?p ?o } }",
    "SELECT ?s WHERE { ?s ?p ?o",
    "SELECT WHERE { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s ?p }",
    "SELECT ?s WHERE { ?s ?p ?o ?x }",
    "PREFIX ccg:x <urn:x#>\nSELECT ?s WHERE { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s ?p ?o } ; INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    'SELECT ?s WHERE { ?s ?p "unterminated }',
    "SELECT ?s WHERE { ?s A ?o }",
]


def _one_triple_projection(query: str) -> bool:
    """rdflib's judgement: a SELECT whose algebra is a projection (under an optional slice without an
    offset) of exactly one basic graph pattern of exactly one triple."""
    algebra = prepareQuery(query).algebra
    if algebra.name != "SelectQuery":
        return False
    node = algebra.p
    if node.name == "Slice":
        if node.start:
            return False
        node = node.p
    if node.name != "Project":
        return False
    inner = node.p
    return inner.name == "BGP" and len(inner.triples) == 1


@pytest.mark.parametrize("query", ACCEPTED)
def test_a_select_of_one_triple_pattern_is_accepted_and_limited(query: str) -> None:
    limited = bounded_select(query, 1000)
    assert limited is not None
    assert _one_triple_projection(query)
    if "LIMIT" in query.upper().split("}")[-1]:
        assert limited == query, "its own LIMIT bounds it already"
    else:
        assert limited.endswith("\nLIMIT 1001") and limited.startswith(query)
    ox.Store().query(limited)  # the engine reads it too


@pytest.mark.parametrize("query", REFUSED)
def test_anything_else_is_refused(query: str) -> None:
    assert bounded_select(query, 1000) is None


_TERMS = ["?s", "?p", "?o", "$o", "<urn:s>", "ccg:p", "a", '"x"', '"x"@en', "5", "_:b", "[]", "true"]
_NOISE = [
    "",
    "",
    "",
    ".",
    ";",
    ",",
    "*",
    "+",
    "/",
    "|",
    "^",
    "?",
    "(",
    ")",
    "{",
    "}",
    "#",
    "FILTER",
    "OPTIONAL",
    "GRAPH",
    "DISTINCT",
    "LIMIT 5",
    "OFFSET 1",
    "ORDER BY ?s",
    "VALUES ?s { <urn:a> }",
    "?x",
    "<urn:t>",
]


@st.composite
def _near_lookups(draw: st.DrawFn) -> str:
    """SELECTs of one triple pattern, with noise dropped into any of the slots around its parts."""
    noise = st.sampled_from(_NOISE)
    term = st.sampled_from(_TERMS)
    parts = [
        draw(st.sampled_from(["", "PREFIX ccg: <urn:x#>", "BASE <urn:b/>", "PREFIX ccg: <urn:x#> BASE <urn:b/>"])),
        "SELECT",
        draw(st.sampled_from(["*", "?s", "?p ?o", "DISTINCT ?s", "(1 AS ?x)", ""])),
        draw(noise),
        draw(st.sampled_from(["WHERE", ""])),
        "{",
        draw(noise),
        draw(term),
        draw(noise),
        draw(term),
        draw(noise),
        draw(term),
        draw(noise),
        "}",
        draw(noise),
    ]
    return " ".join(parts)


@settings(max_examples=500, deadline=None)
@given(_near_lookups())
def test_whatever_is_accepted_is_one_triple_pattern_to_rdflib(text: str) -> None:
    """When the recogniser accepts a text, rdflib reads it as the projection of one triple pattern, or it is
    no query at all to either parser (an undeclared prefix: the engine refuses it and a worker answers with
    the error). The recogniser may refuse a single pattern (it then goes to a worker); never accept another."""
    limited = bounded_select(text, 1000)
    if limited is None:
        return
    try:
        single = _one_triple_projection(text)
    except Exception:
        with pytest.raises(SyntaxError):
            ox.Store().query(limited)
        return
    assert single, text


def test_the_generated_texts_include_accepted_ones() -> None:
    """The property above is not vacuous: its generator makes texts the recogniser accepts."""
    found = find(_near_lookups(), lambda text: bounded_select(text, 1000) is not None)
    assert "SELECT" in found


def test_no_limit_means_no_bound() -> None:
    assert bounded_select("SELECT ?s WHERE { ?s ?p ?o }", 0) is None


@pytest.fixture
def store() -> ox.Store:
    store = ox.Store()
    subject = ox.NamedNode("urn:s")
    for i in range(30):
        store.add(ox.Quad(subject, ox.NamedNode(f"urn:p{i % 3}"), ox.Literal(str(i)), ox.NamedNode("urn:g")))
    return store


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?p ?o WHERE { <urn:s> ?p ?o }",
        "SELECT * WHERE { ?s <urn:p1> ?o }",
        "SELECT ?o WHERE { <urn:s> <urn:p2> ?o } LIMIT 4",
        'SELECT ?p WHERE { <urn:s> ?p "7" }',
    ],
)
def test_within_the_limit_the_engine_answers_the_same_rows(store: ox.Store, query: str) -> None:
    limited = bounded_select(query, 1000)
    assert limited is not None

    def rows(text: str) -> list[tuple[str, ...]]:
        answer = store.query(text, use_default_graph_as_union=True)
        return sorted(tuple(str(term) for term in solution) for solution in answer)

    assert rows(limited) == rows(query) and rows(query)


def test_past_the_limit_one_more_row_than_the_limit_is_read(store: ox.Store) -> None:
    limited = bounded_select("SELECT ?p ?o WHERE { <urn:s> ?p ?o }", 10)
    assert limited is not None
    assert len(list(store.query(limited, use_default_graph_as_union=True))) == 11
