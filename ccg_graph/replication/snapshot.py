"""The primary's side of replication: what it serves (its status) and a snapshot of its current release.

A snapshot is the published generation serialised as gzipped N-Quads, made once per release and kept under
``<build>/replication/`` with the SHA-256 computed while it was written, in a sidecar file. The sum travels
with the snapshot (a response header), so the replica checks what it received against what was made: a
file damaged on the primary's disk, or in transit, is refused rather than served. Serialising the store
(rather than shipping the build's dump and replaying the feed) keeps a new replica's boot bounded by the
size of the graph, not by the length of the history, and keeps blank-node labels as the store has them, so
later releases that remove a blank-node triple name the same node on the replica.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox

from ccg_graph.core.config import Settings
from ccg_graph.core.errors import NotFound
from ccg_graph.linked_data.dumps import DumpFiles
from ccg_graph.store.base import Store

SNAPSHOTS = "replication"
#: Snapshots kept besides the newest, so one still being downloaded is not removed under its reader.
KEEP_SNAPSHOTS = 2


@dataclass(frozen=True)
class PrimaryStatus:
    """What a replica needs to know to follow: the release served, the generation it names, the build."""

    release: str
    generation: str
    build: str  # the SHA-256 of the build's dump: a rebuild changes it, a write does not
    last_modified: int  # seconds since the epoch, as the primary's Last-Modified headers give it

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Snapshot:
    path: Path
    sha256: str
    status: PrimaryStatus


def release_of(generation: str) -> str:
    """A generation's release id: its name's last part ("store" for the build itself)."""
    return generation.rsplit("/", 1)[-1]


class SnapshotMaker:
    """Makes and finds the snapshots of one primary's build directory (its store `serves_replicas`)."""

    def __init__(self, settings: Settings, store: Store, dumps: DumpFiles) -> None:
        self.store = store
        self.dumps = dumps
        self.dump_path = settings.dump_path
        self.folder = settings.build_dir / SNAPSHOTS
        self._lock = threading.Lock()

    def status(self) -> PrimaryStatus:
        generation = self.store.generation
        path = self.store.generation_directory(generation)
        times = [p.stat().st_mtime for p in (path, self.dump_path) if p.exists()]
        return PrimaryStatus(
            release=release_of(generation),
            generation=generation,
            build=self.dumps.checksum(self.dump_path) if self.dump_path.is_file() else "unbuilt",
            last_modified=int(max(times)) if times else 0,
        )

    def current(self) -> Snapshot:
        """The snapshot of the published release, made now if it is not made yet."""
        status = self.status()
        target = self.folder / f"{status.release}.nq.gz"
        sidecar = target.with_name(target.name + ".sha256")
        with self._lock:
            if not (target.is_file() and sidecar.is_file()):
                generation = self.store.generation_directory(status.generation)
                if not generation.is_dir():
                    raise NotFound(f"the generation {status.generation!r} is no longer on disk; ask again")
                self._write(generation, target, sidecar)
                self._remove_old(keep=target)
            checksum = sidecar.read_text(encoding="ascii").split()[0]
        return Snapshot(target, checksum, status)

    def _write(self, generation: Path, target: Path, sidecar: Path) -> None:
        """Serialise `generation` to `target` atomically, hashing the bytes as they are written."""
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=self.folder, prefix=target.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as raw:
                hashing = _HashingWriter(raw)
                with gzip.GzipFile(fileobj=hashing, mode="wb", mtime=0, filename="", compresslevel=1) as out:
                    reader = ox.Store.read_only(str(generation))
                    reader.dump(cast(IO[bytes], out), format=ox.RdfFormat.N_QUADS)
                    del reader
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(tmp_name, target)
            sidecar.write_text(f"{hashing.digest.hexdigest()}  {target.name}\n", encoding="ascii")
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise

    def _remove_old(self, keep: Path) -> None:
        snapshots = sorted(self.folder.glob("*.nq.gz"), key=lambda p: p.stat().st_mtime)
        for old in [p for p in snapshots if p != keep][:-KEEP_SNAPSHOTS]:
            old.unlink(missing_ok=True)
            old.with_name(old.name + ".sha256").unlink(missing_ok=True)


class _HashingWriter:
    """A binary file wrapper that hashes every byte written through it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()
