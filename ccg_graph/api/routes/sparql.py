"""``/sparql``: the SPARQL 1.1 Protocol — queries (GET, POST form, POST direct) and updates (POST).

``GET /sparql`` with no query answers the SPARQL 1.1 Service Description (RDF), or the query page for a
browser. ``/sparql/update`` takes updates only. Queries run on the app's executor, off the event loop and
under the time limit; updates become a change set, pass the shapes, and are committed atomically.

This module is also where any query becomes an HTTP answer (`make_job`, `answer`; saved queries come here
too): the route reads the request with `protocol.requests` and hands the job straight down to the app's
executor, so a query crosses no other module of `api/` on its way to the store. Answers to GET and HEAD
carry a weak `ETag` naming the release and the request (the query string and the `Accept` header decide
the answer), and a client sending it back in `If-None-Match` gets `304` without the query being run.
Saved-query answers are also kept in the app's `AnswerCache` (`X-Cache: hit|miss`).
"""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse

from ccg_graph.api.answer_cache import CACHE_HEADER, CachedAnswer, answer_cache, release_of, weak_etag
from ccg_graph.api.caching import etag_matches
from ccg_graph.api.deps import SettingsDep, StewardDep, StoreDep
from ccg_graph.api.fair_use import FairUse
from ccg_graph.api.routes.query_page import query_page_response
from ccg_graph.api.security import read_body, require_writer
from ccg_graph.api.writing import commit_change, release_headers
from ccg_graph.core.config import Settings
from ccg_graph.core.errors import BadQuery, QueryTimeout
from ccg_graph.core.namespaces import PREFIXES
from ccg_graph.execution.framing import QueryJob
from ccg_graph.execution.pool import QueryExecutor
from ccg_graph.protocol.requests import QueryRequest, UpdateRequest, parse_operation
from ccg_graph.protocol.service_description import describe_service
from ccg_graph.rdf import media_types as mt
from ccg_graph.rdf.negotiation import GRAPH_ALIASES, GRAPH_FORMATS, negotiate
from ccg_graph.rdf.parser import RdfLimits
from ccg_graph.rdf.results import write_triples
from ccg_graph.writes.steward import Steward
from ccg_graph.writes.update import changes_from_update

router = APIRouter(tags=["sparql"])

TRUNCATED_HEADER = "X-Result-Truncated"
ROWS_HEADER = "X-Result-Rows"


def make_job(
    settings: Settings,
    query: str,
    accept: str | None,
    *,
    format_override: str | None = None,
    default_graph_uris: tuple[str, ...] = (),
    named_graph_uris: tuple[str, ...] = (),
    base_iri: str | None = None,
) -> QueryJob:
    """The job for `query`: what the request asks (in `QueryJob`'s field order), and the deployment's limits."""
    asked = (query, accept, format_override, default_graph_uris, named_graph_uris, base_iri)
    return QueryJob(
        *asked,
        row_cap=settings.max_result_rows,
        service_allow=settings.service_allow_list,
        service_timeout=settings.query_timeout,
        prefixes=dict(PREFIXES),
    )


def job_timeout(request: Request) -> float:
    settings: Settings = request.app.state.settings
    return settings.query_timeout


def _cached_response(hit: CachedAnswer, head_only: bool) -> Response:
    headers = dict(hit.headers)
    headers[CACHE_HEADER] = "hit"
    return Response(b"" if head_only else hit.body, hit.status, headers, media_type=hit.media_type)


async def answer(request: Request, job: QueryJob, *, head_only: bool = False, keep: bool = False) -> Response:
    """Run `job` on the app's executor; small answers whole, large ones streamed.

        With `keep`, the answer is looked up in and kept in the answer cache (saved queries). Every query counts
    against the client's rate limit, and the worker time it used against its budget (`fair_use`).
    """
    fair_use: FairUse = request.app.state.fair_use
    client = fair_use.client(request) if fair_use.enabled else ""
    if fair_use.enabled:
        fair_use.admit(client)
    conditional = request.method in ("GET", "HEAD")
    release = await release_of(request, request.app.state.store) if conditional else None
    etag = None
    if release is not None:
        etag = weak_etag(release, request.url.path, request.url.query, request.headers.get("accept", ""))
        if etag_matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers={"ETag": etag, "Vary": "Accept"})
    cache = answer_cache(request) if keep and release is not None else None
    key = (request.url.path, request.url.query, request.headers.get("accept", ""))
    if cache is not None and release is not None:
        hit = cache.get(release, key)
        if hit is not None:
            return _cached_response(hit, head_only)
    executor: QueryExecutor = request.app.state.executor
    try:
        result = await executor.submit(job)
    except QueryTimeout:
        fair_use.charge(client, job_timeout(request))
        raise
    fair_use.charge(client, result.worker_seconds)
    headers = {"Vary": "Accept", TRUNCATED_HEADER: "true" if result.head.truncated else "false"}
    if result.head.rows is not None:
        headers[ROWS_HEADER] = str(result.head.rows)
    if etag is not None:
        headers["ETag"] = etag
    media = result.head.media_type
    if result.body is not None:
        if cache is not None and release is not None:
            cache.put(release, key, CachedAnswer(200, result.body, media, tuple(headers.items())))
            headers[CACHE_HEADER] = "miss"
        return Response(b"" if head_only else result.body, media_type=media, headers=headers)
    assert result.stream is not None
    if cache is not None:
        headers[CACHE_HEADER] = "miss"
    return StreamingResponse(result.stream, media_type=media, headers=headers)


_QUERY_DOC = "A SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE)."
_RESULT_TYPES: dict[str, dict[str, object]] = {
    m: {} for m in (*(s.media_type for s in mt.RESULT_SYNTAXES), mt.TURTLE, mt.JSON_LD)
}


def wants_html(request: Request) -> bool:
    """A browser asking for the endpoint itself gets the query page; RDF clients get the description."""
    accept = request.headers.get("accept", "").lower()
    if mt.HTML not in accept:
        return False
    rdf = (mt.TURTLE, mt.RDF_XML, mt.JSON_LD, mt.N_TRIPLES)
    return not any(media in accept.split(mt.HTML)[0] for media in rdf)


async def _service_description(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    endpoint = str(request.url).split("?", 1)[0]
    cache = request.app.state.cache
    key = ("service-description", endpoint, store.generation)
    if key not in cache:
        cache[key] = await anyio.to_thread.run_sync(
            lambda: describe_service(
                store,
                endpoint,
                updates_enabled=settings.update_token is not None,
                federation=bool(settings.service_allow_list),
            )
        )
    media = negotiate(
        request.headers.get("accept"), request.query_params.get("format"), GRAPH_FORMATS, GRAPH_ALIASES, "text/turtle"
    )
    body = write_triples(GRAPH_FORMATS[media][1], cache[key], PREFIXES)
    return Response(body, media_type=f"{media}; charset=utf-8", headers={"Vary": "Accept"})


async def run_query_operation(request: Request, settings: SettingsDep, operation: QueryRequest) -> Response:
    """Answer a parsed query: the routes below and `api.fast_path` (GET and HEAD) both come here."""
    job = make_job(
        settings,
        operation.query,
        request.headers.get("accept"),
        format_override=operation.format_override,
        default_graph_uris=operation.default_graph_uris,
        named_graph_uris=operation.named_graph_uris,
        base_iri=str(request.url).split("?", 1)[0],
    )
    return await answer(request, job, head_only=request.method == "HEAD")


async def _run_update(request: Request, steward: Steward, settings: SettingsDep, operation: UpdateRequest) -> Response:
    store = steward.store
    require_writer(request)
    change = await anyio.to_thread.run_sync(
        lambda: changes_from_update(
            store,
            operation.update,
            allow_list=settings.service_allow_list,
            timeout=settings.query_timeout,
            using=operation.using_graph_uris,
            using_named=operation.using_named_graph_uris,
            base_iri=str(request.url).split("?", 1)[0],
            limits=RdfLimits.from_settings(settings),
        )
    )
    release = await commit_change(steward, request, change, kind="update", message=operation.update[:500])
    headers = release_headers(change, release)
    return Response(status_code=204, headers=headers)


@router.get(
    "/sparql",
    summary="SPARQL 1.1 query by GET; without a query, the service description (or the query page)",
    responses={200: {"content": _RESULT_TYPES}, 400: {}, 406: {}, 503: {}},
)
@router.get("/sparql/", include_in_schema=False)
async def sparql_get(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    query: Annotated[str | None, Query(description=_QUERY_DOC)] = None,
    default_graph_uri: Annotated[list[str] | None, Query(alias="default-graph-uri")] = None,
    named_graph_uri: Annotated[list[str] | None, Query(alias="named-graph-uri")] = None,
    format: Annotated[str | None, Query(description="Overrides Accept: json, xml, csv, tsv, turtle, ...")] = None,
) -> Response:
    operation = parse_operation("GET", request.url.query, None, b"")
    if operation is None:
        if wants_html(request):
            return query_page_response(request, settings)
        return await _service_description(request, store, settings)
    assert isinstance(operation, QueryRequest)
    return await run_query_operation(request, settings, operation)


@router.post(
    "/sparql",
    summary="SPARQL 1.1 query or update by POST (form, application/sparql-query or application/sparql-update)",
    responses={200: {"content": _RESULT_TYPES}, 204: {}, 400: {}, 401: {}, 403: {}, 406: {}, 413: {}, 415: {}, 422: {}},
    openapi_extra={
        "requestBody": {
            "content": {
                "application/sparql-query": {"schema": {"type": "string"}},
                "application/sparql-update": {"schema": {"type": "string"}},
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {"query": {"type": "string"}, "update": {"type": "string"}},
                    }
                },
            }
        }
    },
)
@router.post("/sparql/", include_in_schema=False)
async def sparql_post(request: Request, steward: StewardDep, settings: SettingsDep) -> Response:
    body = await read_body(request)
    operation = parse_operation("POST", request.url.query, request.headers.get("content-type"), body)
    if isinstance(operation, UpdateRequest):
        return await _run_update(request, steward, settings, operation)
    assert isinstance(operation, QueryRequest)
    return await run_query_operation(request, settings, operation)


@router.post(
    "/sparql/update",
    summary="SPARQL 1.1 Update (form field 'update' or application/sparql-update); needs the bearer token",
    status_code=204,
    responses={204: {}, 400: {}, 401: {}, 403: {}, 413: {}, 415: {}, 422: {}},
    dependencies=[Depends(require_writer)],
    openapi_extra={
        "requestBody": {
            "content": {
                "application/sparql-update": {"schema": {"type": "string"}},
                "application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "properties": {"update": {"type": "string"}}, "required": ["update"]}
                },
            }
        }
    },
)
async def sparql_update(request: Request, steward: StewardDep, settings: SettingsDep) -> Response:
    body = await read_body(request)
    operation = parse_operation("POST", request.url.query, request.headers.get("content-type"), body)
    if not isinstance(operation, UpdateRequest):
        raise BadQuery("this endpoint takes updates only: send the query to /sparql")
    return await _run_update(request, steward, settings, operation)
