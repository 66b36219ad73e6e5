"""Every file in the manifest that has a reader is read completely by it, with row counts and lines as listed.

Files catalogued by a later batch before the ingest has a reader for them are listed in `AWAITING_READER`;
`test_files_without_reader_are_the_known_ones` fails both when a file loses its reader and when a reader
arrives without the list being shortened, so the list is always the true backlog.
"""

from __future__ import annotations

import gzip
import itertools
import re
from pathlib import Path

import pytest

from ccg_graph.ingest.manifest import read_manifest

from .helpers import REFERENCE_DIR, Load, has_reader

#: Every folder has a reader now; originals kept beside their lon/lat GeoJSON conversion (KML, shapefile and
#: MapInfo zips) are the only files the build does not read: it reads the conversion.
AWAITING_READER_PREFIXES: tuple[str, ...] = ()
AWAITING_READER_SUFFIXES = (".kml", ".shp.zip", ".tab.zip")
#: Where a file's header is not on line 1 the manifest says so in its description: "[header: yes (row 10; …".
_HEADER_ROW = re.compile(r"\[header: yes \(row ([0-9]+)")

# Parametrised at collection time. Without the data the single placeholder case still runs, and fails in
# the `reference_dir` fixture: an empty parameter list would be reported as skipped instead.
if (REFERENCE_DIR / "manifest.csv").is_file():
    MANIFEST_FILES = sorted(rel for rel in read_manifest(REFERENCE_DIR) if has_reader(rel))
else:
    MANIFEST_FILES = ["<reference data missing>"]


@pytest.mark.parametrize("rel", MANIFEST_FILES)
def test_every_row_read_with_its_line(reference_dir: Path, load: Load, rel: str) -> None:
    entry = read_manifest(reference_dir)[rel]
    records = load(rel)
    assert len(records) == entry.data_rows
    if rel.endswith(".geojson"):
        # A GeoJSON file has no line per record: each feature carries its 1-based place in `features`.
        assert [r.feature for r in records] == list(range(1, entry.data_rows + 1))
        return
    stated = _HEADER_ROW.search(entry.describes)
    header_line = int(stated.group(1)) if stated else (1 if entry.header_row else 0)
    first = header_line + 1
    lines = [r.line for r in records]
    physical = _physical_lines(reference_dir / rel)
    if physical == header_line + entry.data_rows:
        # No multi-line records: data row i sits on physical line header_line + i.
        assert lines == list(range(first, first + entry.data_rows))
    else:
        # Some records span lines (quoted line breaks): each starts after the previous one, the first first.
        assert lines[0] == first and all(a < b for a, b in itertools.pairwise(lines))
        assert lines[-1] <= physical


def _physical_lines(path: Path) -> int:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        data = handle.read()
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def test_files_without_reader_are_the_known_ones(reference_dir: Path) -> None:
    manifest = read_manifest(reference_dir)
    unread = {rel for rel in manifest if not has_reader(rel)}
    assert all(manifest[rel].manifest != "manifest.csv" for rel in unread), "a batch-1 file lost its reader"
    assert unread == {
        rel
        for rel in manifest
        if rel.startswith(AWAITING_READER_PREFIXES)
        or (rel.startswith("ons-boundaries/") and rel.endswith(AWAITING_READER_SUFFIXES))
    }
