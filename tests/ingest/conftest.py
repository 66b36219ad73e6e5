"""Fixtures for the ingest tests: the real reference-data folder and a per-session cache of parsed files.

The reference data sit in ``shared/reference-data`` beside the repository. They are required: if they are
missing the fixture fails loudly, because a skipped data test would look like a passing one.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

_REPO = Path(__file__).resolve().parents[2]
if str(_REPO) not in sys.path:  # the package may not be installed in the virtualenv running pytest
    sys.path.insert(0, str(_REPO))

from .helpers import reader_for  # noqa: E402


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    path = Path(__file__).resolve().parents[2].parent / "shared" / "reference-data"
    if not (path / "manifest.csv").is_file():
        pytest.fail(
            f"reference data not found at {path} (expected shared/reference-data beside the repository, "
            "with manifest.csv); the ingest tests need the real files and are never skipped",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def load(reference_dir: Path) -> Callable[[str], list[Any]]:
    """``load(rel)``: every record of reference file ``rel`` via its reader, parsed once per session."""
    cache: dict[str, list[Any]] = {}

    def _load(rel: str) -> list[Any]:
        if rel not in cache:
            cache[rel] = list(reader_for(rel)(reference_dir / rel))
        return cache[rel]

    return _load
