"""Turning a query into an HTTP answer: the job for the executor, and the response with its headers.

Answers to GET and HEAD carry a weak `ETag` naming the release and the request (the query string and the
`Accept` header decide the answer), and a client sending it back in `If-None-Match` gets `304` without the
query being run. Saved-query answers are also kept in the app's `AnswerCache` (`X-Cache: hit|miss`).
"""

from __future__ import annotations

from fastapi import Request, Response
from fastapi.responses import StreamingResponse

from ccg_graph.api.answer_cache import CACHE_HEADER, CachedAnswer, answer_cache, release_of, weak_etag
from ccg_graph.api.caching import etag_matches
from ccg_graph.api.fair_use import FairUse
from ccg_graph.core.config import Settings
from ccg_graph.core.errors import QueryTimeout
from ccg_graph.core.namespaces import PREFIXES
from ccg_graph.execution.evaluate import QueryJob
from ccg_graph.execution.pool import QueryExecutor

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
    return QueryJob(
        query=query,
        accept=accept,
        format_override=format_override,
        default_graph_uris=default_graph_uris,
        named_graph_uris=named_graph_uris,
        base_iri=base_iri,
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
