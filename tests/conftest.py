"""Session fixtures: the national graph, built once from the real reference data, and a real server on it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ccg_graph.core.config import PROJECT_ROOT, Settings
from ccg_graph.national.build import BuildSummary, build
from ccg_graph.store import EmbeddedStore, open_store

REFERENCE_DATA = PROJECT_ROOT.parent / "shared" / "reference-data"


@pytest.fixture(scope="session")
def national_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    if not (REFERENCE_DATA / "manifest.csv").is_file():
        pytest.fail(f"the reference data is missing: expected {REFERENCE_DATA} (shared/ beside the repository)")
    return Settings(build_dir=tmp_path_factory.mktemp("national-build"), reference_data_dir=REFERENCE_DATA)


@pytest.fixture(scope="session")
def national_build(national_settings: Settings) -> BuildSummary:
    return build(national_settings)


@pytest.fixture(scope="session")
def national_store(national_build: BuildSummary, national_settings: Settings) -> Iterator[EmbeddedStore]:
    store = open_store(national_settings.store_dir, read_only=True)
    yield store
    store.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(
    build_dir: Path,
    *,
    serve_args: tuple[str, ...] = (),
    serve_port: int | None = None,
    ready_timeout: float = 60.0,
    **env_settings: str,
) -> tuple[subprocess.Popen[bytes], str]:
    """`ccg-graph serve` as a real process on a free loopback port; `env_settings` become CCG_GRAPH_* variables.

    `serve_args` are more arguments for `serve` (e.g. ``--replica-of URL``); `serve_port` a port to use
    instead of a free one (a server restarted where a load balancer expects it)."""
    port = serve_port or free_port()
    env = {**os.environ, "CCG_GRAPH_BUILD_DIR": str(build_dir)}
    env.update({f"CCG_GRAPH_{key.upper()}": value for key, value in env_settings.items()})
    # The server's log goes to a file: a pipe nobody reads fills up under load and stalls the server.
    log = tempfile.NamedTemporaryFile(prefix=f"ccg-graph-serve-{port}-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "ccg_graph.cli", "serve", "--port", str(port), *serve_args],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + ready_timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = Path(log.name).read_text(errors="replace")
            pytest.fail(f"the server exited with {process.returncode}:\n{output}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    pytest.fail(f"the server did not answer /healthz within {ready_timeout:g} s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def server_url(national_build: BuildSummary, national_settings: Settings) -> Iterator[str]:
    """`ccg-graph serve` as a real process on a free loopback port, serving the national build."""
    process, url = start_server(national_settings.build_dir)
    yield url
    stop_server(process)


def sparql_values(store: EmbeddedStore, query: str, bindings: dict | None = None) -> list[dict[str, str]]:
    """Run a query and return each solution as {variable: plain value}."""
    result = store.query(query, bindings=bindings)
    assert result.solutions is not None
    names = [v.value for v in result.solutions.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in result.solutions]
