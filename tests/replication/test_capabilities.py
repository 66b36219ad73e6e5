"""The replication routes and the follower ask a store what it can do, not its class: a primary's published
store `serves_replicas` (its snapshot is of the generation it names), a replica's store `follows_primary`
and serves none, on a core-only build and without starting a server."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccg_graph.core.config import Settings
from ccg_graph.core.errors import Forbidden
from ccg_graph.linked_data.dumps import DumpFiles
from ccg_graph.national.build import build
from ccg_graph.replication.follower import follow_primary
from ccg_graph.replication.snapshot import SnapshotMaker
from ccg_graph.replication.store import GenerationRecord, ReplicaStore, install_snapshot
from ccg_graph.store import EmbeddedStore
from ccg_graph.store.published import PublishedStore


def test_a_primary_serves_replicas_and_its_replica_follows_it_and_serves_none(tmp_path: Path) -> None:
    settings = Settings(build_dir=tmp_path / "primary")
    build(settings, national=False)
    primary = PublishedStore(settings.build_dir)
    assert primary.serves_replicas and not primary.follows_primary
    assert follow_primary(settings.model_copy(update={"replica_of": "http://127.0.0.1:9"}), primary) is None

    snapshot = SnapshotMaker(settings, primary, DumpFiles(settings)).current()
    assert snapshot.status.generation == primary.generation
    record = GenerationRecord(snapshot.status.generation, snapshot.status.release, snapshot.status.build, "p", "now")
    install_snapshot(tmp_path / "replica", snapshot.path, record, None)
    replica = ReplicaStore(tmp_path / "replica")
    try:
        assert len(replica) == len(primary)
        assert replica.follows_primary and not replica.serves_replicas and not replica.keeps_history
        assert replica.opens_read_only  # its query workers open the generation it serves, as a primary's do
        assert replica.native is not None and len(replica.native) == len(primary)
        reader = EmbeddedStore(replica.read_only_path(), read_only=True)
        assert len(reader) == len(primary)
        reader.close()
        with pytest.raises(TypeError):  # its `generation` is the primary's name, not a folder of its own
            replica.generation_directory(replica.generation)
        with pytest.raises(Forbidden):
            replica.commit([], [])
        assert follow_primary(settings, replica) is None  # not configured as a replica: nothing to follow
    finally:
        replica.close()
        primary.close()
