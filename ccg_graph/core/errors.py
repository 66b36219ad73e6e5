"""The project's error hierarchy.

Every error a user can cause is a `CCGGraphError`; the CLI maps them to exit codes (2 for bad input, 1 for
non-conforming data) and the API maps them to HTTP statuses in one exception handler. Anything else is a bug.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol


class CCGGraphError(Exception):
    """Base class of every error caused by input rather than by a bug."""

    exit_code = 2
    http_status = 400


class BadInput(CCGGraphError):
    """Input that cannot be read: a missing file, a syntax error, a malformed row.

    `path`, `line` and `column` say where, when known, so a person can go straight to it.
    """

    def __init__(
        self,
        reason: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.reason = reason
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        super().__init__(self.describe())

    def describe(self) -> str:
        where = ""
        if self.path:
            where = self.path
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        return f"{where}{self.reason}"


class MalformedRow(BadInput):
    """A row of a source file that does not have the shape its format promises."""


class ChecksumMismatch(BadInput):
    """A source file whose SHA-256 differs from the one recorded in the manifest."""


class BadQuery(BadInput):
    """A SPARQL query (or saved-query parameter) that cannot be parsed or bound."""


class InvalidParameter(BadQuery):
    """A saved-query parameter that is unknown, missing or of the wrong type (HTTP 422)."""

    http_status = 422


class NotFound(CCGGraphError):
    """A named thing (saved query, resource, file) that does not exist."""

    http_status = 404


class ValidationReport(Protocol):
    """What an error handler needs of a SHACL outcome (``ccg_graph.validation.outcome.ValidationOutcome``)."""

    def as_json(self) -> str: ...

    def as_turtle(self) -> str: ...


class ValidationFailed(CCGGraphError):
    """Data that parsed but does not conform to the shapes; `outcome` holds the SHACL report when known."""

    exit_code = 1
    http_status = 422

    def __init__(self, message: str, outcome: ValidationReport | None = None) -> None:
        super().__init__(message)
        self.outcome = outcome


class QueryTimeout(CCGGraphError):
    """A query that ran past its time limit."""

    exit_code = 1
    http_status = 503


class ServerBusy(CCGGraphError):
    """Every query worker is busy and the waiting line is full; the client should retry shortly."""

    exit_code = 1
    http_status = 503


class RateLimited(CCGGraphError):
    """A client past its share of queries (a rate, or seconds of worker time); `retry_after` says when to retry."""

    exit_code = 1
    http_status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unauthorized(CCGGraphError):
    """A write without credentials (HTTP 401 with a ``WWW-Authenticate: Bearer`` challenge)."""

    http_status = 401


class Forbidden(CCGGraphError):
    """A write with the wrong credentials, or writes disabled on this server."""

    http_status = 403


class PayloadTooLarge(CCGGraphError):
    """A request body over the configured limit."""

    http_status = 413


class WriterBusy(CCGGraphError):
    """A write that could not get the store's writer lock in time (another write, or a rebuild, holds it)."""

    exit_code = 1
    http_status = 503


class UnsupportedMediaType(CCGGraphError):
    """A request body in a media type this endpoint does not read."""

    http_status = 415


class StoreUnavailable(CCGGraphError):
    """The SPARQL database server behind ccg-graph did not answer, refused us, or failed (HTTP 503)."""

    exit_code = 1
    http_status = 503


class InsufficientStorage(CCGGraphError):
    """A write that could not be stored because the disk is full (nothing was published)."""

    exit_code = 1
    http_status = 507
