"""Real processes for the replication tests: primaries, replicas, nginx, and a link that can be cut.

Every process listens on its own free loopback port and writes its log to a file. nginx runs in the
foreground (``daemon off``) with a configuration written by ``ccg-graph deploy nginx`` into the test's own
folder, which also holds its pid file, logs and temporary files.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from ccg_graph.core.config import PROJECT_ROOT
from tests.conftest import free_port, start_server, stop_server

TOKEN = "replication-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@dataclass
class Served:
    """One `ccg-graph serve` process, restartable on the same port."""

    build_dir: Path
    serve_args: tuple[str, ...]
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    ready_timeout: float = 90.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Served:
        self.process, _ = start_server(
            self.build_dir,
            serve_args=self.serve_args,
            serve_port=self.port,
            ready_timeout=self.ready_timeout,
            **self.env,
        )
        return self

    def kill9(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            stop_server(self.process)


def primary(build_dir: Path, **env: str) -> Served:
    return Served(build_dir, (), {"update_token": TOKEN, "query_workers": "1", **env}).start()


def replica(build_dir: Path, of: str, *, start: bool = True, **env: str) -> Served:
    settings = {"query_workers": "1", "replica_poll_seconds": "0.2", **env}
    served = Served(build_dir, ("--replica-of", of), settings)
    return served.start() if start else served


def health(url: str) -> tuple[int, dict]:
    response = httpx.get(f"{url}/healthz", timeout=10)
    return response.status_code, response.json()


def insert(url: str, graph: str, value: str) -> str:
    """An update through `url` putting one labelled triple in `graph`; the release it made."""
    update = f'INSERT DATA {{ GRAPH <{graph}> {{ <{graph}#it> <{LABEL}> "{value}" }} }}'
    response = httpx.post(
        f"{url}/sparql/update",
        content=update,
        headers={"Content-Type": "application/sparql-update", **AUTH},
        timeout=60,
    )
    assert response.status_code == 204, response.text
    return response.headers.get("X-Release", "")


def has_label(url: str, value: str) -> bool:
    response = httpx.get(
        f"{url}/sparql",
        params={"query": f'ASK {{ ?s <{LABEL}> "{value}" }}'},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return bool(response.json()["boolean"])


def wait_for(condition: object, timeout: float, what: str, interval: float = 0.1) -> float:
    """Seconds until `condition()` is true; fails the test with `what` after `timeout` seconds."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():  # type: ignore[operator]
            return time.monotonic() - started
        time.sleep(interval)
    pytest.fail(f"not within {timeout:g} s: {what}")


def serves_release(url: str, release: str) -> bool:
    try:
        return health(url)[1].get("release") == release
    except httpx.HTTPError:
        return False


class Nginx:
    """nginx in the foreground with a configuration from `ccg-graph deploy nginx`, in a folder of its own."""

    def __init__(self, folder: Path, primary_url: str, replica_urls: list[str], *extra: str) -> None:
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(binary).exists():
            pytest.fail("nginx is missing: `make deps-system` installs it (Debian package nginx-light)")
        self.binary = binary
        self.folder = folder
        self.port = free_port()
        self.config = folder / "nginx.conf"
        command = [sys.executable, "-m", "ccg_graph.cli", "deploy", "nginx", "--primary", primary_url]
        for url in replica_urls:
            command += ["--replica", url]
        command += ["--listen", f"127.0.0.1:{self.port}", "--prefix", str(folder), "--workers", "1"]
        command += ["--output", str(self.config), *extra]
        env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
        written = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
        assert written.returncode == 0, written.stderr
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _command(self, *more: str) -> list[str]:
        error_log = str(self.folder / "error.log")
        return [self.binary, "-p", str(self.folder), "-c", str(self.config), "-e", error_log, *more]

    def start(self) -> Nginx:
        checked = subprocess.run(self._command("-t"), capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stderr
        log = open(self.folder / "nginx.out", "ab")  # noqa: SIM115 - nginx writes to it for its whole life
        self.process = subprocess.Popen(self._command("-g", "daemon off;"), stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"nginx exited: {(self.folder / 'error.log').read_text(errors='replace')[-2000:]}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return self
            time.sleep(0.1)
        pytest.fail("nginx did not listen within 30 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class CuttableLink:
    """A TCP forwarder to `target` on a port of its own; `cut()` drops every connection and refuses new
    ones until `mend()`, as a network partition between a replica and its primary would."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self._cut = threading.Event()
        self._writers: set[asyncio.StreamWriter] = set()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            pytest.fail("the test's TCP forwarder did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", self.port))
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.CancelledError):
            while not self._cut.is_set() and (data := await reader.read(65536)):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._cut.is_set():
            writer.close()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        self._writers |= {writer, upstream_writer}
        await asyncio.gather(self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer))
        self._writers -= {writer, upstream_writer}

    def cut(self) -> None:
        self._cut.set()

        def close_all() -> None:
            for writer in list(self._writers):
                writer.close()

        self._loop.call_soon_threadsafe(close_all)

    def mend(self) -> None:
        self._cut.clear()

    def close(self) -> None:
        self.cut()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
