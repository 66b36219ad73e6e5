"""The project's error hierarchy.

Every error a user can cause is a `CCGGraphError`; the CLI maps them to exit codes (2 for bad input, 1 for
non-conforming data) and the API maps them to HTTP statuses in one exception handler. Anything else is a bug.
"""

from __future__ import annotations

from pathlib import Path


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


class NotFound(CCGGraphError):
    """A named thing (saved query, resource, file) that does not exist."""

    http_status = 404


class ValidationFailed(CCGGraphError):
    """Data that parsed but does not conform to the shapes."""

    exit_code = 1
    http_status = 422


class PayloadTooLarge(CCGGraphError):
    """An upload larger than the configured limit (`Settings.max_upload_bytes`)."""

    http_status = 413


class QueryTimeout(CCGGraphError):
    """A query that ran past its time limit."""

    exit_code = 1
    http_status = 503
