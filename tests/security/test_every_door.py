"""The hostile-input corpus on every door that takes a body, found in the running server's OpenAPI description.

Every operation with a request body is listed from ``/openapi.json``; the RDF corpus (nesting bombs, truncated
documents in every syntax the operation declares, wrong and missing media types, a huge literal, invalid
UTF-8, XML entities, remote JSON-LD contexts) runs on each operation that declares an RDF media type, and the
SPARQL Update corpus on each that declares ``application/sparql-update``. A new route that takes a body is
covered without editing this file, and `test_every_body_taking_operation_is_covered` fails for a body in a
media type neither corpus speaks. Each case must be a 4xx naming the problem, with the store (quads and
release), the submission log and the canary unchanged and the server still answering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx
import pytest

from ccg_graph.rdf.parser import READABLE
from tests.rdf.corpus import (
    Case,
    encodings,
    hostile_entities,
    huge_literal,
    media_types,
    nesting_bombs,
    truncations,
)
from tests.security.conftest import AUTH, MAX_BODY, MAX_LITERAL, Canary, assert_clear_4xx, store_state

#: Values for the parameters an operation declares, by name (path parameters get a fixed segment).
PARAMETER_VALUES = {"graph": "http://example.org/hostile-door", "message": "hostile corpus", "name": "hostile"}
SPARQL_UPDATE = "application/sparql-update"


@dataclass(frozen=True)
class Door:
    method: str
    path: str
    media_types: tuple[str, ...]
    query: tuple[tuple[str, str], ...]

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"

    def url(self) -> str:
        return re.sub(r"\{[^}]+\}", "hostile-door", self.path)


def _doors(openapi: dict) -> list[Door]:
    doors = []
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            if "requestBody" not in operation:
                continue
            query = tuple(
                (p["name"], PARAMETER_VALUES[p["name"]])
                for p in operation.get("parameters", [])
                if p["in"] == "query" and p["name"] in PARAMETER_VALUES
            )
            media = tuple(sorted(operation["requestBody"].get("content", {})))
            doors.append(Door(method.upper(), path, media, query))
    return doors


def _live_doors() -> list[Door]:
    """The doors of the app's OpenAPI description, read from the app the server runs (its code, its routes)."""
    from ccg_graph.api import create_app
    from ccg_graph.core.config import Settings

    return _doors(create_app(Settings()).openapi())


DOORS = _live_doors()
RDF_DOORS = [d for d in DOORS if set(d.media_types) & set(READABLE)]
UPDATE_DOORS = [d for d in DOORS if SPARQL_UPDATE in d.media_types]
CANARY = "http://127.0.0.1:9"  # replaced by the live canary's address in `_rdf_cases`


def _rdf_cases(door: Door) -> list[Case]:
    readable = [m for m in door.media_types if m in READABLE]
    return [
        *nesting_bombs(),
        *truncations(readable),
        *media_types(),
        huge_literal(MAX_BODY),
        *encodings(),
        *hostile_entities(CANARY),
    ]


def _data_block(operation: str, nested: str) -> bytes:
    """An update whose data block holds `nested` as the object of one triple in a named graph, on line 3."""
    return f"PREFIX e: <http://e/>\n{operation} {{\n  GRAPH <http://e/g> {{ e:a e:p {nested} }}\n}}\n".encode()


def _update_cases() -> list[Case]:
    deep = "INSERT DATA { <http://e/a> <http://e/p> " + "[ <http://e/p> " * 5_000 + "1" + " ]" * 5_000 + " }"
    # Past the RDF limit (100) inside the block, under the protocol's bracket limit for whole requests (128):
    # only the data-block guard can refuse these.
    just_past = 110
    return [
        Case("update-nesting-bomb", deep.encode(), SPARQL_UPDATE, "nests"),
        Case(
            "update-collection-bomb",
            _data_block("INSERT DATA", "( " * 5_000 + "1" + " )" * 5_000),
            SPARQL_UPDATE,
            "line 3, column",
        ),
        Case(
            "update-collections-past-rdf-limit",
            _data_block("INSERT DATA", "( " * just_past + "1" + " )" * just_past),
            SPARQL_UPDATE,
            "more than 100 levels deep at line 3, column",
        ),
        Case(
            "update-bnodes-past-rdf-limit",
            _data_block("DELETE DATA", "[ e:p " * just_past + "1" + " ]" * just_past),
            SPARQL_UPDATE,
            "more than 100 levels deep at line 3, column",
        ),
        Case(
            "update-literal-past-rdf-limit",
            _data_block("INSERT DATA", '"' + "x" * (MAX_LITERAL + 1) + '"'),
            SPARQL_UPDATE,
            "literal of",
        ),
        Case(
            "update-not-utf8-line-column",
            _data_block("INSERT DATA", '"caf\u00e9"').replace("é".encode(), b"\xe9"),
            SPARQL_UPDATE,
            "line 3, column",
        ),
        Case("update-truncated", b"INSERT DATA { <http://e/a> <http://e/p> ", SPARQL_UPDATE, "syntax"),
        Case(
            "update-not-utf8",
            'INSERT DATA { <http://e/a> <http://e/b> "caf\u00e9" }'.encode("latin-1"),
            SPARQL_UPDATE,
            "UTF-8",
        ),
        Case(
            "update-huge-literal",
            b'INSERT DATA { <http://e/a> <http://e/b> "' + b"x" * MAX_BODY + b'" }',
            SPARQL_UPDATE,
            "limit",
            413,
        ),
        Case("update-load-remote", f"LOAD <{CANARY}/data.ttl>".encode(), SPARQL_UPDATE, "allow-list", 403),
        Case(
            "update-media-pdf",
            b"INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
            "application/pdf",
            "cannot read",
            415,
        ),
    ]


RDF_MATRIX = [(door, case) for door in RDF_DOORS for case in _rdf_cases(door)]
UPDATE_MATRIX = [(door, case) for door in UPDATE_DOORS for case in _update_cases()]


def test_every_body_taking_operation_is_covered() -> None:
    assert RDF_DOORS and UPDATE_DOORS
    assert {"POST /validate", "POST /submissions", "PUT /store", "POST /store"} <= {d.id for d in RDF_DOORS}
    spoken = set(READABLE) | {SPARQL_UPDATE, "application/sparql-query", "application/x-www-form-urlencoded"}
    for door in DOORS:
        assert set(door.media_types) <= spoken, f"{door.id} takes {door.media_types}: extend the corpus"
        assert door in RDF_DOORS or door in UPDATE_DOORS or door.media_types == ("application/sparql-query",)


def _submission_count(client: httpx.Client) -> int:
    return len(client.get("/submissions").json())


def _send(client: httpx.Client, door: Door, case: Case, canary: Canary) -> httpx.Response:
    body = case.body.replace(CANARY.encode(), canary.url.encode())
    headers = dict(AUTH)
    if case.content_type is not None:
        headers["Content-Type"] = case.content_type
    return client.request(door.method, door.url(), params=dict(door.query), content=body, headers=headers)


def _check(client: httpx.Client, door: Door, case: Case, canary: Canary) -> None:
    before, submissions = store_state(client), _submission_count(client)
    canary.requests.clear()
    response = _send(client, door, case, canary)
    assert_clear_4xx(response, case.status)
    assert case.says.lower() in response.json()["message"].lower(), f"{door.id} {case.name}: {response.text[:300]}"
    assert client.get("/healthz").status_code == 200, "the server is down"
    assert store_state(client) == before, f"{door.id} {case.name} changed the store"
    assert _submission_count(client) == submissions, f"{door.id} {case.name} changed the submission log"
    assert canary.requests == [], f"{door.id} {case.name} fetched {canary.requests}"


@pytest.mark.parametrize(("door", "case"), RDF_MATRIX, ids=[f"{d.id}-{c.name}" for d, c in RDF_MATRIX])
def test_rdf_corpus(client: httpx.Client, canary: Canary, door: Door, case: Case) -> None:
    _check(client, door, case, canary)


@pytest.mark.parametrize(("door", "case"), UPDATE_MATRIX, ids=[f"{d.id}-{c.name}" for d, c in UPDATE_MATRIX])
def test_update_corpus(client: httpx.Client, canary: Canary, door: Door, case: Case) -> None:
    _check(client, door, case, canary)


def test_the_running_server_describes_the_same_doors(client: httpx.Client) -> None:
    assert _doors(client.get("/openapi.json").json()) == DOORS
