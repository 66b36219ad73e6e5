"""One exception handler mapping the project's errors to HTTP answers with a readable message.

The body is JSON (``{"error": ..., "message": ...}`` plus `line`/`column` for input errors). A change
refused by the shapes answers 422 with the SHACL report: as JSON results, or as the standard
``sh:ValidationReport`` in Turtle when the client asks for ``text/turtle``.
"""

from __future__ import annotations

import json
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from ccg_graph.core.errors import (
    BadInput,
    CCGGraphError,
    QueryTimeout,
    RateLimited,
    ServerBusy,
    Unauthorized,
    ValidationFailed,
    WriterBusy,
)


def error_body(exc: CCGGraphError) -> dict[str, object]:
    body: dict[str, object] = {"error": getattr(exc, "error_type", type(exc).__name__), "message": str(exc)}
    if isinstance(exc, BadInput):
        body["message"] = exc.reason
        if exc.line is not None:
            body["line"] = exc.line
        if exc.column is not None:
            body["column"] = exc.column
    return body


def _headers(exc: CCGGraphError) -> dict[str, str]:
    if isinstance(exc, Unauthorized):
        return {"WWW-Authenticate": 'Bearer realm="ccg-graph"'}
    if isinstance(exc, RateLimited):
        return {"Retry-After": str(exc.retry_after)}
    if isinstance(exc, ServerBusy | QueryTimeout | WriterBusy):
        return {"Retry-After": "2"}
    return {}


async def handle_ccg_graph_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, CCGGraphError)
    headers = _headers(exc)
    if isinstance(exc, ValidationFailed) and exc.outcome is not None:
        outcome = exc.outcome
        if "text/turtle" in request.headers.get("accept", ""):
            return Response(outcome.as_turtle(), 422, headers, media_type="text/turtle; charset=utf-8")
        body = error_body(exc)
        body["report"] = json.loads(outcome.as_json())
        return JSONResponse(body, status_code=exc.http_status, headers=headers)
    return JSONResponse(error_body(exc), status_code=exc.http_status, headers=headers)


logger = logging.getLogger("ccg_graph.api")


async def handle_unexpected_error(request: Request, exc: Exception) -> Response:
    """A bug: logged in full on the server; the client gets a generic message, never a trace or a path."""
    logger.error("unhandled error answering %s %s", request.method, request.url.path, exc_info=exc)
    body = {"error": "InternalError", "message": "the server could not answer this request; the error is logged"}
    return JSONResponse(body, status_code=500)


async def handle_invalid_request(request: Request, exc: Exception) -> Response:
    """FastAPI's own parameter checks (a page number below 1, a missing field) in the same error body."""
    assert isinstance(exc, RequestValidationError)
    problems = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("query", "path", "body"))
        problems.append(f"{where or 'request'}: {error.get('msg', 'invalid')}")
    body = {"error": "InvalidParameter", "message": "; ".join(problems) or "invalid request"}
    return JSONResponse(body, status_code=422)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, handle_invalid_request)
    app.add_exception_handler(CCGGraphError, handle_ccg_graph_error)
    app.add_exception_handler(Exception, handle_unexpected_error)
