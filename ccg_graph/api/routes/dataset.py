"""The dataset description (``/dataset``, ``/.well-known/void``) and the dumps (``/download/{name}``).

A dump is named only from the fixed list in `ccg_graph.linked_data.dumps`; the name in the URL is a dictionary
key, never part of a file path, so ``/download/../anything`` cannot reach the file system.
"""

from __future__ import annotations

import base64

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, PlainTextResponse
from starlette.concurrency import run_in_threadpool

from ccg_graph.api.caching import conditional_response
from ccg_graph.api.deps import StoreDep
from ccg_graph.api.openapi import RDF_CONTENT
from ccg_graph.api.representations import (
    absolute_base,
    alternate_links,
    context_terms,
    html_response,
    per_build,
    rdf_response,
)
from ccg_graph.api.routes.resources import GET_AND_HEAD, MediaTypeQuery
from ccg_graph.core.errors import NotFound
from ccg_graph.core.namespaces import DATASET_IRI
from ccg_graph.linked_data.dataset import describe_dataset, graph_sizes
from ccg_graph.linked_data.dumps import DUMPS, DumpFiles
from ccg_graph.linked_data.negotiation import HTML, choose
from ccg_graph.store import Store

router = APIRouter(tags=["dataset"])


def dump_files(request: Request) -> DumpFiles:
    return DumpFiles.of(request.app.state)


def _describe(request: Request, store: Store, media: str) -> Response:
    base = absolute_base(request)
    files = dump_files(request)

    def make() -> Response:
        sizes = per_build(request, store, "graph-sizes", lambda: graph_sizes(store))
        if media == HTML:
            dumps = [(d, files.path(d.name), files.checksum(files.path(d.name))) for d in DUMPS.values()]
            response = html_response(
                request,
                "dataset.html",
                title="The ccg-graph dataset",
                sizes=sizes,
                dumps=dumps,
                quads=len(store),
                base=base,
            )
        else:
            triples = per_build(
                request, store, "dataset:" + base, lambda: describe_dataset(store, files, base, len(store), sizes)
            )
            response = rdf_response(triples, media, context_terms(request, store), DATASET_IRI)
        response.headers["Link"] = alternate_links("/dataset")
        return response

    return conditional_response(request, store, ("dataset", base, media), make)


@router.api_route(
    "/dataset",
    methods=GET_AND_HEAD,
    summary="VoID and DCAT description of the dataset",
    responses=RDF_CONTENT,
)
async def dataset(request: Request, store: StoreDep, mediatype: MediaTypeQuery = None) -> Response:
    media = choose(request.headers.get("accept"), mediatype)
    return await run_in_threadpool(_describe, request, store, media)


@router.api_route(
    "/.well-known/void",
    summary="VoID description of the dataset (RFC 5785 well-known location)",
    methods=GET_AND_HEAD,
    responses=RDF_CONTENT,
)
async def well_known_void(request: Request, store: StoreDep, mediatype: MediaTypeQuery = None) -> Response:
    media = choose(request.headers.get("accept"), mediatype)
    return await run_in_threadpool(_describe, request, store, media)


@router.api_route(
    "/download/{name}",
    summary="Download a dump (ccg-graph.nq.gz, ccg-graph.trig.gz) or its .sha256",
    methods=GET_AND_HEAD,
    responses={200: {"content": {"application/gzip": {}, "application/n-quads": {}, "text/plain": {}}}},
)
async def download(name: str, request: Request) -> Response:
    files = dump_files(request)
    if name.endswith(".sha256") and name.removesuffix(".sha256") in DUMPS:
        dump_name = name.removesuffix(".sha256")
        path = await run_in_threadpool(files.path, dump_name)
        checksum = await run_in_threadpool(files.checksum, path)
        return PlainTextResponse(f"{checksum}  {dump_name}\n", headers={"Cache-Control": "no-cache"})
    if name not in DUMPS:
        raise NotFound(f"no dump called {name!r}: the dumps are {', '.join(DUMPS)}")
    path = await run_in_threadpool(files.path, name)
    checksum = await run_in_threadpool(files.checksum, path)
    etag = f'"{checksum[:32]}"'
    headers = {
        "ETag": etag,
        "Cache-Control": "public, max-age=300, must-revalidate",
        "Repr-Digest": f"sha-256=:{base64.b64encode(bytes.fromhex(checksum)).decode()}:",
        "Link": f'</download/{name}.sha256>; rel="describedby"; type="text/plain"',
    }
    inm = request.headers.get("if-none-match")
    if inm and etag in [c.strip().removeprefix("W/") for c in inm.split(",")]:
        return Response(status_code=304, headers=headers)
    return FileResponse(path, media_type="application/gzip", filename=name, headers=headers)
