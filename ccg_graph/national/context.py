"""The shared state of a national build: verified source paths, graph writers, time resources, registries.

Topic modules (ccgs, lineage, hierarchy, practices, geography, populations) read sources through
`BuildContext.open` (which checks each file's SHA-256 against the manifest first) and write into the named
graph of the release they read, so every triple can be traced to the file it came from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from rdflib import URIRef

from ccg_graph.core.namespaces import TIME_NS as TIME
from ccg_graph.core.namespaces import instant_iri, interval_iri, source_graph_iri
from ccg_graph.ingest.manifest import ManifestEntry, read_manifest, verified_path
from ccg_graph.ingest.successors import SuccessorRecord
from ccg_graph.national.conflicts import ConflictLog
from ccg_graph.national.emit import GraphWriter, QuadSink
from ccg_graph.national.provenance import Basis, ProvenanceRecorder, release_key

TIME_GRAPH = source_graph_iri("derived/time")

#: The last day of the CCGs: the Health and Care Act 2022 abolished them on 1 July 2022.
CCG_ERA_END = date(2022, 6, 30)
CCG_ERA_START = date(2013, 4, 1)
ICB_START = date(2022, 7, 1)


@dataclass
class CcgLife:
    """What the other modules need to know about one CCG (filled in by `national.ccgs`)."""

    code: str
    open_date: date
    close_date: date
    name: str
    ons_codes: dict[str, date] = field(default_factory=dict)  # ONS code -> first release it was seen in
    line: int = 0  # the line of ODS eccg_2024-25 that gives its open and close dates

    def open_on(self, day: date) -> bool:
        return self.open_date <= day <= self.close_date

    def clip(self, start: date, end: date) -> tuple[date, date] | None:
        """The part of [start, end] inside the CCG's life, or None."""
        lo, hi = max(start, self.open_date), min(end, self.close_date)
        return (lo, hi) if lo <= hi else None


class TimeWriter:
    """Writes each OWL-Time interval and instant once, into the derived time graph."""

    def __init__(self, sink: QuadSink, provenance: ProvenanceRecorder) -> None:
        self.out = sink.writer(TIME_GRAPH)
        self._seen: set[URIRef] = set()
        provenance.graph(
            TIME_GRAPH,
            "OWL-Time instants and intervals",
            [],
            "Each interval and instant is defined by the days in its IRI; they are shared by every dated fact.",
        )

    def instant(self, day: date) -> URIRef:
        iri = instant_iri(day)
        if iri not in self._seen:
            self._seen.add(iri)
            self.out.type(iri, TIME + "Instant")
            self.out.add(iri, TIME + "inXSDDate", day)
        return iri

    def interval(self, start: date | None, end: date | None) -> URIRef:
        iri = interval_iri(start, end)
        if iri not in self._seen:
            self._seen.add(iri)
            self.out.type(iri, TIME + "Interval")
            if start is not None:
                self.out.add(iri, TIME + "hasBeginning", self.instant(start))
            if end is not None:
                self.out.add(iri, TIME + "hasEnd", self.instant(end))
        return iri


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0))


class BuildContext:
    """Sources, writers and registries of one national build."""

    def __init__(
        self, reference_dir: Path, sink: QuadSink, provenance: ProvenanceRecorder, progress: Callable[[str], None]
    ) -> None:
        self.reference_dir = reference_dir
        self.manifest: dict[str, ManifestEntry] = read_manifest(reference_dir)
        self.sink = sink
        self.provenance = provenance
        self.progress = progress
        self.time = TimeWriter(sink, provenance)
        self.ccgs: dict[str, CcgLife] = {}
        self.ccg_by_ons: dict[str, str] = {}  # E38 code -> ODS code, every code ever held
        self.practices: set[str] = set()  # ODS codes of the GP practices in the graph
        self.ccg_successors: list[SuccessorRecord] = []  # the succ-file rows whose predecessor is a CCG
        #: (CCG, unit kind, unit ODS code, first day, last day): each CCG's dated accountabilities (hierarchy)
        self.accountabilities: list[tuple[str, str, str, date, date]] = []
        self.conflicts = ConflictLog()  # where the sources disagree (written by `national.conflicts`)
        self._verified: dict[str, Path] = {}
        self._graphs: dict[str, GraphWriter] = {}
        self._sources: dict[str, URIRef] = {}

    def open(self, relative_file: str) -> Path:
        """The path of a reference file, after checking its SHA-256 against the manifest (once)."""
        if relative_file not in self._verified:
            self._verified[relative_file] = verified_path(self.reference_dir, self.manifest, relative_file)
        return self._verified[relative_file]

    def source(self, relative_file: str) -> URIRef:
        """The provenance entity of a reference file."""
        if relative_file not in self._sources:
            self._sources[relative_file] = self.provenance.source_file(self.manifest[relative_file])
        return self._sources[relative_file]

    def graph(self, relative_file: str) -> GraphWriter:
        """The writer of the named graph of one source release."""
        key = release_key(relative_file)
        if key not in self._graphs:
            graph = source_graph_iri(key)
            self.provenance.graph(graph, f"Facts from {relative_file}", [self.source(relative_file)])
            self._graphs[key] = self.sink.writer(graph)
        return self._graphs[key]

    @staticmethod
    def provenance_iri(iri: str) -> URIRef:
        """A source that is not a reference file (a statute), described in the core graph."""
        return URIRef(iri)

    def statutory(self, key: str, title: str, legislation: list[URIRef], comment: str) -> GraphWriter:
        """The writer of a graph stating what legislation required (`Basis.STATUTORY_REQUIREMENT`): it is
        prov:wasDerivedFrom the legislation and provisions in `legislation`; `comment` says how it is applied."""
        full = f"statute/{key}"
        if full not in self._graphs:
            graph = source_graph_iri(full)
            self.provenance.graph(graph, title, list(legislation), comment, basis=Basis.STATUTORY_REQUIREMENT)
            self._graphs[full] = self.sink.writer(graph)
        return self._graphs[full]

    def derived(self, key: str, title: str, sources: list[str | URIRef], method: str) -> GraphWriter:
        """The writer of a graph derived from several sources (files or other IRIs), with its method."""
        full = f"derived/{key}"
        if full not in self._graphs:
            cited = [s if isinstance(s, URIRef) else self.source(s) for s in sources]
            graph = source_graph_iri(full)
            self.provenance.graph(graph, title, cited, method)
            self._graphs[full] = self.sink.writer(graph)
        return self._graphs[full]
