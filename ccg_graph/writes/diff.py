"""What changed between two states of the graph: two build dumps, or two releases of one build's history.

The quad-level difference is exact (builds write sorted N-Quads, so two dumps are compared by a streaming
merge; releases by netting their RDF Patches). The summary reads it as a person would: organisations that
appeared or went, names that changed, dates that moved, successors and accountability that changed.
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

from ccg_graph.core.errors import BadInput
from ccg_graph.writes.history import ReleaseLog

CCG = "https://w3id.org/ccg-graph/def#"
SKOS_PREF = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
WATCHED = {
    SKOS_PREF: "name",
    f"<{CCG}openDate>": "open date",
    f"<{CCG}closeDate>": "close date",
    f"<{CCG}successor>": "successor",
    f"<{CCG}accountableTo>": "accountable to",
    "<http://www.w3.org/ns/org#subOrganizationOf>": "part of",
}


#: `GraphDiff.summary` (also `ccg-graph diff --format json`): the counts, the resources that appeared or
#: went, and the watched property changes per subject.
DiffSummary = TypedDict(
    "DiffSummary",
    {
        "added": int,
        "removed": int,
        "new resources": list[str],
        "removed resources": list[str],
        "changed": dict[str, dict[str, dict[str, list[str]]]],
    },
)


@dataclass
class GraphDiff:
    added: set[str] = field(default_factory=set)  # N-Quads lines without the final " ."
    removed: set[str] = field(default_factory=set)

    def summary(self) -> DiffSummary:
        """Counts, plus per-subject changes to the watched properties (names, dates, lineage, oversight)."""
        changes: dict[str, dict[str, dict[str, list[str]]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(list))
        )
        appeared: list[str] = []
        went: list[str] = []
        for kind, lines in (("added", self.added), ("removed", self.removed)):
            for line in lines:
                subject, predicate, rest = _split(line)
                if predicate in WATCHED:
                    changes[subject][WATCHED[predicate]][kind].append(_object(rest))
                elif predicate == RDF_TYPE and f"<{CCG}" in rest:
                    (appeared if kind == "added" else went).append(f"{subject} a {_object(rest)}")
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "new resources": sorted(appeared),
            "removed resources": sorted(went),
            "changed": {s: {k: dict(v) for k, v in props.items()} for s, props in sorted(changes.items())},
        }

    def as_patch(self) -> str:
        """The change as one RDF Patch transaction: every removed quad, then every added one."""
        removed = "".join(f"D {q} .\n" for q in sorted(self.removed))
        added = "".join(f"A {q} .\n" for q in sorted(self.added))
        return f"TX .\n{removed}{added}TC .\n"

    def as_text(self) -> list[str]:
        """The summary for a person: the counts, what appeared or went, and each watched change."""
        summary = self.summary()
        lines = [f"{summary['added']:,} quads added, {summary['removed']:,} removed"]
        for label, found in (("new", summary["new resources"]), ("removed", summary["removed resources"])):
            lines += [f"  {label}: {line}" for line in found]
        for subject, props in summary["changed"].items():
            lines.append(subject)
            for prop, change in props.items():
                before = ", ".join(change.get("removed", [])) or "-"
                after = ", ".join(change.get("added", [])) or "-"
                lines.append(f"    {prop}: {before} -> {after}")
        return lines


def _split(line: str) -> tuple[str, str, str]:
    subject, _, remainder = line.partition(" ")
    predicate, _, rest = remainder.partition(" ")
    return subject, predicate, rest


def _object(rest: str) -> str:
    """The object of `<o> <g>` (or a literal followed by a graph)."""
    rest = rest.strip()
    if rest.endswith(">") and " <" in rest:
        return rest[: rest.rindex(" <")].strip()
    return rest


def _lines(path: Path) -> Iterator[str]:
    with gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else path.open(encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                yield line


def diff_dumps(old: Path, new: Path) -> GraphDiff:
    """The quads only in `new` (added) and only in `old` (removed), by a merge of two sorted dumps."""
    for path in (old, new):
        if not path.is_file():
            raise BadInput("no such dump file", path=path)
    result = GraphDiff()
    left, right = _lines(old), _lines(new)
    a, b = next(left, None), next(right, None)
    while a is not None or b is not None:
        if b is None or (a is not None and a < b):
            result.removed.add(a.removesuffix(" ."))  # type: ignore[union-attr]
            a = next(left, None)
        elif a is None or b < a:
            result.added.add(b.removesuffix(" ."))
            b = next(right, None)
        else:
            a, b = next(left, None), next(right, None)
    return result


def diff_releases(log: ReleaseLog, old: str, new: str) -> GraphDiff:
    """The net change from release `old` (exclusive; 'build' for the build) to release `new` (inclusive)."""
    releases = log.since(old)
    ids = [r.id for r in releases]
    if new not in ids:
        raise BadInput(f"release {new!r} does not come after {old!r} in this build's history")
    result = GraphDiff()
    for release in releases[: ids.index(new) + 1]:
        for line in log.patch(release.id).splitlines():
            quad = line[2:].removesuffix(" .")
            if line.startswith("A "):
                if quad in result.removed:
                    result.removed.discard(quad)
                else:
                    result.added.add(quad)
            elif line.startswith("D "):
                if quad in result.added:
                    result.added.discard(quad)
                else:
                    result.removed.add(quad)
    return result
