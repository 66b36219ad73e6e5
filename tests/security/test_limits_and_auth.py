"""Queries that would run forever or explode, writes without rights, saved-query traversal and injection."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from tests.security.conftest import AUTH, QUERY_TIMEOUT, ROW_CAP, assert_clear_4xx

pytestmark = pytest.mark.usefixtures("unchanged")

FOREVER = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_a_query_that_would_run_forever_is_stopped_and_the_server_stays_responsive(client: httpx.Client) -> None:
    answers: list[httpx.Response] = []
    slow = threading.Thread(target=lambda: answers.append(client.get("/sparql", params={"query": FOREVER})))
    started = time.monotonic()
    slow.start()
    time.sleep(0.5)
    health_started = time.monotonic()
    assert client.get("/healthz").status_code == 200
    assert time.monotonic() - health_started < 1.0, "/healthz was slow while a runaway query ran"
    fast = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert fast.status_code == 200 and fast.json()["boolean"] is True
    slow.join(timeout=QUERY_TIMEOUT + 20)
    elapsed = time.monotonic() - started
    assert answers and answers[0].status_code == 503, answers[0].text if answers else "no answer"
    assert "stopped after" in answers[0].json()["message"]
    assert answers[0].headers.get("retry-after")
    assert elapsed < QUERY_TIMEOUT + 10
    assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200


def test_a_result_explosion_is_capped(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"})
    assert response.status_code == 200
    assert response.headers["x-result-truncated"] == "true"
    assert response.headers["x-result-rows"] == str(ROW_CAP)
    assert len(response.json()["results"]["bindings"]) == ROW_CAP


def test_a_construct_explosion_is_capped(client: httpx.Client) -> None:
    query = "CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f }"
    response = client.get("/sparql", params={"query": query}, headers={"accept": "application/n-triples"})
    assert response.status_code == 200
    assert response.headers["x-result-truncated"] == "true"
    assert len(response.text.strip().splitlines()) <= ROW_CAP


WRITES = [
    ("POST", "/sparql/update", {"content-type": "application/sparql-update"}, b"CLEAR ALL"),
    ("POST", "/sparql", {"content-type": "application/sparql-update"}, b"DROP ALL"),
    ("POST", "/sparql", {"content-type": "application/x-www-form-urlencoded"}, b"update=CLEAR+ALL"),
    ("PUT", "/store?default", {"content-type": "text/turtle"}, b"<http://e/a> <http://e/b> <http://e/c> ."),
    ("POST", "/store", {"content-type": "text/turtle"}, b"<http://e/a> <http://e/b> <http://e/c> ."),
    ("DELETE", "/store?graph=https://w3id.org/ccg-graph/graph/core", {}, None),
    ("PUT", "/store/graphs/x", {"content-type": "text/turtle"}, b"<http://e/a> <http://e/b> <http://e/c> ."),
]
BAD_CREDENTIALS = {
    "none": ({}, 401),
    "bare scheme": ({"Authorization": "Bearer"}, 401),
    "basic": ({"Authorization": "Basic dXNlcjpwYXNz"}, 401),
    "wrong token": ({"Authorization": "Bearer not-the-token"}, 403),
    "token prefix": ({"Authorization": f"Bearer {AUTH['Authorization'].split()[1][:-1]}"}, 403),
    "token with suffix": ({"Authorization": f"{AUTH['Authorization']}x"}, 403),
}


@pytest.mark.parametrize("who", sorted(BAD_CREDENTIALS))
@pytest.mark.parametrize("method,path,headers,body", WRITES, ids=[f"{m} {p}" for m, p, _, _ in WRITES])
def test_writes_without_the_right_token(client: httpx.Client, who, method, path, headers, body) -> None:
    credentials, status = BAD_CREDENTIALS[who]
    response = client.request(method, path, headers={**headers, **credentials}, content=body)
    assert_clear_4xx(response, status)
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Bearer")


TRAVERSALS = [
    "..%2F..%2Fpyproject.toml",
    "..%2Fqueries%2Fmergers",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "mergers.rq",
    "mergers%00",
    "%2Fetc%2Fpasswd",
    "..%5C..%5Cpyproject.toml",
    "MERGERS",
]


@pytest.mark.parametrize("name", TRAVERSALS)
def test_path_traversal_in_saved_query_names(client: httpx.Client, name: str) -> None:
    response = client.get(f"/queries/{name}")
    assert_clear_4xx(response, 404)
    assert "[project]" not in response.text and "root:" not in response.text


INJECTIONS = {
    "code": [
        'E38000001" } UNION { ?s ?p ?o } #',
        "E38000001' } UNION { ?s ?p ?o } #",
        'E38000001"^^<http://x> } ; DROP ALL ; #',
        "E38000001\n} UNION { ?s ?p ?o }",
    ],
}


@pytest.mark.parametrize("value", INJECTIONS["code"])
def test_sparql_injection_through_a_string_parameter(client: httpx.Client, value: str) -> None:
    """The value is bound as one literal: the extra pattern never runs (it would match every triple)."""
    response = client.get("/queries/ons-code-on", params={"code": value, "as_of": "2019-04-01"})
    assert response.status_code in (200, 422), response.text
    if response.status_code == 200:
        assert response.json()["results"]["bindings"] == []


@pytest.mark.parametrize(
    "value",
    [
        "https://w3id.org/ccg-graph/id/ccg/00C> } UNION { ?s ?p ?o } #",
        "https://w3id.org/ccg-graph/id/ccg/00C>",
        "<https://w3id.org/ccg-graph/id/ccg/00C>",
        "not an iri",
        "javascript:alert(1)> . ?s ?p ?o",
    ],
)
def test_sparql_injection_through_an_iri_parameter(client: httpx.Client, value: str) -> None:
    response = client.get("/queries/provenance-of", params={"resource": value})
    assert_clear_4xx(response, 422)
    assert "resource" in response.json()["message"]


@pytest.mark.parametrize("value", ["2019 } UNION { ?s ?p ?o }", "1e999999", "2019.5", "-"])
def test_sparql_injection_through_a_typed_parameter(client: httpx.Client, value: str) -> None:
    response = client.get("/queries/ccg-district-overlaps", params={"year": value})
    assert_clear_4xx(response, 422)
