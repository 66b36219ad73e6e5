"""Real clients against a running server, every format each offers: SPARQLWrapper (GET and POST, updates with
a token), rdflib's SPARQLStore and SPARQLUpdateStore, and curl.

The expected answers are read from the same server over plain HTTP in the test (SPARQL JSON results and
N-Triples), so each client is compared with what the server says, not with copied numbers.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from ccg_graph.core.config import Settings
from ccg_graph.national.build import build
from tests.conftest import start_server, stop_server

TOKEN = "client-matrix-token-2f6e"
SELECT = "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s) && isIRI(?o)) } ORDER BY ?s ?p ?o LIMIT 20"
CONSTRUCT = (
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s) && isIRI(?o)) } ORDER BY ?s ?p ?o LIMIT 20"
)
METHODS = ["GET", "POST"]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    build_dir: Path = tmp_path_factory.mktemp("client-matrix") / "build"
    build(Settings(build_dir=build_dir), national=False)
    process, url = start_server(build_dir, update_token=TOKEN)
    yield url
    stop_server(process)


def _expected_rows(url: str) -> list[tuple[str, str, str]]:
    answer = httpx.get(f"{url}/sparql", params={"query": SELECT}, headers={"Accept": "application/sparql-results+json"})
    rows = [tuple(b[v]["value"] for v in ("s", "p", "o")) for b in answer.json()["results"]["bindings"]]
    assert len(rows) == 20
    return rows  # type: ignore[return-value]


def _expected_graph(url: str) -> Graph:
    answer = httpx.get(f"{url}/sparql", params={"query": CONSTRUCT}, headers={"Accept": "application/n-triples"})
    graph = Graph().parse(data=answer.text, format="nt")
    assert len(graph) == 20
    return graph


def _wrapper(url: str, method: str, fmt: str, query: str) -> SPARQLWrapper:
    wrapper = SPARQLWrapper(f"{url}/sparql")
    wrapper.setMethod(method)
    wrapper.setReturnFormat(fmt)
    wrapper.setQuery(query)
    return wrapper


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select(endpoint: str, method: str, fmt: str) -> None:
    expected = _expected_rows(endpoint)
    result = _wrapper(endpoint, method, fmt, SELECT).query()
    converted: Any = result.convert()
    if fmt == JSON:
        rows = [tuple(b[v]["value"] for v in ("s", "p", "o")) for b in converted["results"]["bindings"]]
    elif fmt == XML:
        rows = [
            tuple(
                binding.getElementsByTagName("uri")[0].firstChild.data for binding in r.getElementsByTagName("binding")
            )
            for r in converted.getElementsByTagName("result")
        ]
    elif fmt == CSV:
        rows = [tuple(r) for r in list(csv.reader(io.StringIO(converted.decode())))[1:]]
    else:
        lines = converted.decode().splitlines()
        assert lines[0].split("\t") == ["?s", "?p", "?o"]
        rows = [tuple(cell.strip("<>") for cell in line.split("\t")) for line in lines[1:]]
    assert rows == expected


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, JSONLD, XML, JSON])
def test_sparqlwrapper_construct(endpoint: str, method: str, fmt: str) -> None:
    expected = _expected_graph(endpoint)
    converted: Any = _wrapper(endpoint, method, fmt, CONSTRUCT).query().convert()
    if isinstance(converted, Graph):
        graph = converted
    elif isinstance(converted, bytes | str):
        syntax = {TURTLE: "turtle", N3: "n3", JSONLD: "json-ld", JSON: "json-ld"}[fmt]
        graph = Graph().parse(data=converted, format=syntax)
    elif isinstance(converted, dict | list):
        graph = Graph().parse(data=json.dumps(converted), format="json-ld")
    else:  # an XML DOM document of RDF/XML
        graph = Graph().parse(data=converted.toxml(), format="xml")
    assert set(graph) == set(expected)


def test_sparqlwrapper_update_with_a_token(endpoint: str) -> None:
    wrapper = SPARQLWrapper(f"{endpoint}/sparql", updateEndpoint=f"{endpoint}/sparql/update")
    wrapper.setMethod(POST)
    wrapper.addCustomHttpHeader("Authorization", f"Bearer {TOKEN}")
    wrapper.setQuery(
        "INSERT DATA { GRAPH <http://example.org/clients/w> { <http://example.org/w> <http://e/p> 'wrapper' } }"
    )
    assert wrapper.query().response.status == 204
    check = _wrapper(endpoint, "GET", JSON, "ASK { GRAPH <http://example.org/clients/w> { ?s ?p 'wrapper' } }")
    answer: Any = check.query().convert()
    assert answer["boolean"] is True


def test_sparqlwrapper_update_without_a_token_is_refused(endpoint: str) -> None:
    wrapper = SPARQLWrapper(f"{endpoint}/sparql", updateEndpoint=f"{endpoint}/sparql/update")
    wrapper.setMethod(POST)
    wrapper.setQuery("INSERT DATA { <http://example.org/x> <http://example.org/p> 1 }")
    with pytest.raises(Exception, match="Unauthorized"):
        wrapper.query()


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("return_format", ["json", "xml", "csv", "tsv"])
def test_rdflib_sparqlstore(endpoint: str, method: str, return_format: str) -> None:
    expected = _expected_rows(endpoint)
    graph = Graph(store=SPARQLStore(f"{endpoint}/sparql", returnFormat=return_format, method=method))
    solutions: Any = graph.query(SELECT)
    rows = [tuple(str(term) for term in row) for row in solutions]
    assert rows == expected


@pytest.mark.parametrize("method", METHODS)
def test_rdflib_sparqlstore_construct(endpoint: str, method: str) -> None:
    """rdflib asks for RDF/XML beside SPARQL XML with returnFormat 'xml' (with 'json' it accepts only SPARQL JSON
    results, which a CONSTRUCT cannot be: 406)."""
    graph = Graph(store=SPARQLStore(f"{endpoint}/sparql", returnFormat="xml", method=method))
    assert set(graph.query(CONSTRUCT)) == set(_expected_graph(endpoint))


def test_rdflib_sparqlupdatestore(endpoint: str) -> None:
    store = SPARQLUpdateStore(
        f"{endpoint}/sparql", f"{endpoint}/sparql/update", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    graph = Graph(store=store, identifier=URIRef("http://example.org/clients/rdflib"))
    subject = URIRef("http://example.org/rdflib")
    graph.add((subject, URIRef("http://example.org/p"), Literal("sparqlupdatestore")))
    assert graph.value(subject, URIRef("http://example.org/p")) == Literal("sparqlupdatestore")
    graph.remove((subject, None, None))
    assert graph.value(subject, URIRef("http://example.org/p")) is None


def _curl(*arguments: str) -> subprocess.CompletedProcess[bytes]:
    curl = shutil.which("curl")
    if curl is None:
        pytest.fail("curl is not installed (apt-get install curl)")
    return subprocess.run(
        [curl, "--silent", "--show-error", "--fail-with-body", *arguments], capture_output=True, timeout=60
    )


@pytest.mark.parametrize(
    ("accept", "check"),
    [
        ("application/sparql-results+json", lambda body: len(json.loads(body)["results"]["bindings"]) == 20),
        ("application/sparql-results+xml", lambda body: body.count(b"<result>") == 20),
        ("text/csv", lambda body: len(body.decode().splitlines()) == 21),
        ("text/tab-separated-values", lambda body: len(body.decode().splitlines()) == 21),
    ],
)
def test_curl_query(endpoint: str, accept: str, check) -> None:
    by_get = _curl("--get", "--data-urlencode", f"query={SELECT}", "-H", f"Accept: {accept}", f"{endpoint}/sparql")
    assert by_get.returncode == 0 and check(by_get.stdout), by_get.stderr
    by_post = _curl(
        "--data-binary",
        SELECT,
        "-H",
        "Content-Type: application/sparql-query",
        "-H",
        f"Accept: {accept}",
        f"{endpoint}/sparql",
    )
    assert by_post.returncode == 0 and check(by_post.stdout), by_post.stderr


def test_curl_graph_store_and_update(endpoint: str) -> None:
    graph = "http://example.org/clients/curl"
    put = _curl(
        "-X",
        "PUT",
        "--data-binary",
        "<http://example.org/c> <http://example.org/p> <http://e/o> .",
        "-H",
        "Content-Type: text/turtle",
        "-H",
        f"Authorization: Bearer {TOKEN}",
        f"{endpoint}/store?graph={graph}",
    )
    assert put.returncode == 0, put.stdout + put.stderr
    update = _curl(
        "--data-urlencode",
        f"update=DELETE DATA {{ GRAPH <{graph}> {{ <http://example.org/c> <http://example.org/p> <http://e/o> }} }}",
        "-H",
        f"Authorization: Bearer {TOKEN}",
        f"{endpoint}/sparql/update",
    )
    assert update.returncode == 0, update.stdout + update.stderr
    ask = f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    read = _curl(
        "--get",
        "--data-urlencode",
        f"query={ask}",
        "-H",
        "Accept: application/sparql-results+json",
        f"{endpoint}/sparql",
    )
    assert read.returncode == 0 and json.loads(read.stdout)["boolean"] is False, read.stdout
    refused = _curl("--data-binary", "@-", "-H", "Content-Type: application/ld+json", f"{endpoint}/validate")
    assert refused.returncode != 0
