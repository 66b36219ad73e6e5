"""Real SPARQL database servers for the tests: `oxigraph serve` (PyPI `oxigraph`) and OpenLink Virtuoso.

Each runs as a process on free loopback ports, with its data in a folder of its own, so a test can kill it
midway and start it again on the same data. A server that cannot be started fails the test with the reason.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from ccg_graph.core.config import Settings
from tests.conftest import free_port

VIRTUOSO_USER = "dba"
VIRTUOSO_PASSWORD = "dba"  # the password of a freshly created Virtuoso database; the server only listens on loopback


@dataclass
class ServerProcess:
    """One database server process; `settings` point ccg-graph's remote store at it."""

    name: str
    command: list[str]
    cwd: Path
    ready_url: str
    settings_fields: dict[str, object]
    log: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self, timeout: float = 60.0) -> None:
        handle = open(self.log, "ab")  # noqa: SIM115 - the server writes to it for its whole life
        self.process = subprocess.Popen(self.command, cwd=self.cwd, stdout=handle, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"{self.name} exited with {self.process.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                response = httpx.get(self.ready_url, params={"query": "ASK {}"}, timeout=2)
                if response.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        pytest.fail(
            f"{self.name} did not answer {self.ready_url} within {timeout:g} s:\n{self.log.read_text()[-3000:]}"
        )

    def kill(self) -> None:
        """Stop the server the hard way (SIGKILL), as a crash would."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.kill()

    def settings(self, **overrides: object) -> Settings:
        return Settings(store="sparql", remote_timeout=15.0, **{**self.settings_fields, **overrides})


def oxigraph_binary() -> str:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).exists():
        pytest.fail("the `oxigraph` command is missing: install the test extras (pip install -e '.[test]')")
    return binary


def oxigraph_server(folder: Path) -> ServerProcess:
    """`oxigraph serve` persisting to `folder/data` (so it can be killed and started again on its data)."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    return ServerProcess(
        name="oxigraph serve",
        command=[oxigraph_binary(), "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{port}"],
        cwd=folder,
        ready_url=f"{base}/query",
        settings_fields={
            "query_url": f"{base}/query",
            "update_url": f"{base}/update",
            "gsp_url": f"{base}/store",
            "remote_union": "dataset",  # "parameter" is faster but shows the control graph (docs/deployment.md)
        },
        log=folder / "oxigraph.log",
    )


VIRTUOSO_INI = """\
[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = .
MaxClientConnections = 10
ServerThreads = 10

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 300
MaxQueryCostEstimationTime = 0
"""


def virtuoso_server(folder: Path) -> ServerProcess:
    """`virtuoso-t` (Debian `virtuoso-opensource-7-bin`) with a generated virtuoso.ini in `folder`.

    Queries go to /sparql; updates and Graph Store writes to the authenticated /sparql-auth and
    /sparql-graph-crud-auth (HTTP digest, the `dba` user), which Virtuoso lets write without any grant.
    """
    binary = shutil.which("virtuoso-t")
    if binary is None:
        pytest.fail(
            "Virtuoso is not installed (no `virtuoso-t` on PATH): run `make deps-system` as root, or "
            "`apt-get install -y virtuoso-opensource-7-bin`"
        )
    folder.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(http_port=http_port, sql_port=sql_port))
    base = f"http://127.0.0.1:{http_port}"
    return ServerProcess(
        name="virtuoso-t",
        command=[binary, "-f", "-c", "virtuoso.ini"],
        cwd=folder,
        ready_url=f"{base}/sparql",
        settings_fields={
            "query_url": f"{base}/sparql",
            "update_url": f"{base}/sparql-auth",
            "gsp_url": f"{base}/sparql-graph-crud-auth",
            "remote_user": VIRTUOSO_USER,
            "remote_password": VIRTUOSO_PASSWORD,
            "remote_auth": "digest",
            "remote_union": "dataset",
        },
        log=folder / "virtuoso-t.log",
    )


SERVERS = {"oxigraph": oxigraph_server, "virtuoso": virtuoso_server}
