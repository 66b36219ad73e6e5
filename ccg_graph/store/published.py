"""The published graph on disk as a series of immutable generations, switched atomically.

A generation is a complete pyoxigraph store directory that nobody writes once it is published: readers
(this process and the query workers) open it read-only, which pyoxigraph only supports when no process
writes the same directory. A write makes the next generation: the current one is copied with hard links
(RocksDB's table files never change, so this takes milliseconds whatever the size), the change is applied
to the copy, the copy is flushed and closed, and a one-line pointer file, ``CURRENT``, is replaced by
``os.replace`` — the single atomic step that publishes it. A crash at any point before that step leaves
the previous generation published and a half-written directory that the next writer removes; readers
never see half a change.

Layout under the build directory::

    store/            the generation made by `ccg-graph build`
    generations/<id>/ the generations made by writes
    CURRENT           the name of the published generation ("store" or "generations/<id>")
    write.lock        serialises writers across processes (the server, the CLI, a rebuild): `writer_lock`

A rebuild (`ccg-graph build`) holds the writer lock from replacing ``store/`` until it has re-applied the
standing submissions, so a server write never lands between the two (half a rebuild). A write that cannot
get the lock within its wait (`Settings.write_wait_seconds`) is refused with `WriterBusy` (503 with
``Retry-After``) rather than left hanging.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO, Unpack

import pyoxigraph as ox

from ccg_graph.core.errors import InsufficientStorage, NotFound, WriterBusy
from ccg_graph.core.terms import GraphPattern, ObjectPattern, PredicatePattern, SubjectPattern
from ccg_graph.store.base import ChangeGate, Hook, Quads, QueryOptions, QueryResult, Store
from ccg_graph.store.embedded import EmbeddedStore, apply_change

POINTER = "CURRENT"
GENERATIONS = "generations"
BASE_GENERATION = "store"
KEEP_GENERATIONS = 3
#: A generation is removed only once it is older than this, so that a query still running on it ends first.
MIN_RETIRED_SECONDS = 600.0


_DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
_DISK_FULL_WORDS = ("no space left", "file too large", "quota exceeded")


def _is_disk_full(err: OSError) -> bool:
    """ENOSPC and friends; RocksDB reports them as an OSError whose message carries the system's words."""
    return err.errno in _DISK_FULL_ERRNOS or any(word in str(err).lower() for word in _DISK_FULL_WORDS)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def link_copy(source: Path, target: Path) -> None:
    """Copy a store directory, hard-linking its immutable table files and copying everything else."""
    target.mkdir(parents=True)
    for entry in source.iterdir():
        destination = target / entry.name
        if entry.is_dir():
            link_copy(entry, destination)
        elif entry.suffix in (".sst", ".blob"):
            os.link(entry, destination)
        else:
            shutil.copy2(entry, destination)


def write_pointer(root: Path, name: str) -> None:
    """Atomically replace the ``CURRENT`` pointer with `name` (write, fsync, rename, fsync the folder)."""
    temporary = root / f".{POINTER}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, root / POINTER)
    _fsync_dir(root)


#: How often a waiting writer tries the cross-process lock again.
_LOCK_POLL_SECONDS = 0.05


@dataclass
class _Holder:
    """This process's hold on one build directory's ``write.lock``: the thread lock, depth and open file."""

    thread_lock: threading.RLock = field(default_factory=threading.RLock)
    depth: int = 0
    file: TextIO | None = None


_holders: dict[Path, _Holder] = {}
_holders_guard = threading.Lock()


def _holder(root: Path) -> _Holder:
    with _holders_guard:
        return _holders.setdefault(root, _Holder())


def _flock(path: Path, deadline: float | None, timeout: float | None) -> TextIO:
    file = open(path, "a+")  # noqa: SIM115 - kept open while the lock is held
    while True:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return file
        except BlockingIOError:
            if deadline is not None and time.monotonic() > deadline:
                file.close()
                raise _busy(timeout) from None
            time.sleep(_LOCK_POLL_SECONDS)


@contextmanager
def writer_lock(root: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold ``write.lock`` under build directory `root`: one writer at a time across processes and threads.

    Re-entrant in the thread that holds it (a rebuild holds it and commits the replayed submissions inside).
    With `timeout`, `WriterBusy` when it cannot be had in that many seconds; without, wait as long as it takes.
    """
    root.mkdir(parents=True, exist_ok=True)
    holder = _holder(root.resolve())
    deadline = None if timeout is None else time.monotonic() + timeout
    if not holder.thread_lock.acquire(timeout=-1 if timeout is None else timeout):
        raise _busy(timeout)
    try:
        if holder.depth == 0:
            holder.file = _flock(root / "write.lock", deadline, timeout)
        holder.depth += 1
        try:
            yield
        finally:
            holder.depth -= 1
            if holder.depth == 0 and holder.file is not None:
                fcntl.flock(holder.file, fcntl.LOCK_UN)
                holder.file.close()
                holder.file = None
    finally:
        holder.thread_lock.release()


def _busy(timeout: float | None) -> WriterBusy:
    return WriterBusy(
        f"another write or a rebuild holds the store (waited {timeout:g} s); nothing was written: try again shortly"
    )


def published_path(root: Path) -> Path:
    """The directory of the published generation under build directory `root`."""
    pointer = root / POINTER
    if pointer.is_file():
        name = pointer.read_text(encoding="utf-8").strip()
        if name and ".." not in Path(name).parts:
            return root / name
    return root / BASE_GENERATION


def reset_generations(root: Path) -> None:
    """Forget every write generation (after a fresh build replaced ``store/``)."""
    if (root / POINTER).exists():
        write_pointer(root, BASE_GENERATION)
    shutil.rmtree(root / GENERATIONS, ignore_errors=True)


class PublishedStore(Store):
    """Reads from the published generation; `commit` publishes a new one."""

    keeps_history = True
    opens_read_only = True
    serves_replicas = True

    def __init__(self, root: Path, *, write_wait_seconds: float | None = None) -> None:
        self.root = root
        self.write_wait_seconds = write_wait_seconds
        path = published_path(root)
        if not path.exists():
            raise NotFound(f"no built graph at {path}: run `ccg-graph build` first")
        self._lock = threading.RLock()
        self._path = path
        self._stamp = self._pointer_stamp()
        self._current = EmbeddedStore(path, read_only=True)

    # -- which generation is published -------------------------------------------------------------------

    def _pointer_stamp(self) -> tuple[int, int] | None:
        try:
            stat = (self.root / POINTER).stat()
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_mtime_ns)

    def refresh(self) -> EmbeddedStore:
        """The reader on the published generation, reopened if another writer has published since."""
        stamp = self._pointer_stamp()
        if stamp != self._stamp:
            with self._lock:
                if stamp != self._stamp:
                    path = published_path(self.root)
                    if path != self._path:
                        self._current = EmbeddedStore(path, read_only=True)
                        self._path = path
                    self._stamp = stamp
        return self._current

    @property
    def native(self) -> ox.Store:
        """The pyoxigraph store of the published generation (read-only), for fast triple-pattern reads."""
        return self.refresh().native

    @property
    def path(self) -> Path:
        """The directory of the published generation (query workers open it read-only)."""
        self.refresh()
        return self._path

    def read_only_path(self) -> Path:
        return self.path

    @property
    def generation_is_exact(self) -> bool:
        """Every generation is immutable once published, and each write publishes a new one."""
        return True

    def local_directory(self) -> Path | None:
        return self.path

    def generation_directory(self, generation: str) -> Path:
        return self.root / generation

    @property
    def generation(self) -> str:
        """A name for the published generation, stable until the next write (used in ETags)."""
        self.refresh()
        return self._path.relative_to(self.root).as_posix()

    # -- reading -----------------------------------------------------------------------------------------

    def query(self, sparql: str, **options: Unpack[QueryOptions]) -> QueryResult:
        return self.refresh().query(sparql, **options)

    def quads_for_pattern(
        self, subject: SubjectPattern, predicate: PredicatePattern, object: ObjectPattern, graph: GraphPattern
    ) -> Iterator[ox.Quad]:
        return self.refresh().quads_for_pattern(subject, predicate, object, graph)

    def contains(self, quad: ox.Quad) -> bool:
        return self.refresh().contains(quad)

    def named_graphs(self) -> list[str]:
        return self.refresh().named_graphs()

    def __len__(self) -> int:
        return len(self.refresh())

    # -- writing -----------------------------------------------------------------------------------------

    @contextmanager
    def _writer_lock(self) -> Iterator[None]:
        with writer_lock(self.root, self.write_wait_seconds), self._lock:
            yield

    @contextmanager
    def writing(self) -> Iterator[Store]:
        """The writer lock across processes (``write.lock``) and threads; yields the published generation."""
        with self._writer_lock():
            yield self.refresh()

    def commit(
        self, added: Quads, removed: Quads, *, validate: ChangeGate | None = None, before_publish: Hook | None = None
    ) -> str:
        """Publish a new generation with `removed` taken out and `added` put in; returns its name.

        `validate` sees the current store and the change and raises to refuse it (nothing is written).
        `before_publish` is called with the new generation's name once its data is durable and before it
        is published (submissions record their provenance there); if it raises, nothing is published.
        """
        added, removed = list(added), list(removed)
        with self._writer_lock():
            current = self.refresh()
            if validate is not None:
                validate(current, added, removed)
            name = f"{GENERATIONS}/{time.strftime('%Y%m%dT%H%M%S')}-{time.time_ns() % 1_000_000_000:09d}"
            target = self.root / name
            self._remove_abandoned()
            try:
                self._write_generation(target, added, removed)
            except OSError as err:
                shutil.rmtree(target, ignore_errors=True)
                if _is_disk_full(err):
                    raise InsufficientStorage(
                        "there is no space left to store this change; nothing was written and the published "
                        "graph is unchanged"
                    ) from err
                raise
            if before_publish is not None:
                before_publish(name)
            write_pointer(self.root, name)
            self.refresh()
            self._retire_old()
            return name

    def _write_generation(self, target: Path, added: list[ox.Quad], removed: list[ox.Quad]) -> None:
        """Make `target` a copy of the published generation with the change applied, durable on disk."""
        link_copy(self._path, target)
        writer = ox.Store(str(target))
        try:
            apply_change(writer, added, removed)
            writer.flush()
        finally:
            # pyoxigraph closes the store when its last reference goes, and nothing else holds it: no full
            # garbage collection here (it cost about 0.2 s of every write with the shapes loaded)
            del writer
        _fsync_dir(target)

    def _published_names(self) -> set[str]:
        return {published_path(self.root).relative_to(self.root).as_posix()}

    def _remove_abandoned(self) -> None:
        """Remove generations a crashed writer left unpublished (newer than the published one)."""
        folder = self.root / GENERATIONS
        if not folder.is_dir():
            return
        published = published_path(self.root)
        for entry in folder.iterdir():
            newer = published.parent != folder or entry.name > published.name
            if newer and entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)

    def _retire_old(self) -> None:
        folder = self.root / GENERATIONS
        entries = sorted(p for p in folder.iterdir() if p.is_dir())
        published = published_path(self.root)
        now = time.time()
        for entry in entries[:-KEEP_GENERATIONS]:
            if entry != published and now - entry.stat().st_mtime > MIN_RETIRED_SECONDS:
                shutil.rmtree(entry, ignore_errors=True)

    def close(self) -> None:
        self._current.close()
