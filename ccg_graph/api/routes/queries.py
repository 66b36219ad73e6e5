"""``/queries``: the saved queries as an API — listed with their headers, run with typed parameters.

Parameter values arrive as query-string strings, are turned into RDF terms of the declared type
(`queries.Parameter.to_term`) and bound as an inline ``VALUES`` block (`binding.bind_values`): a value is
never pasted into the query text. An unknown parameter or a value of the wrong type is a 422 naming it.
The reserved parameters ``format`` (overrides Accept) is not passed to the query.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel

from ccg_graph.api.deps import SettingsDep
from ccg_graph.api.routes.sparql import answer, make_job
from ccg_graph.core.errors import InvalidParameter
from ccg_graph.sparql.binding import bind_values
from ccg_graph.sparql.saved_queries import QueryCatalogue, SavedQuery

router = APIRouter(tags=["saved queries"])

RESERVED = {"format"}


class ParameterInfo(BaseModel):
    name: str
    type: str
    default: str | None
    required: bool
    description: str


class SavedQueryInfo(BaseModel):
    name: str
    title: str
    purpose: str
    returns: str
    parameters: list[ParameterInfo]
    url: str
    text: str


def _info(request: Request, query: SavedQuery) -> SavedQueryInfo:
    return SavedQueryInfo(
        name=query.name,
        title=query.title,
        purpose=query.purpose,
        returns=query.returns,
        parameters=[
            ParameterInfo(name=p.name, type=p.type, default=p.default, required=p.required, description=p.doc)
            for p in query.parameters
        ],
        url=str(request.url_for("run_saved_query", name=query.name)),
        text=query.text,
    )


def catalogue(request: Request) -> QueryCatalogue:
    return request.app.state.catalogue


@router.get("/queries", summary="The saved queries, with what each answers and its parameters")
def list_queries(request: Request) -> list[SavedQueryInfo]:
    return [_info(request, query) for query in catalogue(request)]


@router.get(
    "/queries/{name}",
    summary="Run a saved query; parameters as ?name=value (as_of=YYYY-MM-DD for point-in-time queries)",
    responses={
        200: {"content": {m: {} for m in ("application/sparql-results+json", "text/csv", "text/turtle")}},
        404: {},
        406: {},
        422: {},
        503: {},
    },
)
async def run_saved_query(
    request: Request,
    settings: SettingsDep,
    name: Annotated[str, Path(description="The saved query's name (see GET /queries)")],
) -> Response:
    query = catalogue(request).get(name)
    values: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in RESERVED:
            continue
        if key in values:
            raise InvalidParameter(f"parameter {key!r} is given more than once")
        values[key] = value
    text = bind_values(query.text, query.bind(values))
    job = make_job(settings, text, request.headers.get("accept"), format_override=request.query_params.get("format"))
    return await answer(request, job, keep=True)
