"""`Client`: the graph from Python, against any SPARQL 1.1 endpoint, as pandas DataFrames.

Built on SPARQLWrapper. Queries go by POST (a saved query with its bound values can be longer than a URL
allows) and ask by content negotiation only, so the same client works against ccg-graph's ``/sparql`` and
an Oxigraph server holding the dump (``oxigraph serve --union-default-graph``, endpoint ``/query``). Saved
queries are read from ``queries/*.rq`` and bound here, as a ``VALUES`` block of typed RDF terms, before they
are sent: the endpoint needs nothing but SPARQL 1.1.
"""

from __future__ import annotations

import ast
import http.client
import json
import time
import urllib.error
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
import rdflib
from SPARQLWrapper import JSON, POST, TURTLE, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
    URITooLong,
)

from ccg_graph import __version__
from ccg_graph.client.as_of import AsOf
from ccg_graph.client.errors import EndpointError, EndpointTimeout, EndpointUnreachable, QueryRejected
from ccg_graph.client.frames import frame_from_json
from ccg_graph.client.terms import saved_parameter_text, to_term
from ccg_graph.core.errors import BadInput, BadQuery
from ccg_graph.sparql.binding import bind_values
from ccg_graph.sparql.lexer import find_query_form
from ccg_graph.sparql.saved_queries import QueryCatalogue, SavedQuery

#: HTTP statuses worth asking again: the service is busy or restarting, not refusing this query.
RETRY_STATUSES = frozenset({429, 502, 503, 504})
_STATUS_OF = {
    QueryBadFormed: 400,
    Unauthorized: 401,
    EndPointNotFound: 404,
    URITooLong: 414,
    EndPointInternalError: 500,
}
_MAX_MESSAGE = 600


def _server_message(body: bytes | str | None) -> str:
    """The server's own explanation from an error body: our API's JSON ``message``, else its text."""
    if body is None:
        return "no explanation given"
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict) and isinstance(parsed.get("message") or parsed.get("detail"), str):
        text = parsed.get("message") or parsed["detail"]
    text = " ".join(text.split())
    return text[:_MAX_MESSAGE] + ("…" if len(text) > _MAX_MESSAGE else "") or "no explanation given"


def _wrapper_body(error: SPARQLWrapperException) -> bytes | None:
    # SPARQLWrapper keeps the server's body only inside its message, as the repr of the bytes it read.
    message = str(error)
    marker = "Response:\n"
    if marker not in message:
        return None
    try:
        body = ast.literal_eval(message.split(marker, 1)[1].strip())
    except (ValueError, SyntaxError):
        return None
    return body if isinstance(body, bytes) else None


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BadInput(f"not an HTTP(S) SPARQL endpoint URL: {url!r} (e.g. http://127.0.0.1:8000/sparql)")
    return url


class Client:
    """A SPARQL 1.1 endpoint holding ccg-graph.

    `url` is the query endpoint itself (``http://127.0.0.1:8000/sparql`` for ``ccg-graph serve``,
    ``http://127.0.0.1:7878/query`` for ``oxigraph serve``). `timeout` is per request, in seconds;
    `retries` is how many more times a request is tried after a refused connection or a busy answer
    (429, 502-504), waiting `backoff`, then twice that, and so on.
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 60.0,
        retries: int = 2,
        backoff: float = 0.5,
        queries_dir: Path | None = None,
    ) -> None:
        self.url = _check_url(url)
        if timeout <= 0 or retries < 0 or backoff < 0:
            raise BadInput("timeout must be positive and retries and backoff not negative")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._queries_dir = queries_dir
        self._catalogue: QueryCatalogue | None = None

    def __repr__(self) -> str:
        return f"Client({self.url!r}, timeout={self.timeout}, retries={self.retries})"

    # --- the saved queries -------------------------------------------------------------------------------
    @property
    def catalogue(self) -> QueryCatalogue:
        """The saved queries (``queries/*.rq``), read once."""
        if self._catalogue is None:
            if self._queries_dir is None:
                from ccg_graph.core.config import get_settings

                self._queries_dir = get_settings().queries_dir
            self._catalogue = QueryCatalogue(self._queries_dir)
        return self._catalogue

    def saved_query(self, name: str) -> SavedQuery:
        """A saved query's text and header (title, purpose, parameters, returns)."""
        return self.catalogue.get(name)

    def saved_text(self, name: str, **params: object) -> str:
        """The exact SPARQL `saved` sends: the saved query with its typed parameters bound."""
        saved = self.catalogue.get(name)
        bindings = saved.bind({key: saved_parameter_text(value) for key, value in params.items()})
        return bind_values(saved.text, bindings)

    def saved(self, name: str, **params: object) -> pd.DataFrame | bool | rdflib.Graph:
        """Run a saved query by name with its declared, typed parameters (defaults fill the rest)."""
        return self.run(self.saved_text(name, **params))

    def saved_frame(self, name: str, **params: object) -> pd.DataFrame:
        """A saved SELECT query's answer as a typed DataFrame (`saved`, for code that needs the table type)."""
        return self.select(self.saved_text(name, **params))

    def run(self, query: str, **params: object) -> pd.DataFrame | bool | rdflib.Graph:
        """Any query, answered by its form: SELECT a DataFrame, ASK a bool, CONSTRUCT/DESCRIBE a Graph."""
        form = find_query_form(query)
        if form == "ASK":
            return self.ask(query, **params)
        if form in ("CONSTRUCT", "DESCRIBE"):
            return self.construct(query, **params)
        return self.select(query, **params)

    def as_of(self, day: date | str) -> AsOf:
        """The saved queries about one day, with the day already bound: ``client.as_of("2019-04-01").ccgs()``."""
        return AsOf(self, day)

    def crosswalk(self) -> pd.DataFrame:
        """Every organisation's ODS and ONS codes with the periods they held them (``organisation-crosswalk``)."""
        frame = self.saved("organisation-crosswalk")
        assert isinstance(frame, pd.DataFrame)
        return frame

    # --- the three query forms ---------------------------------------------------------------------------
    def select(self, query: str, **params: object) -> pd.DataFrame:
        """A SELECT query's answer as a DataFrame with typed columns; `params` bind variables to values."""
        text = self._bound(query, params)
        self._expect(text, ("SELECT",))
        return frame_from_json(self._send(text, JSON))

    def ask(self, query: str, **params: object) -> bool:
        """An ASK query's answer."""
        text = self._bound(query, params)
        self._expect(text, ("ASK",))
        answer = json.loads(self._send(text, JSON))
        if not isinstance(answer.get("boolean"), bool):
            raise EndpointError(self.url, "the answer to an ASK query has no boolean")
        return answer["boolean"]

    def construct(self, query: str, **params: object) -> rdflib.Graph:
        """A CONSTRUCT or DESCRIBE query's answer as an rdflib Graph."""
        text = self._bound(query, params)
        self._expect(text, ("CONSTRUCT", "DESCRIBE"))
        graph = rdflib.Graph()
        try:
            graph.parse(data=self._send(text, TURTLE), format="turtle")
        except Exception as err:  # rdflib raises several unrelated types for a body that is not Turtle
            raise EndpointError(self.url, f"the answer is not Turtle: {err}") from err
        return graph

    # --- plumbing ----------------------------------------------------------------------------------------
    @staticmethod
    def _bound(query: str, params: Mapping[str, Any]) -> str:
        if not params:
            return query
        try:
            return bind_values(query, {name: to_term(name, value) for name, value in params.items()})
        except ValueError as err:
            raise BadQuery(str(err)) from err

    def _expect(self, text: str, forms: tuple[str, ...]) -> None:
        form = find_query_form(text)
        # A text with no query keyword at all goes to the endpoint, which says what is wrong with it.
        if form is not None and form not in forms:
            method = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "construct", "DESCRIBE": "construct"}.get(form)
            hint = f": use Client.{method}" if method else ""
            raise BadQuery(f"this is a {form} query, not {' or '.join(forms)}{hint}")

    def _wrapper(self, text: str, return_format: str) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(self.url, agent=f"ccg-graph-client/{__version__}")
        wrapper.setOnlyConneg(True)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setTimeout(int(max(1, round(self.timeout))))
        wrapper.setQuery(text)
        # SPARQLWrapper guesses the form with a regular expression that reads comments too (a header saying
        # "created" made it send a SELECT as an update); ours skips comments, strings and IRIs.
        wrapper.queryType = find_query_form(text) or "SELECT"
        wrapper.setReturnFormat(return_format)
        return wrapper

    def _send(self, text: str, return_format: str) -> bytes:
        """POST the query, retrying transient failures; the raw answer body."""
        attempt = 0
        while True:
            try:
                return self._send_once(text, return_format)
            except _Transient as transient:
                if attempt >= self.retries:
                    raise transient.error from transient.__cause__
                time.sleep(self.backoff * (2**attempt))
                attempt += 1

    def _send_once(self, text: str, return_format: str) -> bytes:
        try:
            response = self._wrapper(text, return_format).query().response
            return response.read()
        except QueryBadFormed as err:
            raise QueryRejected(self.url, _server_message(_wrapper_body(err))) from err
        except EndPointNotFound as err:
            raise EndpointError(self.url, "not found: is this the SPARQL endpoint's URL?", 404) from err
        except SPARQLWrapperException as err:
            status = _STATUS_OF.get(type(err))
            raise EndpointError(self.url, _server_message(_wrapper_body(err)), status) from err
        except urllib.error.HTTPError as err:
            error = EndpointError(self.url, _server_message(err.read()), err.code)
            if err.code in RETRY_STATUSES:
                raise _Transient(error) from err
            raise error from err
        except urllib.error.URLError as err:
            if isinstance(err.reason, TimeoutError):
                raise EndpointTimeout(self.url, f"no answer within {self.timeout:g} s") from err
            raise _Transient(EndpointUnreachable(self.url, f"cannot connect ({err.reason})")) from err
        except TimeoutError as err:
            raise EndpointTimeout(self.url, f"no answer within {self.timeout:g} s") from err
        except (ConnectionError, http.client.HTTPException) as err:
            raise _Transient(EndpointUnreachable(self.url, f"the connection failed ({err})")) from err


class _Transient(Exception):
    """A failure worth one more try; carries the error to raise when the tries run out."""

    def __init__(self, error: EndpointError) -> None:
        super().__init__(str(error))
        self.error = error
