"""``/replication/status`` and ``/replication/snapshot``: what a primary offers its replicas.

``GET /replication/status`` is small and cheap (a replica asks it every poll): the release served, the
generation it names, the build's identity and the Last-Modified time. ``GET /replication/snapshot`` streams
the current release as gzipped N-Quads, with the release, generation, build and the snapshot's SHA-256 in
headers (``X-Snapshot-SHA256`` and ``Repr-Digest``) for the replica to verify before it serves anything.
"""

from __future__ import annotations

import base64

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from ccg_graph.core.errors import NotFound
from ccg_graph.linked_data.dumps import DumpFiles
from ccg_graph.replication.snapshot import PrimaryStatus, SnapshotMaker

router = APIRouter(tags=["replication"])


def snapshot_maker(request: Request) -> SnapshotMaker:
    state = request.app.state
    if getattr(state, "replica", None) is not None:
        raise NotFound(
            f"this server is a read replica of {state.settings.replica_of}: replicas follow the primary, not a replica"
        )
    store = state.store
    if not store.serves_replicas:
        raise NotFound("replication needs the embedded store (published generations); this server has none")
    maker = getattr(state, "snapshot_maker", None)
    if maker is None or maker.store is not store:
        maker = state.snapshot_maker = SnapshotMaker(state.settings, store, DumpFiles.of(state))
    return maker


def status_headers(status: PrimaryStatus) -> dict[str, str]:
    return {
        "X-Release": status.release,
        "X-Generation": status.generation,
        "X-Build": status.build,
        "X-Source-Last-Modified": str(status.last_modified),
        "Cache-Control": "no-store",
    }


@router.get("/replication/status", summary="The release this primary serves, for its replicas")
async def replication_status(request: Request) -> dict[str, object]:
    maker = snapshot_maker(request)
    status = await run_in_threadpool(maker.status)
    return status.as_dict()


@router.get(
    "/replication/snapshot",
    summary="The current release as gzipped N-Quads, with its release id and SHA-256 in headers",
    responses={200: {"content": {"application/gzip": {}}}},
)
async def replication_snapshot(request: Request) -> FileResponse:
    maker = snapshot_maker(request)
    snapshot = await run_in_threadpool(maker.current)
    headers = {
        **status_headers(snapshot.status),
        "X-Snapshot-SHA256": snapshot.sha256,
        "Repr-Digest": f"sha-256=:{base64.b64encode(bytes.fromhex(snapshot.sha256)).decode()}:",
    }
    name = f"ccg-graph-{snapshot.status.release}.nq.gz"
    return FileResponse(snapshot.path, media_type="application/gzip", filename=name, headers=headers)
