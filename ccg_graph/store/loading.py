"""Bulk-loading the built dataset (the N-Quads dump) into a SPARQL server, graph by graph, atomically per graph.

Each named graph is loaded in chunks into a fresh graph and then moved over its target in one update
request (`SparqlStore.load_graph`), so a reader sees either the old graph or the whole new one, and a load
that fails midway leaves every graph not yet moved as it was.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from ccg_graph.core.errors import BadInput, NotFound
from ccg_graph.rdf.rdflib_io import open_binary
from ccg_graph.store.remote import DEFAULT_GRAPH, SparqlStore

Progress = Callable[[str, int, int], None]


def read_dump(path: Path) -> dict[str, list[ox.Triple]]:
    """The triples of an N-Quads dump (gzipped or not) by graph IRI (the default graph as `DEFAULT_GRAPH`)."""
    if not path.is_file():
        raise NotFound(f"no dataset dump at {path}: run `ccg-graph build` first")
    graphs: dict[str, list[ox.Triple]] = defaultdict(list)
    try:
        with open_binary(path) as handle:
            for quad in ox.parse(handle, format=ox.RdfFormat.N_QUADS):
                name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else DEFAULT_GRAPH
                graphs[name].append(quad.triple)
    except SyntaxError as err:
        raise BadInput(f"cannot parse the dump: {err}", path=path) from err
    return dict(graphs)


def load_dump(
    store: SparqlStore, path: Path, *, chunk_triples: int = 20_000, progress: Progress | None = None
) -> dict[str, int]:
    """Load every graph of the dump at `path` into `store`; returns triples loaded per graph."""
    graphs = read_dump(path)
    loaded: dict[str, int] = {}
    for graph, triples in sorted(graphs.items()):

        def report(name: str, sent: int, total: int = len(triples)) -> None:
            if progress is not None:
                progress(name, sent, total)

        loaded[graph] = store.load_graph(graph, triples, chunk_triples=chunk_triples, progress=report)
    return loaded
