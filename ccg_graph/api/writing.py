"""Committing a change from any write route: validated by the shapes, atomic, recorded, off the event loop."""

from __future__ import annotations

import anyio
from fastapi import Request

from ccg_graph.history import Release, ReleaseLog
from ccg_graph.store.base import Store
from ccg_graph.writes.basis import with_basis
from ccg_graph.writes.changes import ChangeSet


def agent_of(request: Request) -> str:
    """Who wrote: the HTTP ``From`` header when the client gives one, and where the request came from."""
    who = request.headers.get("from", "").strip()[:200] or "bearer-token holder"
    where = request.client.host if request.client else "unknown address"
    return f"{who} (from {where})"


async def commit_change(
    request: Request,
    change: ChangeSet,
    *,
    kind: str,
    message: str = "",
    extra: dict[str, object] | None = None,
) -> Release | str | None:
    """Commit `change` to the app's store; the recorded `Release` (or the store's release name when the
    store keeps no history), or `None` when there was nothing to change."""
    if not change:
        return None
    store: Store = request.app.state.store
    log: ReleaseLog | None = request.app.state.history
    gate = request.app.state.write_gate
    agent = agent_of(request)
    recorded: list[Release] = []

    def described_and_committed() -> str:
        # Every graph the write creates gets its basis (see `ccg_graph.writes.basis`).
        described = with_basis(store, change)
        added = sorted(described.added, key=str)
        removed = sorted(described.removed, key=str)

        def record(generation: str) -> None:
            if log is not None:
                recorded.append(
                    log.record(
                        generation, kind=kind, agent=agent, message=message, added=added, removed=removed, extra=extra
                    )
                )

        return store.commit(added, removed, validate=gate, before_publish=record)

    name = await anyio.to_thread.run_sync(described_and_committed)
    return recorded[0] if recorded else name


def release_headers(change: ChangeSet, release: Release | str | None) -> dict[str, str]:
    headers = {"X-Changes-Added": str(len(change.added)), "X-Changes-Removed": str(len(change.removed))}
    if isinstance(release, Release):
        headers["X-Release"] = release.id
    elif release is not None:
        headers["X-Release"] = release
    return headers
