"""Server processes for the benchmarks: free ports, start-up with a readiness probe, peak memory, shutdown."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx
import psutil

READY_QUERY = "ASK { ?s ?p ?o }"


class BenchError(RuntimeError):
    """A measurement could not be taken; the message says why."""


class FeatureMissing(BenchError):
    """The code under test does not provide what a measurement needs (recorded, never faked)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """One server process on the loopback, answering SPARQL at `query_url`."""

    name: str
    process: subprocess.Popen
    base_url: str
    query_path: str
    log_path: Path
    started_seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def query_url(self) -> str:
        return self.base_url + self.query_path

    def query_get_path(self, sparql: str) -> str:
        """The request path (with query string) of a SPARQL GET for `sparql`."""
        return f"{self.query_path}?query={quote(sparql, safe='')}"

    def peak_rss_bytes(self) -> int:
        """Peak resident memory (VmHWM) of the server and every process under it, summed."""
        return tree_peak_rss(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def wait_for_healthz(url: str, seconds: float, request_timeout: float = 1.0) -> bool:
    """Poll `url`'s ``/healthz`` until it answers 200 (True) or `seconds` pass (False)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=request_timeout).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    return False


def tree_peak_rss(pid: int) -> int:
    """Sum of VmHWM (the kernel's peak resident set) over a process and its descendants, in bytes."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess as err:
        raise BenchError(f"process {pid} has gone: cannot read its memory") from err
    total = 0
    for process in processes:
        try:
            status = Path(f"/proc/{process.pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1]) * 1024
    return total


def start_server(
    name: str,
    command: list[str],
    query_path: str,
    port: int,
    log_path: Path,
    *,
    env: dict[str, str] | None = None,
    ready_timeout: float = 600.0,
) -> Server:
    """Start `command`, wait until it answers a SPARQL ASK at `query_path`, and return it."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("wb")
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}, start_new_session=True
    )
    server = Server(name, process, f"http://127.0.0.1:{port}", query_path, log_path)
    deadline = time.monotonic() + ready_timeout
    probe = server.base_url + server.query_get_path(READY_QUERY)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log_path.read_text(errors="replace")[-3000:]
            raise BenchError(f"{name} exited with {process.returncode} before it was ready:\n{tail}")
        try:
            response = httpx.get(probe, headers={"Accept": "application/sparql-results+json"}, timeout=5)
            if response.status_code == 200:
                server.started_seconds = time.perf_counter() - started
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.stop()
    raise BenchError(f"{name} did not answer a SPARQL ASK within {ready_timeout:.0f} s (log: {log_path})")
