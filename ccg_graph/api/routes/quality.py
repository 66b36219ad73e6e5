"""``GET /quality``: where the sources disagree and how each disagreement was resolved (HTML for people,
JSON for apps), from the conflicts recorded in the graph (see `ccg_graph.linked_data.quality`)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ccg_graph.api.caching import conditional_response
from ccg_graph.api.deps import StoreDep
from ccg_graph.api.representations import html_response, per_build
from ccg_graph.api.routes.resources import GET_AND_HEAD, MediaTypeQuery
from ccg_graph.core.errors import BadInput
from ccg_graph.linked_data.negotiation import HTML
from ccg_graph.linked_data.quality import quality_report

router = APIRouter(tags=["quality"])
JSON = "application/json"


def _weight(accept: str, media: str) -> float:
    """The q-value the Accept header gives `media` (exactly, by its type's wildcard, or by ``*/*``)."""
    best = 0.0
    for part in accept.split(","):
        name, *params = (p.strip() for p in part.split(";"))
        if name in (media, media.split("/")[0] + "/*", "*/*"):
            q = next((p[2:] for p in params if p.startswith("q=")), "1")
            try:
                weight = float(q)
            except ValueError:
                continue
            best = max(best, weight if name == media else weight - 0.001)
    return best


def wants_page(accept: str | None, mediatype: str | None) -> bool:
    """HTML when asked for (``_mediatype=html`` or an Accept preferring text/html), else JSON for apps."""
    if mediatype is not None:
        if mediatype.lower() in ("html", HTML):
            return True
        if mediatype.lower() in ("json", JSON):
            return False
        raise BadInput(f"_mediatype must be html or json, not {mediatype!r}")
    if not accept:
        return False
    return _weight(accept, HTML) > _weight(accept, JSON)


@router.api_route(
    "/quality",
    methods=GET_AND_HEAD,
    summary="Conflicts between the sources, with the file and line of each side and the rule that resolved it",
    responses={200: {"content": {JSON: {}, HTML: {}}}},
)
async def quality(request: Request, store: StoreDep, mediatype: MediaTypeQuery = None) -> Response:
    wants_html = wants_page(request.headers.get("accept"), mediatype)

    def make() -> Response:
        report = per_build(request, store, "quality", lambda: quality_report(store))
        if wants_html:
            return html_response(request, "quality.html", title="Where the sources disagree", report=report)
        return JSONResponse(report)

    return await run_in_threadpool(
        conditional_response, request, store, ("quality", "html" if wants_html else "json"), make
    )
