"""The home page (national timeline, search, ways in) and search by name or code, as HTML or JSON."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from markupsafe import Markup
from pydantic import BaseModel

from ccg_graph.api.caching import conditional_response
from ccg_graph.api.deps import SettingsDep, StoreDep
from ccg_graph.api.representations import html_response, per_build, public_base
from ccg_graph.api.routes.places import index_of
from ccg_graph.linked_data.pages import ccgs_per_month, indexed_search
from ccg_graph.linked_data.svg import national_chart_svg
from ccg_graph.rdf import media_types
from ccg_graph.rdf.negotiation import Format, negotiate
from ccg_graph.sparql.saved_queries import QueryCatalogue

router = APIRouter(tags=["pages"])

_SEARCH_FORMATS = {
    media_types.HTML: (Format(media_types.HTML, "html"), None),
    media_types.JSON: (Format(media_types.JSON, "json"), None),
}


class SearchHitModel(BaseModel):
    """One organisation found by name or code."""

    id: str
    url: str
    name: str
    code: str
    type: str
    openDate: date | None = None
    closeDate: date | None = None
    matched: str | None = None  # the name or code that matched
    matchedAs: str | None = None  # code, current name, abbreviation or former name


class SearchPage(BaseModel):
    """A page of search results; `next` is the URL of the next page, if any (also sent as Link: rel=next)."""

    query: str
    page: int
    results: list[SearchHitModel]
    next: str | None = None


@router.get("/", summary="Home page", include_in_schema=False)
def home(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    def make() -> Response:
        query = QueryCatalogue(settings.queries_dir).get("ccg-count-by-month")
        points = per_build(request, store, "ccgs-per-month", lambda: ccgs_per_month(store, query.text))
        chart = Markup(national_chart_svg(points))
        return html_response(request, "home.html", title="ccg-graph", points=points, chart=chart)

    return conditional_response(request, store, ("home",), make)


@router.get(
    "/search",
    summary="Find organisations by name (contains, any case) or by ODS/ONS code",
    response_model=SearchPage,
    responses={200: {"content": {"text/html": {}}}},
)
def search_page(
    request: Request,
    store: StoreDep,
    q: Annotated[str, Query(max_length=200, description="Name fragment or code")] = "",
    page: Annotated[int, Query(ge=1)] = 1,
    as_of: Annotated[date | None, Query(description="Rank those open on this day first (default today)")] = None,
    format: Annotated[str | None, Query(description="html or json (overrides Accept)")] = None,
) -> Response:
    media = negotiate(request.headers.get("accept"), format, _SEARCH_FORMATS, {}, "text/html")

    def make() -> Response:
        found = indexed_search(index_of(request, store), public_base(request), q, page, as_of)
        next_url = f"{request.url.path}?q={_quote(q)}&page={found.next_page}" if found.next_page else None
        if media == "application/json":
            body = SearchPage(
                query=q,
                page=page,
                results=[
                    SearchHitModel(
                        id=h.link.iri,
                        url=h.link.url,
                        name=h.link.label,
                        code=h.code,
                        type=h.kind,
                        openDate=h.opened,
                        closeDate=h.closed,
                        matched=h.matched,
                        matchedAs=h.matched_as,
                    )
                    for h in found.items
                ],
                next=next_url,
            )
            response: Response = JSONResponse(body.model_dump(mode="json"))
        else:
            response = html_response(request, "search.html", title=f"Search: {q}", q=q, found=found, next_url=next_url)
        if next_url:
            response.headers["Link"] = f'<{next_url}>; rel="next"'
        return response

    return conditional_response(request, store, ("search", q, str(page), media, str(as_of)), make)


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")
