"""Starting, killing (SIGKILL, workers included) and restarting a real server on one build directory."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import pytest

from ccg_graph.core.config import Settings
from ccg_graph.national.build import build
from tests.conftest import free_port

TOKEN = "fault-token-93ab"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def kill9(self) -> None:
        """SIGKILL the server and its query workers at once, as a power cut or the OOM killer would."""
        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            children = []
        for process in [self.process, *children]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGKILL)
        self.process.wait(10)
        psutil.wait_procs(children, timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill9()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def launch(build_dir: Path, *, file_size_limit: int | None = None, token: str = TOKEN, **settings: str) -> Server:
    """`ccg-graph serve` on a free port; `file_size_limit` sets RLIMIT_FSIZE on it (the disk-full stand-in)."""
    port = free_port()
    env = {**os.environ, "CCG_GRAPH_BUILD_DIR": str(build_dir), "CCG_GRAPH_UPDATE_TOKEN": token}
    env.update({f"CCG_GRAPH_{k.upper()}": v for k, v in settings.items()})

    def limit() -> None:
        if file_size_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    # The log goes to a file, not a pipe: under load the access log fills an undrained pipe's 64 KiB buffer
    # and the server's event loop blocks writing to it (the first soak run found exactly that).
    log = build_dir.parent / f"server-{port}.log"
    with open(log, "wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "ccg_graph.cli", "serve", "--port", str(port)],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            preexec_fn=limit,
        )
    server = Server(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{server.output()}")
        try:
            if httpx.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill9()
    pytest.fail("the server did not answer /healthz within 60 s")


@pytest.fixture
def fault_build(tmp_path: Path) -> Path:
    build(Settings(build_dir=tmp_path / "build"), national=False)
    return tmp_path / "build"


def health(url: str) -> dict:
    response = httpx.get(f"{url}/healthz", timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def count_in_graph(url: str, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    response = httpx.get(f"{url}/sparql", params={"query": query}, timeout=30)
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def put_ntriples(url: str, graph: str, body: bytes, *, timeout: float = 60) -> httpx.Response:
    """PUT N-Triples ``body`` as graph ``graph`` of the server at ``url``, with the write token."""
    return httpx.put(
        f"{url}/store",
        params={"graph": graph},
        content=body,
        headers={"content-type": "application/n-triples", **AUTH},
        timeout=timeout,
    )
