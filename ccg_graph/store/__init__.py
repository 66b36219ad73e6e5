"""The store: where the built graph lives and how it is queried.

`Store` is the interface. The backend a server or the CLI uses is `PublishedStore` (``CCG_GRAPH_STORE=
embedded``, the default: immutable pyoxigraph generations under the build folder, each write published
atomically) or `SparqlStore` (``sparql``: any SPARQL 1.1 server); `configured_store` picks it from the
settings. `EmbeddedStore` is one pyoxigraph store, on disk or in memory: a generation of the published
store, and the store the build writes and tests load.
"""

from ccg_graph.store.base import QueryResult, Store
from ccg_graph.store.embedded import EmbeddedStore, open_store

__all__ = ["EmbeddedStore", "QueryResult", "Store", "open_store"]
