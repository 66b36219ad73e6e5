"""`ccg_graph.protocol.requests`: which operation a request to the SPARQL endpoint asks for (SPARQL 1.1 Protocol),
and the answer-format parameters real clients send."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from ccg_graph.core.errors import BadQuery, UnsupportedMediaType
from ccg_graph.protocol.requests import MAX_NESTING, QueryRequest, UpdateRequest, parse_operation

QUERY = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
UPDATE = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
ASK = "query=ASK%7B%7D"


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
    with pytest.raises(BadQuery, match="UTF-8") as refused:
        parse_operation("POST", "", "application/sparql-query", "SELECT *\nWHERE { ?s ?p 'é' }".encode("latin-1"))
    assert str(refused.value) == "the request body is not valid UTF-8 (byte 0xe9 at line 2, column 16)"
    assert (refused.value.line, refused.value.column) == (2, 16)


def test_brackets_nested_past_the_limit_are_refused_before_the_engine_sees_them() -> None:
    deep = "SELECT * WHERE " + "{ " * (MAX_NESTING + 1) + "?s ?p ?o" + " }" * (MAX_NESTING + 1)
    with pytest.raises(BadQuery, match="nests brackets"):
        parse_operation("POST", "", "application/sparql-query", deep.encode())
    shallow = "SELECT * WHERE " + "{ " * 10 + "?s ?p ?o" + " }" * 10
    assert isinstance(parse_operation("POST", "", "application/sparql-query", shallow.encode()), QueryRequest)


def _format(query_string: str, method: str = "GET") -> str | None:
    if method == "GET":
        operation = parse_operation("GET", query_string, None, b"")
    else:
        operation = parse_operation("POST", "", "application/x-www-form-urlencoded", query_string.encode())
    assert isinstance(operation, QueryRequest)
    return operation.format_override


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    ("parameters", "expected"),
    [
        ("format=tsv&format=text/tab-separated-values", "tsv"),
        # SPARQLWrapper: all three names, each with its short name and the media type
        (
            "format=tsv&format=text/tab-separated-values&output=tsv&output=text/tab-separated-values"
            "&results=tsv&results=text/tab-separated-values",
            "tsv",
        ),
        ("format=json&output=json&results=json", "json"),
        ("output=csv", "csv"),
        ("results=xml", "xml"),
        ("format=json-ld&format=application/ld%2Bjson,application/x-json%2Bld", "json-ld"),
        ("format=rdf%2Bxml&format=application/rdf%2Bxml", "rdf+xml"),
        ("format=xml&format=application/sparql-results%2Bxml", "xml"),
        ("format=&output=", None),
        ("", None),
    ],
)
def test_format_values_that_agree_are_one_request(method: str, parameters: str, expected: str | None) -> None:
    assert _format("&".join(p for p in (ASK, parameters) if p), method) == expected


@pytest.mark.parametrize("parameters", ["format=json&format=xml", "format=csv&output=tsv", "format=turtle&results=csv"])
def test_format_values_that_disagree_are_a_400_naming_them(parameters: str) -> None:
    with pytest.raises(BadQuery, match="different answer formats"):
        _format(f"{ASK}&{parameters}")
