"""One exception handler mapping the project's errors to HTTP answers with a readable message."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ccg_graph.errors import BadInput, CCGGraphError


async def handle_ccg_graph_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CCGGraphError)
    body: dict[str, object] = {"error": type(exc).__name__, "message": str(exc)}
    if isinstance(exc, BadInput):
        body["message"] = exc.reason
        if exc.line is not None:
            body["line"] = exc.line
        if exc.column is not None:
            body["column"] = exc.column
    return JSONResponse(body, status_code=exc.http_status)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(CCGGraphError, handle_ccg_graph_error)
