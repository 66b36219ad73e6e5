"""The Steward: the one owner of how a deployment writes.

Every write, whatever door it comes in by (SPARQL Update, the Graph Store protocol, a submission, the CLI,
the replay after a rebuild), needs the same four things wired together: the store, the shapes gate the
change must pass, the submission log, and the release history (which only a store that `keeps_history`
has). `Steward.for_store` wires them once from the settings; the routes get it as a typed FastAPI
dependency (`ccg_graph.api.deps.StewardDep`) and the CLI and the build make one the same way, so no caller
assembles the wiring itself or asks what class the store is.
"""

from __future__ import annotations

from dataclasses import dataclass

from ccg_graph.core.config import Settings
from ccg_graph.core.errors import NotFound
from ccg_graph.rdf.parser import RdfLimits
from ccg_graph.store.base import ChangeGate, Store
from ccg_graph.store.changes import ChangeSet
from ccg_graph.writes.basis import with_basis
from ccg_graph.writes.gate import write_gate
from ccg_graph.writes.history import Release, ReleaseLog
from ccg_graph.writes.submissions import SubmissionLog, SubmissionRecord, replay_submissions, retract, submit


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

    def commit(
        self, change: ChangeSet, *, kind: str, agent: str, message: str = "", extra: dict[str, object] | None = None
    ) -> Release | str | None:
        """Commit `change` through the gate; the recorded `Release` (or the store's release name when the
        store keeps no history), or `None` when there was nothing to change. Every graph the change creates
        gets its basis (`ccg_graph.writes.basis`)."""
        if not change:
            return None
        change = with_basis(self.store, change)
        added = sorted(change.added, key=str)
        removed = sorted(change.removed, key=str)
        recorded: list[Release] = []
        history = self.history

        def record(generation: str) -> None:
            if history is not None:
                recorded.append(
                    history.record(
                        generation, kind=kind, agent=agent, message=message, added=added, removed=removed, extra=extra
                    )
                )

        name = self.store.commit(added, removed, validate=self.gate, before_publish=record)
        return recorded[0] if recorded else name

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
        deployment's size and nesting limits; the defaults when not given).

        See `ccg_graph.writes.submissions.submit`.
        """
        return submit(
            self.store,
            data=data,
            source_name=source_name,
            media=media,
            graph=graph,
            message=message,
            agent=agent,
            gate=self.gate,
            log=self.submissions,
            history=self.history,
            limits=limits,
        )

    def retract(self, *, graph: str, message: str, agent: str) -> SubmissionRecord:
        """Remove a submitted graph (see `ccg_graph.writes.submissions.retract`)."""
        return retract(
            self.store,
            graph=graph,
            message=message,
            agent=agent,
            gate=self.gate,
            log=self.submissions,
            history=self.history,
        )

    def replay(self) -> list[SubmissionRecord]:
        """Re-apply the standing submissions after a rebuild (see `ccg_graph.writes.submissions.replay_submissions`)."""
        return replay_submissions(self.store, gate=self.gate, log=self.submissions, history=self.history)
