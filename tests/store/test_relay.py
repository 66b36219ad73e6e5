"""Relayed answers: a remote server's SELECT answer sent on as the server wrote it, unparsed, with every
promise of the query path kept (rows counted, the cap, errors, the dataset, the union modes).

Each relayed answer is compared with the embedded store's answer to the same job on the same data (the core
build): byte for byte from `oxigraph serve` (the same serialisers as pyoxigraph's, on an ordered query), and
as the same solutions from Virtuoso, which writes the formats its own way (indented JSON, say).
"""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest

from ccg_graph.core.errors import BadQuery, QueryTimeout, StoreUnavailable
from ccg_graph.execution.framing import Complete, Failure, QueryJob
from ccg_graph.execution.worker import RELAYED_FORMATS, evaluate
from ccg_graph.rdf import media_types as mt
from ccg_graph.store import EmbeddedStore, Store
from ccg_graph.store.remote import REGISTRY_SECONDS, SparqlStore
from tests.conftest import free_port
from tests.store.conftest import remote_store
from tests.store.helpers import plain, rows
from tests.stub_http import reply

ID = "https://w3id.org/ccg-graph/id/"
CORE = ID + "graph/core"
#: Every named thing of the core build with a label, in a fixed order (so bytes can be compared).
LABELS = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?s ?label"
FORMATS = {
    mt.SPARQL_RESULTS_JSON: ox.QueryResultsFormat.JSON,
    mt.SPARQL_RESULTS_XML: ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


def answered(store: Store, job: QueryJob) -> Complete:
    [message] = list(evaluate(store, job))
    assert isinstance(message, Complete), message
    return message


def solutions(body: bytes, media: str) -> list:
    """The rows of an answer: terms as plain tuples, or for CSV (which pyoxigraph does not read: it loses the
    kind of each term) the fields as text."""
    if media == "text/csv":
        return [tuple(fields) for fields in csv.reader(io.StringIO(body.decode("utf-8"), newline=""))][1:]
    parsed = ox.parse_query_results(body, FORMATS[media])
    assert isinstance(parsed, ox.QuerySolutions)
    names = [v.value for v in parsed.variables]
    return [tuple(plain(row[n]) for n in names) for row in parsed]


@pytest.fixture(params=["oxigraph", "virtuoso"])
def backend(request: pytest.FixtureRequest, core_dump: Path) -> tuple[str, SparqlStore]:
    return request.param, remote_store(request, request.param, core_dump)


def test_a_select_is_relayed_in_every_results_format_as_the_embedded_store_answers(
    backend: tuple[str, SparqlStore], embedded_core: EmbeddedStore
) -> None:
    name, store = backend
    assert store.relays_solutions and not embedded_core.relays_solutions
    for media in FORMATS:
        relayed_bytes = b"".join(chunks) if (chunks := store.relay_solutions(LABELS, media)) is not None else None
        assert relayed_bytes is not None, f"{name} did not relay {media}"
        job = QueryJob(LABELS, media)
        ours, theirs = answered(store, job), answered(embedded_core, job)
        if media in RELAYED_FORMATS:
            assert ours.body == relayed_bytes  # the worker sent on what the server wrote
        assert ours.head == theirs.head and not ours.head.truncated
        assert ours.head.rows == len(solutions(theirs.body, media)) > 20
        if name == "oxigraph":
            assert ours.body == theirs.body, media
        else:
            # Virtuoso writes bytes of its own; the blank nodes of the core build are labelled its way too
            assert solutions(ours.body, media) == solutions(theirs.body, media), media


def test_an_answer_past_the_row_cap_is_written_again_exactly_at_the_cap(
    backend: tuple[str, SparqlStore], embedded_core: EmbeddedStore
) -> None:
    name, store = backend
    total = answered(embedded_core, QueryJob(LABELS)).head.rows
    assert total is not None and total > 10
    for media in FORMATS:
        for cap in (5, total - 1):
            job = QueryJob(LABELS, media, row_cap=cap)
            ours, theirs = answered(store, job), answered(embedded_core, job)
            assert ours.head.truncated and ours.head.rows == cap
            assert ours.head == theirs.head
            assert solutions(ours.body, media) == solutions(theirs.body, media), (name, media, cap)
        exact = answered(store, QueryJob(LABELS, media, row_cap=total))  # the cap reached, not passed
        assert not exact.head.truncated and exact.head.rows == total


def test_the_relayed_dataset_is_the_query_paths(backend: tuple[str, SparqlStore], embedded_core: EmbeddedStore) -> None:
    """The union default graph (the two modes a plain server offers), FROM and default-graph-uri: relayed answers
    are the query path's, and in the ``dataset`` mode the embedded store's."""
    name, store = backend
    union = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    from_core = f"SELECT (COUNT(*) AS ?n) FROM <{CORE}> WHERE {{ ?s ?p ?o }}"
    media = mt.SPARQL_RESULTS_JSON
    modes = ["dataset", "parameter"] if name == "oxigraph" else ["dataset"]  # Virtuoso has no union parameter
    for mode in modes:
        other = SparqlStore(store.query_url, union=mode, auth=store._client.auth)  # type: ignore[arg-type]
        try:
            for text, graphs in ((union, ()), (everything, ()), (from_core, ()), (everything, (CORE,))):
                relayed = solutions(answered(other, QueryJob(text, media, default_graph_uris=graphs)).body, media)
                assert sorted(relayed, key=repr) == rows(other, text, default_graph_uris=graphs), (mode, text)
                if mode == "dataset":  # "parameter" shows the control graph too (docs/deployment.md)
                    job = QueryJob(text, media, default_graph_uris=graphs)
                    assert relayed == solutions(answered(embedded_core, job).body, media), (mode, text)
        finally:
            other.close()


def test_a_query_the_server_refuses_is_a_bad_query(backend: tuple[str, SparqlStore]) -> None:
    _, store = backend
    broken = "SELECT ?s WHERE { ?s ?p }"  # a SELECT to the lexer, not to a SPARQL parser
    with pytest.raises(BadQuery, match="the SPARQL server answered 400"):
        store.relay_solutions(broken, mt.SPARQL_RESULTS_JSON)
    [failure] = list(evaluate(store, QueryJob(broken)))
    assert isinstance(failure, Failure) and failure.http_status == 400
    assert "the SPARQL server answered 400" in failure.message
    assert answered(store, QueryJob(LABELS, row_cap=3)).head.rows == 3  # the connection is still good


def test_only_selects_are_relayed(backend: tuple[str, SparqlStore]) -> None:
    _, store = backend
    assert store.relay_solutions("ASK { ?s ?p ?o }", mt.SPARQL_RESULTS_JSON) is None
    assert store.relay_solutions("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", mt.SPARQL_RESULTS_JSON) is None


def test_connections_are_kept_alive_between_relayed_answers(backend: tuple[str, SparqlStore]) -> None:
    name, store = backend
    pool = store._relay
    if name == "virtuoso":  # its updates need digest auth, which only httpx answers
        assert pool is None
        return
    assert pool is not None
    for _ in range(5):
        answered(store, QueryJob(LABELS))
    assert len(pool._idle) == 1  # one connection, used five times in turn


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A client hanging up on a slow answer (the time-limit test) is expected: nothing to print."""


class StubRemote:
    """A SPARQL endpoint on the loopback that answers every query the way it is told to."""

    def __init__(self) -> None:
        self.status, self.media, self.body, self.delay = 200, mt.SPARQL_RESULTS_JSON, b"", 0.0
        self.break_off = False  # promise more bytes than are sent, then hang up (a server dying mid-answer)
        self.requests = 0
        self.url = f"http://127.0.0.1:{free_port()}/sparql"
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length", "0")))
                stub.requests += 1
                if stub.delay:
                    threading.Event().wait(stub.delay)
                if stub.break_off:
                    self.send_response(200)
                    self.send_header("Content-Type", stub.media)
                    self.send_header("Content-Length", str(len(stub.body) * 2))
                    self.end_headers()
                    self.wfile.write(stub.body)
                    self.close_connection = True
                    return
                reply(self, stub.status, stub.body, stub.media)

            def log_message(self, format: str, *args: object) -> None:
                pass

        port = int(self.url.split(":")[2].split("/")[0])
        self.server = _QuietServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub() -> Iterator[StubRemote]:
    remote = StubRemote()
    yield remote
    remote.stop()


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
ONE_ROW = {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "a"}}]}}


def test_a_server_error_is_store_unavailable(stub: StubRemote) -> None:
    stub.status, stub.media, stub.body = 500, "text/plain", b"the database is on fire"
    store = SparqlStore(stub.url, union="server")
    try:
        [failure] = list(evaluate(store, QueryJob("SELECT ?x WHERE { ?x ?p ?o }")))
        assert isinstance(failure, Failure) and failure.http_status == StoreUnavailable.http_status
        assert "answered 500: the database is on fire" in failure.message
    finally:
        store.close()


def test_an_answer_that_breaks_off_is_store_unavailable(stub: StubRemote) -> None:
    stub.body, stub.break_off = json.dumps(ONE_ROW).encode(), True
    store = SparqlStore(stub.url, union="server")
    try:
        [failure] = list(evaluate(store, QueryJob("SELECT ?x WHERE { ?x ?p ?o }")))
        assert isinstance(failure, Failure) and failure.http_status == StoreUnavailable.http_status
        assert "broke its answer off" in failure.message
        stub.break_off = False  # the next query gets a fresh connection and its whole answer
        assert answered(store, QueryJob("SELECT ?x WHERE { ?x ?p ?o }")).body == stub.body
    finally:
        store.close()


def test_an_answer_in_another_format_takes_the_parsing_path(stub: StubRemote) -> None:
    """Asked for XML, a server that only writes SPARQL JSON is parsed and written as XML, as before; CSV and TSV
    are always written here (servers write them their own way), so they are never asked of the server."""
    stub.body = json.dumps(ONE_ROW).encode()
    store = SparqlStore(stub.url, union="server")
    text = "SELECT ?x WHERE { ?x ?p ?o }"
    try:
        message = answered(store, QueryJob(text, mt.SPARQL_RESULTS_XML))
        assert solutions(message.body, mt.SPARQL_RESULTS_XML) == [(("literal", "a", XSD_STRING, ""),)]
        assert message.head.rows == 1
        assert stub.requests == 2  # the relay, refused for its format, then the query path
        for media in ("text/csv", "text/tab-separated-values"):
            assert answered(store, QueryJob(text, media)).body.decode().splitlines()[1] in ("a", '"a"')
        assert stub.requests == 4  # one each: the query path's
        assert answered(store, QueryJob(text)).body == stub.body
        assert stub.requests == 5
    finally:
        store.close()


def test_an_indented_json_answer_is_counted_right(stub: StubRemote) -> None:
    rows = [{"x": {"type": "literal", "value": f'a "{i}" [{{' + "\\" * (i % 3)}} for i in range(7)]
    stub.body = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": rows}}, indent=2).encode()
    store = SparqlStore(stub.url, union="server")
    try:
        message = answered(store, QueryJob("SELECT ?x WHERE { ?x ?p ?o }"))
        assert message.head.rows == 7 and message.body == stub.body
        capped = answered(store, QueryJob("SELECT ?x WHERE { ?x ?p ?o }", row_cap=6))
        assert capped.head.truncated and capped.head.rows == 6
    finally:
        store.close()


def test_a_server_past_the_time_limit_is_a_query_timeout(stub: StubRemote) -> None:
    stub.body, stub.delay = json.dumps(ONE_ROW).encode(), 3.0
    store = SparqlStore(stub.url, union="server", timeout=0.5)
    try:
        with pytest.raises(QueryTimeout):
            store.relay_solutions("SELECT ?x WHERE { ?x ?p ?o }", mt.SPARQL_RESULTS_JSON)
    finally:
        store.close()


def test_the_generation_is_read_again_within_the_reuse(request: pytest.FixtureRequest, core_dump: Path) -> None:
    """The control graph (so the generation ETags name) is reused for `REGISTRY_SECONDS`: a commit through a
    store shows in its own generation at once, and in another process's store within that time."""
    writer = remote_store(request, "oxigraph", core_dump)
    server = request.getfixturevalue("oxigraph_process")
    reader = SparqlStore.from_settings(server.settings())
    quad = ox.Quad(
        ox.NamedNode("http://example.org/relay/generation"),
        ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
        ox.Literal("g"),
        ox.NamedNode("http://example.org/relay/generation-graph"),
    )
    try:
        before = reader.generation
        assert writer.generation == before
        release = writer.commit([quad], [])
        assert writer.generation == release != before
        deadline = time.monotonic() + REGISTRY_SECONDS + 10  # a generous margin on a loaded machine
        while reader.generation != release and time.monotonic() < deadline:
            time.sleep(0.1)
        assert reader.generation == release
    finally:
        writer.commit([], [quad])
        reader.close()
