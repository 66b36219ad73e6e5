"""Committing a change from any write route: validated by the shapes, atomic, recorded, off the event loop."""

from __future__ import annotations

import anyio
from fastapi import Request

from ccg_graph.store.changes import ChangeSet
from ccg_graph.writes.history import Release
from ccg_graph.writes.steward import Steward


def agent_of(request: Request) -> str:
    """Who wrote: the HTTP ``From`` header when the client gives one, and where the request came from."""
    who = request.headers.get("from", "").strip()[:200] or "bearer-token holder"
    where = request.client.host if request.client else "unknown address"
    return f"{who} (from {where})"


async def commit_change(
    steward: Steward,
    request: Request,
    change: ChangeSet,
    *,
    kind: str,
    message: str = "",
    extra: dict[str, object] | None = None,
) -> Release | str | None:
    """Commit `change` through the deployment's `Steward`, off the event loop, recorded as `request`'s agent's."""
    agent = agent_of(request)
    return await anyio.to_thread.run_sync(
        lambda: steward.commit(change, kind=kind, agent=agent, message=message, extra=extra)
    )


def release_headers(change: ChangeSet, release: Release | str | None) -> dict[str, str]:
    headers = {"X-Changes-Added": str(len(change.added)), "X-Changes-Removed": str(len(change.removed))}
    if isinstance(release, Release):
        headers["X-Release"] = release.id
    elif release is not None:
        headers["X-Release"] = release
    return headers
