"""Federated queries: SERVICE only to allow-listed endpoints, answered through SPARQLWrapper, for real.

Three real processes on the loopback: the national ccg-graph (`server_url`), a second ccg-graph on the core
graph that is allowed to call it, and an `oxigraph serve` that calls ccg-graph with its own SERVICE client.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ccg_graph.core.config import Settings
from ccg_graph.core.errors import BadQuery
from ccg_graph.national.build import build
from ccg_graph.sparql.federation import ServiceNotAllowed, check_allowed, find_service_clauses, values_block
from tests.conftest import free_port, start_server, stop_server

CCG = "https://w3id.org/ccg-graph/def#ClinicalCommissioningGroup"
SKOS = "http://www.w3.org/2004/02/skos/core#"


# -- finding SERVICE clauses --------------------------------------------------------------------------------


def test_clauses_are_found_outside_strings_comments_and_iris() -> None:
    query = """PREFIX ex: <http://remote.example/>
    # SERVICE <http://in-a-comment/> { }
    SELECT * WHERE {
      ?s ?p "SERVICE <http://in-a-string/> { }" .
      SERVICE SILENT ex:sparql { ?s ?p ?o { ?o ?q ?r } }
      ?s <http://example.org/SERVICE> ?x .
    }"""
    clauses = find_service_clauses(query)
    assert [(c.endpoint, c.silent) for c in clauses] == [("http://remote.example/sparql", True)]
    assert clauses[0].body.strip() == "?s ?p ?o { ?o ?q ?r }"


def test_unlisted_endpoint_and_variable_endpoint_are_refused() -> None:
    with pytest.raises(ServiceNotAllowed, match=r"169\.254\.169\.254"):
        check_allowed("SELECT * { SERVICE <http://169.254.169.254/latest> { ?s ?p ?o } }", ())
    with pytest.raises(BadQuery, match="variable"):
        check_allowed("SELECT * { SERVICE ?endpoint { ?s ?p ?o } }", ("http://a/",))
    assert check_allowed("SELECT * { SERVICE <http://a/sparql/> { ?s ?p ?o } }", ("http://a/sparql",))


def test_remote_answers_become_values_with_undef_and_typed_literals() -> None:
    block = values_block(
        {
            "head": {"vars": ["a", "b"]},
            "results": {
                "bindings": [
                    {"a": {"type": "uri", "value": "http://x/1"}},
                    {"b": {"type": "literal", "value": "7", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}},
                ]
            },
        }
    )
    assert "(<http://x/1> UNDEF)" in block
    assert '(UNDEF "7"^^<http://www.w3.org/2001/XMLSchema#integer>)' in block


# -- for real, between processes ----------------------------------------------------------------------------


def test_service_is_refused_by_default(server_url: str) -> None:
    query = f"SELECT * WHERE {{ SERVICE <{server_url}/sparql> {{ ?s ?p ?o }} }} LIMIT 1"
    response = httpx.get(f"{server_url}/sparql", params={"query": query})
    assert response.status_code == 403 and "allow-list" in response.json()["message"]


@pytest.fixture(scope="module")
def federating_server(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    build_dir = tmp_path_factory.mktemp("federating") / "build"
    build(Settings(build_dir=build_dir), national=False)
    process, url = start_server(build_dir, service_allow=f"{server_url}/sparql")
    yield url
    stop_server(process)


def test_allowed_service_joins_remote_and_local_data(server_url: str, federating_server: str) -> None:
    query = f"""PREFIX skos: <{SKOS}>
    SELECT ?name ?scheme WHERE {{
      SERVICE <{server_url}/sparql> {{ <https://w3id.org/ccg-graph/id/ccg/00C> skos:prefLabel ?name }}
      OPTIONAL {{ <https://w3id.org/ccg-graph/id/service/primary-medical-care> skos:inScheme ?scheme }}
    }}"""
    response = httpx.get(f"{federating_server}/sparql", params={"query": query}, timeout=30)
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    assert rows and all("Darlington" in row["name"]["value"] for row in rows)
    assert all("scheme" in row for row in rows), "the local part of the join must bind too"
    elsewhere = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{free_port()}/sparql> {{ ?s ?p ?o }} }}"
    assert httpx.get(f"{federating_server}/sparql", params={"query": elsewhere}).status_code == 403


def test_silent_service_to_a_dead_endpoint_is_an_empty_join(federating_server: str, server_url: str) -> None:
    # allowed, but answers nothing useful: query a path that is not an endpoint on the allowed server
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ SERVICE SILENT <{server_url}/sparql> {{ ?s ?p }} }}"
    response = httpx.get(f"{federating_server}/sparql", params={"query": query}, timeout=30)
    assert response.status_code == 200
    assert response.json()["results"]["bindings"][0]["n"]["value"] == "1"
    loud = query.replace("SILENT ", "")
    failed = httpx.get(f"{federating_server}/sparql", params={"query": loud}, timeout=30)
    assert failed.status_code == 502 and "failed" in failed.json()["message"]


@pytest.fixture(scope="module")
def oxigraph_server() -> Iterator[str]:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).exists():
        pytest.fail("the `oxigraph` command is missing: install the test extras (pip install -e '.[test]')")
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve", "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(f"{url}/query", params={"query": "ASK {}"}, timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("oxigraph serve did not start")
    yield url
    process.terminate()
    process.wait(10)


def test_oxigraph_service_clause_gets_correct_answers_from_ccg_graph(oxigraph_server: str, server_url: str) -> None:
    query = f"""SELECT (COUNT(?c) AS ?n) WHERE {{
      SERVICE <{server_url}/sparql> {{ ?c a <{CCG}> }}
    }}"""
    response = httpx.get(
        f"{oxigraph_server}/query",
        params={"query": query},
        headers={"accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"][0]["n"]["value"] == "248"
