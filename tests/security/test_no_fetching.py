"""Inputs that name a URL to fetch — SERVICE, LOAD, a JSON-LD @context, owl:imports, XML external entities.

The loopback canary (`canary`) records any request; the `unchanged` fixture asserts it received none.
"""

from __future__ import annotations

import httpx
import pytest

from tests.security.conftest import AUTH, Canary, assert_clear_4xx, post_update, put_graph, store_state

TARGETS = ["canary", "http://169.254.169.254/latest/meta-data/", "file:///etc/passwd", "http://[::1]:9/"]


def _target(canary: Canary, target: str) -> str:
    return f"{canary.url}/sparql" if target == "canary" else target


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("target", TARGETS)
def test_service_in_a_query(client: httpx.Client, canary: Canary, target: str) -> None:
    query = f"SELECT * WHERE {{ SERVICE <{_target(canary, target)}> {{ ?s ?p ?o }} }}"
    response = client.get("/sparql", params={"query": query})
    assert_clear_4xx(response, 403)
    assert "allow-list" in response.json()["message"]


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("target", TARGETS)
def test_service_silent_is_refused_too(client: httpx.Client, canary: Canary, target: str) -> None:
    query = f"SELECT * WHERE {{ SERVICE SILENT <{_target(canary, target)}> {{ ?s ?p ?o }} }}"
    assert_clear_4xx(client.get("/sparql", params={"query": query}), 403)


@pytest.mark.usefixtures("unchanged")
def test_service_through_a_prefixed_name(client: httpx.Client, canary: Canary) -> None:
    query = f"PREFIX x: <{canary.url}/> SELECT * WHERE {{ SERVICE x:sparql {{ ?s ?p ?o }} }}"
    assert_clear_4xx(client.get("/sparql", params={"query": query}), 403)


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("target", TARGETS)
def test_service_in_an_update(client: httpx.Client, canary: Canary, target: str) -> None:
    update = (
        f"INSERT {{ GRAPH <http://e/g> {{ ?s ?p ?o }} }} WHERE {{ SERVICE <{_target(canary, target)}> {{ ?s ?p ?o }} }}"
    )
    response = post_update(client, update)
    assert_clear_4xx(response, 403)


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("target", TARGETS)
def test_load(client: httpx.Client, canary: Canary, target: str) -> None:
    for update in (
        f"LOAD <{_target(canary, target)}>",
        f"LOAD SILENT <{_target(canary, target)}> INTO GRAPH <http://e/g>",
    ):
        response = post_update(client, update)
        assert_clear_4xx(response, 403)


@pytest.mark.usefixtures("unchanged")
def test_from_clause_is_not_fetched(client: httpx.Client, canary: Canary) -> None:
    """FROM names a graph of the dataset; it is never dereferenced (no such graph: no answers)."""
    response = client.get("/sparql", params={"query": f"SELECT * FROM <{canary.url}/data> WHERE {{ ?s ?p ?o }}"})
    assert response.status_code == 200
    assert response.json()["results"]["bindings"] == []


@pytest.mark.usefixtures("unchanged")
def test_using_clause_is_not_fetched(client: httpx.Client, canary: Canary) -> None:
    update = f"INSERT {{ GRAPH <http://e/g> {{ ?s ?p ?o }} }} USING <{canary.url}/data> WHERE {{ ?s ?p ?o }}"
    response = post_update(client, update)
    assert response.status_code == 204  # nothing matched, so nothing changed
    assert response.headers["X-Changes-Added"] == "0"


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("context", ["canary", "file:///etc/passwd"])
def test_jsonld_remote_context(client: httpx.Client, canary: Canary, context: str) -> None:
    url = f"{canary.url}/context.jsonld" if context == "canary" else context
    body = f'{{"@context": "{url}", "@id": "http://example.org/a", "name": "A"}}'.encode()
    response = put_graph(client, "http://example.org/jsonld", body, "application/ld+json")
    assert_clear_4xx(response, 400)


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("entity", ["canary", "file:///etc/passwd"])
def test_xml_external_entity(client: httpx.Client, canary: Canary, entity: str) -> None:
    url = f"{canary.url}/xxe" if entity == "canary" else entity
    body = f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY xxe SYSTEM "{url}"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://example.org/">
  <rdf:Description rdf:about="http://example.org/a"><e:p>&xxe;</e:p></rdf:Description>
</rdf:RDF>""".encode()
    response = put_graph(client, "http://example.org/xxe", body, "application/rdf+xml")
    assert_clear_4xx(response, 400)
    assert "root:" not in response.text


@pytest.mark.usefixtures("unchanged")
def test_xml_parameter_entity(client: httpx.Client, canary: Canary) -> None:
    body = f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY % remote SYSTEM "{canary.url}/dtd"> %remote; ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>""".encode()
    response = put_graph(client, "http://example.org/xxe", body, "application/rdf+xml")
    assert_clear_4xx(response, 400)


@pytest.mark.usefixtures("unchanged")
def test_billion_laughs(client: httpx.Client) -> None:
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    body = f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY l0 "ha"> {entities} ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://example.org/">
  <rdf:Description rdf:about="http://example.org/a"><e:p>&l9;</e:p></rdf:Description>
</rdf:RDF>""".encode()
    response = put_graph(client, "http://example.org/laughs", body, "application/rdf+xml")
    assert_clear_4xx(response, 400)


def test_owl_imports_is_data_not_a_fetch(client: httpx.Client, canary: Canary) -> None:
    """owl:imports in submitted data is stored as the triple it is; the shapes gate never follows it.

    The one hostile input here that is valid data: the write is accepted (so the store changes by exactly
    the one triple sent and the basis of the graph it creates: its ccg:basis, and the basis of
    id:graph/writes that states it), and then removed again, and the canary saw nothing.
    """
    canary.requests.clear()
    quads, _ = store_state(client)
    graph = "http://example.org/imports"
    body = f"<http://example.org/onto> <http://www.w3.org/2002/07/owl#imports> <{canary.url}/onto.ttl> .".encode()
    response = put_graph(client, graph, body, "application/n-triples")
    assert response.status_code == 201, response.text
    assert store_state(client)[0] == quads + 1 + 2
    assert client.delete("/store", params={"graph": graph}, headers=AUTH).status_code == 204
    assert store_state(client)[0] == quads
    assert canary.requests == []
