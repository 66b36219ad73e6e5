"""Reading SPARQL protocol requests: the answer-format parameters real clients send."""

from __future__ import annotations

import pytest

from ccg_graph.errors import BadQuery
from ccg_graph.protocol.requests import QueryRequest, parse_operation

ASK = "query=ASK%7B%7D"


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


def test_query_may_still_not_repeat() -> None:
    with pytest.raises(BadQuery, match="exactly one"):
        _format(f"{ASK}&{ASK}")
