"""``/submissions`` and ``/changes``: stewards submit data; apps follow what changed.

``POST /submissions?graph=IRI&message=…`` (bearer token; body: RDF in any readable syntax) validates the
file in the context of the published graph and commits it into its own named graph with a PROV record, or
answers 422 with the report and changes nothing. ``DELETE /submissions/{id}`` retracts the graph that
submission wrote. ``GET /submissions`` lists every attempt; ``GET /submissions/{id}`` shows one with its
report and diff. ``GET /changes?since=RELEASE`` is the change feed: the releases after `since` with the
quads each added and removed, as JSON or as RDF Patch (``Accept: application/rdf-patch``).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from ccg_graph.api.deps import StewardDep
from ccg_graph.api.openapi import RDF_REQUEST_BODY
from ccg_graph.api.security import read_body, require_writer
from ccg_graph.api.writing import agent_of
from ccg_graph.core.errors import BadInput, NotFound, ValidationFailed
from ccg_graph.rdf.parser import RdfLimits
from ccg_graph.writes.submissions import media_type_for

router = APIRouter(tags=["submissions and changes"])

PATCH_TYPES = ("application/rdf-patch", "text/rdf-patch")
#: OpenAPI links from an accepted submission to the operations on it (clients and stateful fuzzing follow them).
_SUBMISSION_LINKS = {
    "GetSubmission": {
        "operationId": "get_submission_submissions__submission_id__get",
        "parameters": {"submission_id": "$response.body#/id"},
    },
    "RetractSubmission": {
        "operationId": "retract_submission_submissions__submission_id__delete",
        "parameters": {"submission_id": "$response.body#/id"},
    },
}


@router.post(
    "/submissions",
    summary="Submit RDF into a named graph of its own: validated in context, committed atomically with PROV",
    status_code=201,
    dependencies=[Depends(require_writer)],
    responses={
        201: {"links": _SUBMISSION_LINKS},
        200: {"links": _SUBMISSION_LINKS},
        400: {},
        401: {},
        403: {},
        413: {},
        415: {},
        422: {},
    },
    openapi_extra=RDF_REQUEST_BODY,
)
async def post_submission(
    request: Request,
    steward: StewardDep,
    graph: Annotated[str, Query(description="The named graph the data goes into (replacing an earlier submission)")],
    message: Annotated[str, Query(description="What this submission is, for the record")] = "",
    name: Annotated[str, Query(description="The source file's name, for the record")] = "submission",
) -> JSONResponse:
    body = await read_body(request)
    if not graph.startswith(("http://", "https://", "urn:")):
        raise BadInput(f"graph={graph!r} must be an absolute IRI")
    media = media_type_for(name, request.headers.get("content-type"))
    agent = agent_of(request)
    try:
        record = await anyio.to_thread.run_sync(
            lambda: steward.submit(
                data=body,
                source_name=name,
                media=media,
                graph=graph,
                message=message[:2000],
                agent=agent,
                limits=RdfLimits.from_settings(request.app.state.settings),
            )
        )
    except ValidationFailed as refused:
        record = getattr(refused, "submission", None)
        refusal: dict[str, object] = {"error": "ValidationFailed", "message": str(refused)}
        if record is not None:
            refusal["submission"] = asdict(record)
            refusal["report"] = record.report
        return JSONResponse(refusal, status_code=422)
    status = 201 if record.status == "accepted" else 200
    headers = {"Location": str(request.url_for("get_submission", submission_id=record.id))}
    return JSONResponse(asdict(record), status_code=status, headers=headers)


@router.get("/submissions", summary="Every submission attempt, newest first")
def list_submissions(steward: StewardDep) -> list[dict[str, object]]:
    records = steward.submissions.all(steward.history)
    summary_fields = ("id", "graph", "status", "agent", "time", "message", "added", "removed", "release")
    return [{k: asdict(r)[k] for k in summary_fields} for r in reversed(records)]


@router.get("/submissions/{submission_id}", summary="One submission with its report and diff")
def get_submission(steward: StewardDep, submission_id: str) -> dict[str, object]:
    for record in steward.submissions.all(steward.history):
        if record.id == submission_id:
            return asdict(record)
    raise NotFound(f"no submission {submission_id!r}")


@router.delete(
    "/submissions/{submission_id}",
    summary="Retract the graph a submission wrote (recorded as a retraction)",
    dependencies=[Depends(require_writer)],
    responses={200: {}, 401: {}, 403: {}, 404: {}, 422: {}},
)
async def retract_submission(
    request: Request, steward: StewardDep, submission_id: str, message: Annotated[str, Query()] = ""
) -> JSONResponse:
    record = steward.submissions.get(submission_id)
    agent = agent_of(request)
    retraction = await anyio.to_thread.run_sync(
        lambda: steward.retract(graph=record.graph, message=message[:2000], agent=agent)
    )
    return JSONResponse(asdict(retraction))


def _patch_rows(patch: str) -> tuple[list[str], list[str]]:
    added, removed = [], []
    for line in patch.splitlines():
        if line.startswith("A "):
            added.append(line[2:].removesuffix(" ."))
        elif line.startswith("D "):
            removed.append(line[2:].removesuffix(" ."))
    return added, removed


@router.get(
    "/changes",
    summary="The change feed: releases after ?since=RELEASE with the quads added and removed",
    responses={200: {"content": {"application/json": {}, "application/rdf-patch": {}}}, 410: {}},
)
def changes(
    request: Request,
    steward: StewardDep,
    since: Annotated[str | None, Query(description="The last release the client has ('build' for the dump)")] = None,
) -> Response:
    history = steward.releases()
    releases = history.since(since)
    accept = request.headers.get("accept", "")
    if any(t in accept for t in PATCH_TYPES):
        text = "".join(history.feed_patch(since))
        return Response(text, media_type="application/rdf-patch; charset=utf-8", headers={"Vary": "Accept"})
    entries = []
    for release in releases:
        added, removed = _patch_rows(history.patch(release.id))
        entries.append({**asdict(release), "added_quads": added, "removed_quads": removed})
    latest = releases[-1].id if releases else (since or "build")
    return JSONResponse({"since": since or "build", "latest": latest, "releases": entries}, headers={"Vary": "Accept"})
