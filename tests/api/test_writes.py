"""Writes through SPARQL Update and the Graph Store protocol: token-protected, validated, atomic.

The app is the real one (worker processes, published generations) on a fresh core-only build; the data
written is the shape tests' context: a valid CCG (NHS Darlington, 00C) with its governing body and links.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from fastapi.testclient import TestClient

from tests.api.conftest import AUTH

CONTEXT = Path(__file__).resolve().parents[1] / "shapes" / "context.ttl"
GRAPH = "https://w3id.org/ccg-graph/id/graph/test-submission"
CCG = "https://w3id.org/ccg-graph/id/ccg/00C"
ODS = "https://w3id.org/ccg-graph/def#odsCode"
TURTLE = {"content-type": "text/turtle", **AUTH}
ID = "https://w3id.org/ccg-graph/id/"
#: Resources the core graph already describes; the submission leaves them to it.
CORE_PREFIXES = tuple(ID + p for p in ("service/", "scheme/", "organisation/", "post/"))


def submission() -> bytes:
    """The shape tests' context without what the core graph already says: a valid CCG to submit."""
    triples = ox.parse(path=CONTEXT, format=ox.RdfFormat.TURTLE)
    kept = [t for t in triples if not t.subject.value.startswith(CORE_PREFIXES)]
    return "".join(f"{t} .\n" for t in kept).encode()


def _count(client: TestClient, where: str) -> int:
    response = client.get("/sparql", params={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"})
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def _put_context(client: TestClient) -> None:
    response = client.put("/store", params={"graph": GRAPH}, content=submission(), headers=TURTLE)
    assert response.status_code == 201, response.text


def test_writes_need_the_token(writable_client: TestClient) -> None:
    update = f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <http://example.org/a> <http://example.org/b> "c" }} }}'
    missing = writable_client.post(
        "/sparql/update", content=update, headers={"content-type": "application/sparql-update"}
    )
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
    wrong = writable_client.post(
        "/sparql/update",
        content=update,
        headers={"content-type": "application/sparql-update", "Authorization": "Bearer nope"},
    )
    assert wrong.status_code == 403
    assert (
        writable_client.put(
            "/store", params={"graph": GRAPH}, content=b"", headers={"content-type": "text/turtle"}
        ).status_code
        == 401
    )
    assert _count(writable_client, f"GRAPH <{GRAPH}> {{ ?s ?p ?o }}") == 0


def test_writes_disabled_without_a_token(core_build_dir: Path) -> None:
    from ccg_graph.api import create_app
    from ccg_graph.core.config import Settings

    with TestClient(create_app(Settings(build_dir=core_build_dir, query_workers=1))) as client:
        response = client.post(
            "/sparql/update", content="CLEAR ALL", headers={"content-type": "application/sparql-update", **AUTH}
        )
        assert response.status_code == 403 and "disabled" in response.json()["message"]


def test_graph_store_put_get_post_delete(writable_client: TestClient) -> None:
    _put_context(writable_client)
    before = _count(writable_client, f"GRAPH <{GRAPH}> {{ ?s ?p ?o }}")
    assert before > 20
    got = writable_client.get("/store", params={"graph": GRAPH}, headers={"accept": "application/n-triples"})
    assert got.status_code == 200 and len(got.text.strip().splitlines()) == before
    assert writable_client.head("/store", params={"graph": GRAPH}).status_code == 200
    again = writable_client.put("/store", params={"graph": GRAPH}, content=submission(), headers=TURTLE)
    assert again.status_code == 204 and again.headers["x-changes-added"] == "0"
    extra = f'<{CCG}> <http://www.w3.org/2000/01/rdf-schema#comment> "merged by POST"@en .'
    posted = writable_client.post("/store", params={"graph": GRAPH}, content=extra, headers=TURTLE)
    assert posted.status_code == 204 and posted.headers["x-changes-added"] == "1"
    assert _count(writable_client, f"GRAPH <{GRAPH}> {{ ?s ?p ?o }}") == before + 1
    deleted = writable_client.delete("/store", params={"graph": GRAPH}, headers=AUTH)
    assert deleted.status_code == 204
    assert writable_client.get("/store", params={"graph": GRAPH}).status_code == 404
    assert writable_client.delete("/store", params={"graph": GRAPH}, headers=AUTH).status_code == 404


def test_graph_store_post_creates_a_graph_with_location(writable_client: TestClient) -> None:
    body = '<http://example.org/thing> <http://www.w3.org/2000/01/rdf-schema#label> "thing" .'
    created = writable_client.post("/store", content=body, headers=TURTLE)
    assert created.status_code == 201
    location = created.headers["location"]
    assert "/store/graphs/" in location
    direct = writable_client.get(location.replace("http://testserver", ""), headers={"accept": "text/turtle"})
    assert direct.status_code == 200 and "thing" in direct.text
    indirect = writable_client.get("/store", params={"graph": location})
    assert indirect.status_code == 200


def test_update_that_breaks_the_shapes_is_refused_with_the_report(writable_client: TestClient) -> None:
    _put_context(writable_client)
    triples = _count(writable_client, "GRAPH ?g { ?s ?p ?o }")
    update = (
        f'DELETE DATA {{ GRAPH <{GRAPH}> {{ <{CCG}> <{ODS}> "00C" }} }} ; '
        f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <{CCG}> <{ODS}> "0C" }} }}'
    )
    refused = writable_client.post("/sparql/update", data={"update": update}, headers=AUTH)
    assert refused.status_code == 422
    body = refused.json()
    assert body["error"] == "ValidationFailed"
    shapes = {r["source_shape"] for r in body["report"]["results"]}
    assert any("CCG-odsCode" in s for s in shapes), shapes
    assert _count(writable_client, "GRAPH ?g { ?s ?p ?o }") == triples, "a refused write must change nothing"
    as_turtle = writable_client.post(
        "/sparql/update", data={"update": update}, headers={**AUTH, "accept": "text/turtle"}
    )
    assert as_turtle.status_code == 422 and "sh:ValidationReport" in as_turtle.text


def test_valid_update_lands_atomically_as_a_new_release(writable_client: TestClient) -> None:
    _put_context(writable_client)
    release_before = writable_client.get("/healthz").json()["release"]
    alt = "http://www.w3.org/2004/02/skos/core#altLabel"
    update = (
        f"DELETE {{ GRAPH <{GRAPH}> {{ <{CCG}> <{alt}> ?old }} }} "
        f'INSERT {{ GRAPH <{GRAPH}> {{ <{CCG}> <{alt}> "Darlington CCG"@en }} }} '
        f"WHERE {{ OPTIONAL {{ GRAPH <{GRAPH}> {{ <{CCG}> <{alt}> ?old }} }} }}"
    )
    response = writable_client.post(
        "/sparql", content=update, headers={"content-type": "application/sparql-update", **AUTH}
    )
    assert response.status_code == 204, response.text
    assert response.headers["x-release"] != "store"
    health = writable_client.get("/healthz").json()
    assert health["release"] == response.headers["x-release"] != release_before
    assert _count(writable_client, f'GRAPH <{GRAPH}> {{ <{CCG}> ?p "Darlington CCG"@en }}') == 1


def test_malformed_rdf_body_is_400_and_changes_nothing(writable_client: TestClient) -> None:
    triples = _count(writable_client, "GRAPH ?g { ?s ?p ?o }")
    bad = writable_client.put("/store", params={"graph": GRAPH}, content=b"<a> <b> .", headers=TURTLE)
    assert bad.status_code == 400 and "does not parse" in bad.json()["message"]
    unknown = writable_client.put(
        "/store", params={"graph": GRAPH}, content=b"x", headers={"content-type": "image/png", **AUTH}
    )
    assert unknown.status_code == 415
    assert _count(writable_client, "GRAPH ?g { ?s ?p ?o }") == triples


def test_body_over_the_limit_is_413(core_build_dir: Path) -> None:
    from ccg_graph.api import create_app
    from tests.api.conftest import core_settings

    with TestClient(create_app(core_settings(core_build_dir, max_body_bytes=1000))) as client:
        response = client.post("/store", params={"graph": GRAPH}, content=b"#" * 5000, headers=TURTLE)
        assert response.status_code == 413


def _graphs_without_one_basis(client: TestClient) -> list[dict]:
    query = (
        "PREFIX ccg: <https://w3id.org/ccg-graph/def#> SELECT ?g (COUNT(DISTINCT ?b) AS ?n) WHERE {"
        " { SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } } OPTIONAL { ?g ccg:basis ?b } }"
        " GROUP BY ?g HAVING (COUNT(DISTINCT ?b) != 1)"
    )
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


def test_every_graph_a_write_makes_has_a_basis_and_loses_it_with_the_graph(writable_client: TestClient) -> None:
    assert _graphs_without_one_basis(writable_client) == []
    _put_context(writable_client)
    update = 'INSERT DATA { GRAPH <http://example.org/g2> { <http://example.org/a> <http://example.org/b> "c" } }'
    response = writable_client.post(
        "/sparql/update", content=update, headers={"content-type": "application/sparql-update", **AUTH}
    )
    assert response.status_code in (200, 204), response.text
    assert _graphs_without_one_basis(writable_client) == []
    basis = f"ASK {{ GRAPH ?w {{ <{GRAPH}> <https://w3id.org/ccg-graph/def#basis> ?b }} }}"
    assert writable_client.get("/sparql", params={"query": basis}).json()["boolean"] is True
    deleted = writable_client.delete("/store", params={"graph": GRAPH}, headers=AUTH)
    assert deleted.status_code in (200, 204), deleted.text
    assert writable_client.get("/sparql", params={"query": basis}).json()["boolean"] is False
    assert _graphs_without_one_basis(writable_client) == []
