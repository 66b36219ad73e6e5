"""A change to the published graph: the quads a write adds and the quads it removes.

Every write (SPARQL Update, Graph Store Protocol, submission) is first turned into a `ChangeSet` against
the current state, without touching the store. The change set is what the shapes validate, what is
committed atomically as one new release, and what the change feed publishes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox


@dataclass
class ChangeSet:
    """Quads to add and to remove; `normalise` makes them a minimal, disjoint pair."""

    added: set[ox.Quad] = field(default_factory=set)
    removed: set[ox.Quad] = field(default_factory=set)

    def add(self, quad: ox.Quad) -> None:
        if quad in self.removed:
            self.removed.discard(quad)
        self.added.add(quad)

    def remove(self, quad: ox.Quad) -> None:
        if quad in self.added:
            self.added.discard(quad)
        self.removed.add(quad)

    def normalise(self, exists: Callable[[ox.Quad], bool]) -> ChangeSet:
        """Drop additions of quads already present and removals of quads that are absent."""
        return ChangeSet(
            added={q for q in self.added if not exists(q)},
            removed={q for q in self.removed if exists(q)},
        )

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)

    def graphs(self) -> set[str]:
        """The IRIs of the named graphs the change touches ('' for the default graph)."""
        return {q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else "" for q in self.added | self.removed}

    def summary(self) -> dict[str, int]:
        return {"added": len(self.added), "removed": len(self.removed)}


def nquads(quads: Iterable[ox.Quad]) -> bytes:
    """Quads as sorted N-Quads, a canonical form for checksums and the change feed."""
    return "".join(sorted(f"{q} .\n" for q in quads)).encode("utf-8")


def checksum(quads: Iterable[ox.Quad]) -> str:
    return hashlib.sha256(nquads(quads)).hexdigest()
