"""What a validation run found, and the three ways of reporting it.

* `as_text`: the report a person reads, grouped by focus node, most severe first, with the shape's message,
  the path and offending value, and (for Turtle input) the file and line where the focus node is defined;
* `as_json`: the same rows as JSON (documented in the README);
* `as_turtle` / `as_jsonld`: the standard SHACL ``sh:ValidationReport`` graph.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection
from dataclasses import asdict, dataclass, field, replace

from rdflib import RDF, BNode, Graph, Literal, Node, URIRef
from rdflib.namespace import SH

from ccg_graph.core.namespaces import PREFIXES
from ccg_graph.rdf.rdflib_io import bind_prefixes

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
    defined_at: str | None = None  # "file:line" where the focus node is defined in the input, when known


@dataclass
class ValidationOutcome:
    """What a validation run found.

    `checked_focus_nodes` is set by incremental validation: how many focus nodes it re-checked (None for a
    full run). `stats` holds timings and sizes for benchmarks.
    """

    conforms: bool
    results: list[ValidationResultRow] = field(default_factory=list)
    report: Graph = field(default_factory=Graph)
    checked_focus_nodes: int | None = None
    stats: dict[str, float | int] = field(default_factory=dict)

    @property
    def violations(self) -> list[ValidationResultRow]:
        return [r for r in self.results if r.severity == "Violation"]

    def with_locations(self, locations: dict[str, str]) -> ValidationOutcome:
        """A copy whose rows say where their focus node is defined (`locations`: focus IRI -> "file:line")."""
        rows = []
        for row in self.results:
            iri = row.focus_node[1:-1] if row.focus_node.startswith("<") else _expand(row.focus_node)
            rows.append(replace(row, defined_at=locations.get(iri, row.defined_at)))
        return replace(self, results=rows)

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for row in self.results:
            counts[row.severity] += 1
        return dict(counts)

    def as_text(self) -> str:
        """The report a person reads: results grouped by focus node, most severe first."""
        if not self.results:
            return "Conforms: no violations, no warnings.\n"
        by_focus: dict[str, list[ValidationResultRow]] = defaultdict(list)
        for row in self.results:
            by_focus[row.focus_node].append(row)
        summary = ", ".join(
            f"{n} {sev.lower()}{'s' if n != 1 else ''}"
            for sev, n in sorted(self.counts().items(), key=lambda kv: _SEVERITY_ORDER.get(kv[0], 9))
        )
        lines = [("Conforms" if self.conforms else "Does not conform") + f": {summary} on {len(by_focus)} node(s)", ""]
        for focus in sorted(by_focus, key=lambda f: (min(_SEVERITY_ORDER.get(r.severity, 9) for r in by_focus[f]), f)):
            rows = sorted(by_focus[focus], key=lambda r: (_SEVERITY_ORDER.get(r.severity, 9), r.source_shape))
            where = next((r.defined_at for r in rows if r.defined_at), None)
            lines.append(focus + (f"  (defined at {where})" if where else ""))
            for row in rows:
                lines.append(f"  [{row.severity}] {row.message}")
                detail = []
                if row.path:
                    detail.append(f"path {row.path}")
                if row.value:
                    detail.append(f"value {row.value}")
                detail.append(f"shape {row.source_shape}")
                lines.append("      " + "; ".join(detail))
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"

    def as_dict(self) -> dict:
        body: dict = {"conforms": self.conforms, "counts": self.counts(), "results": [asdict(r) for r in self.results]}
        if self.checked_focus_nodes is not None:
            body["checked_focus_nodes"] = self.checked_focus_nodes
        return body

    def as_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2) + "\n"

    def as_turtle(self) -> str:
        return bind_prefixes(self.report).serialize(format="turtle")

    def as_jsonld(self) -> str:
        context = {prefix: ns for prefix, ns in PREFIXES.items()}
        return bind_prefixes(self.report).serialize(format="json-ld", context=context, indent=2)


def _expand(curie: str) -> str:
    prefix, sep, local = curie.partition(":")
    if sep and prefix in PREFIXES:
        return PREFIXES[prefix] + local
    return curie


def compact(term: Node | None) -> str | None:
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
    return term.n3()


def result_rows(report: Graph) -> list[ValidationResultRow]:
    rows = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        message = report.value(result, SH.resultMessage)
        path = report.value(result, SH.resultPath)
        rows.append(
            ValidationResultRow(
                focus_node=compact(report.value(result, SH.focusNode)) or "",
                source_shape=compact(report.value(result, SH.sourceShape)) or "",
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                message=str(message) if message is not None else "(the shape gives no message)",
                path=_path_text(report, path),
                value=compact(report.value(result, SH.value)),
                constraint=compact(report.value(result, SH.sourceConstraintComponent)),
            )
        )
    rows.sort(key=lambda r: (r.focus_node, _SEVERITY_ORDER.get(r.severity, 9), r.source_shape, r.value or ""))
    return rows


def _path_text(report: Graph, path: Node | None) -> str | None:
    """A SHACL path in SPARQL property-path syntax (``^org:hasPost``, ``org:memberDuring/time:hasBeginning``)."""
    if path is None or not isinstance(path, BNode):
        return compact(path)
    if (path, RDF.first, None) in report:
        return "/".join(_path_text(report, p) or "?" for p in report.items(path))
    for predicate, template in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "({})*"),
        (SH.oneOrMorePath, "({})+"),
        (SH.zeroOrOnePath, "({})?"),
    ):
        inner = report.value(path, predicate)
        if inner is not None:
            return template.format(_path_text(report, inner))
    alternatives = report.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path_text(report, p) or "?" for p in report.items(alternatives)) + ")"
    return path.n3()


def outcome_from_report(report: Graph, keep_focus: Collection[Node] | None = None) -> ValidationOutcome:
    """The outcome of a pySHACL report; with `keep_focus`, only the results about those focus nodes.

    Filtering rebuilds the report graph: a new sh:ValidationReport holding the kept results (each with the
    blank nodes it points to), with sh:conforms recomputed (warnings and infos do not break conformance).
    """
    if keep_focus is None:
        conforms = report.value(next(report.subjects(RDF.type, SH.ValidationReport)), SH.conforms)
        if not isinstance(conforms, Literal):
            raise ValueError("a SHACL report without sh:conforms")
        return ValidationOutcome(conforms=bool(conforms.toPython()), results=result_rows(report), report=report)
    kept = Graph()
    head = BNode()
    kept.add((head, RDF.type, SH.ValidationReport))
    conforms = True
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(result, SH.focusNode) not in keep_focus:
            continue
        kept.add((head, SH.result, result))
        _copy_description(report, result, kept)
        if report.value(result, SH.resultSeverity) == SH.Violation:
            conforms = False
    kept.add((head, SH.conforms, Literal(conforms)))
    return ValidationOutcome(conforms=conforms, results=result_rows(kept), report=kept)


def _copy_description(source: Graph, node: Node, target: Graph) -> None:
    todo = [node]
    done = set()
    while todo:
        current = todo.pop()
        if current in done:
            continue
        done.add(current)
        for p, o in source.predicate_objects(current):
            target.add((current, p, o))
            if isinstance(o, BNode):
                todo.append(o)
