"""Kept as an import path for one release: `ChangeSet` lives in `ccg_graph.store.changes`."""

from __future__ import annotations

from ccg_graph.store.changes import ChangeSet

__all__ = ["ChangeSet"]
