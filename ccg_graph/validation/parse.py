"""Reading a steward's RDF (a file or an HTTP body) with pyoxigraph, with errors that say where.

pyoxigraph parses every format we accept (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML) and never goes
to the network: a JSON-LD remote ``@context`` is refused (no document loader is set) and RDF/XML external
entities are not resolved, so submitted data cannot make the server fetch a URL. Named graphs in TriG and
N-Quads are flattened: validation looks at the union, as queries do.

For Turtle and TriG the text is also scanned for the line where each subject is first written at the start
of a line, so a report can say where to look ("defined at submission.ttl:12").
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import pyoxigraph as ox

from ccg_graph.core.errors import BadInput
from ccg_graph.core.terms import OxSubject, OxTerm, plain_object, plain_subject

#: Media types accepted on input, and the pyoxigraph format of each.
MEDIA_TYPES: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}

SUFFIXES: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}


@dataclass
class ParsedRdf:
    """The triples read from one or more inputs, and where each subject is defined ("file:line")."""

    triples: list[ox.Triple] = field(default_factory=list)
    locations: dict[str, str] = field(default_factory=dict)

    def extend(self, other: ParsedRdf) -> None:
        self.triples.extend(other.triples)
        for iri, where in other.locations.items():
            self.locations.setdefault(iri, where)

    def subjects(self) -> set[OxSubject]:
        return {plain_subject(t.subject) for t in self.triples}


def format_for_media_type(media_type: str | None) -> ox.RdfFormat:
    base = (media_type or "").split(";")[0].strip().lower()
    if base in MEDIA_TYPES:
        return MEDIA_TYPES[base]
    raise UnsupportedMediaType(
        f"cannot read {base or 'a body without Content-Type'} as RDF; send one of {', '.join(MEDIA_TYPES)}"
    )


def format_for_path(path: Path) -> ox.RdfFormat:
    suffix = path.with_suffix("").suffix if path.suffix.lower() == ".gz" else path.suffix
    fmt = SUFFIXES.get(suffix.lower())
    if fmt is None:
        raise BadInput(f"unknown RDF file type {suffix!r} (expected one of {', '.join(sorted(SUFFIXES))})", path=path)
    return fmt


class UnsupportedMediaType(BadInput):
    """A request body in a media type we do not parse."""

    http_status = 415


def parse_bytes(data: bytes, fmt: ox.RdfFormat, *, source: str) -> ParsedRdf:
    """Parse `data`; blank nodes get fresh identifiers so they cannot meet the store's own blank nodes."""
    try:
        quads = list(ox.parse(data, format=fmt))
    except SyntaxError as err:
        reason = str(err.msg if hasattr(err, "msg") else err)
        reason = re.sub(r"^Parser error at line \d+ column \d+: ", "", reason)
        raise BadInput(f"{fmt.name} syntax error: {reason}", path=source, line=err.lineno, column=err.offset) from err
    except ValueError as err:
        raise BadInput(f"{fmt.name} error: {err}", path=source) from err
    fresh: dict[str, ox.BlankNode] = {}

    def renamed(term: OxTerm) -> OxTerm:
        return renamed_subject(term) if isinstance(term, ox.BlankNode) else term

    def renamed_subject(term: OxSubject) -> OxSubject:
        return fresh.setdefault(term.value, ox.BlankNode()) if isinstance(term, ox.BlankNode) else term

    triples = [
        ox.Triple(renamed_subject(plain_subject(q.subject)), q.predicate, renamed(plain_object(q.object)))
        for q in quads
    ]
    parsed = ParsedRdf(triples=list(dict.fromkeys(triples)))
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        text = data.decode("utf-8", errors="replace")
        parsed.locations = {iri: f"{source}:{line}" for iri, line in subject_lines(text).items()}
    return parsed


def read_file(path: Path) -> ParsedRdf:
    if not path.is_file():
        raise BadInput("no such file", path=path)
    fmt = format_for_path(path)
    try:
        data = gzip.decompress(path.read_bytes()) if path.suffix.lower() == ".gz" else path.read_bytes()
    except (OSError, EOFError) as err:
        raise BadInput(f"cannot read: {err}", path=path) from err
    return parse_bytes(data, fmt, source=str(path))


def read_files(paths: list[Path]) -> ParsedRdf:
    parsed = ParsedRdf()
    for path in paths:
        parsed.extend(read_file(path))
    return parsed


_PREFIX = re.compile(r"(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_BASE = re.compile(r"(?:@base|BASE)\s+<([^>]*)>", re.IGNORECASE)
_SUBJECT = re.compile(r"^\s*(<[^>\s]*>|(?:[A-Za-z][\w.-]*)?:(?:[^\s;,()\[\]]*[^\s;,()\[\].])?)")


def subject_lines(text: str) -> dict[str, int]:
    """For each IRI written at the start of a line (a subject, in the usual layout), its first line."""
    prefixes: dict[str, str] = {}
    lines: dict[str, int] = {}
    base = ""
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _PREFIX.finditer(line):
            prefixes[match.group(1) or ""] = urljoin(base, match.group(2))
        for match in _BASE.finditer(line):
            base = urljoin(base, match.group(1))
        if re.match(r"\s*(@prefix|@base|prefix\b|base\b|#)", line, re.IGNORECASE):
            continue
        match = _SUBJECT.match(line)
        if not match:
            continue
        token = match.group(1)
        if token.startswith("<"):
            iri = urljoin(base, token[1:-1])
        else:
            prefix, _, local = token.partition(":")
            if prefix not in prefixes:
                continue
            iri = prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
        lines.setdefault(iri, number)
    return lines
