"""PROV descriptions of every named graph: which source release it came from and which build made it.

Each source file becomes a `prov:Entity` (also a `dcat:Distribution`) with its publisher, licence, the date
the data describe, the place it was copied from and its SHA-256; each named graph is a `prov:Entity`
`prov:wasDerivedFrom` its sources and `prov:wasGeneratedBy` the build activity. All of this lives in the
named graph ``id:graph/provenance``.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from enum import Enum
from pathlib import Path

from rdflib import URIRef

from ccg_graph.core.namespaces import CCG, DCAT, ID, source_graph_iri, source_iri
from ccg_graph.core.namespaces import DCT_NS as DCT
from ccg_graph.core.namespaces import PROV_NS as PROV
from ccg_graph.core.namespaces import RDFS_NS as RDFS
from ccg_graph.core.namespaces import SD_NS as SD
from ccg_graph.ingest.manifest import ManifestEntry
from ccg_graph.national.emit import QuadSink

OGL = URIRef("https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/")
SOFTWARE_AGENT = ID["software/ccg-graph"]
PROVENANCE_GRAPH = source_graph_iri("provenance")


class Basis(Enum):
    """How the statements of a named graph are known (`ccg:basis`; the ontology module provenance.ttl)."""

    SOURCE_RECORD = "SourceRecord"  # read from a published file, named by prov:wasDerivedFrom
    DERIVED_BY_RULE = "DerivedByRule"  # computed from other graphs by the rule in the graph's rdfs:comment
    STATUTORY_REQUIREMENT = "StatutoryRequirement"  # required by the legislation prov:wasDerivedFrom names

    @property
    def iri(self) -> URIRef:
        return CCG[self.value]


_DATE_IN_NAME = re.compile(r"(\d{4})[-_](\d{2})(?:[-_](\d{2}))?")
_YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d{2}|19\d{2})(?!\d)")


def release_date(file_name: str) -> date | None:
    """The date a release describes, from its file name (the reference data names files by that date)."""
    match = _DATE_IN_NAME.search(file_name)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12:
            return date(year, month, 1)
    year_only = _YEAR_IN_NAME.search(file_name)
    return date(int(year_only.group(1)), 1, 1) if year_only else None


def release_key(relative_file: str) -> str:
    """``ods-ccg/eccg_2024-25.csv`` -> ``ods-ccg/eccg_2024-25`` (the key of its graph and source IRIs)."""
    return relative_file.rsplit(".", 1)[0]


class ProvenanceRecorder:
    """Writes the provenance graph as the build goes."""

    def __init__(self, sink: QuadSink, activity: URIRef, version: str) -> None:
        self.out = sink.writer(PROVENANCE_GRAPH)
        self.activity = activity
        out = self.out
        out.type(activity, PROV + "Activity")
        out.label(activity, RDFS + "label", f"ccg-graph build {activity.rsplit('/', 1)[-1]}")
        out.add(activity, PROV + "wasAssociatedWith", SOFTWARE_AGENT)
        out.type(SOFTWARE_AGENT, PROV + "SoftwareAgent")
        out.label(SOFTWARE_AGENT, RDFS + "label", "ccg-graph")
        out.add(SOFTWARE_AGENT, DCT + "hasVersion", version)
        out.type(PROVENANCE_GRAPH, SD + "NamedGraph")
        # What this build did and read is recorded by the build itself: a record, not an inference.
        out.add(PROVENANCE_GRAPH, CCG.basis, Basis.SOURCE_RECORD.iri)
        out.add(PROVENANCE_GRAPH, PROV + "wasGeneratedBy", activity)
        out.label(PROVENANCE_GRAPH, RDFS + "label", "Provenance of every named graph in ccg-graph")

    def source_file(self, entry: ManifestEntry) -> URIRef:
        """Describe one reference-data file; returns its source IRI."""
        key = release_key(entry.file)
        source = source_iri(key)
        out = self.out
        out.type(source, PROV + "Entity")
        out.type(source, DCAT + "Distribution")
        out.label(source, RDFS + "label", entry.file)
        out.add(source, DCT + "title", entry.file)
        out.add(source, DCT + "description", entry.describes)
        out.add(source, DCT + "publisher", entry.publisher)
        out.add(source, DCT + "license", OGL)
        out.add(source, DCT + "identifier", f"sha256:{entry.sha256}")
        out.add(source, DCAT + "byteSize", entry.bytes)
        out.add(source, DCT + "date", release_date(entry.file))
        out.add(
            source,
            DCT + "source",
            f"{entry.source_repository} {entry.source_path} @ {entry.source_commit} ({entry.commit_date})",
        )
        if entry.transformation and entry.transformation != "none":
            out.add(source, RDFS + "comment", f"Transformation before storage: {entry.transformation}")
        out.add(self.activity, PROV + "used", source)
        return source

    def graph(
        self,
        graph: URIRef,
        title: str,
        sources: list[URIRef],
        method: str | None = None,
        *,
        basis: Basis | None = None,
    ) -> URIRef:
        """Describe one named graph of the dataset, derived from `sources`, with how its statements are known.

        ``basis`` defaults to `Basis.SOURCE_RECORD` when there is no method and `Basis.DERIVED_BY_RULE` when
        there is one (the method is then the rule); pass `Basis.STATUTORY_REQUIREMENT` for statute graphs.
        """
        if basis is None:
            basis = Basis.DERIVED_BY_RULE if method else Basis.SOURCE_RECORD
        out = self.out
        out.add(graph, CCG.basis, basis.iri)
        out.type(graph, SD + "NamedGraph")
        out.type(graph, PROV + "Entity")
        out.label(graph, RDFS + "label", title)
        for source in sources:
            out.add(graph, PROV + "wasDerivedFrom", source)
        out.add(graph, PROV + "wasGeneratedBy", self.activity)
        out.add(graph, DCT + "license", OGL)
        if method:
            out.add(graph, RDFS + "comment", method)
        return graph

    def source_graph(self, entry: ManifestEntry) -> URIRef:
        """The named graph holding what one reference file says, described and linked to the file."""
        graph = source_graph_iri(release_key(entry.file))
        self.graph(graph, f"Facts from {entry.file}", [self.source_file(entry)])
        return graph

    def curated_graph(
        self,
        graph: URIRef,
        files: list[Path],
        root: Path,
        title: str = "Hand-curated national bodies, posts and service categories",
        comment: str = "Curated from the statutes and seed texts each resource cites with dcterms:source.",
    ) -> None:
        """Describe a graph loaded from repository files (the core graph, the ontology, the shapes): a source
        record of those files, each named with its SHA-256."""
        sources = []
        for path in files:
            relative = path.resolve().relative_to(root.resolve()).as_posix()
            source = ID[f"source/repository/{relative}"]
            self.out.type(source, PROV + "Entity")
            self.out.label(source, RDFS + "label", f"ccg-graph repository file {relative}")
            self.out.add(source, DCT + "identifier", "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest())
            self.out.add(self.activity, PROV + "used", source)
            sources.append(source)
        self.graph(graph, title, sources, comment, basis=Basis.SOURCE_RECORD)
