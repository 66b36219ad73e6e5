"""A throwaway core-only build served by a real `ccg-graph serve` process with an update token.

Throwaway because the protocol tests' updates begin with ``CLEAR ALL``/``DROP ALL``. The server runs with a
shapes folder holding no shapes: the W3C cases write FOAF data and empty the store, which our statutory shapes
rightly refuse (an empty store has no Secretary of State accountable to Parliament: a ``sh:targetNode``
shape fails); the shapes gate itself is tested in ``tests/api/test_writes.py``. Everything else (token, atomic
generations, worker processes) is the real server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ccg_graph.core.config import Settings
from ccg_graph.national.build import build
from tests.faults.conftest import launch

TOKEN = "w3c-conformance-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def conformance_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    build_dir: Path = tmp_path_factory.mktemp("w3c") / "build"
    build(Settings(build_dir=build_dir), national=False)
    shapes_dir = build_dir.parent / "no-shapes"
    shapes_dir.mkdir()
    (shapes_dir / "none.ttl").write_text("# No shapes: the W3C protocol cases write FOAF data and empty the store.\n")
    server = launch(build_dir, token=TOKEN, query_workers="2", shapes_dir=str(shapes_dir))
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            yield client
    finally:
        server.stop()
