"""Turning a query into an HTTP answer: the job for the executor, and the response with its headers."""

from __future__ import annotations

from fastapi import Request, Response
from fastapi.responses import StreamingResponse

from ccg_graph.core.config import Settings
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


async def answer(request: Request, job: QueryJob, *, head_only: bool = False) -> Response:
    """Run `job` on the app's executor; small answers whole, large ones streamed."""
    executor: QueryExecutor = request.app.state.executor
    result = await executor.submit(job)
    headers = {"Vary": "Accept", TRUNCATED_HEADER: "true" if result.head.truncated else "false"}
    if result.head.rows is not None:
        headers[ROWS_HEADER] = str(result.head.rows)
    media = result.head.media_type
    if result.body is not None:
        return Response(b"" if head_only else result.body, media_type=media, headers=headers)
    assert result.stream is not None
    return StreamingResponse(result.stream, media_type=media, headers=headers)
