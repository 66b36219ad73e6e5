"""Reading the primary's change feed (``GET /changes`` as RDF Patch) into releases a replica can apply.

The feed is the concatenation of one patch per release (`ccg_graph.writes.history.patch_text`): an ``H id``
header naming the release, ``H prev`` naming the one before it (absent after the build), then ``TX .``,
``D``/``A`` rows of N-Quads and ``TC .``. The chain of ``prev`` headers is checked against the release the
replica serves, so a feed that does not continue it (a gap, or another history) is never applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ccg_graph.core.errors import BadInput

_RELEASE_IRI = "urn:ccg-graph:release:"


class FeedBroken(BadInput):
    """A change feed that is not a well-formed chain of RDF Patches continuing the replica's release."""


@dataclass
class FeedRelease:
    """One release of the feed: its id, the release it follows, and the quads it removed and added."""

    id: str
    previous: str | None
    removed: list[ox.Quad] = field(default_factory=list)
    added: list[ox.Quad] = field(default_factory=list)


def _header_release(line: str, line_number: int) -> str:
    parts = line.split()
    if len(parts) != 4 or parts[3] != "." or not parts[2].startswith(f"<{_RELEASE_IRI}") or not parts[2].endswith(">"):
        raise FeedBroken(f"a malformed patch header {line[:200]!r}", line=line_number)
    return parts[2][1 + len(_RELEASE_IRI) : -1]


def _quads(rows: list[str], release: str) -> list[ox.Quad]:
    if not rows:
        return []
    try:
        return list(ox.parse("\n".join(rows).encode("utf-8"), format=ox.RdfFormat.N_QUADS))
    except SyntaxError as err:
        raise FeedBroken(f"release {release}: a patch row is not N-Quads: {err}") from err


def parse_feed(text: str) -> list[FeedRelease]:
    """The releases of an RDF Patch feed, oldest first; `FeedBroken` names the line of any defect."""
    releases: list[FeedRelease] = []
    current: FeedRelease | None = None
    rows: dict[str, list[str]] = {"A": [], "D": []}
    in_transaction = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if line.startswith("H id "):
            if current is not None:
                raise FeedBroken(f"release {current.id} has no 'TC .'", line=number)
            current = FeedRelease(_header_release(line, number), None)
        elif current is None:
            raise FeedBroken(f"a patch row before any 'H id' header: {line[:200]!r}", line=number)
        elif line.startswith("H prev "):
            current.previous = _header_release(line, number)
        elif line.strip() == "TX .":
            in_transaction = True
        elif line.strip() == "TC .":
            if not in_transaction:
                raise FeedBroken(f"release {current.id}: 'TC .' without 'TX .'", line=number)
            current.removed = _quads(rows["D"], current.id)
            current.added = _quads(rows["A"], current.id)
            releases.append(current)
            current, rows, in_transaction = None, {"A": [], "D": []}, False
        elif line[:2] in ("A ", "D ") and in_transaction:
            rows[line[0]].append(line[2:])
        else:
            raise FeedBroken(f"release {current.id}: unexpected row {line[:200]!r}", line=number)
    if current is not None:
        raise FeedBroken(f"the feed ends inside release {current.id} (no 'TC .')")
    return releases


def check_chain(releases: list[FeedRelease], served: str, base_release: str) -> None:
    """Each release must follow the one before it, the first the replica's own (`base_release` is the
    release id a build has, which the first release after a build does not name)."""
    expected: str | None = served
    for release in releases:
        follows = release.previous == expected or (release.previous is None and expected == base_release)
        if not follows:
            raise FeedBroken(
                f"release {release.id} follows {release.previous or 'the build'}, not {expected}: "
                "the feed does not continue this replica's history"
            )
        expected = release.id
