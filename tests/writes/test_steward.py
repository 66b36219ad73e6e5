"""The `Steward`: one wiring of store, shapes gate, submission log and history for every kind of write."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from ccg_graph.core.config import PROJECT_ROOT, Settings
from ccg_graph.core.errors import NotFound, ValidationFailed
from ccg_graph.national.build import build
from ccg_graph.store import EmbeddedStore
from ccg_graph.store.changes import ChangeSet
from ccg_graph.store.published import PublishedStore
from ccg_graph.writes.history import Release
from ccg_graph.writes.steward import Steward

EXAMPLES = PROJECT_ROOT / "data" / "examples"
GRAPH = "https://w3id.org/ccg-graph/id/graph/steward/test"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(build_dir=tmp_path_factory.mktemp("steward-build"))
    build(settings, national=False)
    return settings


@pytest.fixture
def steward(settings: Settings) -> Iterator[Steward]:
    store = PublishedStore(settings.build_dir)
    yield Steward.for_store(store, settings)
    store.close()


def test_the_wiring_follows_the_store_s_capabilities(steward: Steward, settings: Settings) -> None:
    assert steward.history is not None and steward.releases() is steward.history
    in_memory = Steward.for_store(EmbeddedStore(), settings)
    assert in_memory.history is None
    with pytest.raises(NotFound, match="keeps no history"):
        in_memory.releases()


def test_a_commit_passes_the_gate_and_is_recorded_as_a_release(steward: Steward) -> None:
    quad = ox.Quad(
        ox.NamedNode("urn:ccg-graph:test:thing"), ox.NamedNode("urn:p"), ox.Literal("x"), ox.NamedNode(GRAPH)
    )
    assert steward.commit(ChangeSet(), kind="update", agent="test") is None
    release = steward.commit(ChangeSet(added={quad}), kind="update", agent="test", message="one quad")
    assert isinstance(release, Release) and release.kind == "update" and release.message == "one quad"
    assert steward.store.contains(quad)
    assert steward.releases().releases()[-1].id == release.id
    steward.commit(ChangeSet(removed={quad}), kind="update", agent="test")
    assert not steward.store.contains(quad)


def test_a_submission_the_shapes_refuse_changes_nothing_and_is_logged(steward: Steward) -> None:
    path: Path = EXAMPLES / "governing-body-missing-nurse.ttl"
    before = len(steward.store)
    with pytest.raises(ValidationFailed):
        steward.submit(
            data=path.read_bytes(), source_name=path.name, media="text/turtle", graph=GRAPH, message="", agent="test"
        )
    assert len(steward.store) == before
    assert steward.submissions.all(steward.history)[-1].status == "rejected"


def test_a_conforming_submission_lands_and_can_be_retracted(steward: Steward) -> None:
    path: Path = EXAMPLES / "governing-body-complete.ttl"
    record = steward.submit(
        data=path.read_bytes(), source_name=path.name, media="text/turtle", graph=GRAPH, message="m", agent="test"
    )
    assert record.status == "accepted" and record.release is not None
    assert next(iter(steward.store.quads_for_pattern(None, None, None, ox.NamedNode(GRAPH))), None) is not None
    retraction = steward.retract(graph=GRAPH, message="gone", agent="test")
    assert retraction.status == "retracted"
    assert next(iter(steward.store.quads_for_pattern(None, None, None, ox.NamedNode(GRAPH))), None) is None
