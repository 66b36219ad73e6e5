"""The embedded backend: a pyoxigraph store, on disk (the built graph) or in memory (tests, validation).

pyoxigraph is Oxigraph's Rust engine (RocksDB storage, a compiled SPARQL evaluator); it loads and queries
one to two orders of magnitude faster than rdflib's in-memory graph, which is why it is the default.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Unpack

import pyoxigraph as ox

from ccg_graph.core.errors import BadInput, BadQuery, NotFound
from ccg_graph.core.terms import GraphPattern, ObjectPattern, PredicatePattern, SubjectPattern
from ccg_graph.sparql.binding import bind_values
from ccg_graph.sparql.lexer import names_its_dataset
from ccg_graph.store.base import ChangeGate, Hook, Quads, QueryOptions, QueryResult, Store
from ccg_graph.store.extensions import functions_for


def apply_change(store: ox.Store, added: list[ox.Quad], removed: list[ox.Quad]) -> None:
    """Remove, then add; a named graph left empty is dropped (a graph exists while it holds triples)."""
    for quad in removed:
        store.remove(quad)
    store.extend(added)
    emptied = {q.graph_name for q in removed if isinstance(q.graph_name, ox.NamedNode | ox.BlankNode)}
    for graph in emptied:
        if next(iter(store.quads_for_pattern(None, None, None, graph)), None) is None:
            store.remove_graph(graph)


class EmbeddedStore(Store):
    """A pyoxigraph `Store`; `path=None` keeps it in memory."""

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self._revision = 0
        self._write_lock = threading.RLock()
        if path is None:
            self._store = ox.Store()
        elif read_only:
            self._store = ox.Store.read_only(str(path))
        else:
            self._store = ox.Store(str(path))

    @property
    def native(self) -> ox.Store:
        """The pyoxigraph store itself, for bulk operations that have no place in the interface."""
        return self._store

    def query(self, sparql: str, **options: Unpack[QueryOptions]) -> QueryResult:
        default_graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [
            ox.NamedNode(g) for g in options.get("default_graph_uris") or ()
        ]
        named_graphs: list[ox.NamedNode | ox.BlankNode] = [
            ox.NamedNode(g) for g in options.get("named_graph_uris") or ()
        ]
        try:
            text = bind_values(sparql, options.get("bindings") or {})
            answer = self._store.query(
                text,
                base_iri=options.get("base_iri"),
                use_default_graph_as_union=not default_graphs and not names_its_dataset(text),
                default_graph=default_graphs or None,
                named_graphs=named_graphs or None,
                custom_functions=functions_for(text, self.path),
            )
        except SyntaxError as err:
            raise BadQuery(f"SPARQL syntax error: {err}") from err
        except ValueError as err:
            raise BadQuery(str(err)) from err
        if isinstance(answer, ox.QuerySolutions):
            return QueryResult("SELECT", solutions=answer)
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult("ASK", boolean=bool(answer), boolean_answer=answer)
        return QueryResult("CONSTRUCT", triples=answer)

    def load_file(self, path: Path, fmt: ox.RdfFormat, graph: str | None = None) -> None:
        """Bulk-load an RDF file (into `graph` for triple formats)."""
        try:
            self._store.bulk_load(
                path=str(path),
                format=fmt,
                to_graph=ox.NamedNode(graph) if graph else None,
            )
        except SyntaxError as err:
            raise BadInput(f"cannot parse: {err}", path=path) from err

    def quads_for_pattern(
        self, subject: SubjectPattern, predicate: PredicatePattern, object: ObjectPattern, graph: GraphPattern
    ) -> Iterator[ox.Quad]:
        return iter(self._store.quads_for_pattern(subject, predicate, object, graph))

    def contains(self, quad: ox.Quad) -> bool:
        return quad in self._store

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def __len__(self) -> int:
        return len(self._store)

    def commit(
        self, added: Quads, removed: Quads, *, validate: ChangeGate | None = None, before_publish: Hook | None = None
    ) -> str:
        """Apply a change to this store in place (in-memory stores in tests; the server uses `PublishedStore`)."""
        if self.read_only:
            return super().commit(added, removed, validate=validate, before_publish=before_publish)
        added, removed = list(added), list(removed)
        with self._write_lock:
            if validate is not None:
                validate(self, added, removed)
            self._revision += 1
            name = f"memory/{self._revision}"
            if before_publish is not None:
                before_publish(name)
            apply_change(self._store, added, removed)
            return name

    @contextmanager
    def writing(self) -> Iterator[Store]:
        if self.read_only:
            with super().writing():
                yield self
            return
        with self._write_lock:
            yield self

    @property
    def generation(self) -> str:
        return f"memory/{self._revision}" if self.path is None else str(self.path)

    @property
    def generation_is_exact(self) -> bool:
        """In memory, every write goes through `commit`, which counts it; a directory may be written by others."""
        return self.path is None

    def local_directory(self) -> Path | None:
        return self.path

    def flush(self) -> None:
        if self.path is not None and not self.read_only:
            self._store.flush()

    def close(self) -> None:
        self.flush()
        del self._store


def open_store(path: Path, *, read_only: bool = False) -> EmbeddedStore:
    """Open the built store at `path`, with a clear error when it has not been built."""
    if not path.exists():
        raise NotFound(f"no built graph at {path}: run `ccg-graph build` first")
    return EmbeddedStore(path, read_only=read_only)
