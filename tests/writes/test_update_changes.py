"""SPARQL Update as a change set: every operation gives exactly the change pyoxigraph's own engine makes."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from ccg_graph.core.errors import BadQuery
from ccg_graph.sparql.federation import ServiceNotAllowed
from ccg_graph.store import EmbeddedStore
from ccg_graph.writes.update import changes_from_update

DATA = """
<http://ex/g1> { <http://ex/a> <http://ex/p> "1" . <http://ex/a> <http://ex/q> <http://ex/b> .
                 <http://ex/b> <http://ex/p> "2"@en . }
<http://ex/g2> { <http://ex/c> <http://ex/p> "3"^^<http://www.w3.org/2001/XMLSchema#integer> . }
<http://ex/d> <http://ex/p> "default" .
"""

UPDATES = [
    'INSERT DATA { GRAPH <http://ex/g1> { <http://ex/x> <http://ex/p> "new" } }',
    'DELETE DATA { GRAPH <http://ex/g1> { <http://ex/a> <http://ex/p> "1" } }',
    "DELETE { GRAPH ?g { ?s <http://ex/p> ?o } } INSERT { GRAPH ?g { ?s <http://ex/r> ?o } } "
    "WHERE { GRAPH ?g { ?s <http://ex/p> ?o } }",
    "WITH <http://ex/g1> DELETE { ?s ?p ?o } WHERE { ?s <http://ex/q> ?x . ?s ?p ?o }",
    "DROP GRAPH <http://ex/g2>",
    "CLEAR DEFAULT",
    "COPY <http://ex/g1> TO <http://ex/g3>",
    "MOVE <http://ex/g2> TO <http://ex/g1>",
    "ADD DEFAULT TO <http://ex/g2>",
    "DELETE WHERE { GRAPH <http://ex/g1> { ?s ?p ?o } }",
    "INSERT { GRAPH <http://ex/g4> { ?s a <http://ex/T> } } WHERE { GRAPH ?g { ?s ?p ?o "
    'FILTER(isLiteral(?o) && lang(?o) = "en") } }',
    'INSERT DATA { <http://ex/z> <http://ex/p> "z" } ; DELETE WHERE { <http://ex/z> ?p ?o }',
    "DROP ALL",
    "INSERT { GRAPH <http://ex/g5> { ?s <http://ex/n> ?n } } WHERE "
    "{ SELECT ?s (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?s }",
    "INSERT { GRAPH <http://ex/g6> { ?s <http://ex/seen> true } } USING <http://ex/g1> WHERE { ?s ?p ?o }",
    'INSERT DATA { GRAPH <http://ex/g1> { <http://ex/a> <http://ex/p> "1" } }',  # already there: no change
]


def _loaded() -> tuple[ox.Store, EmbeddedStore]:
    reference = ox.Store()
    reference.load(DATA, format=ox.RdfFormat.TRIG)
    ours = EmbeddedStore()
    ours.native.load(DATA, format=ox.RdfFormat.TRIG)
    return reference, ours


@pytest.mark.parametrize("update", UPDATES)
def test_change_matches_pyoxigraph(update: str) -> None:
    reference, ours = _loaded()
    before = set(reference)
    reference.update(update)
    after = set(reference)
    change = changes_from_update(ours, update)
    assert change.added == after - before
    assert change.removed == before - after
    assert set(ours.native) == before, "computing a change must not write"


def test_protocol_using_graph_acts_as_using() -> None:
    _, ours = _loaded()
    update = "INSERT { GRAPH <http://ex/out> { ?s a <http://ex/Seen> } } WHERE { ?s ?p ?o }"
    change = changes_from_update(ours, update, using=("http://ex/g2",))
    assert {q.subject.value for q in change.added} == {"http://ex/c"}


def test_protocol_dataset_and_using_clause_together_is_an_error() -> None:
    _, ours = _loaded()
    update = "INSERT { ?s a <http://ex/T> } USING <http://ex/g1> WHERE { ?s ?p ?o }"
    with pytest.raises(BadQuery, match="one or the other"):
        changes_from_update(ours, update, using=("http://ex/g2",))


def test_load_is_refused_unless_allow_listed() -> None:
    _, ours = _loaded()
    with pytest.raises(ServiceNotAllowed, match=re.escape("LOAD <http://169.254.169.254/latest>")):
        changes_from_update(ours, "LOAD <http://169.254.169.254/latest>")


def test_using_never_fetches_the_graph_iri() -> None:
    _, ours = _loaded()
    # rdflib would fetch a USING IRI from the web; here it names a graph of the store (absent: empty).
    change = changes_from_update(
        ours, "INSERT { GRAPH <http://ex/o> { ?s ?p ?o } } USING <http://127.0.0.1:9/evil> WHERE { ?s ?p ?o }"
    )
    assert not change


def test_service_in_update_is_refused_unless_allow_listed() -> None:
    _, ours = _loaded()
    with pytest.raises(ServiceNotAllowed):
        changes_from_update(ours, "INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }")


def test_syntax_error_is_bad_query() -> None:
    _, ours = _loaded()
    with pytest.raises(BadQuery, match="syntax"):
        changes_from_update(ours, "INSERT DATA { <http://ex/a> }")
