"""The saved queries as the query page offers them: parameters bound to their defaults, and every one runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccg_graph.core.config import Settings
from ccg_graph.core.namespaces import PREFIXES
from ccg_graph.sparql.query_examples import example_text, query_examples, starter_query
from ccg_graph.sparql.saved_queries import parse_header
from ccg_graph.store import EmbeddedStore

PARAMETERISED = """# Title: T
# Purpose: P
# Parameters:
#   as_of: xsd:date = 2019-04-01 -- the day
#   ccg: iri = https://w3id.org/ccg-graph/id/ccg/02N -- the CCG
# Returns: x
SELECT ?as_of ?ccg WHERE { ?ccg ?p ?o }
"""


def test_example_binds_defaults_after_the_header() -> None:
    text = example_text(parse_header("t", Path("t.rq"), PARAMETERISED))
    lines = text.splitlines()
    assert lines[:6] == PARAMETERISED.splitlines()[:6]
    assert "#   ?as_of (xsd:date) = 2019-04-01" in lines
    assert "#   ?ccg (iri) = https://w3id.org/ccg-graph/id/ccg/02N" in lines
    assert (
        'WHERE { VALUES (?as_of ?ccg) { ("2019-04-01"^^<http://www.w3.org/2001/XMLSchema#date> '
        "<https://w3id.org/ccg-graph/id/ccg/02N>) }"
    ) in text


def test_query_without_parameters_is_unchanged() -> None:
    text = PARAMETERISED.replace("#   as_of: xsd:date = 2019-04-01 -- the day\n", "").replace(
        "#   ccg: iri = https://w3id.org/ccg-graph/id/ccg/02N -- the CCG\n", ""
    )
    assert example_text(parse_header("t", Path("t.rq"), text)) == text


@pytest.mark.national
def test_every_example_and_the_starter_run_with_answers(national_store: EmbeddedStore) -> None:
    examples = query_examples(Settings().queries_dir)
    assert len(examples) >= 20
    empty = []
    for text in [starter_query(PREFIXES), *(e.text for e in examples)]:
        result = national_store.query(text)
        if result.solutions is None or not list(result.solutions):
            empty.append(text.splitlines()[0])
    assert empty == []
