"""Committing a change from any write route: validated by the shapes, atomic, off the event loop."""

from __future__ import annotations

import anyio
from fastapi import Request

from ccg_graph.store.base import Store
from ccg_graph.writes.changes import ChangeSet


async def commit_change(request: Request, change: ChangeSet) -> str | None:
    """Commit `change` to the app's store; `None` when there was nothing to change."""
    if not change:
        return None
    store: Store = request.app.state.store
    gate = request.app.state.write_gate
    return await anyio.to_thread.run_sync(
        lambda: store.commit(sorted(change.added, key=str), sorted(change.removed, key=str), validate=gate)
    )
