"""`ccg_graph.protocol.requests`: which operation a request to the SPARQL endpoint asks for (SPARQL 1.1 Protocol)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from ccg_graph.errors import BadQuery, UnsupportedMediaType
from ccg_graph.protocol.requests import MAX_NESTING, QueryRequest, UpdateRequest, parse_operation

QUERY = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
UPDATE = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"


def test_a_get_carries_the_query_and_its_dataset_in_the_url() -> None:
    url = urlencode([("query", QUERY), ("default-graph-uri", "urn:g1"), ("named-graph-uri", "urn:g2")])
    operation = parse_operation("GET", url, None, b"")
    assert operation == QueryRequest(QUERY, default_graph_uris=("urn:g1",), named_graph_uris=("urn:g2",))


def test_a_get_without_a_query_asks_for_the_service_description() -> None:
    assert parse_operation("GET", "", None, b"") is None


def test_the_three_ways_to_post() -> None:
    form = parse_operation("POST", "", "application/x-www-form-urlencoded", urlencode({"query": QUERY}).encode())
    direct = parse_operation("POST", "", "application/sparql-query", QUERY.encode())
    update = parse_operation("POST", "", "application/sparql-update; charset=utf-8", UPDATE.encode())
    assert form == direct == QueryRequest(QUERY)
    assert update == UpdateRequest(UPDATE)


def test_an_update_by_get_is_refused() -> None:
    with pytest.raises(BadQuery, match="POST, not GET"):
        parse_operation("GET", urlencode({"update": UPDATE}), None, b"")


def test_a_body_in_another_media_type_is_415() -> None:
    with pytest.raises(UnsupportedMediaType):
        parse_operation("POST", "", "text/turtle", b"<a> <b> <c> .")


def test_two_queries_in_one_request_are_refused() -> None:
    with pytest.raises(BadQuery, match="exactly one"):
        parse_operation("GET", urlencode([("query", QUERY), ("query", QUERY)]), None, b"")


def test_a_body_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(BadQuery, match="UTF-8"):
        parse_operation("POST", "", "application/sparql-query", "SELECT * WHERE { ?s ?p 'é' }".encode("latin-1"))


def test_brackets_nested_past_the_limit_are_refused_before_the_engine_sees_them() -> None:
    deep = "SELECT * WHERE " + "{ " * (MAX_NESTING + 1) + "?s ?p ?o" + " }" * (MAX_NESTING + 1)
    with pytest.raises(BadQuery, match="nests brackets"):
        parse_operation("POST", "", "application/sparql-query", deep.encode())
    shallow = "SELECT * WHERE " + "{ " * 10 + "?s ?p ?o" + " }" * 10
    assert isinstance(parse_operation("POST", "", "application/sparql-query", shallow.encode()), QueryRequest)
