"""Two real endpoints holding the same national graph: ``ccg-graph serve`` and ``oxigraph serve``."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ccg_graph.client import Client
from ccg_graph.core.config import Settings
from ccg_graph.national.build import BuildSummary

from ..conftest import free_port


def _oxigraph_binary() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if found is None:
        pytest.fail("the `oxigraph` command is missing: install the test extras (`make install-test`, PyPI `oxigraph`)")
    return found


@pytest.fixture(scope="session")
def oxigraph_url(
    national_build: BuildSummary, national_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`oxigraph serve-read-only` on a free loopback port, holding the national dump, union default graph."""
    binary = _oxigraph_binary()
    location = tmp_path_factory.mktemp("oxigraph") / "store"
    loaded = subprocess.run(
        [binary, "load", "--location", str(location), "--file", str(national_settings.dump_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if loaded.returncode != 0:
        pytest.fail(f"oxigraph load failed ({loaded.returncode}): {loaded.stderr}")
    port = free_port()
    command = [binary, "serve-read-only", "--union-default-graph", "--location", str(location)]
    process = subprocess.Popen(
        [*command, "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            pytest.fail(f"oxigraph serve exited with {process.returncode}:\n{output}")
        try:
            if httpx.get(f"{url}/query", params={"query": "ASK {}"}, timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("oxigraph serve did not answer within 30 s")
        time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="session")
def ours(server_url: str) -> Client:
    return Client(f"{server_url}/sparql", timeout=60, retries=0)


@pytest.fixture(scope="session")
def oxigraph(oxigraph_url: str) -> Client:
    return Client(f"{oxigraph_url}/query", timeout=60, retries=0)


@pytest.fixture(scope="session", params=["ccg-graph", "oxigraph"])
def client(request: pytest.FixtureRequest) -> Client:
    """Each endpoint in turn: every client test runs against both."""
    return request.getfixturevalue("ours" if request.param == "ccg-graph" else "oxigraph")
