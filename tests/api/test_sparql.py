"""The SPARQL query endpoint and /healthz, through a real HTTP client against a real `ccg-graph serve`."""

from __future__ import annotations

import httpx

COUNT = (
    "PREFIX ccg: <https://w3id.org/ccg-graph/def#> SELECT (COUNT(?c) AS ?n) WHERE "
    "{ ?c a ccg:ClinicalCommissioningGroup }"
)


def test_healthz(server_url: str) -> None:
    body = httpx.get(f"{server_url}/healthz").json()
    assert body["status"] == "ok" and body["quads"] > 500_000


def test_select_get_returns_sparql_json(server_url: str) -> None:
    response = httpx.get(f"{server_url}/sparql", params={"query": COUNT})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert response.json()["results"]["bindings"][0]["n"]["value"] == "248"


def test_select_post_form_and_direct(server_url: str) -> None:
    form = httpx.post(f"{server_url}/sparql", data={"query": COUNT})
    direct = httpx.post(f"{server_url}/sparql", content=COUNT, headers={"content-type": "application/sparql-query"})
    assert form.json() == direct.json()
    assert form.json()["results"]["bindings"][0]["n"]["value"] == "248"


def test_ask_and_csv(server_url: str) -> None:
    ask = httpx.get(f"{server_url}/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert ask.json() == {"head": {}, "boolean": True}
    csv = httpx.get(f"{server_url}/sparql", params={"query": COUNT}, headers={"accept": "text/csv"})
    assert csv.text.splitlines() == ["n", "248"]


def test_construct_and_describe_as_turtle(server_url: str) -> None:
    query = "DESCRIBE <https://w3id.org/ccg-graph/id/ccg/00C>"
    response = httpx.get(f"{server_url}/sparql", params={"query": query})
    assert response.headers["content-type"].startswith("text/turtle")
    assert "00C" in response.text
    nt = httpx.get(
        f"{server_url}/sparql",
        params={"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"},
        headers={"accept": "application/n-triples"},
    )
    assert len(nt.text.strip().splitlines()) == 3


def test_malformed_query_is_400_with_position(server_url: str) -> None:
    response = httpx.get(f"{server_url}/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    assert "syntax" in response.json()["message"].lower()


def test_missing_query_and_bad_content_type(server_url: str) -> None:
    assert httpx.get(f"{server_url}/sparql").status_code == 400
    bad = httpx.post(f"{server_url}/sparql", content="x", headers={"content-type": "text/plain"})
    assert bad.status_code == 400 and "unsupported content type" in bad.json()["message"]


def test_unacceptable_format_is_406(server_url: str) -> None:
    response = httpx.get(f"{server_url}/sparql", params={"query": COUNT}, headers={"accept": "image/png"})
    assert response.status_code == 406


def test_named_graph_restriction(server_url: str) -> None:
    response = httpx.get(
        f"{server_url}/sparql",
        params={"query": COUNT, "default-graph-uri": "https://w3id.org/ccg-graph/id/graph/core"},
    )
    assert response.json()["results"]["bindings"][0]["n"]["value"] == "0"
