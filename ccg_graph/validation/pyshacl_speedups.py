"""One measured pySHACL hot spot, fixed from our side (site-packages is never edited).

Every time pySHACL validates a shape on some focus nodes (`pyshacl.shape.Shape.validate`, called once per
shape and again for every nested sh:node / sh:property / sh:or... evaluation), it keeps the shape's predicates
that name a constraint parameter: ``p in search_parameters``, where ``search_parameters`` is a copy of a list of
about forty IRIs. rdflib's ``URIRef.__eq__`` is Python code, so on the one-CCG benchmark this membership test
alone made 140,000 comparisons and about a quarter of pySHACL's time per run.

pySHACL reads that list from a module attribute it fills lazily (``pyshacl.shape.CONSTRAINT_PARAMS``, a pair of
the list and the parameter-to-component map). `install` fills the attribute first with the same IRIs, in the
same order, in a list whose ``in`` is a set look-up; ``copy`` and ``append`` (what pySHACL does with it in
advanced mode) keep it so. Results cannot change: the same predicates are kept, in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyshacl.shape
from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP


class IndexedList(list):
    """A list whose membership test is a set look-up (items must be hashable and never mutated in place)."""

    def __init__(self, items: Iterable = ()) -> None:
        super().__init__(items)
        self._index = set(self)

    def __contains__(self, item: object) -> bool:
        return item in self._index

    def copy(self) -> IndexedList:
        return IndexedList(self)

    def append(self, item: object) -> None:
        super().append(item)
        self._index.add(item)


def install() -> None:
    """Give pySHACL its constraint-parameter list with set membership (idempotent)."""
    current = getattr(pyshacl.shape, "CONSTRAINT_PARAMS", None)
    if current is not None and isinstance(current[0], IndexedList):
        return
    # pySHACL reads the module attribute at validation time (it is not declared where mypy can see it).
    setattr(pyshacl.shape, "CONSTRAINT_PARAMS", (IndexedList(ALL_CONSTRAINT_PARAMETERS), CONSTRAINT_PARAMETERS_MAP))  # noqa: B010
