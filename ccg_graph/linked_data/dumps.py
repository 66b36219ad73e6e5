"""The downloadable dumps: the build's gzipped N-Quads, and a gzipped TriG made from it, with SHA-256 sums.

Only the names in `DUMPS` can be served, looked up in a dictionary, so no request path ever reaches the file
system. The TriG dump is written once per N-Quads dump, beside it and atomically (a temporary file renamed
into place); a sidecar file records the SHA-256 of the N-Quads dump it was made from, so a new build makes
it stale and it is made again on the next request.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox

from ccg_graph.core.config import Settings
from ccg_graph.core.errors import NotFound
from ccg_graph.core.namespaces import PREFIXES
from ccg_graph.rdf import media_types
from ccg_graph.rdf.rdflib_io import open_binary


@dataclass(frozen=True)
class Dump:
    name: str
    media_type: str  # of the decompressed content
    title: str


#: Not ``id:``, whose local names hold slashes that TriG would have to escape.
_PREFIXES = {prefix: namespace for prefix, namespace in PREFIXES.items() if prefix != "id"}

NQUADS = Dump("ccg-graph.nq.gz", media_types.N_QUADS, "The whole dataset as gzipped N-Quads")
TRIG = Dump("ccg-graph.trig.gz", media_types.TRIG, "The whole dataset as gzipped TriG")
DUMPS = {NQUADS.name: NQUADS, TRIG.name: TRIG}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class DumpFiles:
    """Finds, makes and checksums the dumps of one build folder."""

    def __init__(self, settings: Settings) -> None:
        self.nquads = settings.dump_path
        self.trig = settings.dump_path.with_name(TRIG.name)
        self._lock = threading.Lock()
        self._sums: dict[Path, tuple[int, int, str]] = {}

    @classmethod
    def of(cls, state: object) -> DumpFiles:
        """The one `DumpFiles` of an application, kept on its `state` (which has its ``settings``), so that every
        route that serves or reads the dumps (the dataset routes, the replication snapshot) shares its checksums."""
        files = getattr(state, "dump_files", None)
        if not isinstance(files, DumpFiles):
            settings = getattr(state, "settings")  # noqa: B009 - an application state, typed by what it holds
            assert isinstance(settings, Settings)
            files = cls(settings)
            setattr(state, "dump_files", files)  # noqa: B010
        return files

    def checksum(self, path: Path) -> str:
        """The SHA-256 of `path`, recomputed only when its size or modification time changes."""
        stat = path.stat()
        cached = self._sums.get(path)
        if cached and cached[:2] == (stat.st_mtime_ns, stat.st_size):
            return cached[2]
        value = sha256_of(path)
        self._sums[path] = (stat.st_mtime_ns, stat.st_size, value)
        return value

    def path(self, name: str) -> Path:
        """The file for dump `name` (making the TriG dump if it is missing or stale)."""
        dump = DUMPS.get(name)
        if dump is None:
            raise NotFound(f"no dump called {name!r}: the dumps are {', '.join(DUMPS)}")
        if not self.nquads.is_file():
            raise NotFound("the graph has not been built, so there is no dump yet (run `ccg-graph build`)")
        if dump is NQUADS:
            return self.nquads
        with self._lock:
            source_sum = self.checksum(self.nquads)
            sidecar = self.trig.with_name(self.trig.name + ".source-sha256")
            fresh = self.trig.is_file() and sidecar.is_file() and sidecar.read_text().strip() == source_sum
            if not fresh:
                self._write_trig(source_sum, sidecar)
        return self.trig

    def _write_trig(self, source_sum: str, sidecar: Path) -> None:
        fd, tmp_name = tempfile.mkstemp(dir=self.trig.parent, prefix=self.trig.name, suffix=".tmp")
        try:
            with open_binary(self.nquads) as source:
                quads = list(ox.parse(source, format=ox.RdfFormat.N_QUADS))
            quads.sort(key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
            with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as out:
                ox.serialize(quads, cast(IO[bytes], out), ox.RdfFormat.TRIG, prefixes=_PREFIXES)
            os.replace(tmp_name, self.trig)
            sidecar.write_text(source_sum + "\n")
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
