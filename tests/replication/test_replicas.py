"""A primary, read replicas and nginx on the loopback, on a core-only build (about 2,000 quads).

Each test makes its own build, processes and nginx, so none depends on another's state or on the order in
which background work finishes; waits are bounded polls with generous limits, except the one the issue sets:
a write on the primary is readable through nginx within 2 s.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ccg_graph.core.config import PROJECT_ROOT, Settings
from ccg_graph.linked_data.dumps import sha256_of
from ccg_graph.national.build import build
from tests.replication.cluster import (
    AUTH,
    LABEL,
    CuttableLink,
    Nginx,
    Served,
    has_label,
    health,
    insert,
    primary,
    replica,
    serves_release,
    wait_for,
)

RESOURCE = "/id/organisation/nhs-england"
GRAPH = "https://example.org/ccg-graph-test/replication"


@pytest.fixture
def core_build(tmp_path: Path) -> Path:
    build(Settings(build_dir=tmp_path / "primary"), national=False)
    return tmp_path / "primary"


@pytest.fixture
def running(tmp_path: Path) -> Iterator[list[Served | Nginx | CuttableLink]]:
    """Everything a test starts goes in this list and is stopped at the end, whatever happened."""
    started: list[Served | Nginx | CuttableLink] = []
    yield started
    for thing in reversed(started):
        if isinstance(thing, CuttableLink):
            thing.close()
        else:
            thing.stop()


def read_load(url: str, seconds: float, threads: int) -> tuple[int, list[str]]:
    """`threads` clients reading through `url` for `seconds`: (answers, failures described)."""
    failures: list[str] = []
    answered = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    query = {"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"}

    def client() -> None:
        with httpx.Client(timeout=30) as http:
            while time.monotonic() < stop_at:
                try:
                    response = http.get(f"{url}/sparql", params=query, headers={"Accept": "text/csv"})
                    ok = response.status_code == 200 and response.text.startswith("n")
                    outcome = None if ok else f"HTTP {response.status_code}: {response.text[:200]}"
                except httpx.HTTPError as err:
                    outcome = f"{type(err).__name__}: {err}"
                with lock:
                    answered[0] += 1
                    if outcome is not None:
                        failures.append(outcome)

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(seconds + 60)
    return answered[0], failures


def cluster(tmp_path: Path, core_build: Path, running: list) -> tuple[Served, list[Served], Nginx]:
    """A primary on `core_build`, two replicas of it and nginx in front of them."""
    main = primary(core_build)
    running.append(main)
    replicas = [replica(tmp_path / f"replica-{n}", main.url) for n in (1, 2)]
    running.extend(replicas)
    nginx = Nginx(tmp_path / "nginx", main.url, [r.url for r in replicas]).start()
    running.append(nginx)
    return main, replicas, nginx


def assert_every_kind_of_write_is_refused(copy: Served, main: Served) -> None:
    """Every write route of a replica answers 403 naming its primary; a POSTed query is still answered."""
    update = "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }"
    turtle = "<http://example.org/a> <http://example.org/b> <http://example.org/c> ."
    writes = [
        ("POST", "/sparql", {"Content-Type": "application/sparql-update"}, update, {}),
        ("POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, f"update={update}", {}),
        ("POST", "/sparql/update", {"Content-Type": "application/sparql-update"}, update, {}),
        ("PUT", "/store", {"Content-Type": "text/turtle"}, turtle, {"graph": GRAPH}),
        ("POST", "/store", {"Content-Type": "text/turtle"}, turtle, {"graph": GRAPH}),
        ("DELETE", "/store", {}, "", {"graph": GRAPH}),
        ("POST", "/submissions", {"Content-Type": "text/turtle"}, turtle, {"graph": GRAPH}),
    ]
    for method, path, headers, body, params in writes:
        response = httpx.request(
            method, f"{copy.url}{path}", headers={**headers, **AUTH}, content=body, params=params, timeout=30
        )
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["error"] == "ReplicaReadOnly"
        assert main.url in response.json()["message"], response.text
    query = httpx.post(
        f"{copy.url}/sparql", data={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "application/sparql-results+json"}
    )
    assert query.status_code == 200 and query.json()["boolean"] is True  # a POSTed query is still a read
    assert not (copy.build_dir / "releases").exists()  # a replica keeps no history of its own


def test_write_on_primary_is_read_through_nginx_within_2_s_with_the_same_etags_and_replicas_refuse_writes(
    tmp_path: Path, core_build: Path, running: list
) -> None:
    main, replicas, nginx = cluster(tmp_path, core_build, running)

    value = f"written {uuid.uuid4()}"
    update = f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <{GRAPH}#it> <{LABEL}> "{value}" }} }}'
    written = httpx.post(
        f"{nginx.url}/sparql", content=update, headers={"Content-Type": "application/sparql-update", **AUTH}, timeout=60
    )
    assert written.status_code == 204, written.text  # the write went through nginx to the primary
    release = written.headers["X-Release"]
    elapsed = wait_for(
        lambda: all(has_label(r.url, value) for r in replicas), 2.0, "the write readable on both replicas"
    )
    assert elapsed < 2.0
    assert all(has_label(nginx.url, value) for _ in range(6))  # round robin over both replicas
    for server in (main, *replicas):
        assert health(server.url)[1]["release"] == release

    # The same release answers with the same ETag wherever it is read (same Host, as behind nginx).
    headers = {"Accept": "text/turtle", "Host": "ccg-graph.example"}
    answers = [httpx.get(f"{s.url}{RESOURCE}", headers=headers, timeout=30) for s in (main, *replicas)]
    assert all(a.status_code == 200 for a in answers), [a.text[:200] for a in answers]
    assert len({a.headers["ETag"] for a in answers}) == 1
    assert len({a.headers["Last-Modified"] for a in answers}) == 1
    assert len({a.text for a in answers}) == 1
    etag = answers[0].headers["ETag"]
    for _ in range(4):
        again = httpx.get(f"{nginx.url}{RESOURCE}", headers={"Accept": "text/turtle", "If-None-Match": etag})
        assert again.status_code == 304
    dumps = {httpx.get(f"{s.url}/download/ccg-graph.nq.gz.sha256").text for s in (main, *replicas)}
    assert len(dumps) == 1

    # The feed and the submission log are the primary's, through nginx too.
    feed = httpx.get(f"{nginx.url}/changes", params={"since": "build"}, timeout=30)
    assert feed.status_code == 200 and feed.json()["latest"] == release
    assert_every_kind_of_write_is_refused(replicas[0], main)


def test_a_replica_killed_under_load_loses_no_read_and_catches_up_when_restarted(
    tmp_path: Path, core_build: Path, running: list
) -> None:
    main, replicas, nginx = cluster(tmp_path, core_build, running)

    victim = replicas[0]
    killer = threading.Timer(2.0, victim.kill9)
    killer.start()
    answered, failures = read_load(nginx.url, seconds=7.0, threads=4)
    killer.join()
    assert victim.process is not None and victim.process.returncode == -9
    assert failures == [], failures[:5]
    assert answered >= 20, f"only {answered} reads were answered in 7 s"

    # While it is down the primary moves on; restarted on its own data it follows the feed to catch up.
    value = f"while down {uuid.uuid4()}"
    release = insert(main.url, GRAPH, value)
    victim.start()
    wait_for(lambda: serves_release(victim.url, release), 30, "the restarted replica serving the new release")
    status, body = health(victim.url)
    assert status == 200 and body["reboots"] == 0 and body["applied_releases"] == 1  # the feed, not a snapshot
    assert has_label(victim.url, value)


def test_a_replica_cut_off_from_its_primary_says_it_is_behind(tmp_path: Path, core_build: Path, running: list) -> None:
    main = primary(core_build)
    running.append(main)
    link = CuttableLink(main.port)
    running.append(link)
    copy = replica(tmp_path / "replica", link.url, replica_max_lag_seconds="2")
    running.append(copy)
    assert health(copy.url)[0] == 200

    link.cut()
    release = insert(main.url, GRAPH, "made while the replica was cut off")
    wait_for(lambda: health(copy.url)[0] == 503, 20, "the cut-off replica turning unhealthy")
    status, body = health(copy.url)
    assert status == 503 and body["status"] == "lagging"
    assert body["release"] == "store" and body["lag_seconds"] > 2
    assert body["last_error"]  # it says why: the primary cannot be reached
    assert has_label(copy.url, "made while the replica was cut off") is False  # it serves only what it applied

    link.mend()
    wait_for(lambda: health(copy.url)[0] == 200, 30, "the replica healthy again once the link is mended")
    assert health(copy.url)[1]["release"] == release


def test_a_corrupted_snapshot_is_refused(tmp_path: Path, core_build: Path, running: list) -> None:
    main = primary(core_build)
    running.append(main)
    release = insert(main.url, GRAPH, "in the snapshot")
    snapshot = httpx.get(f"{main.url}/replication/snapshot", timeout=60)
    assert snapshot.status_code == 200 and snapshot.headers["X-Release"] == release
    on_disk = core_build / "replication" / f"{release}.nq.gz"
    assert sha256_of(on_disk) == snapshot.headers["X-Snapshot-SHA256"]
    assert any("in the snapshot" in line for line in gzip.decompress(snapshot.content).decode().splitlines())

    damaged = bytearray(on_disk.read_bytes())
    damaged[len(damaged) // 2] ^= 0x01  # one bit flipped on the primary's disk
    on_disk.write_bytes(bytes(damaged))

    folder = tmp_path / "replica"
    env = {"CCG_GRAPH_BUILD_DIR": str(folder), "PYTHONPATH": str(PROJECT_ROOT), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "ccg_graph.cli", "serve", "--port", "1", "--replica-of", main.url]
    refused = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2, refused.stderr
    assert "corrupt" in refused.stderr and "SHA-256" in refused.stderr and release in refused.stderr
    assert not (folder / "CURRENT").exists() and not (folder / "replica").exists()  # nothing was loaded


def test_after_a_rebuild_the_replica_boots_again_without_a_gap(tmp_path: Path, core_build: Path, running: list) -> None:
    main = primary(core_build)
    running.append(main)
    copy = replica(tmp_path / "replica", main.url)
    running.append(copy)
    release = insert(main.url, GRAPH, "before the rebuild")
    wait_for(lambda: serves_release(copy.url, release), 30, "the replica following the write")

    done = threading.Event()
    failures: list[str] = []
    reads = [0]

    def keep_reading() -> None:
        while not done.is_set():
            try:
                response = httpx.get(f"{copy.url}{RESOURCE}", headers={"Accept": "text/turtle"}, timeout=30)
                if response.status_code != 200:
                    failures.append(f"HTTP {response.status_code}")
            except httpx.HTTPError as err:
                failures.append(repr(err))
            reads[0] += 1
            time.sleep(0.02)

    reader = threading.Thread(target=keep_reading)
    reader.start()
    try:
        main.stop()
        build(Settings(build_dir=core_build), national=False)  # a fresh history: the replica's release is gone
        main.start()
        wait_for(lambda: serves_release(copy.url, "store"), 60, "the replica serving the rebuilt graph")
    finally:
        done.set()
        reader.join(60)
    assert failures == [] and reads[0] > 10, failures[:5]
    status, body = health(copy.url)
    assert status == 200 and body["reboots"] == 1
    assert has_label(copy.url, "before the rebuild") is False
