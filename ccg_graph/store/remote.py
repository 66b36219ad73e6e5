"""The remote backend: a SPARQL 1.1 database server (Oxigraph server, Virtuoso, ...) behind the `Store` interface.

Everything goes through the standard protocols: SPARQL 1.1 Query for reads, SPARQL 1.1 Update for commits,
and the Graph Store Protocol for bulk loads. Answers are parsed by pyoxigraph (`parse_query_results`,
`parse`), so a `QueryResult` carries the same pyoxigraph objects as the embedded store's and everything
above the store works unchanged.

The HTTP client is httpx rather than SPARQLWrapper: one pooled client keeps connections to the server
alive (SPARQLWrapper opens a new urllib connection per query, which costs more than a lookup takes), streams
the answer straight into pyoxigraph's parser, and serves Query, Update and the Graph Store Protocol with the
same credentials and time limit (SPARQLWrapper speaks neither the Graph Store Protocol nor streaming). A
SELECT whose answer is sent on to a client unchanged (`relay_solutions`) is read through the standard
library's `http.client` instead, which costs a fraction of httpx per request (`_QueryConnections`).

What ccg-graph keeps on the server, beside the data, is one small control graph (`CONTROL_GRAPH`): the
graphs that belong to ccg-graph (so other datasets and the server's own system graphs stay out of the
union default graph, `named_graphs` and `len`) and the current generation (a name changed by every commit,
in the same update request as the data, used in ETags). ccg-graph's default graph is kept in the named
graph `DEFAULT_GRAPH`, because servers disagree about what the default graph is (Virtuoso has none of its
own: its default graph is the union of every graph).

Quirks handled here (see docs/deployment.md):

- Virtuoso answers ASK with a one-row SELECT result binding ``__ASK_RETVAL`` to 1 or 0.
- Virtuoso does not answer a query POSTed directly as ``application/sparql-query``: queries are POSTed as
  a form, which every server reads.
- Blank nodes: a server's blank-node labels cannot be named in a later request. Quads with blank nodes read
  from the server get labels starting with `REMOTE_BNODE`; such a blank node in a pattern becomes a variable
  restricted to blank nodes, and a commit may remove a graph's blank-node triples only all together.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import re
import threading
import time
import urllib.parse
import uuid
from collections import defaultdict
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from typing import Literal, Unpack

import httpx
import pyoxigraph as ox

from ccg_graph.core.errors import BadInput, BadQuery, QueryTimeout, StoreUnavailable
from ccg_graph.core.terms import (
    GraphPattern,
    ObjectPattern,
    PredicatePattern,
    SubjectPattern,
    plain_object,
    plain_subject,
)
from ccg_graph.rdf import media_types as mt
from ccg_graph.sparql.binding import bind_values
from ccg_graph.sparql.lexer import QueryForm, names_its_dataset, query_form
from ccg_graph.store.base import ChangeGate, Hook, Quads, QueryOptions, QueryResult, Store

CONTROL_GRAPH = "urn:ccg-graph:store"
DEFAULT_GRAPH = "urn:ccg-graph:store:default-graph"
LOADING_GRAPH = "urn:ccg-graph:store:loading:"
GENERATION = "urn:ccg-graph:store#generation"
HOLDS_GRAPH = "urn:ccg-graph:store#graph"
REMOTE_BNODE = "remote_"
#: How long the control graph (ccg-graph's graphs, the generation) is reused before it is read again (other
#: workers may write).
REGISTRY_SECONDS = 2.0

UnionMode = Literal["parameter", "dataset", "server"]

_VIRTUOSO_BNODE_TEXT = b'"bnode", "value": "nodeID://'
_VIRTUOSO_BNODE = re.compile(re.escape(_VIRTUOSO_BNODE_TEXT))
#: What a server's answer may come back as (the media types `_ACCEPT` asks for, and what servers send instead).
_RESULTS = {m: mt.RESULTS[m].results_format for m in (mt.SPARQL_RESULTS_JSON, mt.SPARQL_RESULTS_XML)}
_RDF = {m: mt.READABLE_RDF[m] for m in (mt.N_TRIPLES, mt.PLAIN_TEXT, mt.TURTLE, mt.RDF_XML)}
#: Bytes read at a time from a relayed answer.
_RELAY_CHUNK = 64 * 1024
_SOLUTIONS_ACCEPT = f"{mt.SPARQL_RESULTS_JSON}, {mt.SPARQL_RESULTS_XML};q=0.9"
_TRIPLES_ACCEPT = f"{mt.N_TRIPLES}, {mt.TURTLE};q=0.9"
_ACCEPT = {
    "SELECT": _SOLUTIONS_ACCEPT,
    "ASK": _SOLUTIONS_ACCEPT,
    "CONSTRUCT": _TRIPLES_ACCEPT,
    "DESCRIBE": _TRIPLES_ACCEPT,
}

Term = ox.NamedNode | ox.BlankNode | ox.Literal
GraphTerm = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


class _ResponseReader(io.RawIOBase):
    """An HTTP response body as a file, read as pyoxigraph's parser asks; closes the response at the end."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__()
        self._response = response
        self._chunks = self._relabelled(response.iter_bytes())
        self._pending = b""

    @staticmethod
    def _relabelled(chunks: Iterator[bytes]) -> Iterator[bytes]:
        """Virtuoso labels blank nodes ``nodeID://b1234`` in SPARQL JSON results, which is not a valid blank-node
        label; the prefix is dropped (holding back a chunk's tail, in case the pattern spans two chunks)."""
        held = b""
        for chunk in chunks:
            text = _VIRTUOSO_BNODE.sub(b'"bnode", "value": "', held + chunk)
            keep = len(_VIRTUOSO_BNODE_TEXT)
            held, ready = text[-keep:], text[:-keep]
            if ready:
                yield ready
        if held:
            yield _VIRTUOSO_BNODE.sub(b'"bnode", "value": "', held)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                self._response.close()  # give the connection back at once; the parser may still ask again
                return 0
            self._pending = chunk
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def close(self) -> None:
        if not self.closed:
            self._response.close()
        super().close()


def _refusal(status: int, text: str) -> BadQuery | StoreUnavailable:
    """The error for a server's 4xx or 5xx answer: its 400 is the query's fault, anything else the server's."""
    message = f"the SPARQL server answered {status}: {text[:500]}"
    return BadQuery(message) if status == 400 else StoreUnavailable(message)


def _lost(connection: http.client.HTTPConnection, err: Exception, what: str) -> QueryTimeout | StoreUnavailable:
    """Close a connection that failed; the error to raise: a timeout past the time limit, else unavailable."""
    connection.close()
    if isinstance(err, TimeoutError):
        return QueryTimeout(f"the SPARQL server did not answer in time: {err}")
    return StoreUnavailable(f"the SPARQL server {what}: {err}")


class _QueryConnections:
    """Keep-alive connections to the query endpoint through the standard library's `http.client`, for relayed
    answers: httpx's pure-Python HTTP/1.1 machinery (h11, its URL and header models) costs 0.2 ms a request
    and more per kilobyte read, more than `oxigraph serve` takes to answer a lookup; `http.client` reads a
    body with one C-level call. Connections are kept in a pool shared by threads, one per request at a time.
    """

    def __init__(self, url: str, headers: Mapping[str, str], timeout: float) -> None:
        parts = urllib.parse.urlsplit(url)
        self._https = parts.scheme == "https"
        self._host, self._port = parts.hostname or "localhost", parts.port
        self._path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._headers = {"Content-Type": mt.FORM, **headers}
        self._timeout = timeout
        self._idle: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        with self._lock:
            if self._idle:
                return self._idle.pop(), True
        kind = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
        return kind(self._host, self._port, timeout=self._timeout), False

    def post(self, body: bytes, accept: str) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        """Send a form POST and read the answer's head; a kept connection the server has closed meanwhile is
        dropped and the request sent again on the next (queries change nothing, so sending one twice is safe)."""
        while True:
            connection, reused = self._connection()
            try:
                connection.request("POST", self._path, body=body, headers={**self._headers, "Accept": accept})
                return connection, connection.getresponse()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as err:
                if not reused:
                    raise _lost(connection, err, "cannot be reached") from err
                connection.close()
            except (OSError, http.client.HTTPException) as err:  # a socket timeout included
                raise _lost(connection, err, "cannot be reached") from err

    def give_back(self, connection: http.client.HTTPConnection, response: http.client.HTTPResponse) -> None:
        """Keep `connection` for the next request when its answer was read to the end, else close it."""
        if response.isclosed() and not response.will_close:
            with self._lock:
                self._idle.append(connection)
        else:
            connection.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()


def _is_remote_bnode(term: object) -> bool:
    return isinstance(term, ox.BlankNode) and term.value.startswith(REMOTE_BNODE)


def _has_blank_node(quad: ox.Quad | ox.Triple) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


def _from_remote_term(term: Term) -> Term:
    return ox.BlankNode(REMOTE_BNODE + term.value) if isinstance(term, ox.BlankNode) else term


def _sparql_term(term: Term) -> str:
    """A term as SPARQL text; pyoxigraph writes N-Triples, which escapes everything that could end it."""
    if isinstance(term, ox.BlankNode) and _is_remote_bnode(term):
        return f"_:{term.value}"
    return str(term)


def _boolean(value: bool) -> ox.QueryBoolean:
    answer = ox.parse_query_results(
        b'{"head":{},"boolean":' + (b"true" if value else b"false") + b"}", ox.QueryResultsFormat.JSON
    )
    assert isinstance(answer, ox.QueryBoolean)
    return answer


def _ask_answer(solutions: ox.QuerySolutions) -> ox.QueryBoolean:
    """Virtuoso's ASK answer, a one-row SELECT binding ``__ASK_RETVAL`` to 1 or 0, as a boolean."""
    rows = list(solutions)
    value = rows[0][0] if rows else None
    return _boolean(value is not None and value.value not in ("0", "false"))


class SparqlStore(Store):
    """A remote SPARQL 1.1 server as a `Store`; writes need `update_url`, bulk loads prefer `gsp_url`."""

    relays_solutions = True

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        gsp_url: str | None = None,
        *,
        auth: httpx.Auth | tuple[str, str] | None = None,
        token: str | None = None,
        timeout: float = 60.0,
        union: UnionMode = "dataset",
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url
        self.gsp_url = gsp_url
        self.union = union
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = httpx.Client(auth=auth, headers=headers, timeout=timeout)
        self._relay = self._lean_connections(query_url, auth, headers, timeout)
        self._write_lock = threading.RLock()  # re-entrant: `commit` inside `writing`
        self._control_rows: tuple[float, list[ox.QuerySolution]] | None = None

    @staticmethod
    def _lean_connections(
        query_url: str, auth: httpx.Auth | tuple[str, str] | None, headers: Mapping[str, str], timeout: float
    ) -> _QueryConnections | None:
        """The lean client for relayed answers; None when the server wants digest (or another challenge) auth,
        which httpx answers, so relayed answers then go through httpx too."""
        if isinstance(auth, tuple):
            auth = httpx.BasicAuth(*auth)
        if auth is not None and not isinstance(auth, httpx.BasicAuth):
            return None
        fixed = dict(headers)
        if auth is not None:  # basic auth is one fixed header: the one httpx would send
            fixed["Authorization"] = next(auth.auth_flow(httpx.Request("POST", query_url))).headers["Authorization"]
        return _QueryConnections(query_url, fixed, timeout)

    @classmethod
    def from_settings(cls, settings: object) -> SparqlStore:
        """The store described by `Settings` (``store = "sparql"`` and the ``*_url`` and ``remote_*`` fields)."""
        query_url = getattr(settings, "query_url", None)
        if not query_url:
            raise BadInput("CCG_GRAPH_STORE=sparql needs CCG_GRAPH_QUERY_URL (the server's SPARQL query endpoint)")
        user, password = getattr(settings, "remote_user", None), getattr(settings, "remote_password", None)
        auth: httpx.Auth | None = None
        if user and password is not None:
            secret = password.get_secret_value()
            digest = getattr(settings, "remote_auth", "basic") == "digest"
            auth = httpx.DigestAuth(user, secret) if digest else httpx.BasicAuth(user, secret)
        token = getattr(settings, "remote_token", None)
        return cls(
            query_url,
            getattr(settings, "update_url", None),
            getattr(settings, "gsp_url", None),
            auth=auth,
            token=token.get_secret_value() if token is not None else None,
            timeout=getattr(settings, "remote_timeout", 60.0),
            union=getattr(settings, "remote_union", "dataset"),
        )

    # -- talking to the server -----------------------------------------------------------------------------

    def _send(self, method: str, url: str, *, stream: bool = False, **kwargs: object) -> httpx.Response:
        request = self._client.build_request(method, url, **kwargs)  # type: ignore[arg-type]
        try:
            response = self._client.send(request, stream=stream)
        except httpx.TimeoutException as err:
            raise QueryTimeout(f"the SPARQL server at {url} did not answer in time: {err}") from err
        except httpx.HTTPError as err:
            raise StoreUnavailable(f"the SPARQL server at {url} cannot be reached: {err}") from err
        if response.status_code >= 400:
            text = (response.read() if stream else response.content).decode("utf-8", "replace").strip()
            response.close()
            raise _refusal(response.status_code, text)
        return response

    def _post_query(self, text: str, params: Mapping[str, object], accept: str, *, stream: bool) -> httpx.Response:
        return self._send(
            "POST", self.query_url, stream=stream, data={"query": text, **params}, headers={"Accept": accept}
        )

    def _select(self, text: str, params: Mapping[str, object] | None = None) -> list[ox.QuerySolution]:
        """A SELECT of ccg-graph's own (no user dataset), read whole."""
        response = self._post_query(text, params or {}, _ACCEPT["SELECT"], stream=True)
        results_format = self._results_format(response)
        with io.BufferedReader(_ResponseReader(response)) as reader:
            answer = ox.parse_query_results(reader, results_format)
            assert isinstance(answer, ox.QuerySolutions)
            return list(answer)

    def update(self, text: str) -> None:
        """Send one SPARQL 1.1 Update request; the server applies it whole or not at all."""
        if not self.update_url:
            raise StoreUnavailable("this store has no update endpoint (CCG_GRAPH_UPDATE_URL): it is read-only")
        self._send(
            "POST", self.update_url, content=text.encode("utf-8"), headers={"Content-Type": mt.SPARQL_UPDATE}
        ).close()

    @staticmethod
    def _media(response: httpx.Response) -> str:
        return mt.bare(response.headers.get("content-type"))

    def _results_format(self, response: httpx.Response) -> ox.QueryResultsFormat:
        media = self._media(response)
        if media not in _RESULTS:
            response.close()
            raise StoreUnavailable(f"the SPARQL server answered in {media or 'no media type'}, not SPARQL results")
        return _RESULTS[media]

    # -- ccg-graph's graphs on the server ------------------------------------------------------------------

    def _control(self) -> list[ox.QuerySolution]:
        """The control graph's statements, reused for `REGISTRY_SECONDS` (a commit here forgets them at once).

        Both the list of ccg-graph's graphs and the generation come from it. Reading it is a round trip to the
        server, and the generation is asked on every answer that carries an ETag: read afresh each time it
        doubled the requests a lookup costs. A write by another process is seen within `REGISTRY_SECONDS`.
        """
        cached = self._control_rows
        if cached is not None and time.monotonic() - cached[0] < REGISTRY_SECONDS:
            return cached[1]
        rows = self._select(f"SELECT ?p ?o WHERE {{ GRAPH <{CONTROL_GRAPH}> {{ <{CONTROL_GRAPH}> ?p ?o }} }}")
        self._control_rows = (time.monotonic(), rows)
        return rows

    def registered_graphs(self) -> list[str]:
        """The graphs that hold ccg-graph's data on the server (`DEFAULT_GRAPH` included when it has triples)."""
        return sorted(
            row["o"].value for row in self._control() if row["p"].value == HOLDS_GRAPH and row["o"] is not None
        )

    def _values_graphs(self) -> str:
        return " ".join(f"<{g}>" for g in self.registered_graphs())

    @property
    def generation(self) -> str:
        names = [row["o"].value for row in self._control() if row["p"].value == GENERATION]
        return names[0] if names else "remote/empty"

    # -- reading -------------------------------------------------------------------------------------------

    def _dataset(self, text: str, default_graph_uris: Sequence[str], named_graph_uris: Sequence[str]) -> dict:
        if default_graph_uris or named_graph_uris:
            return {"default-graph-uri": list(default_graph_uris), "named-graph-uri": list(named_graph_uris)}
        if names_its_dataset(text) or self.union == "server":
            return {}
        if self.union == "parameter":
            return {"union-default-graph": ""}
        graphs = self.registered_graphs()
        if not graphs:  # no graph named means "the server's default graph" to the protocol: name one
            graphs = [DEFAULT_GRAPH]
        return {"default-graph-uri": graphs, "named-graph-uri": [g for g in graphs if g != DEFAULT_GRAPH]}

    def _request(self, sparql: str, options: QueryOptions) -> tuple[str, QueryForm, dict]:
        """The text the server is sent (values bound, the base IRI declared), its form, and its dataset."""
        try:
            text = bind_values(sparql, options.get("bindings") or {})
        except ValueError as err:
            raise BadQuery(str(err)) from err
        base_iri = options.get("base_iri")
        if base_iri:
            # A BASE of the query's own, later in the prologue, still wins, as it would on the server.
            text = f"BASE {ox.NamedNode(base_iri)}\n{text}"
        params = self._dataset(
            text, list(options.get("default_graph_uris") or ()), list(options.get("named_graph_uris") or ())
        )
        return text, query_form(text), params

    def relay_solutions(self, sparql: str, media_type: str, **options: Unpack[QueryOptions]) -> Generator[bytes] | None:
        """A SELECT's answer as the server writes it in `media_type` (a SPARQL results format), chunk by chunk,
        unparsed; `None` when the query is not a SELECT or the server answered another format (nothing read).

        The request is the one `query` sends (the same text, dataset and union mode), and so are its errors.
        Virtuoso's blank-node labels in SPARQL JSON are corrected as `query` corrects them.
        """
        text, form, params = self._request(sparql, options)
        if form != "SELECT":
            return None
        if self._relay is not None:
            return self._relayed_lean(self._relay, text, params, media_type)
        response = self._post_query(text, params, media_type, stream=True)
        if self._media(response) != mt.bare(media_type):
            response.close()
            return None
        return self._relayed(response, relabel=mt.bare(media_type) == mt.SPARQL_RESULTS_JSON)

    @staticmethod
    def _relayed_lean(
        pool: _QueryConnections, text: str, params: Mapping[str, object], media_type: str
    ) -> Generator[bytes] | None:
        body = urllib.parse.urlencode({"query": text, **params}, doseq=True).encode("ascii")
        connection, response = pool.post(body, media_type)
        if response.status >= 400:
            refusal = _refusal(response.status, response.read().decode("utf-8", "replace").strip())
            pool.give_back(connection, response)
            raise refusal
        if mt.bare(response.getheader("content-type")) != mt.bare(media_type):
            connection.close()
            return None
        relabel = mt.bare(media_type) == mt.SPARQL_RESULTS_JSON
        return SparqlStore._lean_chunks(pool, connection, response, relabel=relabel)

    @staticmethod
    def _lean_chunks(
        pool: _QueryConnections,
        connection: http.client.HTTPConnection,
        response: http.client.HTTPResponse,
        *,
        relabel: bool,
    ) -> Generator[bytes]:
        def read() -> Iterator[bytes]:
            while chunk := response.read(_RELAY_CHUNK):
                yield chunk
            if response.length:  # `read(size)` meets a server hanging up early with no error of its own
                raise http.client.IncompleteRead(b"", response.length)

        try:
            yield from _ResponseReader._relabelled(read()) if relabel else read()
        except (OSError, http.client.HTTPException) as err:  # a socket timeout included
            raise _lost(connection, err, "broke its answer off") from err
        finally:
            pool.give_back(connection, response)

    @staticmethod
    def _relayed(response: httpx.Response, *, relabel: bool) -> Generator[bytes]:
        try:
            chunks = response.iter_bytes()
            yield from _ResponseReader._relabelled(chunks) if relabel else chunks
        except httpx.TimeoutException as err:
            raise QueryTimeout(f"the SPARQL server stopped answering in time: {err}") from err
        except httpx.HTTPError as err:
            raise StoreUnavailable(f"the SPARQL server's answer broke off: {err}") from err
        finally:
            response.close()

    def query(self, sparql: str, **options: Unpack[QueryOptions]) -> QueryResult:
        text, form, params = self._request(sparql, options)
        response = self._post_query(text, params, _ACCEPT[form], stream=True)
        media = self._media(response)
        reader = io.BufferedReader(_ResponseReader(response))
        try:
            if form in ("CONSTRUCT", "DESCRIBE"):
                if media not in _RDF:
                    raise StoreUnavailable(f"the SPARQL server answered a {form} in {media or 'no media type'}")
                quads = ox.parse(reader, format=_RDF[media])
                return QueryResult(form, triples=(q.triple for q in quads))  # type: ignore[arg-type]
            answer = ox.parse_query_results(reader, self._results_format(response))
        except SyntaxError as err:
            reader.close()
            raise StoreUnavailable(f"the SPARQL server's answer does not parse: {err}") from err
        if form == "ASK":
            if isinstance(answer, ox.QuerySolutions):
                answer = _ask_answer(answer)
            assert isinstance(answer, ox.QueryBoolean)
            return QueryResult("ASK", boolean=bool(answer), boolean_answer=answer)
        assert isinstance(answer, ox.QuerySolutions)
        return QueryResult("SELECT", solutions=answer)

    def _pattern(
        self, subject: Term | None, predicate: ox.NamedNode | None, object: Term | None
    ) -> tuple[str, list[str]] | None:
        """The triple pattern and filters for `quads_for_pattern`; `None` when nothing can match."""
        parts, filters = [], []
        for name, term in (("s", subject), ("p", predicate), ("o", object)):
            if term is None:
                parts.append(f"?{name}")
            elif isinstance(term, ox.BlankNode):
                if not _is_remote_bnode(term):
                    return None  # a blank node minted here cannot be on the server
                parts.append(f"?{name}")
                filters.append(f"FILTER(isBlank(?{name}))")
            else:
                parts.append(str(term))
        return " ".join(parts), filters

    def quads_for_pattern(
        self, subject: SubjectPattern, predicate: PredicatePattern, object: ObjectPattern, graph: GraphPattern
    ) -> Iterator[ox.Quad]:
        pattern = self._pattern(subject, predicate, object)
        if pattern is None:
            return iter(())
        triple, filters = pattern
        if graph is None:
            graphs = self._values_graphs()
            if not graphs:
                return iter(())
            where = f"VALUES ?g {{ {graphs} }} GRAPH ?g {{ {triple} {' '.join(filters)} }}"
        else:
            where = f"GRAPH <{self._remote_graph(graph)}> {{ {triple} {' '.join(filters)} }}"
        rows = self._select(f"SELECT * WHERE {{ {where} }}")
        return self._quads(rows, subject, predicate, object, graph)

    def _quads(self, rows, subject, predicate, object, graph) -> Iterator[ox.Quad]:  # type: ignore[no-untyped-def]
        def pick(row: ox.QuerySolution, name: str, given: object) -> object:
            if given is not None and not isinstance(given, ox.BlankNode):
                return given
            return _from_remote_term(row[name])

        fixed_graph = None if graph is None else graph
        for row in rows:
            graph_name = fixed_graph if fixed_graph is not None else self._local_graph(row["g"])
            yield ox.Quad(pick(row, "s", subject), pick(row, "p", predicate), pick(row, "o", object), graph_name)

    def contains(self, quad: ox.Quad) -> bool:
        if isinstance(quad.graph_name, ox.DefaultGraph | ox.NamedNode) and not any(
            isinstance(t, ox.BlankNode) for t in (quad.subject, quad.object)
        ):
            graph = self._remote_graph(quad.graph_name)
            response = self._post_query(
                f"ASK WHERE {{ GRAPH <{graph}> {{ {quad.subject} {quad.predicate} {quad.object} }} }}",
                {},
                _ACCEPT["ASK"],
                stream=False,
            )
            answer = ox.parse_query_results(response.content, self._results_format(response))
            return bool(_ask_answer(answer) if isinstance(answer, ox.QuerySolutions) else answer)
        return super().contains(quad)

    @staticmethod
    def _remote_graph(graph: GraphTerm) -> str:
        if isinstance(graph, ox.DefaultGraph):
            return DEFAULT_GRAPH
        if isinstance(graph, ox.BlankNode):
            raise BadInput("a remote SPARQL store cannot hold a graph named by a blank node")
        return graph.value

    @staticmethod
    def _local_graph(graph: ox.NamedNode) -> ox.NamedNode | ox.DefaultGraph:
        return ox.DefaultGraph() if graph.value == DEFAULT_GRAPH else graph

    def named_graphs(self) -> list[str]:
        return [g for g in self.registered_graphs() if g != DEFAULT_GRAPH]

    def __len__(self) -> int:
        graphs = self._values_graphs()
        if not graphs:
            return 0
        rows = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s ?p ?o }} }}")
        return int(rows[0]["n"].value)

    # -- writing -------------------------------------------------------------------------------------------

    def _forget_registry(self) -> None:
        self._control_rows = None

    def _blank_node_removals(self, removed: list[ox.Quad]) -> list[str]:
        """Operations removing blank-node triples; only a graph's blank-node triples all together can go."""
        by_graph: dict[str, int] = defaultdict(int)
        for quad in removed:
            by_graph[self._remote_graph(quad.graph_name)] += 1
        operations = []
        for graph, count in sorted(by_graph.items()):
            where = f"GRAPH <{graph}> {{ ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }}"
            [row] = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
            if int(row["n"].value) != count:
                raise BadInput(
                    f"a remote SPARQL store cannot remove some but not all blank-node triples of <{graph}>: "
                    "blank nodes cannot be named in a request to the server (replace the whole graph instead)"
                )
            operations.append(f"DELETE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} WHERE {{ {where} }}")
        return operations

    @staticmethod
    def _data_block(quads: Iterable[ox.Quad], graph_of: Callable[[GraphTerm], str]) -> str:
        by_graph: dict[str, list[str]] = defaultdict(list)
        for quad in quads:
            subject, object_ = _sparql_term(plain_subject(quad.subject)), _sparql_term(plain_object(quad.object))
            triple = f"{subject} {quad.predicate} {object_} ."
            by_graph[graph_of(quad.graph_name)].append(triple)
        return " ".join(f"GRAPH <{g}> {{ {' '.join(lines)} }}" for g, lines in sorted(by_graph.items()))

    @classmethod
    def _insert_operations(cls, quads: list[ox.Quad], graph_of: Callable[[GraphTerm], str]) -> list[str]:
        """INSERT DATA for ground quads; quads with blank nodes as a template with an empty WHERE, because
        SPARQL Update forbids blank nodes in DELETE DATA and Virtuoso also refuses them in INSERT DATA."""
        ground = [q for q in quads if not _has_blank_node(q)]
        blank = [q for q in quads if _has_blank_node(q)]
        operations = []
        if ground:
            operations.append(f"INSERT DATA {{ {cls._data_block(ground, graph_of)} }}")
        if blank:
            operations.append(f"INSERT {{ {cls._data_block(blank, graph_of)} }} WHERE {{}}")
        return operations

    @staticmethod
    def _generation_operations(name: str) -> list[str]:
        return [
            f"DELETE WHERE {{ GRAPH <{CONTROL_GRAPH}> {{ <{CONTROL_GRAPH}> <{GENERATION}> ?old }} }}",
            f'INSERT DATA {{ GRAPH <{CONTROL_GRAPH}> {{ <{CONTROL_GRAPH}> <{GENERATION}> "{name}" }} }}',
        ]

    @staticmethod
    def _registry_operations(filled: Iterable[str], maybe_emptied: Iterable[str]) -> list[str]:
        operations = []
        filled = sorted(set(filled))
        if filled:
            objects = ", ".join(f"<{g}>" for g in filled)
            operations.append(
                f"INSERT DATA {{ GRAPH <{CONTROL_GRAPH}> {{ <{CONTROL_GRAPH}> <{HOLDS_GRAPH}> {objects} }} }}"
            )
        emptied = sorted(set(maybe_emptied) - set(filled))
        if emptied:
            listed = ", ".join(f"<{g}>" for g in emptied)
            operations.append(
                f"DELETE {{ GRAPH <{CONTROL_GRAPH}> {{ <{CONTROL_GRAPH}> <{HOLDS_GRAPH}> ?g }} }} "
                f"WHERE {{ GRAPH <{CONTROL_GRAPH}> {{ <{CONTROL_GRAPH}> <{HOLDS_GRAPH}> ?g }} "
                f"FILTER(?g IN ({listed})) FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} }} }}"
            )
        return operations

    def change_update(self, added: list[ox.Quad], removed: list[ox.Quad], name: str) -> str:
        """The one SPARQL Update request that applies a change and publishes generation `name`."""
        ground = [q for q in removed if not _has_blank_node(q)]
        blank = [q for q in removed if _has_blank_node(q)]
        operations = []
        if ground:
            operations.append(f"DELETE DATA {{ {self._data_block(ground, self._remote_graph)} }}")
        operations += self._blank_node_removals(blank)
        operations += self._insert_operations(added, self._remote_graph)
        operations += self._registry_operations(
            (self._remote_graph(q.graph_name) for q in added), (self._remote_graph(q.graph_name) for q in removed)
        )
        operations += self._generation_operations(name)
        return " ;\n".join(operations)

    @contextlib.contextmanager
    def writing(self) -> Iterator[Store]:
        """Writers in this process take turns (see `commit` for writers in other processes)."""
        with self._write_lock:
            yield self

    def commit(
        self, added: Quads, removed: Quads, *, validate: ChangeGate | None = None, before_publish: Hook | None = None
    ) -> str:
        """Apply a change as one SPARQL Update request: the server applies all of it or none of it.

        Writers in this process take turns; writers in other processes (other API workers) are not
        serialised by the server, so the change validated here may meet another change committed meanwhile.
        """
        added, removed = list(added), list(removed)
        with self._write_lock:
            if validate is not None:
                validate(self, added, removed)
            name = f"remote/{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:12]}"
            text = self.change_update(added, removed, name)
            if before_publish is not None:
                before_publish(name)
            try:
                self.update(text)
            finally:
                self._forget_registry()
            return name

    # -- bulk loading ----------------------------------------------------------------------------------------

    def load_graph(
        self,
        graph: str,
        triples: Sequence[ox.Triple],
        *,
        chunk_triples: int = 20_000,
        progress: Callable[[str, int], None] | None = None,
    ) -> int:
        """Replace `graph` with `triples`, atomically: loaded in chunks into a fresh graph, then moved over it.

        Chunks go through the Graph Store Protocol (POST) when the server has one, else as INSERT DATA.
        Triples with blank nodes all go in one chunk, because a blank node is local to one request. A
        failure midway drops the fresh graph; `graph` is untouched until the single MOVE request.
        """
        if not self.update_url:
            raise StoreUnavailable("loading needs the server's update endpoint (CCG_GRAPH_UPDATE_URL)")
        temporary = f"{LOADING_GRAPH}{uuid.uuid4()}"
        ground = [t for t in triples if not _has_blank_node(t)]
        blank = [t for t in triples if _has_blank_node(t)]
        chunks = [ground[i : i + chunk_triples] for i in range(0, len(ground), chunk_triples)]
        if blank:
            chunks.append(blank)
        sent = 0
        try:
            for chunk in chunks:
                self._send_chunk(temporary, chunk)
                sent += len(chunk)
                if progress is not None:
                    progress(graph, sent)
            name = f"remote/load-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:12]}"
            operations = [f"DROP SILENT GRAPH <{graph}>"]
            if triples:
                operations.append(f"MOVE SILENT <{temporary}> TO <{graph}>")
            operations += self._registry_operations([graph] if triples else [], [graph])
            operations += self._generation_operations(name)
            self.update(" ;\n".join(operations))
        except BaseException:
            self._drop_quietly(temporary)
            raise
        finally:
            self._forget_registry()
        return sent

    def _send_chunk(self, graph: str, triples: Sequence[ox.Triple]) -> None:
        if self.gsp_url:
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
            self._send(
                "POST",
                self.gsp_url,
                params={"graph": graph},
                content=body,
                headers={"Content-Type": mt.N_TRIPLES},
            ).close()
        else:
            quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph)) for t in triples]
            self.update(" ;\n".join(self._insert_operations(quads, self._remote_graph)))

    def _drop_quietly(self, graph: str) -> None:
        # the server may be gone; the fresh graph is outside ccg-graph's registry, so nobody sees it anyway
        with contextlib.suppress(StoreUnavailable, QueryTimeout, BadQuery):
            self.update(f"DROP SILENT GRAPH <{graph}>")

    def close(self) -> None:
        self._client.close()
        if self._relay is not None:
            self._relay.close()
