"""``GET /healthz``: is the service up, and is the graph loaded."""

from __future__ import annotations

from fastapi import APIRouter

from ccg_graph import __version__
from ccg_graph.api.deps import StoreDep

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness and readiness")
def healthz(store: StoreDep) -> dict[str, object]:
    return {"status": "ok", "version": __version__, "quads": len(store), "graphs": len(store.named_graphs())}
