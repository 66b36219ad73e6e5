"""Real clients against a running server, every format each offers: SPARQLWrapper (GET and POST, updates with
a token), rdflib's SPARQLStore and SPARQLUpdateStore, curl, and Oxigraph's SERVICE (`oxigraph serve` and
pyoxigraph evaluating a query that asks this server for its triples). YASGUI in headless Chromium is in
tests/browser/test_yasgui_client_matrix.py, beside the browser fixtures.

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
import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from rdflib.query import Result
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from ccg_graph.core.config import Settings
from ccg_graph.national.build import build
from tests.conftest import start_server, stop_server
from tests.test_federation import oxigraph_server  # noqa: F401 (the fixture: `oxigraph serve`, empty, on loopback)

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


# -- Oxigraph's SERVICE: a query run by Oxigraph that asks this server for part of its answer ---------------

#: What Oxigraph writes a query's answer in (`oxigraph serve` by Accept; pyoxigraph by `serialize`), and how
#: rdflib reads each back for the comparison.
OXIGRAPH_RESULTS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
OXIGRAPH_GRAPHS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/n-quads": "nquads",
    "application/trig": "trig",
    "text/n3": "n3",
    "application/ld+json": "json-ld",
}


def _service(url: str, form: str) -> str:
    """The matrix query asked of this server through SERVICE, inside a query Oxigraph evaluates."""
    outer = "SELECT ?s ?p ?o" if form == "SELECT" else "CONSTRUCT { ?s ?p ?o }"
    return f"{outer} WHERE {{ SERVICE <{url}/sparql> {{ {SELECT} }} }} ORDER BY ?s ?p ?o"


def _rows_from(content: bytes, syntax: str) -> list[tuple[str, str, str]]:
    result = Result.parse(io.BytesIO(content), format=syntax)
    rows: list[tuple[str, str, str]] = []
    for row in result:
        s, p, o = (str(term) for term in row)  # type: ignore[union-attr]
        rows.append((s, p, o))
    return rows


def _graph_from(content: bytes, syntax: str) -> Graph:
    if syntax in ("nquads", "trig"):
        dataset = Dataset()
        dataset.parse(data=content, format=syntax)
        graph = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            graph.add((s, p, o))
        return graph
    return Graph().parse(data=content, format=syntax)


def _ask_oxigraph(oxigraph: str, method: str, query: str, accept: str) -> httpx.Response:
    headers = {"Accept": accept}
    if method == "GET":
        response = httpx.get(f"{oxigraph}/query", params={"query": query}, headers=headers, timeout=120)
    else:
        response = httpx.post(f"{oxigraph}/query", data={"query": query}, headers=headers, timeout=120)
    assert response.status_code == 200, f"Oxigraph answered {response.status_code}: {response.text[:300]}"
    return response


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("accept", sorted(OXIGRAPH_RESULTS))
def test_oxigraph_serve_service_select(endpoint: str, oxigraph_server: str, method: str, accept: str) -> None:  # noqa: F811
    answer = _ask_oxigraph(oxigraph_server, method, _service(endpoint, "SELECT"), accept)
    assert _rows_from(answer.content, OXIGRAPH_RESULTS[accept]) == _expected_rows(endpoint)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("accept", sorted(OXIGRAPH_GRAPHS))
def test_oxigraph_serve_service_construct(endpoint: str, oxigraph_server: str, method: str, accept: str) -> None:  # noqa: F811
    answer = _ask_oxigraph(oxigraph_server, method, _service(endpoint, "CONSTRUCT"), accept)
    graph = _graph_from(answer.content, OXIGRAPH_GRAPHS[accept])
    assert isomorphic(graph, _expected_graph(endpoint))


@pytest.mark.parametrize("fmt", ["JSON", "XML", "CSV", "TSV"])
def test_pyoxigraph_service_select(endpoint: str, fmt: str) -> None:
    solutions = ox.Store().query(_service(endpoint, "SELECT"))
    assert isinstance(solutions, ox.QuerySolutions)
    content = solutions.serialize(format=getattr(ox.QueryResultsFormat, fmt))
    assert content is not None
    assert _rows_from(content, fmt.lower()) == _expected_rows(endpoint)


@pytest.mark.parametrize("fmt", ["TURTLE", "N_TRIPLES", "RDF_XML", "N_QUADS", "TRIG", "N3", "JSON_LD"])
def test_pyoxigraph_service_construct(endpoint: str, fmt: str) -> None:
    triples = ox.Store().query(_service(endpoint, "CONSTRUCT"))
    assert isinstance(triples, ox.QueryTriples)
    syntax = getattr(ox.RdfFormat, fmt)
    content = triples.serialize(format=syntax)
    assert content is not None
    assert isomorphic(_graph_from(content, OXIGRAPH_GRAPHS[syntax.media_type]), _expected_graph(endpoint))
