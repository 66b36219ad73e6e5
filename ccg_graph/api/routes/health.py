"""``GET /healthz``: is the service up, is the graph loaded, and which release it serves.

It reads the store in this process, never through the query workers, so it answers while every worker is
busy with slow queries. Counts are cached per release. On a read replica it also says how far behind its
primary the replica is, and answers 503 past the configured lag (`ccg_graph.replication.follower`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from ccg_graph import __version__
from ccg_graph.api.deps import StoreDep

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness and readiness")
def healthz(request: Request, response: Response, store: StoreDep) -> dict[str, object]:
    cache = request.app.state.cache
    key = ("health", store.generation)
    if key not in cache:
        cache[key] = {"quads": len(store), "graphs": len(store.named_graphs())}
    release = store.generation.rsplit("/", 1)[-1]
    body: dict[str, object] = {"status": "ok", "version": __version__, "release": release, **cache[key]}
    follower = getattr(request.app.state, "replica", None)
    if follower is not None:  # a read replica: its lag behind the primary decides its health
        response.status_code, replica = follower.health()
        body.update(replica)
    return body
