"""Every file in the manifest is read completely by its reader, with row counts and line numbers as listed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ccg_graph.ingest.manifest import read_manifest

from .helpers import REFERENCE_DIR

# Parametrised at collection time. Without the data the single placeholder case still runs, and fails in
# the `reference_dir` fixture: an empty parameter list would be reported as skipped instead.
if (REFERENCE_DIR / "manifest.csv").is_file():
    MANIFEST_FILES = sorted(read_manifest(REFERENCE_DIR))
else:
    MANIFEST_FILES = ["<reference data missing>"]


@pytest.mark.parametrize("rel", MANIFEST_FILES)
def test_every_row_read_with_its_line(reference_dir: Path, load: Callable[[str], list[Any]], rel: str) -> None:
    entry = read_manifest(reference_dir)[rel]
    records = load(rel)
    assert len(records) == entry.data_rows
    first = 2 if entry.header_row else 1
    # No file has multi-line records, so data row i sits on physical line i + (1 if there is a header).
    assert [r.line for r in records] == list(range(first, first + entry.data_rows))
