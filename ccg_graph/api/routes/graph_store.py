"""``/store``: the SPARQL 1.1 Graph Store HTTP Protocol (indirect ``?default`` / ``?graph=``, and direct).

GET and HEAD read a graph in any RDF syntax by content negotiation; PUT replaces it, POST merges into it,
DELETE removes it — each write with the bearer token, validated by the shapes and committed atomically.
A POST to ``/store`` naming no graph creates a new graph at ``/store/graphs/{id}`` (201 with ``Location``),
which is then also addressable directly by that URL.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Query, Request, Response

from ccg_graph.api.deps import StewardDep, StoreDep
from ccg_graph.api.openapi import RDF_REQUEST_BODY
from ccg_graph.api.security import read_body, require_writer
from ccg_graph.api.writing import commit_change, release_headers
from ccg_graph.core.errors import NotFound
from ccg_graph.core.namespaces import PREFIXES
from ccg_graph.protocol import graph_store as gsp
from ccg_graph.rdf.negotiation import GRAPH_ALIASES, GRAPH_FORMATS, negotiate
from ccg_graph.rdf.parser import RdfLimits
from ccg_graph.rdf.results import write_triples
from ccg_graph.writes.steward import Steward

router = APIRouter(tags=["graph store"])

GraphQuery = Annotated[str | None, Query(description="The IRI of the named graph")]
DefaultQuery = Annotated[str | None, Query(description="Present (no value) to address the default graph")]
_READ_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {m: {} for m in GRAPH_FORMATS}},
    400: {},
    404: {},
    406: {},
}
_WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    201: {},
    204: {},
    400: {},
    401: {},
    403: {},
    404: {},
    413: {},
    415: {},
    422: {},
    507: {},
}


def _target(request: Request, graph: str | None) -> gsp.GraphName:
    return gsp.graph_name(graph, "default" in request.query_params)


def _direct(request: Request) -> gsp.GraphName:
    return gsp.graph_name(str(request.url).split("?", 1)[0], False)


async def _read(request: Request, store: StoreDep, target: gsp.GraphName) -> Response:
    media = negotiate(
        request.headers.get("accept"), request.query_params.get("format"), GRAPH_FORMATS, GRAPH_ALIASES, "text/turtle"
    )

    def serialise() -> bytes:
        if not gsp.graph_exists(store, target):
            raise NotFound(f"there is no graph {gsp.graph_label(target)} in the store")
        quads = gsp.graph_quads(store, target)
        return write_triples(GRAPH_FORMATS[media][1], [q.triple for q in quads], PREFIXES)

    body = await anyio.to_thread.run_sync(serialise)
    headers = {"Vary": "Accept", "Content-Length": str(len(body))}
    if request.method == "HEAD":
        return Response(status_code=200, headers=headers, media_type=f"{media}; charset=utf-8")
    return Response(body, headers={"Vary": "Accept"}, media_type=f"{media}; charset=utf-8")


async def _write(request: Request, steward: Steward, target: gsp.GraphName, method: str) -> Response:
    store = steward.store
    existed = gsp.graph_exists(store, target)
    if method == "DELETE":
        if not existed:
            raise NotFound(f"there is no graph {gsp.graph_label(target)} to delete")
        change = gsp.change_for_delete(store, target)
    else:
        body = await read_body(request)
        base = None if isinstance(target, gsp.ox.DefaultGraph) else target.value
        triples = await anyio.to_thread.run_sync(
            lambda: gsp.parse_rdf_body(
                body, request.headers.get("content-type"), base, RdfLimits.from_settings(request.app.state.settings)
            )
        )
        build = gsp.change_for_put if method == "PUT" else gsp.change_for_post
        change = build(store, target, triples)
    release = await commit_change(
        steward, request, change, kind="graph-store", message=f"{method} {getattr(target, 'value', 'default graph')}"
    )
    headers = release_headers(change, release)
    status = 201 if method in ("PUT", "POST") and not existed else 204
    return Response(status_code=status, headers=headers)


@router.get("/store", summary="Read a graph (?default or ?graph=IRI)", responses=_READ_RESPONSES)
async def get_graph(
    request: Request, store: StoreDep, graph: GraphQuery = None, default: DefaultQuery = None
) -> Response:
    return await _read(request, store, _target(request, graph))


@router.head("/store", include_in_schema=False)
async def head_graph(
    request: Request, store: StoreDep, graph: GraphQuery = None, default: DefaultQuery = None
) -> Response:
    return await _read(request, store, _target(request, graph))


@router.put(
    "/store",
    summary="Replace a graph",
    dependencies=[Depends(require_writer)],
    responses=_WRITE_RESPONSES,
    openapi_extra=RDF_REQUEST_BODY,
)
async def put_graph(
    request: Request, steward: StewardDep, graph: GraphQuery = None, default: DefaultQuery = None
) -> Response:
    return await _write(request, steward, _target(request, graph), "PUT")


@router.post(
    "/store",
    summary="Merge RDF into a graph; with no graph named, create a new graph (201 + Location)",
    dependencies=[Depends(require_writer)],
    responses=_WRITE_RESPONSES,
    openapi_extra=RDF_REQUEST_BODY,
)
async def post_graph(
    request: Request, steward: StewardDep, graph: GraphQuery = None, default: DefaultQuery = None
) -> Response:
    if graph is None and "default" not in request.query_params:
        location = f"{str(request.base_url).rstrip('/')}/store/graphs/{uuid.uuid4()}"
        response = await _write(request, steward, gsp.graph_name(location, False), "POST")
        response.headers["Location"] = location
        response.status_code = 201
        return response
    return await _write(request, steward, _target(request, graph), "POST")


@router.delete("/store", summary="Delete a graph", dependencies=[Depends(require_writer)], responses=_WRITE_RESPONSES)
async def delete_graph(
    request: Request, steward: StewardDep, graph: GraphQuery = None, default: DefaultQuery = None
) -> Response:
    return await _write(request, steward, _target(request, graph), "DELETE")


@router.get(
    "/store/graphs/{graph_id:path}",
    summary="Read a graph created by POST (direct identification)",
    responses=_READ_RESPONSES,
)
async def get_direct(request: Request, store: StoreDep, graph_id: str) -> Response:
    return await _read(request, store, _direct(request))


@router.head("/store/graphs/{graph_id:path}", include_in_schema=False)
async def head_direct(request: Request, store: StoreDep, graph_id: str) -> Response:
    return await _read(request, store, _direct(request))


@router.put(
    "/store/graphs/{graph_id:path}",
    summary="Replace a graph (direct identification)",
    dependencies=[Depends(require_writer)],
    responses=_WRITE_RESPONSES,
    openapi_extra=RDF_REQUEST_BODY,
)
async def put_direct(request: Request, steward: StewardDep, graph_id: str) -> Response:
    return await _write(request, steward, _direct(request), "PUT")


@router.post(
    "/store/graphs/{graph_id:path}",
    summary="Merge RDF into a graph (direct identification)",
    dependencies=[Depends(require_writer)],
    responses=_WRITE_RESPONSES,
    openapi_extra=RDF_REQUEST_BODY,
)
async def post_direct(request: Request, steward: StewardDep, graph_id: str) -> Response:
    return await _write(request, steward, _direct(request), "POST")


@router.delete(
    "/store/graphs/{graph_id:path}",
    summary="Delete a graph (direct identification)",
    dependencies=[Depends(require_writer)],
    responses=_WRITE_RESPONSES,
)
async def delete_direct(request: Request, steward: StewardDep, graph_id: str) -> Response:
    return await _write(request, steward, _direct(request), "DELETE")
