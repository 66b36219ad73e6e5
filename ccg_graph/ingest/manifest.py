"""The reference-data manifests (``manifest.csv`` and its later batches) and SHA-256 verification.

The reference data is catalogued in ``manifest.csv`` (the first batch) and in one further file per later
batch, ``manifest-YYYY-MM.csv`` (same columns), read after it in name order. Together they are the manifest:
the provenance record of every source file: where it was copied from, what it describes,
which transformation (if any) was applied, and the SHA-256 of the stored bytes. Readers are handed paths that
went through `verified_path`, so a file that was edited or truncated after it was catalogued is refused
instead of silently producing different facts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath

from ccg_graph.core.errors import BadInput, ChecksumMismatch, MalformedRow
from ccg_graph.ingest._common import Row, open_table

MANIFEST_NAME = "manifest.csv"
LATER_BATCHES_GLOB = "manifest-*.csv"  # e.g. manifest-2026-12.csv: batches catalogued after the first

COLUMNS = (
    "file",
    "bytes",
    "data_rows",
    "header_row",
    "describes",
    "publisher",
    "licence",
    "source_repository",
    "source_path",
    "source_commit",
    "commit_date",
    "transformation",
    "sha256",
)

_CHUNK = 1 << 20
_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """One catalogued file. ``file`` is relative to the reference-data folder, with ``/`` separators."""

    file: str
    bytes: int
    data_rows: int
    header_row: bool
    describes: str
    publisher: str
    licence: str
    source_repository: str
    source_path: str
    source_commit: str
    commit_date: date
    transformation: str
    sha256: str
    line: int = 0  # line of its manifest file this entry came from
    manifest: str = MANIFEST_NAME  # the manifest file (manifest.csv or a later batch's) that lists it


def _relative_file(row: Row, number: int) -> str:
    """A relative POSIX path that stays inside the reference folder (no absolute paths, no ``..``)."""
    value = row.required(number)
    pure = PurePosixPath(value)
    if pure.is_absolute() or ".." in pure.parts or "\\" in value or str(pure) != value:
        raise row.error(number, f"{value!r} is not a normalised relative path inside the reference folder")
    return value


def _sha256_field(row: Row, number: int) -> str:
    value = row.text(number)
    if len(value) != 64 or not set(value) <= _HEX:
        raise row.error(number, f"{value!r} is not a lower-case hexadecimal SHA-256")
    return value


def manifest_files(reference_dir: Path) -> list[Path]:
    """``manifest.csv`` first, then every later batch's ``manifest-*.csv`` in name (so date) order."""
    later = sorted(p for p in reference_dir.glob(LATER_BATCHES_GLOB) if p.is_file())
    return [reference_dir / MANIFEST_NAME, *later]


def read_manifest(reference_dir: Path) -> dict[str, ManifestEntry]:
    """All entries of every manifest file of ``reference_dir``, keyed by relative file path, in file order.

    ``manifest.csv`` must exist; later batches are optional. A file listed twice, in one manifest or in two,
    is an error: the manifest would then be ambiguous about which checksum holds.
    """
    entries: dict[str, ManifestEntry] = {}
    for path in manifest_files(reference_dir):
        table = open_table(path, COLUMNS)
        col = table.positions
        for row in table.rows():
            file = _relative_file(row, col["file"])
            if file in entries:
                first = entries[file]
                where = f"line {first.line}" if first.manifest == path.name else f"{first.manifest}:{first.line}"
                raise MalformedRow(f"file {file!r} is listed twice (first on {where})", path=row.path, line=row.line)
            entries[file] = ManifestEntry(
                file=file,
                bytes=row.count(col["bytes"]),
                data_rows=row.count(col["data_rows"]),
                header_row=row.choice(col["header_row"], ("yes", "no")) == "yes",
                describes=row.text(col["describes"]),
                publisher=row.text(col["publisher"]),
                licence=row.text(col["licence"]),
                source_repository=row.text(col["source_repository"]),
                source_path=row.text(col["source_path"]),
                source_commit=row.text(col["source_commit"]),
                commit_date=row.iso_date(col["commit_date"]),
                transformation=row.text(col["transformation"]),
                sha256=_sha256_field(row, col["sha256"]),
                line=row.line,
                manifest=path.name,
            )
    return entries


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks so large files never sit in memory whole."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except FileNotFoundError:
        raise BadInput(f"file not found: {path}", path=path) from None
    except IsADirectoryError:
        raise BadInput(f"expected a file but found a directory: {path}", path=path) from None
    return digest.hexdigest()


def verify(reference_dir: Path, entry: ManifestEntry) -> None:
    """Raise `ChecksumMismatch` unless the stored file's SHA-256 is the one in the manifest."""
    path = reference_dir / entry.file
    actual = sha256_of(path)
    if actual != entry.sha256:
        size = path.stat().st_size
        raise ChecksumMismatch(
            f"SHA-256 mismatch: manifest expects {entry.sha256} ({entry.bytes} bytes), "
            f"file has {actual} ({size} bytes)",
            path=path,
        )


def verified_path(reference_dir: Path, manifest: dict[str, ManifestEntry], rel: str) -> Path:
    """The path of manifest file ``rel`` after checking its SHA-256; `BadInput` if ``rel`` is not listed."""
    entry = manifest.get(rel)
    if entry is None:
        raise BadInput(f"{rel!r} is not listed in the manifest", path=reference_dir / MANIFEST_NAME)
    verify(reference_dir, entry)
    return reference_dir / entry.file
