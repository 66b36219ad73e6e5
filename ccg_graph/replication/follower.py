"""The replica's side: boot from the primary's snapshot, then follow its change feed in the background.

`PrimaryClient` is the only thing in a replica that makes HTTP requests, and it can only reach the
configured primary: every URL is the primary's origin plus a fixed path, redirects are never followed and
proxy settings from the environment are ignored (they would send requests elsewhere).

Every poll asks ``/replication/status``; when the primary serves another release the replica fetches
``/changes?since=<its release>`` as RDF Patch and applies each release as a new generation. A ``410`` from
the feed (the primary was rebuilt, so its history no longer holds the replica's release) or a status naming
another build makes it boot again from a new snapshot, built beside the generation it serves, so it keeps
answering throughout.

Lag is measured from what the replica can know: every poll that completes records the moment it asked, and
``lag_seconds`` is the time since the last such moment, so a replica serves every release the primary had
published ``lag_seconds`` ago. A replica that cannot reach its primary, or cannot apply what it got, sees
its lag grow and ``/healthz`` turns to 503 past ``CCG_GRAPH_REPLICA_MAX_LAG_SECONDS``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

import httpx

from ccg_graph.core.config import Settings
from ccg_graph.core.errors import BadInput, CCGGraphError
from ccg_graph.linked_data.dumps import NQUADS, sha256_of
from ccg_graph.replication.feed import check_chain, parse_feed
from ccg_graph.replication.snapshot import PrimaryStatus
from ccg_graph.replication.store import (
    GenerationRecord,
    ReplicaStore,
    current_record,
    install_snapshot,
)
from ccg_graph.store.base import Store
from ccg_graph.store.published import BASE_GENERATION
from ccg_graph.store.select import configured_store

logger = logging.getLogger("ccg_graph.replication")

INCOMING = "replica-incoming.nq.gz"


class SnapshotRefused(CCGGraphError):
    """A snapshot whose bytes do not match the SHA-256 the primary sent with it (nothing is loaded)."""


class PrimaryUnavailable(CCGGraphError):
    """The primary did not answer as a primary should (unreachable, or an unexpected status)."""

    http_status = 503


def primary_origin(url: str) -> str:
    """The primary's base URL, checked: http(s), a host, no query or fragment; no trailing slash."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise BadInput(f"--replica-of {url!r} must be the primary's http(s) base URL, e.g. http://primary:8000")
    return url.strip().rstrip("/")


class PrimaryClient:
    """Requests to the configured primary, and to nothing else."""

    def __init__(self, primary: str, timeout: float = 60.0) -> None:
        self.primary = primary_origin(primary)
        self._origin = urlsplit(self.primary)
        self._http = httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False)

    def _url(self, path: str) -> str:
        url = self.primary + path
        target = urlsplit(url)
        if (target.scheme, target.netloc) != (self._origin.scheme, self._origin.netloc):
            raise PrimaryUnavailable(f"refusing to fetch {url}: a replica reaches only its primary {self.primary}")
        return url

    def _checked(self, response: httpx.Response, what: str) -> httpx.Response:
        if response.status_code != 200:
            response.read()  # a streamed answer's error text has not been read yet
            raise PrimaryUnavailable(
                f"the primary answered {what} with HTTP {response.status_code}: {response.text[:300]}"
            )
        return response

    def status(self) -> PrimaryStatus:
        try:
            response = self._http.get(self._url("/replication/status"))
            body = self._checked(response, "/replication/status").json()
            return PrimaryStatus(
                release=str(body["release"]),
                generation=str(body["generation"]),
                build=str(body["build"]),
                last_modified=int(body["last_modified"]),
            )
        except (httpx.HTTPError, ValueError, KeyError) as err:
            raise PrimaryUnavailable(f"the primary's status could not be read: {err}") from err

    def feed(self, since: str) -> str | None:
        """The RDF Patch feed after `since`, or None when the primary no longer has that release (410)."""
        try:
            response = self._http.get(
                self._url("/changes"), params={"since": since}, headers={"Accept": "application/rdf-patch"}
            )
        except httpx.HTTPError as err:
            raise PrimaryUnavailable(f"the change feed could not be read: {err}") from err
        if response.status_code == 410:
            return None
        return self._checked(response, "/changes").text

    def download_snapshot(self, target: Path) -> tuple[PrimaryStatus, str]:
        """Stream the current snapshot to `target`, verifying its SHA-256; `SnapshotRefused` on a mismatch."""
        digest = hashlib.sha256()
        try:
            with self._http.stream("GET", self._url("/replication/snapshot")) as response:
                self._checked(response, "/replication/snapshot")
                headers = response.headers
                expected = headers.get("x-snapshot-sha256", "").strip().lower()
                with open(target, "wb") as out:
                    for chunk in response.iter_raw():
                        digest.update(chunk)
                        out.write(chunk)
            status = PrimaryStatus(
                release=headers["x-release"],
                generation=headers["x-generation"],
                build=headers["x-build"],
                last_modified=int(headers.get("x-source-last-modified", "0")),
            )
        except (httpx.HTTPError, KeyError, ValueError) as err:
            target.unlink(missing_ok=True)
            raise PrimaryUnavailable(f"the snapshot could not be downloaded: {err}") from err
        actual = digest.hexdigest()
        if len(expected) != 64 or actual != expected:
            target.unlink(missing_ok=True)
            raise SnapshotRefused(
                f"the snapshot of release {status.release} from {self.primary} is corrupt: its SHA-256 is {actual}, "
                f"the primary sent {expected or 'none'}; it was not loaded"
            )
        return status, actual

    def download_dump(self, target: Path, expected: str) -> None:
        """Stream the build's N-Quads dump to `target`; its SHA-256 must be the build id `expected`."""
        digest = hashlib.sha256()
        try:
            with self._http.stream("GET", self._url(f"/download/{NQUADS.name}")) as response:
                self._checked(response, f"/download/{NQUADS.name}")
                with open(target, "wb") as out:
                    for chunk in response.iter_raw():
                        digest.update(chunk)
                        out.write(chunk)
        except httpx.HTTPError as err:
            target.unlink(missing_ok=True)
            raise PrimaryUnavailable(f"the build's dump could not be downloaded: {err}") from err
        if digest.hexdigest() != expected:
            target.unlink(missing_ok=True)
            raise SnapshotRefused(
                f"the build's dump from {self.primary} is corrupt: its SHA-256 is {digest.hexdigest()}, the build is "
                f"{expected}; it was not kept"
            )

    def close(self) -> None:
        self._http.close()


def boot_from_snapshot(settings: Settings, client: PrimaryClient, store: ReplicaStore | None) -> None:
    """Download, verify and install the primary's current release (into `store` when one is serving)."""
    root = settings.build_dir
    root.mkdir(parents=True, exist_ok=True)
    incoming = root / INCOMING
    status, _ = client.download_snapshot(incoming)
    try:
        record = GenerationRecord(status.generation, status.release, status.build, client.primary, _utc_now())
        if store is None:
            install_snapshot(root, incoming, record, status.last_modified)
        else:
            store.install(incoming, record, status.last_modified)
    finally:
        incoming.unlink(missing_ok=True)
    _keep_build_dump(settings, client, status)
    logger.info("booted from the snapshot of release %s from %s", status.release, client.primary)


def _keep_build_dump(settings: Settings, client: PrimaryClient, status: PrimaryStatus) -> None:
    """Keep the primary's build dump beside the replica's store, so /dataset and /download answer as on the
    primary (same file, same checksum); fetched only when the build changed. Its time is set to the primary's
    Last-Modified so that it does not make the replica's Last-Modified headers newer than the primary's."""
    dump = settings.dump_path
    if dump.is_file() and sha256_of(dump) == status.build:
        return
    incoming = dump.with_name(dump.name + ".incoming")
    client.download_dump(incoming, status.build)
    if status.last_modified:
        os.utime(incoming, (status.last_modified, status.last_modified))
    os.replace(incoming, dump)


def _utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def open_replica_store(settings: Settings) -> ReplicaStore:
    """The replica's store: its own last state if it has one from this primary, else a fresh snapshot."""
    assert settings.replica_of is not None
    primary = primary_origin(settings.replica_of)
    record = current_record(settings.build_dir)
    if record is None or record.primary != primary:
        client = PrimaryClient(primary, settings.remote_timeout)
        try:
            boot_from_snapshot(settings, client, None)
        finally:
            client.close()
    return ReplicaStore(settings.build_dir)


def deployment_store(settings: Settings) -> Store:
    """The store this process serves: a replica's (`open_replica_store`) when `Settings.replica_of` names a
    primary, else the one `Settings.store` names (`ccg_graph.store.select.configured_store`)."""
    if settings.replica_of:
        return open_replica_store(settings)
    return configured_store(settings)


@dataclass
class FollowState:
    """What the follower knows, for /healthz."""

    confirmed_at: float | None = None  # wall-clock time of the last poll that left the replica current
    primary_release: str | None = None
    last_error: str | None = None
    applied: int = 0
    reboots: int = 0


class Follower:
    """Polls the primary and applies what it publishes, in a background thread."""

    def __init__(self, settings: Settings, store: ReplicaStore, client: PrimaryClient | None = None) -> None:
        assert settings.replica_of is not None
        self.settings = settings
        self.store = store
        self.client = client or PrimaryClient(settings.replica_of, settings.remote_timeout)
        self.state = FollowState()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="replica-follower", daemon=True)

    def start(self) -> Follower:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        self.client.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll_once()
                self.state.last_error = None
            except CCGGraphError as err:
                self.state.last_error = str(err)
                logger.warning("replica: %s", err)
            except Exception as err:  # the follower must outlive any single bad poll
                self.state.last_error = f"{type(err).__name__}: {err}"
                logger.exception("replica: unexpected error while following the primary")
            self._stop.wait(self.settings.replica_poll_seconds)

    def poll_once(self) -> None:
        """One round: ask the primary what it serves and catch up to it."""
        asked_at = time.time()
        status = self.client.status()
        self.state.primary_release = status.release
        record = self.store.record()
        if status.build != record.build:
            self._reboot(f"the primary was rebuilt (build {status.build[:12]})")
        elif status.release != record.release:
            self._catch_up(record.release, status)
        self.state.confirmed_at = asked_at

    def _catch_up(self, since: str, status: PrimaryStatus) -> None:
        text = self.client.feed(since)
        if text is None:
            self._reboot(f"the primary's history no longer holds release {since} (410)")
            return
        releases = parse_feed(text)
        check_chain(releases, since, BASE_GENERATION)
        for release in releases:
            generation = f"generations/{release.id}"
            last_modified = status.last_modified if release.id == status.release else None
            self.store.apply_release(release.id, generation, release.added, release.removed, last_modified)
            self.state.applied += 1

    def _reboot(self, why: str) -> None:
        logger.info("replica: booting again from a snapshot: %s", why)
        boot_from_snapshot(self.settings, self.client, self.store)
        self.state.reboots += 1

    def health(self) -> tuple[int, dict[str, object]]:
        """The replica's part of /healthz: 503 when its lag is past the configured limit (or unknown)."""
        confirmed = self.state.confirmed_at
        lag = None if confirmed is None else max(0.0, time.time() - confirmed)
        limit = self.settings.replica_max_lag_seconds
        healthy = lag is not None and lag <= limit
        body: dict[str, object] = {
            "role": "replica",
            "primary": self.client.primary,
            "lag_seconds": None if lag is None else round(lag, 3),
            "max_lag_seconds": limit,
            "primary_release": self.state.primary_release,
            "applied_releases": self.state.applied,
            "reboots": self.state.reboots,
            "last_error": self.state.last_error,
        }
        if not healthy:
            body["status"] = "lagging" if lag is not None else "catching-up"
        return (200 if healthy else 503), body


def follow_primary(settings: Settings, store: Store) -> Follower | None:
    """The running follower of a replica's store, or None when this server is not a replica."""
    if not settings.replica_of or not store.follows_primary:
        return None
    return Follower(settings, cast(ReplicaStore, store)).start()  # the one backend that `follows_primary`
