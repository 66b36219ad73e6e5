"""What can go wrong talking to a SPARQL endpoint, as `CCGGraphError`s the CLI and callers can tell apart.

A malformed query is the caller's `BadQuery` (the server's own message attached); an endpoint that cannot
be reached or answers with an HTTP error is an `EndpointError` carrying the status and the server's text.
"""

from __future__ import annotations

from ccg_graph.core.errors import BadQuery, CCGGraphError


class EndpointError(CCGGraphError):
    """The endpoint answered with an HTTP error other than a rejected query (5xx, 404, 401...)."""

    exit_code = 1

    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        self.url = url
        self.status = status
        self.reason = reason
        if status is not None and 400 <= status < 500:
            self.exit_code = 2  # a wrong URL or missing credentials: the caller's input, not the data
        where = f"{url} answered HTTP {status}" if status is not None else url
        super().__init__(f"{where}: {reason}")


class EndpointUnreachable(EndpointError):
    """No HTTP answer at all: a wrong host or port, a refused connection, a name that does not resolve."""

    exit_code = 2


class EndpointTimeout(EndpointError):
    """The endpoint did not answer within the client's timeout."""


class QueryRejected(BadQuery):
    """The endpoint said the query is malformed (HTTP 400); `reason` is the server's own message."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        super().__init__(f"{url} rejected the query: {reason}")
