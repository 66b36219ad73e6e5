"""Which store a process uses, chosen by `Settings.store`: the published embedded store or a SPARQL server."""

from __future__ import annotations

from ccg_graph.core.config import Settings
from ccg_graph.store.base import Store


def configured_store(settings: Settings) -> Store:
    """The store the settings name: ``embedded`` (the published generations under `build_dir`) or ``sparql``."""
    if settings.store == "sparql":
        from ccg_graph.store.remote import SparqlStore

        return SparqlStore.from_settings(settings)
    from ccg_graph.store.published import PublishedStore

    return PublishedStore(settings.build_dir)
