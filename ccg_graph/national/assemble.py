"""The national build: every topic module, in order of authority (earlier graphs keep shared triples)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ccg_graph.core.errors import BadInput
from ccg_graph.national.ccgs import build_ccgs
from ccg_graph.national.context import BuildContext
from ccg_graph.national.emit import QuadSink
from ccg_graph.national.geography import build_geography
from ccg_graph.national.hierarchy import build_hierarchy
from ccg_graph.national.lineage import build_lineage
from ccg_graph.national.populations import build_populations
from ccg_graph.national.practices import build_practices
from ccg_graph.national.provenance import ProvenanceRecorder


def assemble_national(
    reference_dir: Path, sink: QuadSink, provenance: ProvenanceRecorder, progress: Callable[[str], None]
) -> BuildContext:
    """Add the national graph, built from the reference data, to `sink`."""
    if not (reference_dir / "manifest.csv").is_file():
        raise BadInput(
            "no manifest.csv: the reference data (shared/reference-data beside the repository) is missing; "
            "set CCG_GRAPH_REFERENCE_DATA_DIR or use --reference-data",
            path=reference_dir,
        )
    ctx = BuildContext(reference_dir, sink, provenance, progress)
    build_ccgs(ctx)
    build_lineage(ctx)
    build_hierarchy(ctx)
    build_practices(ctx)
    build_geography(ctx)
    build_populations(ctx)
    return ctx
