"""The `Store` interface every backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, TypedDict, Unpack

import pyoxigraph as ox

from ccg_graph.core import terms
from ccg_graph.core.errors import Forbidden
from ccg_graph.core.terms import GraphPattern, ObjectPattern, PredicatePattern, SubjectPattern
from ccg_graph.sparql.lexer import QueryForm

#: The quads a commit adds or removes.
Quads = Iterable[ox.Quad]
#: A commit's `before_publish` hook: called with the new release's name, its data durable, before publishing.
Hook = Callable[[str], None]


class QueryOptions(TypedDict, total=False):
    """The keyword arguments of `Store.query`, every one optional."""

    bindings: Mapping[str, ox.NamedNode | ox.Literal] | None  # variables bound to terms (`sparql.binding`)
    default_graph_uris: Iterable[str] | None  # the protocol's default-graph-uri: the default graph's graphs
    named_graph_uris: Iterable[str] | None  # the protocol's named-graph-uri: the graphs GRAPH ?g sees
    base_iri: str | None  # relative IRIs in the query resolve against it


@dataclass
class QueryResult:
    """The answer to one query, in pyoxigraph's terms.

    Exactly one of `solutions` (SELECT), `boolean` (ASK) and `triples` (CONSTRUCT/DESCRIBE) is set.
    """

    form: QueryForm
    solutions: ox.QuerySolutions | None = None
    boolean: bool | None = None
    triples: ox.QueryTriples | None = None
    boolean_answer: ox.QueryBoolean | None = None  # the engine's own ASK answer, which it can serialise


class Store(ABC):
    """A quad store holding the ccg-graph dataset, queried with SPARQL 1.1.

    Queries see the union of all named graphs as their default graph unless the caller names graphs,
    because every fact lives in the named graph of its source release.

    What a backend can do beyond the interface is said by its capabilities, not by its class, so callers
    never ask ``isinstance``: `keeps_history` (each commit is a release of the build, recorded in its
    `ReleaseLog` with its RDF Patch), `opens_read_only` (another process can open it read-only at
    `read_only_path()`, so queries can run in worker processes that can be stopped), `generation_is_exact`
    (its `generation` names the data exactly, so answers can be cached by it), `local_directory()` (the
    folder on this machine holding the data being served, for indexes kept beside it), `native` (the
    pyoxigraph store in this process, read directly where speed matters), `serves_replicas`
    (each `generation` is an immutable folder, `generation_directory()`, that a replica can be sent a copy
    of) and `follows_primary` (a replica: its data is the releases of a primary, applied by a follower, and
    it takes no writes of its own), `relays_solutions` (a SELECT's answer can come as the bytes a server wrote,
    `relay_solutions`, relayed to the client without being parsed and written again).
    """

    keeps_history: ClassVar[bool] = False
    opens_read_only: ClassVar[bool] = False
    serves_replicas: ClassVar[bool] = False
    follows_primary: ClassVar[bool] = False
    relays_solutions: ClassVar[bool] = False

    def read_only_path(self) -> Path:
        """Where another process opens this store read-only (only for a store that `opens_read_only`)."""
        raise TypeError(f"a {type(self).__name__} cannot be opened read-only by another process")

    def generation_directory(self, generation: str) -> Path:
        """The folder holding the generation named `generation` (only for a store that `serves_replicas`):
        named, not current, so a snapshot made while a write publishes still copies the release it names."""
        raise TypeError(f"a {type(self).__name__} keeps no generations a replica can copy")

    @property
    def generation_is_exact(self) -> bool:
        """Does `generation` change whenever the data does? Not for a store that others can write behind this
        process's back (a remote server, a store directory opened in place), whose answers must be
        fingerprinted instead (`ccg_graph.api.caching`)."""
        return False

    def local_directory(self) -> Path | None:
        """The directory on this machine holding the data being served (None: in memory, or elsewhere)."""
        return None

    @property
    def native(self) -> ox.Store | None:
        """The pyoxigraph store holding the data in this process, for fast triple-pattern reads (None: the data
        is elsewhere, and is read through `query` and `quads_for_pattern`)."""
        return None

    def relay_solutions(self, sparql: str, media_type: str, **options: Unpack[QueryOptions]) -> Generator[bytes] | None:
        """A SELECT's answer as bytes the store already has in `media_type` (a SPARQL results format), to be
        sent on unparsed (only for a store that `relays_solutions`); `None` when it has none for this query."""
        return None

    @abstractmethod
    def query(self, sparql: str, **options: Unpack[QueryOptions]) -> QueryResult:
        """Run a SPARQL query with `options` (`QueryOptions`): `bindings` bind variables to RDF terms (see
        `ccg_graph.sparql.binding`), the graph IRIs name the dataset as the protocol does, and relative IRIs
        in the query resolve against `base_iri` when one is given.
        """

    @abstractmethod
    def quads_for_pattern(
        self, subject: SubjectPattern, predicate: PredicatePattern, object: ObjectPattern, graph: GraphPattern
    ) -> Iterator[ox.Quad]:
        """The quads matching a pattern; `None` matches anything (for `graph`: any graph, default included)."""

    def contains(self, quad: ox.Quad) -> bool:
        """Is this exact quad in the store?"""
        pattern = self.quads_for_pattern(
            terms.plain_subject(quad.subject), quad.predicate, terms.plain_object(quad.object), quad.graph_name
        )
        return next(iter(pattern), None) is not None

    @abstractmethod
    def named_graphs(self) -> list[str]:
        """The IRIs of the named graphs in the store, sorted."""

    @abstractmethod
    def __len__(self) -> int:
        """The number of quads."""

    def commit(
        self, added: Quads, removed: Quads, *, validate: ChangeGate | None = None, before_publish: Hook | None = None
    ) -> str:
        """Apply a change atomically after `validate` accepts it; returns the new release's name.

        `before_publish` is called with the new release's name once its data is durable and before anyone
        can read it; if it raises, nothing is published.
        """
        raise Forbidden(f"{type(self).__name__} is read-only: writes are not possible on this store")

    @contextmanager
    def writing(self) -> Iterator[Store]:
        """Hold this store's writer lock for a block, yielding the store as it is: a change checked against
        it and committed inside the block meets no other write in between (a writer checks, then commits,
        instead of handing its check to `commit`). Re-entrant in the thread that holds it.
        """
        raise Forbidden(f"{type(self).__name__} is read-only: writes are not possible on this store")
        yield self  # the generator a context manager needs; never reached

    @property
    def generation(self) -> str:
        """A name for the state the store is in, stable until the next write (used in ETags)."""
        return "0"

    def close(self) -> None:  # noqa: B027 - optional hook; backends with resources override it
        """Release any resources the backend holds."""


#: A store's `commit` hook: sees the store and the change (as lists) and raises to refuse it.
ChangeGate = Callable[[Store, list[ox.Quad], list[ox.Quad]], None]
