"""Writes while another writer (a rebuild, the CLI, another server process) holds the store: they wait, or
answer 503 with Retry-After once their wait is over; never a 5xx of another kind, never half a change.

The holder here is this test process taking ``write.lock`` exactly as `ccg-graph build` does around replacing
the store and re-applying the submissions (`ccg_graph.store.published.writer_lock`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ccg_graph.core.config import Settings
from ccg_graph.national.build import build
from ccg_graph.store.published import writer_lock
from tests.conftest import start_server, stop_server

TOKEN = "write-lock-token-8d21"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder: Path = tmp_path_factory.mktemp("write-lock") / "build"
    build(Settings(build_dir=folder), national=False)
    return folder


@pytest.fixture(scope="module")
def impatient(build_dir: Path) -> Iterator[str]:
    """A server whose writes wait one second for the lock."""
    process, url = start_server(build_dir, update_token=TOKEN, write_wait_seconds="1")
    yield url
    stop_server(process)


def _put(url: str, name: str) -> httpx.Response:
    return httpx.put(
        f"{url}/store",
        params={"graph": f"http://example.org/lock/{name}"},
        content=f'<http://example.org/lock/{name}> <http://example.org/p> "{name}" .'.encode(),
        headers={"Content-Type": "text/turtle", **AUTH},
        timeout=120,
    )


def _release(url: str) -> str:
    return httpx.get(f"{url}/healthz", timeout=10).json()["release"]


def test_a_write_while_the_lock_is_held_gets_503_with_retry_after(impatient: str, build_dir: Path) -> None:
    assert _put(impatient, "warm").status_code == 201  # the shapes gate is ready: the wait is the lock's only
    before = _release(impatient)
    with writer_lock(build_dir):
        refused = _put(impatient, "refused")
    assert refused.status_code == 503, refused.text[:300]
    assert refused.headers["retry-after"] and "try again" in refused.json()["message"]
    assert _release(impatient) == before
    assert _put(impatient, "after").status_code == 201


def test_a_write_waits_for_a_short_hold(impatient: str, build_dir: Path) -> None:
    held = threading.Event()

    def hold() -> None:
        with writer_lock(build_dir):
            held.set()
            time.sleep(0.5)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    started = time.monotonic()
    answer = _put(impatient, "waited")
    holder.join()
    assert answer.status_code == 201, answer.text[:300]
    assert time.monotonic() - started >= 0.3


def test_the_lock_is_reentrant_in_its_thread_and_exclusive_across_threads(build_dir: Path) -> None:
    from ccg_graph.core.errors import WriterBusy

    with writer_lock(build_dir), writer_lock(build_dir):  # a rebuild commits replayed submissions inside
        outcome: list[object] = []

        def other() -> None:
            try:
                with writer_lock(build_dir, timeout=0.2):
                    outcome.append("got it")
            except WriterBusy as busy:
                outcome.append(busy)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert isinstance(outcome[0], WriterBusy)


def test_writes_during_a_rebuild_wait_or_get_503(tmp_path: Path) -> None:
    folder = tmp_path / "build"
    build(Settings(build_dir=folder), national=False)
    process, url = start_server(folder, update_token=TOKEN)
    statuses: list[int] = []
    stop = threading.Event()

    def write() -> None:
        for n in range(10_000):
            if stop.is_set():
                return
            statuses.append(_put(url, f"rebuild-{n % 3}").status_code)
            time.sleep(0.1)

    writer = threading.Thread(target=write)
    try:
        assert _put(url, "before").status_code == 201
        writer.start()
        time.sleep(0.5)
        build(Settings(build_dir=folder), national=False)  # the rebuild, while the server takes writes
        time.sleep(1.0)
        stop.set()
        writer.join()
        assert statuses and set(statuses) <= {201, 204, 503}, statuses
        after = _put(url, "after")
        assert after.status_code == 201, after.text[:300]
        read = httpx.get(f"{url}/store", params={"graph": "http://example.org/lock/after"}, timeout=30)
        assert read.status_code == 200 and '"after"' in read.text
    finally:
        stop.set()
        stop_server(process)
