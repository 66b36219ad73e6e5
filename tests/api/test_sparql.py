"""The SPARQL 1.1 Query protocol over HTTP against a real `ccg-graph serve` process on the national graph."""

from __future__ import annotations

import csv
import io
import json

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph

COUNT = (
    "PREFIX ccg: <https://w3id.org/ccg-graph/def#> SELECT (COUNT(?c) AS ?n) WHERE "
    "{ ?c a ccg:ClinicalCommissioningGroup }"
)
NAMES = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "SELECT ?name WHERE { <https://w3id.org/ccg-graph/id/ccg/00C> skos:prefLabel ?name }"
)
DESCRIBE = "DESCRIBE <https://w3id.org/ccg-graph/id/ccg/00C>"


def test_healthz(server_url: str) -> None:
    body = httpx.get(f"{server_url}/healthz").json()
    assert body["status"] == "ok" and body["quads"] > 500_000 and body["release"] == "store"


def test_select_get_returns_sparql_json(server_url: str) -> None:
    response = httpx.get(f"{server_url}/sparql", params={"query": COUNT})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert response.json()["results"]["bindings"][0]["n"] == {
        "type": "literal",
        "value": "248",
        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
    }
    assert response.headers["x-result-truncated"] == "false" and response.headers["x-result-rows"] == "1"


def test_select_post_form_and_direct_agree(server_url: str) -> None:
    form = httpx.post(f"{server_url}/sparql", data={"query": COUNT})
    direct = httpx.post(f"{server_url}/sparql", content=COUNT, headers={"content-type": "application/sparql-query"})
    assert form.status_code == direct.status_code == 200
    assert form.json() == direct.json()


@pytest.mark.parametrize(
    ("accept", "results_format"),
    [
        ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ],
)
def test_every_result_format_parses_to_the_same_solutions(
    server_url: str, accept: str, results_format: ox.QueryResultsFormat
) -> None:
    query = NAMES[: NAMES.index("SELECT")] + (
        "SELECT ?s ?name WHERE { VALUES ?s { <https://w3id.org/ccg-graph/id/ccg/00C> } ?s skos:prefLabel ?name }"
    )
    response = httpx.get(f"{server_url}/sparql", params={"query": query}, headers={"accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
    solutions = list(ox.parse_query_results(response.content, format=results_format))
    assert len(solutions) == 1
    assert "DARLINGTON" in solutions[0]["name"].value.upper()
    assert solutions[0]["s"] == ox.NamedNode("https://w3id.org/ccg-graph/id/ccg/00C")


def test_csv_results_follow_rfc_4180(server_url: str) -> None:
    query = 'SELECT ?a ?b WHERE { VALUES (?a ?b) { ("x, \\"quoted\\"" <http://example.org/i>) } }'
    response = httpx.get(f"{server_url}/sparql", params={"query": query}, headers={"accept": "text/csv"})
    assert response.content == b'a,b\r\n"x, ""quoted""",http://example.org/i\r\n'


def test_format_parameter_overrides_accept(server_url: str) -> None:
    response = httpx.get(
        f"{server_url}/sparql", params={"query": COUNT, "format": "csv"}, headers={"accept": "application/json"}
    )
    assert response.headers["content-type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(response.text))) == [["n"], ["248"]]


def test_ask_in_json_and_xml(server_url: str) -> None:
    ask = httpx.get(f"{server_url}/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert ask.json() == {"head": {}, "boolean": True}
    xml = httpx.get(
        f"{server_url}/sparql",
        params={"query": "ASK { <http://example.org/nothing> ?p ?o }"},
        headers={"accept": "application/sparql-results+xml"},
    )
    assert bool(ox.parse_query_results(xml.content, format=ox.QueryResultsFormat.XML)) is False


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/trig", "trig"),
        ("application/n-quads", "nquads"),
    ],
)
def test_describe_in_every_rdf_format_gives_the_same_graph(server_url: str, accept: str, rdflib_format: str) -> None:
    reference = httpx.get(
        f"{server_url}/sparql", params={"query": DESCRIBE}, headers={"accept": "application/n-triples"}
    )
    expected = Graph().parse(data=reference.text, format="nt")
    response = httpx.get(f"{server_url}/sparql", params={"query": DESCRIBE}, headers={"accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
    got = Graph()
    if rdflib_format in ("trig", "nquads"):
        from rdflib import Dataset

        dataset = Dataset()
        dataset.parse(data=response.text, format=rdflib_format)
        for s, p, o, _ in dataset.quads():
            got.add((s, p, o))
    else:
        got.parse(data=response.text, format=rdflib_format)
    assert len(expected) > 10
    assert set(got) == set(expected)


def test_malformed_query_is_400_with_the_parser_position(server_url: str) -> None:
    response = httpx.get(f"{server_url}/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    message = response.json()["message"]
    assert "syntax" in message.lower() and "1:" in message


def test_protocol_errors(server_url: str) -> None:
    two = httpx.get(f"{server_url}/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert two.status_code == 400 and "exactly one" in two.json()["message"]
    plain = httpx.post(f"{server_url}/sparql", content="ASK {}", headers={"content-type": "text/plain"})
    assert plain.status_code == 415
    untyped = httpx.post(f"{server_url}/sparql", content=b"ASK {}", headers={"content-type": ""})
    assert untyped.status_code == 400
    utf16 = httpx.post(
        f"{server_url}/sparql",
        content="ASK {}".encode("utf-16"),
        headers={"content-type": "application/sparql-query; charset=UTF-16"},
    )
    assert utf16.status_code == 400 and "UTF-8" in utf16.json()["message"]
    update_by_get = httpx.get(f"{server_url}/sparql", params={"update": "CLEAR ALL"})
    assert update_by_get.status_code == 400
    assert httpx.put(f"{server_url}/sparql", params={"query": "ASK {}"}).status_code == 405


def test_unacceptable_format_is_406(server_url: str) -> None:
    response = httpx.get(f"{server_url}/sparql", params={"query": COUNT}, headers={"accept": "image/png"})
    assert response.status_code == 406
    assert "available" in response.json()["message"]


def test_default_and_named_graph_uris(server_url: str) -> None:
    core = "https://w3id.org/ccg-graph/id/graph/core"
    restricted = httpx.get(f"{server_url}/sparql", params={"query": COUNT, "default-graph-uri": core})
    assert restricted.json()["results"]["bindings"][0]["n"]["value"] == "0"
    graphs = httpx.get(
        f"{server_url}/sparql",
        params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": core},
    )
    assert [b["g"]["value"] for b in graphs.json()["results"]["bindings"]] == [core]


def test_service_description(server_url: str) -> None:
    response = httpx.get(f"{server_url}/sparql", headers={"accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    endpoint = f"{server_url}/sparql"
    answer = graph.query(
        """PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
        ASK { ?service a sd:Service ; sd:endpoint ?endpoint ; sd:supportedLanguage sd:SPARQL11Query ;
              sd:feature sd:UnionDefaultGraph ; sd:defaultDataset [ sd:namedGraph [ sd:name ?g ] ] }""",
        initBindings={"endpoint": __import__("rdflib").URIRef(endpoint)},
    )
    assert answer.askAnswer
    as_jsonld = httpx.get(f"{server_url}/sparql", headers={"accept": "application/ld+json"})
    assert json.loads(as_jsonld.text)


def test_large_results_stream_completely(server_url: str) -> None:
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 60000"
    with httpx.stream("GET", f"{server_url}/sparql", params={"query": query, "format": "tsv"}, timeout=60) as response:
        assert response.status_code == 200
        lines = sum(chunk.count(b"\n") for chunk in response.iter_bytes())
    assert lines == 60001


def test_a_browser_on_the_endpoint_gets_the_query_page(server_url: str) -> None:
    page = httpx.get(f"{server_url}/sparql", headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<textarea" in page.text and 'action="sparql"' in page.text.replace("'", '"')
    rdf = httpx.get(f"{server_url}/sparql", headers={"accept": "text/turtle, text/html;q=0.5"})
    assert rdf.headers["content-type"].startswith("text/turtle")
