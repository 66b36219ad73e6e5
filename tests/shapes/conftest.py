"""Fixtures for the SHACL shape tests: the shapes, the ontology, the shared context, and a SPARQL parse cache.

rdflib parses a SPARQL query afresh every time it is run, and pySHACL runs every SPARQL-based target and
constraint query for every validation: at ~20 ms a parse that is two thirds of a case's time. The
``_reuse_parsed_sparql`` fixture keeps the parsed and translated form of each query text for the session,
which changes nothing but the speed (the same text with the same namespaces and base always translates to
the same algebra; ``test_shapes.py::test_parse_cache_changes_no_result`` checks it on a case).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

import pytest
from rdflib import Graph
from rdflib.plugins.sparql import processor as sparql_processor
from rdflib.plugins.sparql.sparql import Query

from .support import CONTEXT_FILE, ONTOLOGY_DIR, SHAPES_DIR, union_of


@lru_cache(maxsize=512)
def _prepared(text: str, base: str | None, namespaces: frozenset[tuple[str, Any]]) -> Query:
    return sparql_processor.prepareQuery(text, initNs=dict(namespaces), base=base)


@pytest.fixture(scope="session", autouse=True)
def _reuse_parsed_sparql() -> Iterator[Any]:
    """Keep parsed SPARQL for the session; yields rdflib's own query method, for the test that compares."""
    original = sparql_processor.SPARQLProcessor.query

    def query(
        self: sparql_processor.SPARQLProcessor,
        strOrQuery: str | Query,
        initBindings: Mapping[str, Any] | None = None,
        initNs: Mapping[str, Any] | None = None,
        base: str | None = None,
        DEBUG: bool = False,
    ) -> Mapping[str, Any]:
        if isinstance(strOrQuery, str):
            strOrQuery = _prepared(strOrQuery, base, frozenset((initNs or {}).items()))
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    sparql_processor.SPARQLProcessor.query = query  # type: ignore[method-assign]
    try:
        yield original
    finally:
        sparql_processor.SPARQLProcessor.query = original  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def shapes_graph() -> Graph:
    """The union of shapes/*.ttl, as the validator loads it."""
    return union_of(sorted(SHAPES_DIR.glob("*.ttl")))


@pytest.fixture(scope="session")
def ontology_graph() -> Graph:
    """The union of ontology/*.ttl, passed to pySHACL as ont_graph."""
    return union_of(sorted(ONTOLOGY_DIR.glob("*.ttl")))


@pytest.fixture(scope="session")
def context_graph() -> Graph:
    """The valid base world merged into every case."""
    return union_of([CONTEXT_FILE])


@pytest.fixture(scope="session")
def qc_shapes_graph() -> Graph:
    """The quality-control shapes, with index.ttl for the SPARQL prefixes they use."""
    return union_of([SHAPES_DIR / "index.ttl", SHAPES_DIR / "ontology_qc.ttl"])
