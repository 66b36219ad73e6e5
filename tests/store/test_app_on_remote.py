"""The app on a remote store: `create_app` with ``store = "sparql"`` serves /sparql and /store from the server."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ccg_graph.api import create_app
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
