"""The release history: every change to the published graph, as a numbered release with its patch.

Each write records, before its generation is published, a release under ``<build>/releases/``: a JSON
record (id, time, kind, agent, message, counts, generation) and the change as an RDF Patch
(https://afs.github.io/rdf-patch/: ``A``/``D`` rows of N-Quads inside ``TX .``/``TC .``). A release
whose generation was never published (a crash between the two steps) is ignored and removed by the next
writer, so the history always ends at the published state. A fresh build starts a new history.

Apps sync from the change feed (`changes_since`) instead of downloading the whole dump again.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from ccg_graph.core.errors import CCGGraphError, NotFound
from ccg_graph.store.published import BASE_GENERATION, published_path

RELEASES = "releases"


class HistoryGone(CCGGraphError):
    """The release asked for predates the current build: re-download the dump instead (HTTP 410)."""

    http_status = 410


@dataclass
class Release:
    id: str  # the generation name's last part: sortable by time
    generation: str
    time: str
    kind: str  # "update", "graph-store", "submission", "retraction"
    agent: str
    message: str = ""
    added: int = 0
    removed: int = 0
    graphs: list[str] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)


def patch_text(release_id: str, previous: str | None, added: Iterable[ox.Quad], removed: Iterable[ox.Quad]) -> str:
    """An RDF Patch for one release: removals first, then additions, sorted for stable output."""
    lines = [f"H id <urn:ccg-graph:release:{release_id}> ."]
    if previous:
        lines.append(f"H prev <urn:ccg-graph:release:{previous}> .")
    lines.append("TX .")
    lines += sorted(f"D {quad} ." for quad in removed)
    lines += sorted(f"A {quad} ." for quad in added)
    lines.append("TC .")
    return "\n".join(lines) + "\n"


def _write_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


class ReleaseLog:
    """The releases recorded under a build directory."""

    def __init__(self, build_dir: Path) -> None:
        self.build_dir = build_dir
        self.folder = build_dir / RELEASES

    def _published_id(self) -> str | None:
        path = published_path(self.build_dir)
        return None if path.name == BASE_GENERATION else path.name

    def releases(self) -> list[Release]:
        """Published releases, oldest first."""
        if not self.folder.is_dir():
            return []
        published = self._published_id()
        records = []
        for path in sorted(self.folder.glob("*.json")):
            if published is None or path.stem > published:
                continue  # recorded, but its generation was never published
            records.append(Release(**json.loads(path.read_text(encoding="utf-8"))))
        return records

    def get(self, release_id: str) -> Release:
        for release in self.releases():
            if release.id == release_id:
                return release
        raise NotFound(f"no release {release_id!r}")

    def patch(self, release_id: str) -> str:
        self.get(release_id)
        return (self.folder / f"{release_id}.patch").read_text(encoding="utf-8")

    def record(
        self,
        generation: str,
        *,
        kind: str,
        agent: str,
        message: str,
        added: list[ox.Quad],
        removed: list[ox.Quad],
        extra: dict[str, object] | None = None,
    ) -> Release:
        """Write the release for `generation` (called before the generation is published)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.remove_unpublished()
        release_id = Path(generation).name
        previous = self.releases()
        release = Release(
            id=release_id,
            generation=generation,
            time=datetime.now(UTC).isoformat(timespec="seconds"),
            kind=kind,
            agent=agent,
            message=message,
            added=len(added),
            removed=len(removed),
            graphs=sorted({q.graph_name.value for q in [*added, *removed] if isinstance(q.graph_name, ox.NamedNode)}),
            extra=extra or {},
        )
        patch = patch_text(release_id, previous[-1].id if previous else None, added, removed)
        _write_atomic(self.folder / f"{release_id}.patch", patch)
        _write_atomic(self.folder / f"{release_id}.json", json.dumps(asdict(release), indent=2))
        return release

    def remove_unpublished(self) -> None:
        published = self._published_id()
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            stem = path.name.split(".")[0]
            if published is None or stem > published:
                path.unlink(missing_ok=True)

    def reset(self) -> None:
        """Forget the history (a fresh build replaced the graph)."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def since(self, release_id: str | None) -> list[Release]:
        """Releases after `release_id` (all of them for None or 'build'); 410 if it is not in the history."""
        releases = self.releases()
        if release_id in (None, "", "build", BASE_GENERATION):
            return releases
        ids = [r.id for r in releases]
        if release_id not in ids:
            raise HistoryGone(
                f"release {release_id!r} is not in this graph's history (it may predate the current build): "
                "download the dump and follow the feed from its release"
            )
        return releases[ids.index(release_id) + 1 :]

    def feed_patch(self, release_id: str | None) -> Iterator[str]:
        for release in self.since(release_id):
            yield (self.folder / f"{release.id}.patch").read_text(encoding="utf-8")
