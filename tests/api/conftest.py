"""An in-process client of the app on the national graph (fast tests of the linked-data routes)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from ccg_graph.api import create_app
from ccg_graph.config import Settings
from ccg_graph.store import EmbeddedStore


@pytest.fixture(scope="session")
def ld_client(national_settings: Settings, national_store: EmbeddedStore) -> Iterator[TestClient]:
    with TestClient(create_app(national_settings, store=national_store)) as client:
        yield client
