"""``/sparql``: the SPARQL 1.1 Query protocol (GET, POST form, POST application/sparql-query).

The handlers are plain functions, so FastAPI runs them in its thread pool: a slow query never blocks the
event loop.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from ccg_graph.api.deps import StoreDep
from ccg_graph.errors import BadQuery
from ccg_graph.sparql import execute

router = APIRouter(tags=["sparql"])

_MAX_BODY_BYTES = 1_000_000


@router.get("/sparql", summary="SPARQL 1.1 query (GET)")
def sparql_get(
    request: Request,
    store: StoreDep,
    query: Annotated[str | None, Query(description="The SPARQL query")] = None,
    default_graph_uri: Annotated[list[str] | None, Query(alias="default-graph-uri")] = None,
    named_graph_uri: Annotated[list[str] | None, Query(alias="named-graph-uri")] = None,
    format: Annotated[
        str | None, Query(description="Override content negotiation: json, xml, csv, tsv, turtle ...")
    ] = None,
) -> Response:
    if query is None:
        raise BadQuery("missing the 'query' parameter (SPARQL 1.1 Protocol, section 2.1)")
    return execute(store, query, request.headers.get("accept"), format, default_graph_uri, named_graph_uri)


@router.post("/sparql", summary="SPARQL 1.1 query (POST form or application/sparql-query)")
async def sparql_post(request: Request, store: StoreDep) -> Response:
    body = await request.body()
    if len(body) > _MAX_BODY_BYTES:
        raise BadQuery(f"request body of {len(body)} bytes is larger than the {_MAX_BODY_BYTES} allowed")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    params = parse_qs(request.url.query)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise BadQuery("the request body is not UTF-8") from err
    if content_type == "application/sparql-query":
        query = text
    elif content_type == "application/x-www-form-urlencoded":
        form = parse_qs(text, keep_blank_values=True)
        params = {**params, **{k: v for k, v in form.items() if k != "query"}}
        if "query" not in form:
            raise BadQuery("the form has no 'query' field")
        query = form["query"][0]
    else:
        raise BadQuery(
            f"unsupported content type {content_type!r}: POST a form (application/x-www-form-urlencoded) "
            "or a query (application/sparql-query)"
        )
    return await run_in_threadpool(
        execute,
        store,
        query,
        request.headers.get("accept"),
        (params.get("format") or [None])[0],
        params.get("default-graph-uri"),
        params.get("named-graph-uri"),
    )
