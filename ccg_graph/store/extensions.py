"""The extension functions every query on the embedded store can call (pyoxigraph ``custom_functions``).

GeoSPARQL's ``geof:`` functions (`places.functions`) and the name-search functions (`places.search`), which
read the search index built beside the store directory. Remote stores answer with their own engine's
functions instead (README, "Places and names").
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ccg_graph.places.functions import geosparql_functions
from ccg_graph.places.search import search_functions

Functions = dict[ox.NamedNode, Callable[..., ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None]]
#: Text that a query calling one of the functions must contain (its namespace IRI, or the function's name).
_MARKERS = ("/def/function/geosparql/", "textMatch", "searchRank")


def functions_for(query: str, store_path: Path | None) -> Functions | None:
    """The extension functions if `query` can call one, else None: pyoxigraph wraps every function it is
    given for each query (measured: 115 us -> 280 us for a five-row lookup), so most queries go without."""
    if not any(marker in query for marker in _MARKERS):
        return None
    return extension_functions(store_path)


@lru_cache(maxsize=8)
def extension_functions(store_path: Path | None) -> Functions:
    """The functions for queries on the store at `store_path` (`None`: an in-memory store, no search index)."""
    functions: Functions = dict(geosparql_functions())
    functions.update(search_functions(store_path))
    return functions
