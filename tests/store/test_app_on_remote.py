"""The app on a remote store: `create_app` with ``store = "sparql"`` serves /sparql and /store from the server."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ccg_graph.api import create_app
from ccg_graph.execution.framing import Complete, QueryJob
from ccg_graph.execution.worker import evaluate
from ccg_graph.store import EmbeddedStore
from ccg_graph.store.remote import SparqlStore
from tests.store.servers import ServerProcess

TOKEN = "remote-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.mark.parametrize("backend", ["oxigraph", "virtuoso"])
def test_sparql_and_graph_store_routes(
    request: pytest.FixtureRequest, backend: str, core_dump: Path, remote_stores: dict
) -> None:
    from tests.store.conftest import remote_store

    remote_store(request, backend, core_dump)  # the server holds the core build
    server: ServerProcess = request.getfixturevalue(f"{backend}_process")
    settings = server.settings(update_token=TOKEN, query_workers=2)
    with TestClient(create_app(settings)) as client:
        assert isinstance(client.app.state.store, SparqlStore)  # type: ignore[attr-defined]
        query = "SELECT (COUNT(?x) AS ?n) WHERE { ?x a <https://w3id.org/ccg-graph/def#NHSEngland> }"
        answer = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
        assert answer.status_code == 200, answer.text
        assert answer.json()["results"]["bindings"][0]["n"]["value"] == "1"
        csv = client.post("/sparql", data={"query": query}, headers={"Accept": "text/csv"})
        assert csv.text.splitlines() == ["n", "1"]

        graph = f"http://example.org/ccg-graph-test/app/{uuid.uuid4()}"
        body = '<http://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "written through the app" .\n'
        put = client.put(
            "/store", params={"graph": graph}, content=body, headers={"Content-Type": "text/turtle", **AUTH}
        )
        assert put.status_code == 201, put.text
        assert put.headers["X-Release"].startswith("remote/")
        read = client.get("/store", params={"graph": graph}, headers={"Accept": "application/n-triples"})
        assert read.status_code == 200 and "written through the app" in read.text
        label = "<http://www.w3.org/2000/01/rdf-schema#label>"
        update = f'INSERT DATA {{ GRAPH <{graph}> {{ <http://example.org/b> {label} "by update" }} }}'
        assert (
            client.post(
                "/sparql", content=update, headers={"Content-Type": "application/sparql-update", **AUTH}
            ).status_code
            == 204
        )
        ask = client.get(
            "/sparql",
            params={"query": 'ASK { ?s ?p "by update" }'},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert ask.json()["boolean"] is True
        assert client.delete("/store", params={"graph": graph}, headers=AUTH).status_code == 204
        assert client.get("/store", params={"graph": graph}).status_code == 404


ORDERED = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?s ?label"


def test_relayed_answers_keep_the_routes_promises(
    request: pytest.FixtureRequest, core_dump: Path, remote_stores: dict, embedded_core: EmbeddedStore
) -> None:
    """On `oxigraph serve`, /sparql answers a SELECT with the server's bytes: the embedded store's answer, with
    the row count, the cap, the ETag and its 304, and the server's refusal as a 400 with its reason."""
    from tests.store.conftest import remote_store

    remote_store(request, "oxigraph", core_dump)
    server: ServerProcess = request.getfixturevalue("oxigraph_process")
    total = len(list(embedded_core.query(ORDERED).solutions or ()))
    with TestClient(create_app(server.settings(max_result_rows=total - 1))) as client:
        for media in ("application/sparql-results+json", "application/sparql-results+xml"):
            full = QueryJob(ORDERED, media, row_cap=total)
            [expected] = list(evaluate(embedded_core, full))
            assert isinstance(expected, Complete)
            with TestClient(create_app(server.settings(max_result_rows=total))) as uncapped:
                answer = uncapped.get("/sparql", params={"query": ORDERED}, headers={"Accept": media})
            assert answer.status_code == 200, answer.text
            assert answer.content == expected.body
            assert answer.headers["X-Result-Rows"] == str(total) and answer.headers["X-Result-Truncated"] == "false"
            capped = client.get("/sparql", params={"query": ORDERED}, headers={"Accept": media})
            [expected_capped] = list(evaluate(embedded_core, QueryJob(ORDERED, media, row_cap=total - 1)))
            assert isinstance(expected_capped, Complete)
            assert capped.headers["X-Result-Truncated"] == "true"
            assert capped.headers["X-Result-Rows"] == str(total - 1)
            assert capped.content == expected_capped.body
            etag = capped.headers["ETag"]
            again = client.get("/sparql", params={"query": ORDERED}, headers={"Accept": media, "If-None-Match": etag})
            assert again.status_code == 304 and again.headers["ETag"] == etag
        refused = client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p }"})
        assert refused.status_code == 400 and "the SPARQL server answered 400" in refused.text
        posted = client.post("/sparql", data={"query": ORDERED}, headers={"Accept": "text/csv"})
        assert posted.status_code == 200 and "ETag" not in posted.headers
        assert len(posted.text.splitlines()) == total  # the header and the cap's rows
