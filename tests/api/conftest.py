"""App fixtures: a writable core-only build served in-process by the real app (worker processes and all)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ccg_graph.api import create_app
from ccg_graph.core.config import Settings
from ccg_graph.national.build import build
from ccg_graph.store import EmbeddedStore

TOKEN = "test-token-5f2c"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def core_settings(build_dir: Path, **overrides: object) -> Settings:
    return Settings(build_dir=build_dir, update_token=TOKEN, query_workers=2, **overrides)


@pytest.fixture
def core_build_dir(tmp_path: Path) -> Path:
    """A fresh build of the ontology, shapes and core graph (about 2,000 quads) for tests that write."""
    build(Settings(build_dir=tmp_path / "build"), national=False)
    return tmp_path / "build"


@pytest.fixture
def writable_client(core_build_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(core_settings(core_build_dir))) as client:
        yield client


@pytest.fixture(scope="session")
def ld_client(national_settings: Settings, national_store: EmbeddedStore) -> Iterator[TestClient]:
    """An in-process client of the app on the national graph (fast tests of the linked-data routes)."""
    with TestClient(create_app(national_settings, store=national_store)) as client:
        yield client
