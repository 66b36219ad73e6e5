"""Replaying a manifest case against a running ccg-graph server, and judging each answer.

Paths are mapped the way the manifests ask ("replace this value with whatever path prefix is appropriate"):
``/sparql/`` is our SPARQL endpoint (queries and updates; ``/sparql/`` with the slash is served as is),
``/gsp`` our Graph Store endpoint ``/store`` and ``/gsp/<path>`` the direct graph identification space
``/store/graphs/<path>``. Every request carries the update token, as a client allowed to write would.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import httpx
from rdflib import Graph, Namespace, URIRef
from rdflib.compare import isomorphic

from tests.conformance.manifest import ExpectedResponse, ProtocolCase, Request

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SPARQL_RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"

#: rdflib parser names of the RDF media types a response may come in.
RDF_PARSERS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}
BOOLEAN_TYPES = ("application/sparql-results+json", "application/sparql-results+xml")
TABULAR_TYPES = (*BOOLEAN_TYPES, "text/csv", "text/tab-separated-values")
#: The manifest's "RDF" format: "expect one of: RDF/XML, Turtle, N-Triples, RDFa".
RDF_TYPES = ("application/rdf+xml", "text/turtle", "application/n-triples")


def map_path(path: str) -> str:
    if path.startswith("/sparql/"):
        return path
    if path.startswith("/gsp/"):
        return "/store/graphs/" + path.removeprefix("/gsp/")
    if path == "/gsp" or path.startswith("/gsp?"):
        return "/store" + path.removeprefix("/gsp")
    raise AssertionError(f"the manifest names a path this runner cannot map: {path}")


def media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _normalise_content_type(value: str) -> str:
    return value.replace(" ", "").lower()


def _boolean(response: httpx.Response) -> bool:
    kind = media_type(response)
    if kind == "application/sparql-results+json":
        document = response.json()
        assert isinstance(document.get("boolean"), bool), f"no boolean in the JSON results: {response.text[:300]}"
        return document["boolean"]
    root = ET.fromstring(response.content)
    element = root.find(f"{SPARQL_RESULTS_NS}boolean")
    assert element is not None and element.text in ("true", "false"), f"no boolean in the XML: {response.text[:300]}"
    return element.text == "true"


def _check_tabular(response: httpx.Response) -> None:
    kind = media_type(response)
    if kind == "application/sparql-results+json":
        document = response.json()
        assert "vars" in document.get("head", {}) and "bindings" in document.get("results", {}), response.text[:300]
    elif kind == "application/sparql-results+xml":
        root = ET.fromstring(response.content)
        assert root.find(f"{SPARQL_RESULTS_NS}results") is not None, response.text[:300]
    else:
        delimiter = "," if kind == "text/csv" else "\t"
        rows = list(csv.reader(io.StringIO(response.text), delimiter=delimiter))
        assert rows and rows[0], f"no header row in the {kind} results"


def parse_rdf(body: bytes | str, kind: str, base: str) -> Graph:
    parser = RDF_PARSERS.get(kind)
    assert parser is not None, f"{kind!r} is not an RDF media type this runner reads"
    return Graph().parse(data=body, format=parser, publicID=base)


def check_response(request: Request, response: httpx.Response, url: str) -> None:
    """Assert that `response` is what the manifest expects of `request`."""
    expected: ExpectedResponse = request.expected
    where = f"{request.method} {url}"
    assert expected.allows(response.status_code), (
        f"{where}: status {response.status_code}, expected {expected.describe()}: {response.text[:400]}"
    )
    kind = media_type(response)
    if expected.result_format == "boolean":
        assert kind in BOOLEAN_TYPES, f"{where}: a boolean result came as {kind!r}"
        answer = _boolean(response)
        if expected.boolean is not None:
            assert answer is expected.boolean, f"{where}: ASK answered {answer}, expected {expected.boolean}"
    elif expected.result_format == "tabular":
        assert kind in TABULAR_TYPES, f"{where}: a SELECT result came as {kind!r}"
        _check_tabular(response)
    elif expected.result_format == "RDF":
        assert kind in RDF_TYPES, f"{where}: an RDF result came as {kind!r}, expected one of {RDF_TYPES}"
        parse_rdf(response.content, kind, url)
    if expected.content_type is not None:
        got = response.headers.get("content-type", "")
        assert _normalise_content_type(got) == _normalise_content_type(expected.content_type), (
            f"{where}: Content-Type {got!r}, expected {expected.content_type!r}"
        )
    if expected.body is not None:
        kind_expected = (expected.content_type or "text/turtle").split(";", 1)[0].strip().lower()
        wanted = parse_rdf(expected.body, kind_expected, url)
        got_graph = parse_rdf(response.content, kind, url)
        assert isomorphic(wanted, got_graph), (
            f"{where}: the body is not isomorphic to the expected graph; got:\n{response.text[:800]}"
        )
    if expected.location_variable is not None:
        assert response.headers.get("location"), f"{where}: no Location header in the {response.status_code}"


def reset(client: httpx.Client, auth: dict[str, str]) -> None:
    """Empty the store through the protocol itself, so every case starts from the same (empty) state."""
    response = client.post(
        "/sparql/update", content=b"DROP ALL", headers={"content-type": "application/sparql-update", **auth}
    )
    assert response.status_code == 204, (
        f"could not reset the store with DROP ALL: {response.status_code} {response.text}"
    )


def load_graph_data(client: httpx.Client, case: ProtocolCase, auth: dict[str, str]) -> None:
    """Load each `ut:graphData` file into the named graph its label names (a Graph Store PUT)."""
    for data in case.graph_data:
        response = client.put(
            "/store",
            params={"graph": data.graph},
            content=data.file.read_bytes(),
            headers={"content-type": "application/n-triples", **auth},
        )
        assert response.status_code in (201, 204), f"loading {data.file.name}: {response.status_code} {response.text}"


def run_requests(client: httpx.Client, case: ProtocolCase, auth: dict[str, str]) -> None:
    variables: dict[str, str] = {}
    for request in case.requests:
        path, body = map_path(request.path), request.body
        for name, value in variables.items():
            path = path.replace(name, value)
            if body is not None:
                body = body.replace(name.encode(), value.encode())
        headers = {**dict(request.headers), **auth}
        response = client.request(request.method, path, content=body, headers=headers)
        check_response(request, response, f"{client.base_url}{path}".replace("//", "/").replace(":/", "://"))
        if request.expected.location_variable is not None:
            variables[request.expected.location_variable] = response.headers["location"]


# -- the service description tests (their manifest entries carry no requests) ----------------------------


def service_description(client: httpx.Client) -> tuple[httpx.Response, Graph]:
    response = client.get("/sparql/", headers={"accept": "text/turtle, application/rdf+xml;q=0.9"})
    assert response.status_code == 200, f"GET /sparql/ answered {response.status_code}: {response.text[:300]}"
    kind = media_type(response)
    return response, parse_rdf(response.content, kind, str(response.url))


def sd_returns_rdf(client: httpx.Client) -> None:
    response, graph = service_description(client)
    assert media_type(response) in RDF_PARSERS, f"the service description came as {media_type(response)!r}"
    assert len(graph) > 0, "the service description is empty"


def sd_has_endpoint_triple(client: httpx.Client) -> None:
    response, graph = service_description(client)
    endpoint = URIRef(str(response.url).split("?", 1)[0])
    services = set(graph.subjects(SD.endpoint, endpoint))
    assert services, f"no '?service sd:endpoint <{endpoint}>' triple in the service description"


#: The SPARQL 1.1 Service Description vocabulary (section 3): what each property's subject and object must be.
#: "iri" means any IRI; a class means the object must be typed with it or be one of its named instances.
SD_LANGUAGES = {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
SD_FEATURES = {SD.DereferencesURIs, SD.UnionDefaultGraph, SD.RequiresDataset, SD.EmptyGraphs, SD.BasicFederatedQuery}
SD_SERVICE_PROPERTIES = {
    SD.endpoint: "iri",
    SD.supportedLanguage: SD_LANGUAGES,
    SD.feature: SD_FEATURES,
    SD.resultFormat: "format",
    SD.inputFormat: "format",
    SD.defaultDataset: SD.Dataset,
}


def sd_conforms_to_schema(client: httpx.Client) -> None:
    _, graph = service_description(client)
    services = list(graph.subjects(RDF_TYPE, SD.Service))
    assert services, "no sd:Service in the service description"
    problems: list[str] = []
    for service in services:
        if not list(graph.objects(service, SD.endpoint)):
            problems.append(f"{service} has no sd:endpoint")
        if not list(graph.objects(service, SD.supportedLanguage)):
            problems.append(f"{service} has no sd:supportedLanguage")
        for prop, rule in SD_SERVICE_PROPERTIES.items():
            for value in graph.objects(service, prop):
                if rule == "iri" and not isinstance(value, URIRef):
                    problems.append(f"{prop} {value!r} is not an IRI")
                elif rule == "format" and not (isinstance(value, URIRef) and str(value).startswith(FORMATS)):
                    problems.append(f"{prop} {value} is not a W3C format IRI ({FORMATS}...)")
                elif isinstance(rule, set) and value not in rule:
                    problems.append(f"{prop} {value} is not one the vocabulary defines")
                elif isinstance(rule, URIRef) and (value, RDF_TYPE, rule) not in graph:
                    problems.append(f"{prop} {value} is not typed {rule}")
    for dataset in graph.subjects(RDF_TYPE, SD.Dataset):
        for default in graph.objects(dataset, SD.defaultGraph):
            if (default, RDF_TYPE, SD.Graph) not in graph:
                problems.append(f"sd:defaultGraph {default} is not an sd:Graph")
        for named in graph.objects(dataset, SD.namedGraph):
            if (named, RDF_TYPE, SD.NamedGraph) not in graph:
                problems.append(f"sd:namedGraph {named} is not an sd:NamedGraph")
            names = list(graph.objects(named, SD.name))
            if len(names) != 1 or not isinstance(names[0], URIRef):
                problems.append(f"sd:NamedGraph {named} needs exactly one sd:name IRI, has {names}")
    assert not problems, "the service description breaks the SD vocabulary:\n" + "\n".join(problems[:20])


SERVICE_DESCRIPTION_CHECKS = {
    "returns-rdf": sd_returns_rdf,
    "has-endpoint-triple": sd_has_endpoint_triple,
    "conforms-to-schema": sd_conforms_to_schema,
}


def run_case(client: httpx.Client, case: ProtocolCase, auth: dict[str, str]) -> None:
    if case.kind == "ServiceDescriptionTest":
        check = SERVICE_DESCRIPTION_CHECKS.get(case.id.rsplit("/", 1)[-1])
        assert check is not None, f"no check is known for the service description test {case.id}"
        check(client)
        return
    reset(client, auth)
    load_graph_data(client, case, auth)
    run_requests(client, case, auth)
