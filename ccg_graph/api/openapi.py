"""What the OpenAPI description promises about answers every route can give.

Every error is the same JSON body (``{"error", "message"}`` plus ``line``/``column`` for input errors); the
statuses here can come from any route (bad input, an unknown name, an unacceptable format, parameters of
the wrong type, a busy or unreachable store), so they are declared once for all, at `include_router`.
"""

from __future__ import annotations

from pydantic import BaseModel

from ccg_graph.rdf import media_types
from ccg_graph.rdf.parser import READABLE


class ErrorBody(BaseModel):
    """The body of every error answer."""

    error: str
    message: str
    line: int | None = None
    column: int | None = None


def _error(description: str) -> dict[str, object]:
    return {"description": description, "model": ErrorBody}


COMMON_ERRORS: dict[int | str, dict[str, object]] = {
    400: _error("Bad input: a malformed query, body or parameter (the message says what and where)"),
    404: _error("No such resource, graph, saved query, submission or dump"),
    406: _error("None of the formats the request accepts can be given"),
    413: _error("The request body is over the configured limit"),
    415: _error("The request body is in a media type this route does not read"),
    422: _error("Parameters of the wrong type, or data the shapes refuse (with the report)"),
    503: _error("Busy, past its time limit, or its database is unreachable: retry later"),
}

RDF_MEDIA_TYPES = (*media_types.SERVED_RDF, media_types.HTML)

RDF_CONTENT: dict[int | str, dict[str, object]] = {200: {"content": {m: {} for m in RDF_MEDIA_TYPES}}}


#: The request body of every operation that reads RDF (`/store`, `/submissions`, `/validate`): one entry per
#: media type the guarded parser reads, so the hostile-input corpus (tests/security/test_every_door.py) finds
#: every such door in the description.
RDF_REQUEST_BODY: dict[str, object] = {
    "requestBody": {"content": {media: {"schema": {"type": "string"}} for media in sorted(READABLE)}}
}
