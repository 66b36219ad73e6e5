"""The Steward: the one owner of how a deployment writes, and the shapes gate every write passes.

Every write, whatever door it comes in by (SPARQL Update, the Graph Store protocol, a submission, the CLI,
the replay after a rebuild), needs the same four things wired together: the store, the shapes gate the
change must pass, the submission log, and the release history (which only a store that `keeps_history`
has). `Steward.for_store` wires them once from the settings; the routes get it as a typed FastAPI
dependency (`ccg_graph.api.deps.StewardDep`) and the CLI and the build make one the same way, so no caller
assembles the wiring itself or asks what class the store is.

Every write goes down the same way, in `Steward._commit`: under the store's writer lock (`Store.writing`)
the Steward passes the change through the gate itself, then commits it; the store calls back only the
Steward's own `before_publish` hook, which records the release (`ccg_graph.writes.history`) once the data
is durable and before anyone can read it. A submission is prepared by `ccg_graph.writes.submissions` (its
record, its change) and then goes down the same way.

The gate: `write_gate(settings)` returns the validator the Steward calls with the current state and the
change; it raises `ValidationFailed` carrying the SHACL report when the changed graph would not conform, so
nothing is written. `validate_change_fully` validates the whole changed graph: exact, and the reference the
incremental validator is tested against, but its cost grows with the store. (`ccg_graph.writes.gate`, where
the gate used to live, is this module under its old name.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

import pyoxigraph as ox
from rdflib import Graph

from ccg_graph.core.config import Settings
from ccg_graph.core.errors import NotFound, ValidationFailed
from ccg_graph.core.terms import triple_to_rdflib
from ccg_graph.rdf.parser import RdfLimits
from ccg_graph.store.base import ChangeGate, Store
from ccg_graph.store.changes import ChangeSet
from ccg_graph.validation import ValidationOutcome, load_ontology, load_shapes, validate_graph
from ccg_graph.writes.basis import with_basis
from ccg_graph.writes.history import Release, ReleaseLog
from ccg_graph.writes.submissions import (
    SubmissionLog,
    SubmissionRecord,
    media_type_for,
    prepare_retraction,
    prepare_submission,
    record_refusal,
    standing_submissions,
)

ChangeValidator = Callable[[Store, Iterable[ox.Quad], Iterable[ox.Quad]], ValidationOutcome]


def changed_graph(store: Store, added: Iterable[ox.Quad], removed: Iterable[ox.Quad]) -> Graph:
    """The union of every graph of `store` after the change, as one rdflib graph."""
    removed_set = set(removed)
    graph = Graph()
    for quad in [*store.quads_for_pattern(None, None, None, None), *added]:
        if quad not in removed_set:
            graph.add(triple_to_rdflib(quad))
    return graph


def validate_change_fully(settings: Settings) -> ChangeValidator:
    def validate(store: Store, added: Iterable[ox.Quad], removed: Iterable[ox.Quad]) -> ValidationOutcome:
        data = changed_graph(store, added, removed)
        return validate_graph(data, load_shapes(settings.shapes_dir), load_ontology(settings.ontology_dir))

    return validate


def shapes_gate(validator: ChangeValidator) -> Callable[[Store, list[ox.Quad], list[ox.Quad]], None]:
    """A store `validate` hook that refuses a change the shapes reject (violations; warnings pass)."""

    def gate(store: Store, added: list[ox.Quad], removed: list[ox.Quad]) -> None:
        outcome = validator(store, added, removed)
        if not outcome.conforms and outcome.violations:
            count = len(outcome.violations)
            raise ValidationFailed(
                f"the change was refused: {count} shape violation{'s' if count != 1 else ''} "
                "(nothing was written; the report says what to fix)",
                outcome,
            )

    return gate


def validate_change_incrementally(settings: Settings) -> ChangeValidator:
    """Only the focus nodes the change can affect, with the same results as full validation for them."""
    from ccg_graph.validation.incremental import validate_change

    def validate(store: Store, added: Iterable[ox.Quad], removed: Iterable[ox.Quad]) -> ValidationOutcome:
        return validate_change(store, added, removed, settings=settings)

    return validate


def write_gate(settings: Settings) -> Callable[[Store, list[ox.Quad], list[ox.Quad]], None]:
    """The validator every write of this deployment passes: incremental validation in context."""
    return shapes_gate(validate_change_incrementally(settings))


@dataclass
class Steward:
    """The store, the shapes gate, the submission log and the history of one deployment."""

    store: Store
    gate: ChangeGate
    submissions: SubmissionLog
    history: ReleaseLog | None

    @classmethod
    def for_store(cls, store: Store, settings: Settings) -> Steward:
        """The wiring for `store`: incremental validation in context, the build folder's logs. A read replica
        (`Settings.replica_of`) keeps no history of its own: its releases are the primary's, which it follows."""
        history = ReleaseLog(settings.build_dir) if store.keeps_history and not settings.replica_of else None
        return cls(store, write_gate(settings), SubmissionLog(settings.build_dir), history)

    def releases(self) -> ReleaseLog:
        """The release history; a deployment whose store keeps none answers `NotFound` (404)."""
        if self.history is None:
            raise NotFound("this deployment keeps no history (its store is not a published build)")
        return self.history

    def _commit(
        self,
        change: ChangeSet,
        *,
        kind: str,
        agent: str,
        message: str,
        extra: dict[str, object] | None,
        recorded: Callable[[str], None] | None = None,
    ) -> tuple[str, Release | None]:
        """Gate and commit `change` under the store's writer lock; the new release's name, and its `Release`
        when the store keeps history. `recorded` runs after the release is recorded, before it is published."""
        added, removed = sorted(change.added, key=str), sorted(change.removed, key=str)
        released: list[Release] = []

        def before_publish(generation: str) -> None:
            if self.history is not None:
                released.append(
                    self.history.record(
                        generation, kind=kind, agent=agent, message=message, added=added, removed=removed, extra=extra
                    )
                )
            if recorded is not None:
                recorded(generation)

        with self.store.writing() as current:
            self.gate(current, added, removed)
            name = self.store.commit(added, removed, before_publish=before_publish)
        return name, released[0] if released else None

    def commit(
        self, change: ChangeSet, *, kind: str, agent: str, message: str = "", extra: dict[str, object] | None = None
    ) -> Release | str | None:
        """Commit `change` through the gate; the recorded `Release` (or the store's release name when the
        store keeps no history), or `None` when there was nothing to change. Every graph the change creates
        gets its basis (`ccg_graph.writes.basis`)."""
        if not change:
            return None
        name, release = self._commit(
            with_basis(self.store, change), kind=kind, agent=agent, message=message, extra=extra
        )
        return release if release is not None else name

    def _commit_record(self, record: SubmissionRecord, change: ChangeSet, kind: str) -> SubmissionRecord:
        """Commit a submission's or retraction's change; its record is saved, accepted or refused."""

        def save(generation: str) -> None:
            record.release = PurePosixPath(generation).name
            self.submissions.save(record)  # durable before publishing: an acknowledged write has its record

        extra: dict[str, object] = {"submission": record.id, "graph": record.graph}
        try:
            self._commit(change, kind=kind, agent=record.agent, message=record.message, extra=extra, recorded=save)
        except ValidationFailed as refused:
            record_refusal(record, refused, self.submissions)
            raise
        return record

    def submit(
        self,
        *,
        data: bytes,
        source_name: str,
        media: str,
        graph: str,
        message: str,
        agent: str,
        limits: RdfLimits | None = None,
    ) -> SubmissionRecord:
        """A steward's file into its own named graph, read by the guarded parser within `limits` (the
        deployment's size and nesting limits; the defaults when not given), validated in the context of the
        published graph and committed with its PROV record (`ccg_graph.writes.submissions`).

        Returns the record (status ``accepted`` or ``unchanged``); raises `ValidationFailed` (with the record
        saved as ``rejected``) or `BadInput` (nothing recorded: it never parsed).
        """
        record, change = prepare_submission(
            self.store,
            data=data,
            source_name=source_name,
            media=media,
            graph=graph,
            message=message,
            agent=agent,
            log=self.submissions,
            history=self.history,
            limits=limits,
        )
        return record if change is None else self._commit_record(record, change, "submission")

    def retract(self, *, graph: str, message: str, agent: str) -> SubmissionRecord:
        """Remove a submitted graph, recorded and validated like any change (a retraction can break links)."""
        record, change = prepare_retraction(
            self.store, graph=graph, message=message, agent=agent, log=self.submissions, history=self.history
        )
        return self._commit_record(record, change, "retraction")

    def replay(self) -> list[SubmissionRecord]:
        """Apply the standing submissions again to a freshly built graph, each validated in its new context.

        A rebuild replaces the published graph with one made from the sources alone; without this, data that
        stewards submitted would silently disappear. A submission the new data now contradicts is refused
        (recorded as ``rejected`` with the report) rather than forced in.
        """
        outcomes = []
        for record in standing_submissions(self.submissions):
            try:
                data = self.submissions.source(record)
            except FileNotFoundError:
                continue  # recorded before sources were kept
            try:
                replayed = self.submit(
                    data=data,
                    source_name=record.source_name,
                    media=record.media or media_type_for(record.source_name, None),
                    graph=record.graph,
                    message=f"replayed after a rebuild: {record.message}".strip(),
                    agent=record.agent,
                )
            except ValidationFailed as refused:
                replayed = getattr(refused, "submission", record)
            outcomes.append(replayed)
        return outcomes
