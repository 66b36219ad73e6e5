"""The store: where the built graph lives and how it is queried.

`Store` is the interface; `EmbeddedStore` (pyoxigraph on disk or in memory) is the default backend.
"""

from ccg_graph.store.base import QueryResult, Store
from ccg_graph.store.embedded import EmbeddedStore, open_store

__all__ = ["EmbeddedStore", "QueryResult", "Store", "open_store"]
