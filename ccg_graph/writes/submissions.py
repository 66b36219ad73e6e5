"""Stewards' submissions: a file of RDF validated in the context of the published graph, then committed
atomically into a named graph of its own with a PROV record — or refused with the report, changing nothing.

A submission to a graph that already holds an earlier submission replaces it (the record says which one it
replaces); a retraction removes a submitted graph. Every attempt, accepted or refused, is kept under
``<build>/submissions/<id>.json`` with its report and diff, so a steward can see what happened and why.
The PROV record lives in the named graph ``id:graph/submissions``: the submission is a `prov:Activity`
associated with its agent, using the source file (with its SHA-256) and the previous state of the graph
(the release it was applied to), and generating the submitted graph.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ccg_graph.core.errors import BadInput, NotFound, UnsupportedMediaType, ValidationFailed
from ccg_graph.core.namespaces import DCT_NS as DCT
from ccg_graph.core.namespaces import DEF_BASE, RDF_TYPE_IRI, SUBMISSIONS_GRAPH, agent_iri, release_iri, submission_iri
from ccg_graph.core.namespaces import PROV_NS as PROV
from ccg_graph.core.namespaces import RDFS_NS as RDFS
from ccg_graph.core.namespaces import XSD_NS as XSD
from ccg_graph.protocol.graph_store import change_for_delete, change_for_put, graph_exists
from ccg_graph.rdf.parser import READABLE, SUFFIXES, RdfLimits, format_for_media_type, media_type_of, parse_rdf
from ccg_graph.store.base import ChangeGate, Store
from ccg_graph.store.changes import ChangeSet
from ccg_graph.writes.history import ReleaseLog

SUBMISSIONS = "submissions"
RDF_TYPE = ox.NamedNode(RDF_TYPE_IRI)

SUBMISSIONS_QUADS_GRAPH = ox.NamedNode(str(SUBMISSIONS_GRAPH))
BASIS = ox.NamedNode(DEF_BASE + "basis")
SOURCE_RECORD = ox.NamedNode(DEF_BASE + "SourceRecord")

Gate = ChangeGate


@dataclass
class SubmissionRecord:
    id: str
    graph: str
    status: str  # "accepted", "rejected", "unchanged" or "retracted"
    agent: str
    time: str
    message: str
    source_name: str
    source_sha256: str
    triples: int
    added: int = 0
    removed: int = 0
    release: str | None = None
    previous_release: str | None = None
    replaces: str | None = None
    report: dict[str, object] | None = None
    diff: dict[str, list[str]] = field(default_factory=dict)
    media: str = ""


class SubmissionLog:
    """The submission records under a build directory."""

    def __init__(self, build_dir: Path) -> None:
        self.folder = build_dir / SUBMISSIONS

    def save(self, record: SubmissionRecord) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{record.id}.json"
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(asdict(record), handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)

    def all(self, history: ReleaseLog | None = None) -> list[SubmissionRecord]:
        """Every record, oldest first; with `history`, an accepted record whose release was never published
        (the process died between recording and publishing) is reported as ``interrupted``."""
        if not self.folder.is_dir():
            return []
        records = [SubmissionRecord(**json.loads(p.read_text("utf-8"))) for p in sorted(self.folder.glob("*.json"))]
        if history is not None:
            published = {r.id for r in history.releases()}
            for record in records:
                if record.status in ("accepted", "retracted") and record.release not in published:
                    record.status = "interrupted"
        return records

    def save_source(self, record: SubmissionRecord, data: bytes) -> None:
        """Keep the submitted bytes, so that a rebuild can apply the submission again."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{record.id}.source"
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)

    def source(self, record: SubmissionRecord) -> bytes:
        return (self.folder / f"{record.id}.source").read_bytes()

    def get(self, submission_id: str) -> SubmissionRecord:
        if not re.fullmatch(r"[a-z0-9-]+", submission_id):
            raise NotFound(f"no submission {submission_id!r}")
        path = self.folder / f"{submission_id}.json"
        if not path.is_file():
            raise NotFound(f"no submission {submission_id!r}")
        return SubmissionRecord(**json.loads(path.read_text("utf-8")))

    def latest_accepted(self, graph: str, history: ReleaseLog | None = None) -> SubmissionRecord | None:
        records = self.all(history)
        accepted = [r for r in records if r.graph == graph and r.status in ("accepted", "unchanged")]
        return accepted[-1] if accepted else None


def new_submission_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S-", time.gmtime()) + os.urandom(4).hex()


def media_type_for(name: str, declared: str | None) -> str:
    """The syntax of a submitted file: its declared media type when we read that one, else its name's suffix.

    A declared charset other than UTF-8 is refused (415); a declared type we do not read (curl's default
    ``application/x-www-form-urlencoded``, ``application/octet-stream``) defers to the name.
    """
    media, _ = media_type_of(declared)
    if media in READABLE:
        format_for_media_type(declared)  # the charset check
        return media
    suffix = Path(name).suffix.lower()
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    raise UnsupportedMediaType(
        f"cannot tell the RDF syntax of {name!r} sent as {media or 'no Content-Type'!r}: send one of "
        f"{', '.join(READABLE)}, or name the file with a known extension ({', '.join(sorted(SUFFIXES))})"
    )


def parse_submission(data: bytes, media: str, name: str, graph: str, limits: RdfLimits) -> list[ox.Triple]:
    """The triples of a submitted file, through the guarded parser; an error names the file, line and column."""
    return parse_rdf(
        data, READABLE[media], limits=limits, base_iri=graph, source=name, what=f"the {media} file"
    ).triples


def _literal(value: str, datatype: str | None = None) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype)) if datatype else ox.Literal(value)


def provenance_quads(record: SubmissionRecord, previous_release: str, *, retraction: bool = False) -> list[ox.Quad]:
    """The PROV record of one submission, in the submissions graph."""
    graph = ox.NamedNode(str(SUBMISSIONS_GRAPH))
    activity = ox.NamedNode(str(submission_iri(record.id)))
    agent = ox.NamedNode(str(agent_iri(record.agent)))
    source = ox.NamedNode(f"{activity.value}/source")
    target = ox.NamedNode(record.graph)
    previous = ox.NamedNode(str(release_iri(previous_release)))
    label = "Retraction" if retraction else "Submission"
    triples: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (graph, BASIS, SOURCE_RECORD),
        (activity, RDF_TYPE, ox.NamedNode(PROV + "Activity")),
        (activity, ox.NamedNode(RDFS + "label"), ox.Literal(f"{label} {record.id} to <{record.graph}>", language="en")),
        (activity, ox.NamedNode(PROV + "startedAtTime"), _literal(record.time, "dateTime")),
        (activity, ox.NamedNode(PROV + "endedAtTime"), _literal(record.time, "dateTime")),
        (activity, ox.NamedNode(PROV + "wasAssociatedWith"), agent),
        (activity, ox.NamedNode(PROV + "used"), previous),
        (agent, RDF_TYPE, ox.NamedNode(PROV + "Agent")),
        (agent, ox.NamedNode(RDFS + "label"), ox.Literal(record.agent)),
        (previous, RDF_TYPE, ox.NamedNode(PROV + "Entity")),
        (target, RDF_TYPE, ox.NamedNode(PROV + "Entity")),
    ]
    if record.message:
        triples.append((activity, ox.NamedNode(RDFS + "comment"), ox.Literal(record.message)))
    if retraction:
        triples.append((activity, ox.NamedNode(PROV + "invalidated"), target))
    else:
        triples += [
            (activity, ox.NamedNode(PROV + "used"), source),
            (activity, ox.NamedNode(PROV + "generated"), target),
            (source, RDF_TYPE, ox.NamedNode(PROV + "Entity")),
            (source, ox.NamedNode(RDFS + "label"), ox.Literal(record.source_name)),
            (source, ox.NamedNode(DCT + "identifier"), ox.Literal(f"sha256:{record.source_sha256}")),
            (target, ox.NamedNode(PROV + "wasGeneratedBy"), activity),
            # A submitted graph is a source record of the file submitted (ontology/provenance.ttl).
            (target, BASIS, SOURCE_RECORD),
            (target, ox.NamedNode(PROV + "wasDerivedFrom"), source),
        ]
    if record.replaces:
        triples.append((activity, ox.NamedNode(DCT + "replaces"), ox.NamedNode(str(submission_iri(record.replaces)))))
    return [ox.Quad(s, p, o, graph) for s, p, o in triples]


def _diff(change: ChangeSet, limit: int = 500) -> dict[str, list[str]]:
    return {
        "added": sorted(f"{q}" for q in change.added)[:limit],
        "removed": sorted(f"{q}" for q in change.removed)[:limit],
    }


def _current_release(history: ReleaseLog | None) -> str:
    releases = history.releases() if history is not None else []
    return releases[-1].id if releases else "build"


def _new_record(
    graph: str, status: str, agent: str, message: str, previous_release: str, **fields: object
) -> SubmissionRecord:
    """A record stamped now with a new id (`fields`: the rest of `SubmissionRecord`)."""
    return SubmissionRecord(
        id=new_submission_id(),
        graph=graph,
        status=status,
        agent=agent,
        time=datetime.now(UTC).isoformat(timespec="seconds"),
        message=message,
        previous_release=previous_release,
        **fields,  # type: ignore[arg-type]  # the remaining fields, by name
    )


def prepare_submission(
    store: Store,
    *,
    data: bytes,
    source_name: str,
    media: str,
    graph: str,
    message: str,
    agent: str,
    log: SubmissionLog,
    history: ReleaseLog | None,
    limits: RdfLimits | None = None,
) -> tuple[SubmissionRecord, ChangeSet | None]:
    """The record of a submission of `data` as the content of `graph`, and the change it makes (None: the
    graph already holds exactly this, and the record, ``unchanged``, is saved). Nothing is committed here:
    the `Steward` gates and commits the change (`Steward.submit`).

    Raises `BadInput` when the data does not parse (nothing recorded).
    """
    if graph == str(SUBMISSIONS_GRAPH):
        raise BadInput("the submissions graph holds provenance records; submit your data to a graph of its own")
    target = ox.NamedNode(graph)
    triples = parse_submission(data, media, source_name, graph, limits or RdfLimits())
    previous_release = _current_release(history)
    earlier = log.latest_accepted(graph, history)
    record = _new_record(
        graph,
        "accepted",
        agent,
        message,
        previous_release,
        source_name=Path(source_name).name,
        source_sha256=hashlib.sha256(data).hexdigest(),
        triples=len(triples),
        replaces=earlier.id if earlier else None,
        media=media,
    )
    log.save_source(record, data)
    content = change_for_put(store, target, triples)
    record.added, record.removed = len(content.added), len(content.removed)
    record.diff = _diff(content)
    if not content:
        record.status = "unchanged"
        log.save(record)
        return record, None
    change = ChangeSet(added=content.added | set(provenance_quads(record, previous_release)), removed=content.removed)
    return record, change


def prepare_retraction(
    store: Store, *, graph: str, message: str, agent: str, log: SubmissionLog, history: ReleaseLog | None
) -> tuple[SubmissionRecord, ChangeSet]:
    """The record of removing a submitted graph, and the change that does it (validated like any change by
    the `Steward`: a retraction can break links too)."""
    target = ox.NamedNode(graph)
    earlier = log.latest_accepted(graph, history)
    if earlier is None or not graph_exists(store, target):
        raise NotFound(f"no submitted graph <{graph}> to retract")
    previous_release = _current_release(history)
    content = change_for_delete(store, target)
    record = _new_record(
        graph,
        "retracted",
        agent,
        message,
        previous_release,
        source_name="",
        source_sha256="",
        triples=0,
        added=0,
        removed=len(content.removed),
        replaces=earlier.id,
        diff=_diff(content),
    )
    # The retracted graph is gone, and with it the basis its submission stated.
    basis = ox.Quad(target, BASIS, SOURCE_RECORD, SUBMISSIONS_QUADS_GRAPH)
    removed = content.removed | ({basis} if store.contains(basis) else set())
    change = ChangeSet(added=set(provenance_quads(record, previous_release, retraction=True)), removed=removed)
    return record, change


def record_refusal(record: SubmissionRecord, refused: ValidationFailed, log: SubmissionLog) -> None:
    """Save `record` as ``rejected`` with the shapes' report, and attach it to the error for the caller."""
    record.status = "rejected"
    record.release = None
    outcome = refused.outcome
    record.report = json.loads(outcome.as_json()) if outcome is not None else {"message": str(refused)}
    log.save(record)
    refused.submission = record  # type: ignore[attr-defined]


def submit(
    store: Store, *, gate: Gate, log: SubmissionLog, history: ReleaseLog | None, **submission: Any
) -> SubmissionRecord:
    """`Steward.submit` with this wiring (the old entry point, kept for one release: use the `Steward`)."""
    from ccg_graph.writes.steward import Steward  # the Steward uses this module: imported when called

    return Steward(store, gate, log, history).submit(**submission)


def retract(
    store: Store, *, gate: Gate, log: SubmissionLog, history: ReleaseLog | None, **retraction: Any
) -> SubmissionRecord:
    """`Steward.retract` with this wiring (the old entry point, kept for one release: use the `Steward`)."""
    from ccg_graph.writes.steward import Steward  # the Steward uses this module: imported when called

    return Steward(store, gate, log, history).retract(**retraction)


def standing_submissions(log: SubmissionLog) -> list[SubmissionRecord]:
    """The submission in force for each graph (its latest accepted one, unless retracted since), oldest first."""
    latest: dict[str, SubmissionRecord] = {}
    for record in log.all():
        if record.status in ("accepted", "unchanged", "retracted"):
            latest[record.graph] = record
    standing = [r for r in latest.values() if r.status != "retracted"]
    return sorted(standing, key=lambda r: r.id)


def replay_submissions(
    store: Store, *, gate: Gate, log: SubmissionLog, history: ReleaseLog | None
) -> list[SubmissionRecord]:
    """`Steward.replay` with this wiring (the old entry point, kept for one release: use the `Steward`)."""
    from ccg_graph.writes.steward import Steward  # the Steward uses this module: imported when called

    return Steward(store, gate, log, history).replay()
