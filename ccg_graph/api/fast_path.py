"""The short way to a SPARQL query by GET: straight from the ASGI call to the query, past FastAPI's routing.

A lookup is answered by the engine in about 0.2 ms; FastAPI's route matching, dependency solving, parameter
validation and exception middleware cost more than that again on every request (issue 20's profile). A
``GET`` or ``HEAD`` of ``/sparql`` that carries a query is the hot path of the service, and its route
declares nothing FastAPI needs to check (every parameter is an optional string, parsed by
`protocol.requests.parse_operation` anyway), so this middleware answers it itself with the very code the
route runs (`routes.sparql.run_query_operation`) and the app's own error handlers. Everything else, a
``GET /sparql`` without a query included (the service description, the query page), goes on to FastAPI.
It sits inside the security-header and CORS middleware, so the answers carry the same headers.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from ccg_graph.api.errors import handle_ccg_graph_error, handle_unexpected_error
from ccg_graph.core.errors import CCGGraphError
from ccg_graph.protocol.requests import QueryRequest, parse_operation

PATHS = ("/sparql", "/sparql/")


class SparqlQueryFastPath:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or scope["path"] not in PATHS:
            await self.app(scope, receive, send)
            return
        from ccg_graph.api.routes.sparql import run_query_operation  # routes import the app's modules

        request = Request(scope, receive)
        try:
            operation = parse_operation("GET", request.url.query, None, b"")
            if not isinstance(operation, QueryRequest):
                await self.app(scope, receive, send)
                return
            response: Response = await run_query_operation(request, request.app.state.settings, operation)
        except CCGGraphError as err:
            response = await handle_ccg_graph_error(request, err)
        except Exception as err:  # a bug: logged, and answered as every other route answers one
            response = await handle_unexpected_error(request, err)
        await response(scope, receive, send)
