"""The results file: ``bench/results/<date>.json``, every figure and ratio of one run."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def write(data: dict[str, Any], folder: Path) -> Path:
    """Write the run to ``<folder>/<date>.json`` (a second run on the same day gets ``<date>-<time>.json``)."""
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    path = folder / f"{now:%Y-%m-%d}.json"
    if path.exists():
        path = folder / f"{now:%Y-%m-%d-%H%M%S}.json"
    path.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return path
