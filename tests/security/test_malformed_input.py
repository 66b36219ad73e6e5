"""Malformed SPARQL and RDF in every syntax we read, non-UTF-8, deep nesting and huge bodies: a clear 4xx each.

Every case runs against the real server (`hostile_server`) and checks, through the `unchanged` fixture, that
the store's quad count and release are the same afterwards.
"""

from __future__ import annotations

import httpx
import pytest

from ccg_graph.rdf.parser import READABLE
from tests.security.conftest import AUTH, MAX_BODY, assert_clear_4xx, post_update, put_graph

pytestmark = pytest.mark.usefixtures("unchanged")

BROKEN_QUERIES = [
    "",
    "SELECT * WHERE {",
    "ASK {",
    "SELEC * WHERE {}",
    "SELECT ?x WHERE { ?x ?y }",
    "SELECT * WHERE { ?s ?p ?o } LIMIT -1",
    "PREFIX : <http://x/ SELECT * {}",
    "SELECT * WHERE { FILTER(?x = ) }",
    "CONSTRUCT { ?s ?p } WHERE {}",
    'SELECT * WHERE { ?s ?p "unterminated }',
    "SELECT * WHERE { <http://a b> ?p ?o }",
    "SELECT * WHERE { ?s undeclared:p ?o }",
    "DESCRIBE",
    "\x00",
    "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }",
    "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
]


@pytest.mark.parametrize("query", BROKEN_QUERIES)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_malformed_query(client: httpx.Client, method: str, query: str) -> None:
    if method == "GET":
        response = client.get("/sparql", params={"query": query})
    else:
        response = client.post("/sparql", content=query.encode(), headers={"content-type": "application/sparql-query"})
    assert_clear_4xx(response, 400)


BROKEN_UPDATES = [
    "INSERT DATA {",
    "CLEAR XYZ",
    "DROP GRAPH",
    "INSERT DATA { ?s ?p ?o }",
    "DELETE DATA { _:b <http://example.org/p> 1 }",
    "LOAD",
    "SELECT * WHERE { ?s ?p ?o }",
    "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> } ; CLEAR XYZ",
]


@pytest.mark.parametrize("update", BROKEN_UPDATES)
def test_malformed_update(client: httpx.Client, update: str) -> None:
    response = post_update(client, update)
    assert_clear_4xx(response, 400)


#: A broken document in each RDF syntax the Graph Store Protocol reads.
BROKEN_RDF = {
    "text/turtle": b"@prefix : <http://example.org/> .\n:a :b",
    "application/x-turtle": b":a :b :c .",
    "application/n-triples": b"<http://example.org/a> <http://example.org/b> .",
    "text/plain": b"<http://example.org/a> <http://example.org/b> <not an iri> .",
    "application/rdf+xml": (
        b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Description rdf:about='http://e/a'>"
    ),
    "application/ld+json": b'{"@id": "http://example.org/a", "http://example.org/b": ',
    "text/n3": b"@prefix : <http://example.org/> .\n:a :b { :c",
    "application/n-quads": b"<http://example.org/a> <http://example.org/b> <http://example.org/c> <http://g> <x> .",
    "application/trig": b"<http://example.org/g> { <http://example.org/a> <http://example.org/b> ",
}


def test_every_readable_syntax_has_a_broken_case() -> None:
    assert set(BROKEN_RDF) == set(READABLE)


@pytest.mark.parametrize("media", sorted(BROKEN_RDF))
def test_malformed_rdf(client: httpx.Client, media: str) -> None:
    response = put_graph(client, "http://example.org/hostile", BROKEN_RDF[media], media)
    assert_clear_4xx(response, 400)
    assert media in response.json()["message"]


@pytest.mark.parametrize("media", ["application/pdf", "text/html", ""])
def test_rdf_in_an_unreadable_media_type(client: httpx.Client, media: str) -> None:
    headers = {"content-type": media, **AUTH} if media else AUTH
    response = client.put("/store", params={"graph": "http://example.org/h"}, content=b"<a> <b> <c> .", headers=headers)
    assert_clear_4xx(response, 415)


NOT_UTF8 = 'SELECT * WHERE { ?s ?p "caf\u00e9" }'.encode("latin-1")


def test_non_utf8_query_body(client: httpx.Client) -> None:
    response = client.post("/sparql", content=NOT_UTF8, headers={"content-type": "application/sparql-query"})
    assert_clear_4xx(response, 400)
    assert "UTF-8" in response.json()["message"]


def test_non_utf8_form_body(client: httpx.Client) -> None:
    body = b"query=" + NOT_UTF8
    response = client.post("/sparql", content=body, headers={"content-type": "application/x-www-form-urlencoded"})
    assert_clear_4xx(response, 400)


def test_non_utf8_query_string(client: httpx.Client) -> None:
    assert_clear_4xx(client.get("/sparql?query=SELECT%20%2A%20%7B%7D%FF%FE"), 400)


def test_non_utf8_update(client: httpx.Client) -> None:
    body = 'INSERT DATA { <http://e/a> <http://e/b> "caf\u00e9" }'.encode("latin-1")
    response = post_update(client, body)
    assert_clear_4xx(response, 400)


@pytest.mark.parametrize("media", ["text/turtle", "application/n-triples", "application/ld+json"])
def test_non_utf8_rdf(client: httpx.Client, media: str) -> None:
    body = {
        "text/turtle": b'<http://e/a> <http://e/b> "caf\xe9" .',
        "application/n-triples": b'<http://e/a> <http://e/b> "caf\xe9" .',
        "application/ld+json": b'{"@id": "http://e/a", "http://e/b": "caf\xe9"}',
    }[media]
    response = put_graph(client, "http://example.org/h", body, media)
    assert_clear_4xx(response, 400)


DEPTH = 10_000
DEEP_QUERIES = {
    "groups": "SELECT * WHERE " + "{" * DEPTH + "}" * DEPTH,
    "brackets": "SELECT (" + "(" * DEPTH + "1" + ")" * DEPTH + " AS ?x) {}",
    "optional": "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * DEPTH + "}" * DEPTH + "}",
    "not-exists": "ASK { " + "FILTER NOT EXISTS { " * DEPTH + "}" * DEPTH + "}",
    "unclosed": "SELECT * WHERE " + "{" * DEPTH,
}


@pytest.mark.parametrize("shape", sorted(DEEP_QUERIES))
def test_deeply_nested_query(client: httpx.Client, shape: str) -> None:
    response = client.post(
        "/sparql", content=DEEP_QUERIES[shape].encode(), headers={"content-type": "application/sparql-query"}
    )
    assert_clear_4xx(response, 400)


def test_deeply_nested_update(client: httpx.Client) -> None:
    update = "DELETE WHERE " + "{" * DEPTH + "}" * DEPTH
    response = post_update(client, update)
    assert_clear_4xx(response, 400)


#: Deep and broken (Turtle: an object missing; RDF/XML: never closed) or deeper than we read (JSON-LD).
DEEP_RDF = {
    "text/turtle": b"<http://e/a> <http://e/p> " + b"[ <http://e/p> " * DEPTH + b"]" * DEPTH + b" .",
    "application/ld+json": b'{"@id": "http://e/a", ' + b'"http://e/p": {' * DEPTH + b"}" * DEPTH + b"}",
    "application/rdf+xml": (
        b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' xmlns:e='http://e/'>"
        + b"<rdf:Description><e:p>" * DEPTH
        + b"</e:p></rdf:Description>" * (DEPTH - 1)
    ),
}


@pytest.mark.parametrize("media", sorted(DEEP_RDF))
def test_deeply_nested_rdf(client: httpx.Client, media: str) -> None:
    """Nested far beyond anything real, these either parse or are refused: the server must not crash."""
    response = put_graph(client, "http://example.org/deep", DEEP_RDF[media], media, token=False)
    # Without the token the write is refused before the body is read; with it, see test_deep_rdf_with_token.
    assert_clear_4xx(response, 401)


def test_huge_query_body(client: httpx.Client) -> None:
    body = b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * MAX_BODY
    response = client.post("/sparql", content=body, headers={"content-type": "application/sparql-query"})
    assert_clear_4xx(response, 413)


def test_huge_rdf_body(client: httpx.Client) -> None:
    line = b"<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n"
    body = line * (MAX_BODY // len(line) + 1)
    response = put_graph(client, "http://example.org/huge", body, "application/n-triples")
    assert_clear_4xx(response, 413)


def test_huge_chunked_body_without_length(client: httpx.Client) -> None:
    """No Content-Length to trust: the limit is enforced while the body streams in."""

    def chunks():
        yield b"query="
        for _ in range(MAX_BODY // 1024 + 2):
            yield b"x" * 1024

    response = client.post("/sparql", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"})
    assert_clear_4xx(response, 413)


def test_huge_update_body(client: httpx.Client) -> None:
    body = b'INSERT DATA { <http://e/a> <http://e/b> "' + b"x" * MAX_BODY + b'" }'
    response = post_update(client, body)
    assert_clear_4xx(response, 413)


@pytest.mark.parametrize("media", sorted(DEEP_RDF))
def test_deep_rdf_with_token(client: httpx.Client, media: str) -> None:
    response = put_graph(client, "http://example.org/deep", DEEP_RDF[media], media)
    assert_clear_4xx(response)
