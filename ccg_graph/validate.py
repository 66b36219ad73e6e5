"""SHACL validation of ccg-graph data against the shapes in ``shapes/``, and the reports people read.

pySHACL is the engine. The ontology is passed as its `ont_graph`, so `sh:targetClass` sees the class
hierarchy (a `ccg:ClinicalCommissioningGroup` is an `org:Organization`) without copying the ontology into
the data being judged.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from pyshacl import validate as pyshacl_validate
from rdflib import RDF, Graph, Node, URIRef
from rdflib.namespace import SH

from ccg_graph.namespaces import PREFIXES
from ccg_graph.rdf_io import bind_prefixes, read_folder

_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class ValidationResultRow:
    """One sh:ValidationResult, with every term rendered as a compact string."""

    focus_node: str
    source_shape: str
    severity: str
    message: str
    path: str | None = None
    value: str | None = None
    constraint: str | None = None


@dataclass
class ValidationOutcome:
    """What a validation run found."""

    conforms: bool
    results: list[ValidationResultRow] = field(default_factory=list)
    report: Graph = field(default_factory=Graph)

    @property
    def violations(self) -> list[ValidationResultRow]:
        return [r for r in self.results if r.severity == "Violation"]

    def as_text(self) -> str:
        """The report a person reads: results grouped by focus node, most severe first."""
        if not self.results:
            return "Conforms: no violations, no warnings."
        by_focus: dict[str, list[ValidationResultRow]] = defaultdict(list)
        for row in self.results:
            by_focus[row.focus_node].append(row)
        counts = defaultdict(int)
        for row in self.results:
            counts[row.severity] += 1
        summary = ", ".join(f"{n} {sev.lower()}(s)" for sev, n in sorted(counts.items()))
        lines = [("Conforms" if self.conforms else "Does not conform") + f": {summary}", ""]
        for focus in sorted(by_focus):
            lines.append(focus)
            rows = sorted(by_focus[focus], key=lambda r: (_SEVERITY_ORDER.get(r.severity, 9), r.source_shape))
            for row in rows:
                lines.append(f"  [{row.severity}] {row.message}")
                detail = [f"shape {row.source_shape}"]
                if row.path:
                    detail.append(f"path {row.path}")
                if row.value:
                    detail.append(f"value {row.value}")
                lines.append("      " + "; ".join(detail))
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"

    def as_json(self) -> str:
        return json.dumps({"conforms": self.conforms, "results": [asdict(r) for r in self.results]}, indent=2)

    def as_turtle(self) -> str:
        return bind_prefixes(self.report).serialize(format="turtle")


def compact(term: Node | None, graph: Graph | None = None) -> str | None:
    """A term as a person would write it: a CURIE where a known prefix fits, else its N3 form."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        value = str(term)
        for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            local = value[len(namespace) :]
            if value.startswith(namespace) and local and "/" not in local and "#" not in local:
                return f"{prefix}:{local}"
        return f"<{value}>"
    if graph is not None and (term, None, None) in graph:
        return term.n3()
    return term.n3()


@lru_cache(maxsize=8)
def _load_cached(folder: str) -> Graph:
    return read_folder(Path(folder))


def load_shapes(shapes_dir: Path) -> Graph:
    """The union of ``shapes/*.ttl`` (cached per folder: the shapes do not change while we run)."""
    return _load_cached(str(shapes_dir.resolve()))


def load_ontology(ontology_dir: Path) -> Graph:
    """The union of ``ontology/*.ttl`` (cached per folder)."""
    return _load_cached(str(ontology_dir.resolve()))


def validate_graph(data: Graph, shapes: Graph, ontology: Graph | None = None) -> ValidationOutcome:
    """Validate `data` against `shapes`; the data graph itself is never modified."""
    conforms, report, _ = pyshacl_validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=True,
        allow_warnings=True,
        abort_on_first=False,
        inplace=False,
    )
    assert isinstance(report, Graph)
    return ValidationOutcome(conforms=bool(conforms), results=_rows(report), report=report)


def _rows(report: Graph) -> list[ValidationResultRow]:
    rows = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        message = report.value(result, SH.resultMessage)
        rows.append(
            ValidationResultRow(
                focus_node=compact(report.value(result, SH.focusNode)) or "",
                source_shape=compact(report.value(result, SH.sourceShape)) or "",
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                message=str(message) if message is not None else "(the shape gives no message)",
                path=compact(report.value(result, SH.resultPath)),
                value=compact(report.value(result, SH.value)),
                constraint=compact(report.value(result, SH.sourceConstraintComponent)),
            )
        )
    rows.sort(key=lambda r: (r.focus_node, _SEVERITY_ORDER.get(r.severity, 9), r.source_shape, r.value or ""))
    return rows
