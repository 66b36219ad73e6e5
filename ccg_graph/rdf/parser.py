"""The one parser for RDF that comes from outside: request bodies, stewards' files and LOAD payloads.

Every route and command that reads RDF it did not write itself comes through `parse_rdf` (or
`parse_body` / `read_file`, which pick the syntax first), so every door has the same guards:

* the syntax comes from the media type (415 naming the readable ones) or the file suffix, and only UTF-8 is
  read (a declared charset other than UTF-8, or a byte sequence that is not UTF-8, is refused with the line
  and column of the first bad byte);
* the size: bodies and (decompressed) files over `RdfLimits.max_bytes` are refused with 413;
* nesting: JSON-LD objects and arrays, RDF/XML elements, and Turtle/TriG/N3 blank-node brackets,
  collections and graph blocks may nest at most `RdfLimits.max_nesting` levels (``CCG_GRAPH_MAX_RDF_NESTING``,
  100 by default; real documents nest a dozen at most). pyoxigraph's JSON-LD parser recurses and overflows
  the stack, killing the whole server process, a few thousand objects deep; the depth is measured here by a
  scan that does not recurse, before pyoxigraph sees the document;
* RDF/XML must be well-formed XML (pyoxigraph reads a document cut off inside an element as the triples
  before the cut: a truncated upload would replace a graph with part of itself) and may not have a DTD:
  no entity declarations, so no external entity (XXE) and no entity expansion (billion laughs);
* nothing named in the document is ever fetched: a remote JSON-LD ``@context`` is refused (pyoxigraph has no
  document loader set) with a message saying so;
* blank nodes get fresh identifiers, so a document's ``_:b1`` can never meet a blank node already in the
  store;
* a syntax error says where: `BadInput` carries the line and column pyoxigraph or expat reports.

A body cut at a statement boundary (between two complete triples of Turtle, N-Triples, N-Quads or TriG) is a
complete document of those syntaxes and cannot be told from one; the HTTP layer refuses a body shorter than
its Content-Length. Any other cut leaves a statement, element or object open and is refused.

For Turtle and TriG the text is also scanned for the line where each subject is first written at the start of
a line, so a validation report can say where to look ("defined at submission.ttl:12").
"""

from __future__ import annotations

import email.parser
import email.policy
import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin
from xml.parsers import expat

import pyoxigraph as ox

from ccg_graph.core.errors import BadInput, PayloadTooLarge, UnsupportedMediaType
from ccg_graph.rdf import media_types

#: Media types read, and the pyoxigraph syntax of each (from the one media-type table).
READABLE: dict[str, ox.RdfFormat] = media_types.READABLE_RDF

#: File suffixes read (a trailing ``.gz`` is looked through), and the media type of each.
SUFFIXES: dict[str, str] = {
    extension: syntax.media_type for syntax in media_types.RDF_SYNTAXES for extension in syntax.extensions
}

_UTF8_CHARSETS = {"utf-8", "utf8", "us-ascii"}
_MULTIPART = media_types.MULTIPART_FORM
_TURTLE_FAMILY = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N3)

# JSON: a string (skipped, whatever brackets it holds) or a bracket.
_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
# Turtle, TriG and N3: long and short strings, IRIs, comments and backslash escapes (all skipped) or a bracket.
_TURTLE_TOKEN = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n\r]*"
    r"|\\."
    r"|[\[\](){}]",
    re.DOTALL,
)
_OPENERS = "[({"
_CLOSERS = "])}"


@dataclass(frozen=True)
class RdfLimits:
    """How big and how deep a document may be (`from_settings` reads the deployment's)."""

    max_nesting: int = 100
    max_bytes: int = 16 * 1024 * 1024
    max_literal_bytes: int = 4 * 1024 * 1024

    @classmethod
    def from_settings(cls, settings: object) -> RdfLimits:
        return cls(
            max_nesting=getattr(settings, "max_rdf_nesting", cls.max_nesting),
            max_bytes=getattr(settings, "max_body_bytes", cls.max_bytes),
            max_literal_bytes=getattr(settings, "max_rdf_literal_bytes", cls.max_literal_bytes),
        )


@dataclass
class ParsedRdf:
    """The triples read from one or more inputs, and where each subject is defined ("file:line")."""

    triples: list[ox.Triple] = field(default_factory=list)
    locations: dict[str, str] = field(default_factory=dict)

    def extend(self, other: ParsedRdf) -> None:
        self.triples.extend(other.triples)
        for iri, where in other.locations.items():
            self.locations.setdefault(iri, where)

    def subjects(self) -> set[ox.NamedNode | ox.BlankNode]:
        return {t.subject for t in self.triples if isinstance(t.subject, ox.NamedNode | ox.BlankNode)}


def _syntax_name(fmt: ox.RdfFormat) -> str:
    return str(fmt.name)


def media_type_of(content_type: str | None) -> tuple[str, dict[str, str]]:
    """The bare media type of a Content-Type header, lower-cased, and its parameters."""
    if not content_type:
        return "", {}
    parts = [p.strip() for p in content_type.split(";")]
    parameters = {}
    for part in parts[1:]:
        key, _, value = part.partition("=")
        parameters[key.strip().lower()] = value.strip().strip('"')
    return parts[0].lower(), parameters


def format_for_media_type(content_type: str | None) -> ox.RdfFormat:
    """The syntax a Content-Type names; 415 for one we do not read or a charset other than UTF-8."""
    media, parameters = media_type_of(content_type)
    if media not in READABLE:
        raise UnsupportedMediaType(
            f"cannot read {media or 'a body without Content-Type'!r} as RDF; send one of: {', '.join(READABLE)}"
        )
    charset = parameters.get("charset", "utf-8").lower()
    if charset not in _UTF8_CHARSETS:
        raise UnsupportedMediaType(f"the body declares charset={charset}: RDF is read as UTF-8 only")
    return READABLE[media]


def media_type_for_path(path: str | Path) -> str:
    """The media type of a file from its suffix (``.gz`` looked through); `BadInput` when unknown."""
    path = Path(path)
    suffix = path.with_suffix("").suffix if path.suffix.lower() == ".gz" else path.suffix
    media = SUFFIXES.get(suffix.lower())
    if media is None:
        raise BadInput(f"unknown RDF file type {suffix!r} (expected one of {', '.join(sorted(SUFFIXES))})", path=path)
    return media


def format_for_path(path: Path) -> ox.RdfFormat:
    return READABLE[media_type_for_path(path)]


# -- the guards ------------------------------------------------------------------------------------------


def byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and column of byte `offset`."""
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, column


def decode_utf8(data: bytes, what: str, source: str | None = None, *, refusal: type[BadInput] = BadInput) -> str:
    """`data` as text, or `refusal` naming `what` and the line and column of the first byte that is not UTF-8
    (an RDF body's guard here; the SPARQL protocol's body refuses with `BadQuery`)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line, column = byte_position(data, err.start)
        raise refusal(
            f"{what} is not valid UTF-8 (byte 0x{data[err.start]:02x} at line {line}, column {column})",
            path=source,
            line=line,
            column=column,
        ) from err


def _too_deep(what: str, kind: str, limit: int, line: int, column: int, source: str | None) -> BadInput:
    return BadInput(
        f"{what} nests {kind} more than {limit} levels deep at line {line}, column {column} "
        "(the limit, CCG_GRAPH_MAX_RDF_NESTING)",
        path=source,
        line=line,
        column=column,
    )


def _check_json_nesting(data: bytes, what: str, limit: int, source: str | None) -> None:
    depth = 0
    for match in _JSON_TOKEN.finditer(data):
        token = match.group()
        if token in (b"{", b"["):
            depth += 1
            if depth > limit:
                line, column = byte_position(data, match.start())
                raise _too_deep(what, "objects or arrays", limit, line, column, source)
        elif token in (b"}", b"]"):
            depth -= 1


def bracket_depth(text: str, limit: int) -> int | None:
    """The offset of the first bracket ( [ ( { ) opening level `limit` + 1 of `text`, read as Turtle, TriG,
    N3 or SPARQL (strings, IRIs and comments are skipped); `None` when nothing nests that deep."""
    depth = 0
    for match in _TURTLE_TOKEN.finditer(text):
        token = match.group()
        if len(token) != 1:
            continue
        if token in _OPENERS:
            depth += 1
            if depth > limit:
                return match.start()
        elif token in _CLOSERS:
            depth -= 1
    return None


def text_position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column (in characters) of character `offset` of `text`."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _check_turtle_nesting(text: str, what: str, limit: int, source: str | None) -> None:
    offset = bracket_depth(text, limit)
    if offset is not None:
        line, column = text_position(text, offset)
        raise _too_deep(what, "blank nodes, collections or graphs", limit, line, column, source)


def _check_literal(token: str, offset: int, text: str, what: str, limits: RdfLimits, source: str | None) -> None:
    size = len(token.encode("utf-8"))
    if size > limits.max_literal_bytes:
        line, column = text_position(text, offset)
        raise BadInput(
            f"{what} has a literal of {size} bytes at line {line}, column {column}, over the limit of "
            f"{limits.max_literal_bytes} bytes (CCG_GRAPH_MAX_RDF_LITERAL_BYTES)",
            path=source,
            line=line,
            column=column,
        )


def _check_turtle_literals(text: str, what: str, limits: RdfLimits, source: str | None) -> None:
    if len(text.encode("utf-8")) <= limits.max_literal_bytes:
        return  # no literal can be longer than the document
    for match in _TURTLE_TOKEN.finditer(text):
        if match.group()[:1] in "\"'":
            _check_literal(match.group(), match.start(), text, what, limits, source)


#: A SPARQL Update token: the Turtle ones, or the keywords that open a data block (``INSERT DATA {``).
_UPDATE_TOKEN = re.compile(_TURTLE_TOKEN.pattern + r"|\b(?:INSERT|DELETE)\s+DATA\b", re.DOTALL | re.IGNORECASE)


def guard_update_data(text: str, *, limits: RdfLimits, what: str = "the update") -> None:
    """The limits a TriG body meets, applied to each ``INSERT DATA`` / ``DELETE DATA`` block of an update.

    A data block is quads written in Turtle's syntax, so it gets the same rules as a body (not a second
    parser: the same token scan): at most `RdfLimits.max_nesting` levels of blank-node property lists,
    collections and ``GRAPH`` blocks inside its braces, and no literal over `RdfLimits.max_literal_bytes`.
    `BadInput` gives the line and column in the update text.
    """
    depth = 0
    block: int | None = None  # the depth of the data block's opening brace, while inside one
    opening = False  # an INSERT DATA / DELETE DATA keyword was read and its brace not yet
    for match in _UPDATE_TOKEN.finditer(text):
        token = match.group()
        if len(token) > 1:
            if token[0] in "\"'" and block is not None:
                _check_literal(token, match.start(), text, what, limits, None)
            elif token[0] not in "<#\\\"'":
                opening = True
            continue
        if token in _OPENERS:
            depth += 1
            if opening and token == "{":
                block, opening = depth, False
            elif block is not None and depth - block > limits.max_nesting:
                line, column = text_position(text, match.start())
                raise _too_deep(
                    f"{what}'s data block", "blank nodes, collections or graphs", limits.max_nesting, line, column, None
                )
        elif token in _CLOSERS:
            if block is not None and depth == block:
                block = None
            depth -= 1


class _XmlRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _check_xml(data: bytes, what: str, limit: int, source: str | None) -> None:
    """Well-formed, no DTD (so no entities, internal or external), and elements at most `limit` deep.

    Expat reads the document iteratively (it does not recurse on depth), resolves no external entity and, with
    a DTD refused at its start, expands none.
    """
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = 0

    def start(_name: str, _attributes: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth > limit:
            raise _XmlRefused(f"nests elements more than {limit} levels deep (the limit, CCG_GRAPH_MAX_RDF_NESTING)")

    def end(_name: str) -> None:
        nonlocal depth
        depth -= 1

    def doctype(*_args: object) -> None:
        raise _XmlRefused(
            "has a document type declaration (DOCTYPE): DTDs and entities are refused (no external entities, "
            "no entity expansion)"
        )

    def entity(*_args: object) -> None:
        raise _XmlRefused("declares an entity: entities are refused")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    try:
        parser.Parse(data, True)
    except _XmlRefused as refused:
        line, column = parser.CurrentLineNumber, parser.CurrentColumnNumber + 1
        raise BadInput(f"{what} {refused.reason}", path=source, line=line, column=column) from None
    except expat.ExpatError as err:
        reason = expat.ErrorString(err.code)
        raise BadInput(
            f"{what} is not well-formed XML ({reason}): truncated or broken",
            path=source,
            line=err.lineno,
            column=err.offset + 1,
        ) from err


def _check_size(data: bytes, what: str, limits: RdfLimits) -> None:
    if len(data) > limits.max_bytes:
        raise PayloadTooLarge(
            f"{what} is {len(data)} bytes, over the limit of {limits.max_bytes} bytes (CCG_GRAPH_MAX_BODY_BYTES)"
        )


def guard(data: bytes, fmt: ox.RdfFormat, *, what: str, limits: RdfLimits, source: str | None = None) -> str:
    """Every check that runs before pyoxigraph sees `data` (see the module docstring); its text."""
    _check_size(data, what, limits)
    text = decode_utf8(data, what, source)
    if fmt == ox.RdfFormat.JSON_LD:
        _check_json_nesting(data, what, limits.max_nesting, source)
    elif fmt == ox.RdfFormat.RDF_XML:
        _check_xml(data, what, limits.max_nesting, source)
    elif fmt in _TURTLE_FAMILY:
        _check_turtle_nesting(text, what, limits.max_nesting, source)
        _check_turtle_literals(text, what, limits, source)
    return text


# -- parsing ---------------------------------------------------------------------------------------------


def _syntax_error(err: SyntaxError, what: str, fmt: ox.RdfFormat, source: str | None) -> BadInput:
    reason = str(err.msg if getattr(err, "msg", None) else err)
    if "LoadDocumentCallback" in reason:
        return BadInput(
            f"{what} names a remote JSON-LD @context: this server never fetches one; put the context inline",
            path=source,
        )
    reason = re.sub(r"^Parser error (?:at|between) line \d+ column \d+(?: and line \d+ column \d+)?: ", "", reason)
    return BadInput(
        f"{what} does not parse as {_syntax_name(fmt)}: {reason}", path=source, line=err.lineno, column=err.offset
    )


def _quads(data: bytes, fmt: ox.RdfFormat, base_iri: str | None) -> Iterator[ox.Quad]:
    return ox.parse(data, format=fmt, base_iri=base_iri, rename_blank_nodes=True)


def parse_rdf(
    data: bytes,
    fmt: ox.RdfFormat,
    *,
    limits: RdfLimits,
    base_iri: str | None = None,
    source: str | None = None,
    what: str | None = None,
) -> ParsedRdf:
    """The triples of `data` (named graphs flattened), through every guard; `BadInput` says what and where.

    `source` names the input in errors and locations (a file path); `what` is how messages refer to it
    ("the text/turtle body").
    """
    what = what or (f"the {_syntax_name(fmt)} document" if source is None else f"this {_syntax_name(fmt)} file")
    text = guard(data, fmt, what=what, limits=limits, source=source)
    try:
        quads = list(_quads(data, fmt, base_iri))
    except SyntaxError as err:
        raise _syntax_error(err, what, fmt, source) from err
    except ValueError as err:
        raise BadInput(f"{what} does not parse as {_syntax_name(fmt)}: {err}", path=source) from err
    parsed = ParsedRdf(triples=list(dict.fromkeys(q.triple for q in quads)))
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        where = source or "request body"
        parsed.locations = {iri: f"{where}:{line}" for iri, line in subject_lines(text).items()}
    return parsed


def parse_body(body: bytes, content_type: str | None, *, limits: RdfLimits, base_iri: str | None = None) -> ParsedRdf:
    """A request body in the syntax its Content-Type names, or each part of a multipart/form-data body."""
    media, _ = media_type_of(content_type)
    if media != _MULTIPART:
        fmt = format_for_media_type(content_type)
        return parse_rdf(body, fmt, limits=limits, base_iri=base_iri, what=f"the {media} body")
    _check_size(body, f"the {media} body", limits)
    header = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + body)
    parsed = ParsedRdf()
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        payload = payload if isinstance(payload, bytes) else b""
        part_type = part.get("content-type") or ""
        fmt = format_for_media_type(part_type)
        what = f"the {media_type_of(part_type)[0]} part"
        parsed.extend(parse_rdf(payload, fmt, limits=limits, base_iri=base_iri, what=what))
    return parsed


def _decompressed(path: Path, limits: RdfLimits) -> bytes:
    with gzip.open(path, "rb") as stream:
        data = stream.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise PayloadTooLarge(f"{path}: decompressed, the file is over the limit of {limits.max_bytes} bytes")
    return data


def read_file(path: Path, limits: RdfLimits | None = None, *, base_iri: str | None = None) -> ParsedRdf:
    """A steward's file, in the syntax its suffix names, through the same guards as a request body."""
    limits = limits or RdfLimits()
    if not path.is_file():
        raise BadInput("no such file", path=path)
    fmt = format_for_path(path)
    try:
        data = _decompressed(path, limits) if path.suffix.lower() == ".gz" else path.read_bytes()
    except (OSError, EOFError) as err:
        raise BadInput(f"cannot read: {err}", path=path) from err
    return parse_rdf(data, fmt, limits=limits, base_iri=base_iri, source=str(path))


def read_files(paths: list[Path], limits: RdfLimits | None = None) -> ParsedRdf:
    parsed = ParsedRdf()
    for path in paths:
        parsed.extend(read_file(path, limits))
    return parsed


# -- where subjects are written --------------------------------------------------------------------------

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
        subject = _SUBJECT.match(line)
        if not subject:
            continue
        token = subject.group(1)
        if token.startswith("<"):
            iri = urljoin(base, token[1:-1])
        else:
            prefix, _, local = token.partition(":")
            if prefix not in prefixes:
                continue
            iri = prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
        lines.setdefault(iri, number)
    return lines
