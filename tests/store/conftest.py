"""The store-facing tests run on every backend: the embedded store, the published store (the backend the
server runs: generations on disk, each commit published by renaming a pointer), `oxigraph serve` and Virtuoso.

`core_dump` is a core-only build (about 2,000 quads in 4 graphs, blank nodes included). Each remote server
is started once per session and loaded with it through `ccg-graph`'s own loader; the embedded backend is an
in-memory pyoxigraph store loaded from the same dump. Tests that write use graphs of their own.
"""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from ccg_graph.core.config import Settings
from ccg_graph.national.build import build
from ccg_graph.store import EmbeddedStore, Store
from ccg_graph.store.loading import load_dump
from ccg_graph.store.published import PublishedStore
from ccg_graph.store.remote import SparqlStore
from tests.store.servers import SERVERS, ServerProcess

BACKENDS = ["embedded", "published", "oxigraph", "virtuoso"]


@pytest.fixture(scope="session")
def core_build(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(build_dir=tmp_path_factory.mktemp("core-build"))
    build(settings, national=False)
    return settings


@pytest.fixture(scope="session")
def core_dump(core_build: Settings) -> Path:
    return core_build.dump_path


def start(name: str, folder: Path) -> ServerProcess:
    server = SERVERS[name](folder)
    server.start()
    return server


@pytest.fixture(scope="session")
def oxigraph_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = start("oxigraph", tmp_path_factory.mktemp("oxigraph"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = start("virtuoso", tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def remote_stores(request: pytest.FixtureRequest, core_dump: Path) -> dict[str, SparqlStore]:
    """One loaded `SparqlStore` per server, made on first use."""
    return {}


def remote_store(request: pytest.FixtureRequest, name: str, core_dump: Path) -> SparqlStore:
    stores: dict[str, SparqlStore] = request.getfixturevalue("remote_stores")
    if name not in stores:
        server: ServerProcess = request.getfixturevalue(f"{name}_process")
        store = SparqlStore.from_settings(server.settings())
        load_dump(store, core_dump, chunk_triples=500)
        stores[name] = store
    return stores[name]


@pytest.fixture(scope="session")
def embedded_core(core_dump: Path) -> EmbeddedStore:
    store = EmbeddedStore()
    with gzip.open(core_dump, "rb") as dump:
        store.native.load(dump, format=ox.RdfFormat.N_QUADS)
    return store


@pytest.fixture(scope="session")
def published_core(core_build: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PublishedStore]:
    """A copy of the core build's folder, opened as the server opens it (its writes stay in the copy)."""
    folder = tmp_path_factory.mktemp("published-core") / "build"
    shutil.copytree(core_build.build_dir, folder)
    store = PublishedStore(folder)
    yield store
    store.close()


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, core_dump: Path) -> Store:
    """The core build on each backend."""
    if request.param in ("embedded", "published"):
        return request.getfixturevalue(f"{request.param}_core")
    return remote_store(request, request.param, core_dump)
