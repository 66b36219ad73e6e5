"""The data behind the pictures: a lineage (organisations and who succeeded whom) and a timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ccg_graph.linked_data.lookup import Link


@dataclass
class LineageNode:
    link: Link
    kind: str  # the ccg: class's local name: PrimaryCareTrust, ClinicalCommissioningGroup, IntegratedCareBoard
    code: str
    opened: date | None
    closed: date | None
    current: bool = False


@dataclass
class Lineage:
    """Organisations keyed by IRI and (predecessor, successor) edges between them."""

    nodes: dict[str, LineageNode]
    edges: list[tuple[str, str]]


@dataclass
class Spell:
    """A bar on a timeline: `row` groups bars, `label` is written on it."""

    row: str
    start: date | None
    end: date | None
    kind: str
    label: str


@dataclass
class TimelineEvent:
    day: date
    label: str


@dataclass
class Timeline:
    spells: list[Spell]
    events: list[TimelineEvent]
