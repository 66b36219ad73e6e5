"""The quality report: every conflict between the sources, with the file and line of each side and how the
build resolved it (`ccg-graph quality`, ``GET /quality``).

The conflicts are read from the graph (``ccg:SourceConflict``, written by `ccg_graph.national.conflicts`),
so the report describes the graph being served, whichever build or store that is.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ccg_graph.linked_data.lookup import rows, value
from ccg_graph.national.conflicts import KINDS
from ccg_graph.store import Store

_CONFLICTS = """
SELECT ?conflict ?kind ?subject ?resolution ?file ?line ?stated WHERE {
  ?conflict a ccg:SourceConflict ; ccg:conflictKind ?kind ; ccg:conflictSubject ?subject ;
            ccg:resolution ?resolution ; ccg:conflictSide ?side .
  ?side ccg:sourceFile ?file ; ccg:sourceLine ?line ; ccg:statedValue ?stated .
} ORDER BY ?kind ?subject ?conflict ?file ?line
"""


def quality_report(store: Store) -> dict[str, Any]:
    """``{"counts": {kind: n}, "conflicts": [{"kind", "subject", "sources": [{"file", "line", "value"}],
    "resolution"}]}``: every kind checked is counted (0 where none was found); conflicts are ordered by kind
    and subject."""
    by_conflict: dict[str, dict[str, Any]] = {}
    for row in rows(store, _CONFLICTS):
        key = value(row["conflict"]) or ""
        entry = by_conflict.setdefault(
            key,
            {
                "kind": value(row["kind"]),
                "subject": value(row["subject"]),
                "sources": [],
                "resolution": value(row["resolution"]),
            },
        )
        entry["sources"].append(
            {"file": value(row["file"]), "line": int(value(row["line"]) or 0), "value": value(row["stated"])}
        )
    conflicts = list(by_conflict.values())
    counts = Counter({kind: 0 for kind in KINDS})
    counts.update(c["kind"] for c in conflicts)
    return {"counts": dict(sorted(counts.items())), "conflicts": conflicts}
