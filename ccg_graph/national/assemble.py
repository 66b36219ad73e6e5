"""The national build: every topic module, in order of authority (earlier graphs keep shared triples)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ccg_graph.core.errors import BadInput
from ccg_graph.national.age_bands import build_age_bands
from ccg_graph.national.allocations import build_allocations
from ccg_graph.national.boundaries import build_boundaries
from ccg_graph.national.cancer_alliances import build_cancer_alliances
from ccg_graph.national.ccgs import build_ccgs
from ccg_graph.national.conflicts import build_conflicts
from ccg_graph.national.context import BuildContext
from ccg_graph.national.disease_registers import build_disease_registers
from ccg_graph.national.emit import QuadSink
from ccg_graph.national.geography import build_geography
from ccg_graph.national.hierarchy import build_hierarchy
from ccg_graph.national.hubs import build_hubs
from ccg_graph.national.iapt import build_iapt
from ccg_graph.national.lineage import build_lineage
from ccg_graph.national.local_government import build_local_government
from ccg_graph.national.payments import build_payments, write_derived
from ccg_graph.national.populations import build_populations
from ccg_graph.national.practices import build_practices
from ccg_graph.national.provenance import ProvenanceRecorder
from ccg_graph.national.trusts import build_trusts


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
    build_local_government(ctx)
    build_populations(ctx)
    build_boundaries(ctx)
    build_disease_registers(ctx)
    build_age_bands(ctx)
    build_hubs(ctx)
    build_conflicts(ctx)
    trusts = build_trusts(ctx)
    write_derived(ctx, build_payments(ctx, trusts))
    build_iapt(ctx, trusts)
    build_cancer_alliances(ctx)
    build_allocations(ctx)
    return ctx
