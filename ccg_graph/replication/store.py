"""The replica's store: published generations like the primary's, each named by the primary's release.

A replica's generations live under ``<build>/replica/<sequence>/`` with a record beside each
(``<sequence>.json``: the primary's generation name and release id, the build it belongs to, the primary's
URL). The physical name is a local sequence, because a rebuild on the primary starts its names again
("store"), and a replica must build the new state beside the one it serves before switching; the name the
store reports as its `generation` (and so the basis of every ETag) is the primary's, so that replicas of
the same release answer with the same ETags as the primary and as each other. Publishing is the same
atomic rename of the ``CURRENT`` pointer as on the primary (`ccg_graph.store.published`).
"""

from __future__ import annotations

import gc
import gzip
import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox

from ccg_graph.core.errors import CCGGraphError, Forbidden
from ccg_graph.store.base import ChangeGate, Hook, Quads, Store
from ccg_graph.store.published import (
    KEEP_GENERATIONS,
    MIN_RETIRED_SECONDS,
    POINTER,
    PublishedStore,
    published_path,
    write_pointer,
)

REPLICA = "replica"


class ReplicaReadOnly(Forbidden):
    """A write sent to a read replica: writes go to its primary, which the message names (HTTP 403)."""

    def __init__(self, primary: str) -> None:
        super().__init__(f"this server is a read-only replica of {primary}: send writes to the primary")


@dataclass(frozen=True)
class GenerationRecord:
    """What one replica generation holds, in the primary's terms."""

    generation: str  # the primary's name for it ("store", "generations/<release>")
    release: str
    build: str
    primary: str
    applied: str  # when this replica published it (UTC, ISO 8601)


def _record_path(generation_dir: Path) -> Path:
    return generation_dir.with_name(generation_dir.name + ".json")


def read_record(generation_dir: Path) -> GenerationRecord | None:
    try:
        return GenerationRecord(**json.loads(_record_path(generation_dir).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def current_record(root: Path) -> GenerationRecord | None:
    """The record of the replica generation published under `root`, if there is one."""
    path = published_path(root)
    if path.parent.name != REPLICA or not path.is_dir():
        return None
    return read_record(path)


def _next_generation_dir(root: Path) -> Path:
    folder = root / REPLICA
    folder.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.name) for p in folder.iterdir() if p.is_dir() and p.name.isdigit()]
    return folder / f"{max(numbers, default=0) + 1:06d}"


def _publish(root: Path, target: Path, record: GenerationRecord, last_modified: int | None) -> None:
    """Record, date and publish `target`: the pointer's rename is the one step readers see."""
    if last_modified:
        os.utime(target, (last_modified, last_modified))
    temporary = _record_path(target).with_suffix(".json.tmp")
    temporary.write_text(json.dumps(asdict(record), indent=2), encoding="utf-8")
    os.replace(temporary, _record_path(target))
    write_pointer(root, target.relative_to(root).as_posix())


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def install_snapshot(root: Path, snapshot: Path, record: GenerationRecord, last_modified: int | None) -> Path:
    """Load a verified snapshot (gzipped N-Quads) into a new generation beside the served one and publish it.

    The quads are parsed and added as parsed (not bulk-loaded from the file, which would relabel blank
    nodes), so a later release removing a blank-node triple names the node the primary has.
    """
    target = _next_generation_dir(root)
    try:
        writer = ox.Store(str(target))
        try:
            with gzip.open(snapshot, "rb") as stream:
                writer.bulk_extend(ox.parse(cast(IO[bytes], stream), format=ox.RdfFormat.N_QUADS))
            writer.flush()
        finally:
            del writer
            gc.collect()
    except (OSError, SyntaxError, EOFError) as err:
        shutil.rmtree(target, ignore_errors=True)
        raise CCGGraphError(f"the snapshot of release {record.release} could not be loaded: {err}") from err
    _publish(root, target, record, last_modified)
    return target


class ReplicaStore(PublishedStore):
    """A `PublishedStore` whose generations are applied from a primary; it takes no writes of its own, so it
    keeps no release history either (the primary's is the history; the replica follows its feed). Its
    `generation` is the primary's name for the release, not a folder of its own, and a replica is not
    followed in turn: it serves no replicas."""

    keeps_history = False
    serves_replicas = False
    follows_primary = True

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self._records: dict[Path, GenerationRecord] = {}

    def record(self) -> GenerationRecord:
        """The primary's description of the generation being served."""
        self.refresh()
        path = self._path
        if path not in self._records:
            found = read_record(path)
            if found is None:
                raise CCGGraphError(f"the replica generation {path} has no record: boot it again from the primary")
            self._records[path] = found
        return self._records[path]

    @property
    def generation(self) -> str:
        return self.record().generation

    @property
    def release(self) -> str:
        return self.record().release

    def generation_directory(self, generation: str) -> Path:
        return Store.generation_directory(self, generation)

    def commit(
        self, added: Quads, removed: Quads, *, validate: ChangeGate | None = None, before_publish: Hook | None = None
    ) -> str:
        raise ReplicaReadOnly(self.record().primary)

    @contextmanager
    def writing(self) -> Iterator[Store]:
        raise ReplicaReadOnly(self.record().primary)
        yield self  # the generator a context manager needs; never reached

    def apply_release(
        self, release: str, generation: str, added: list[ox.Quad], removed: list[ox.Quad], last_modified: int | None
    ) -> None:
        """Publish the primary's release `release` as the next generation (all of it or, on a crash, none)."""
        with self._writer_lock():
            current = self.record()
            target = _next_generation_dir(self.root)
            self._remove_abandoned_replicas()
            try:
                self._write_generation(target, added, removed)
            except OSError:
                shutil.rmtree(target, ignore_errors=True)
                raise
            record = GenerationRecord(generation, release, current.build, current.primary, _now())
            _publish(self.root, target, record, last_modified)
            self.refresh()
            self.retire_replicas()

    def install(self, snapshot: Path, record: GenerationRecord, last_modified: int | None) -> None:
        """Replace what is served by a verified snapshot, built beside the served generation (no gap)."""
        with self._writer_lock():
            self._remove_abandoned_replicas()
            install_snapshot(self.root, snapshot, record, last_modified)
            self.refresh()
            self.retire_replicas()

    def _remove_abandoned_replicas(self) -> None:
        """Remove generations a crash left unpublished: newer than the published one, or without a record."""
        folder = self.root / REPLICA
        published = published_path(self.root)
        for entry in folder.iterdir():
            if entry.is_dir() and entry.name.isdigit() and entry.name > published.name:
                shutil.rmtree(entry, ignore_errors=True)
                _record_path(entry).unlink(missing_ok=True)

    def retire_replicas(self) -> None:
        """Keep the newest generations, and any younger than a running query may need; remove the rest."""
        folder = self.root / REPLICA
        entries = sorted(p for p in folder.iterdir() if p.is_dir() and p.name.isdigit())
        published = published_path(self.root)
        now = time.time()
        for entry in entries[:-KEEP_GENERATIONS]:
            record = _record_path(entry)
            age = now - (record.stat().st_mtime if record.exists() else entry.stat().st_mtime)
            if entry != published and age > MIN_RETIRED_SECONDS:
                shutil.rmtree(entry, ignore_errors=True)
                _record_path(entry).unlink(missing_ok=True)


def has_replica_state(root: Path) -> bool:
    return (root / POINTER).is_file() and current_record(root) is not None
