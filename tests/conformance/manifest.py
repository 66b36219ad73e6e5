"""Reading the W3C SPARQL 1.1 protocol test manifests (rdflib) into request sequences to replay.

The manifests describe each test as an `ht:Connection` holding a list of `ht:Request`s (method, path,
headers, body as `cnt:ContentAsText` with its character encoding), each with an `ht:Response` giving the
expected status (a code such as `hts:Created` or a class such as `hts:StatusCode2xx`), and optionally the
result format (`mf:expectedFormat`), the ASK answer (`mf:expectedBoolean`), a `Location` template variable
(`mf:expectedLocation`), and an expected content type and RDF body. Nothing here is hand-copied from the
manifests: every case comes from the files under ``shared/w3c-tests/sparql11``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from ccg_graph.core.config import PROJECT_ROOT

W3C_TESTS = PROJECT_ROOT.parent / "shared" / "w3c-tests" / "sparql11"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

#: The manifests run, relative to `W3C_TESTS` (the graph store one includes the direct and indirect ones).
MANIFESTS = ("protocol/manifest.ttl", "graph-store-protocol/manifest.ttl", "service-description/manifest.ttl")


@dataclass(frozen=True)
class ExpectedResponse:
    statuses: frozenset[int]  # exact codes allowed
    classes: frozenset[int]  # status classes allowed (2 for 2xx, ...)
    result_format: str | None = None  # "boolean", "tabular" or "RDF"
    boolean: bool | None = None
    location_variable: str | None = None
    content_type: str | None = None
    body: str | None = None

    def allows(self, status: int) -> bool:
        return status in self.statuses or status // 100 in self.classes

    def describe(self) -> str:
        allowed = sorted(self.statuses) + [f"{c}xx" for c in sorted(self.classes)]
        return " or ".join(str(a) for a in allowed)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    expected: ExpectedResponse


@dataclass(frozen=True)
class GraphData:
    file: Path
    graph: str


@dataclass(frozen=True)
class ProtocolCase:
    """One manifest entry: `id` is '<suite>/<local name>', `name` its mf:name."""

    id: str
    name: str
    kind: str  # ProtocolTest, GraphStoreProtocolTest or ServiceDescriptionTest
    requests: tuple[Request, ...] = ()
    graph_data: tuple[GraphData, ...] = ()
    requires: tuple[str, ...] = field(default=())


_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
_STATUS_CLASS = re.compile(r"StatusCode(\d)xx")


def _status(term: Node) -> tuple[int | None, int | None]:
    """An `hts:` term as (exact code, None) or (None, class); `hts:NoContent` -> 204 via the stdlib names."""
    local = str(term).removeprefix(str(HTS))
    if match := _STATUS_CLASS.fullmatch(local):
        return None, int(match.group(1))
    for name in (local.upper(), _CAMEL.sub("_", local).upper()):
        if name in HTTPStatus.__members__:
            return HTTPStatus[name].value, None
    raise ValueError(f"unknown status term in the manifest: {term}")


def _headers(graph: Graph, node: Node) -> tuple[tuple[str, str], ...]:
    listed = graph.value(node, HT.headers)
    if listed is None:
        return ()
    return tuple(
        (str(graph.value(h, HT.fieldName)), str(graph.value(h, HT.fieldValue))) for h in Collection(graph, listed)
    )


def _text(graph: Graph, body: Node | None) -> tuple[str | None, str]:
    if body is None:
        return None, "UTF-8"
    chars = graph.value(body, CNT.chars)
    encoding = graph.value(body, CNT.characterEncoding)
    return (None if chars is None else str(chars)), str(encoding or "UTF-8")


def _expected(graph: Graph, response: Node) -> ExpectedResponse:
    codes, classes = set(), set()
    for term in graph.objects(response, MF.expectedStatus):
        code, klass = _status(term)
        if code is not None:
            codes.add(code)
        if klass is not None:
            classes.add(klass)
    fmt = graph.value(response, MF.expectedFormat)
    boolean = graph.value(response, MF.expectedBoolean)
    location = graph.value(response, MF.expectedLocation)
    content_type = dict((k.lower(), v) for k, v in _headers(graph, response)).get("content-type")
    body, _ = _text(graph, graph.value(response, HT.body))
    return ExpectedResponse(
        statuses=frozenset(codes),
        classes=frozenset(classes),
        result_format=None if fmt is None else str(fmt),
        boolean=None if boolean is None else bool(boolean.toPython()),
        location_variable=None if location is None else str(location),
        content_type=content_type,
        body=body,
    )


def _request(graph: Graph, node: Node) -> Request:
    text, encoding = _text(graph, graph.value(node, HT.body))
    return Request(
        method=str(graph.value(node, HT.methodName)),
        path=str(graph.value(node, HT.absolutePath)),
        headers=_headers(graph, node),
        body=None if text is None else text.encode(encoding.lower()),
        expected=_expected(graph, graph.value(node, HT.resp)),
    )


def _case(graph: Graph, suite: str, test: URIRef, folder: Path) -> ProtocolCase:
    kind = str(graph.value(test, RDF.type)).rsplit("#", 1)[-1]
    requests: list[Request] = []
    action = graph.value(test, MF.action)
    if action is not None:
        listed = graph.value(action, HT.requests)
        requests = [_request(graph, node) for node in Collection(graph, listed)]
    data = []
    for item in graph.objects(test, UT.graphData):
        source = Path(str(graph.value(item, UT.graph)).removeprefix("file://"))
        data.append(GraphData(source if source.is_absolute() else folder / source, str(graph.value(item, RDFS.label))))
    requires = tuple(sorted(str(r).rsplit("#", 1)[-1] for r in graph.objects(test, MF.requires)))
    local = str(test).rsplit("#", 1)[-1]
    return ProtocolCase(
        id=f"{suite}/{local}",
        name=str(graph.value(test, MF.name)),
        kind=kind,
        requests=tuple(requests),
        graph_data=tuple(sorted(data, key=lambda d: d.graph)),
        requires=requires,
    )


def _read(path: Path, suite: str) -> list[ProtocolCase]:
    graph = Graph()
    graph.parse(path, format="turtle", publicID=path.resolve().as_uri())
    manifest = URIRef(path.resolve().as_uri())
    cases: list[ProtocolCase] = []
    included = graph.value(manifest, MF.include)
    if included is not None:
        for item in Collection(graph, included):
            cases += _read(Path(str(item).removeprefix("file://")), suite)
    entries = graph.value(manifest, MF.entries)
    if entries is not None:
        cases += [_case(graph, suite, test, path.parent) for test in Collection(graph, entries)]
    return cases


def missing_reason() -> str | None:
    """Why the manifests cannot be read, or None when they are all there."""
    for manifest in MANIFESTS:
        if not (W3C_TESTS / manifest).is_file():
            return (
                f"the W3C test manifests are missing: expected {W3C_TESTS / manifest} (shared/ beside the repository)"
            )
    return None


def load_cases() -> list[ProtocolCase]:
    """Every test of every manifest, in manifest order."""
    if missing_reason() is not None:
        return []
    cases: list[ProtocolCase] = []
    for manifest in MANIFESTS:
        cases += _read(W3C_TESTS / manifest, manifest.split("/", 1)[0])
    return cases
