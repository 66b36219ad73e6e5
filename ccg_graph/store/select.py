"""Which store a process uses, chosen by `Settings.store`: the published embedded store or a SPARQL server.

A read replica's store (`Settings.replica_of`) is not chosen here: opening it may first fetch the primary's
snapshot, which is the replication layer's work (`ccg_graph.replication.follower.deployment_store`, which
comes back here for every other deployment).
"""

from __future__ import annotations

from ccg_graph.core.config import Settings
from ccg_graph.core.errors import CCGGraphError
from ccg_graph.store.base import Store


def configured_store(settings: Settings) -> Store:
    """The store the settings name: ``embedded`` (the published generations under `build_dir`) or ``sparql``."""
    if settings.replica_of:
        raise CCGGraphError(
            "a read replica's store is opened by ccg_graph.replication.follower.deployment_store (it boots from "
            "the primary's snapshot), not by configured_store"
        )
    if settings.store == "sparql":
        from ccg_graph.store.remote import SparqlStore

        return SparqlStore.from_settings(settings)
    from ccg_graph.store.published import PublishedStore

    return PublishedStore(settings.build_dir, write_wait_seconds=settings.write_wait_seconds)
