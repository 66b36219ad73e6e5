"""Reading SPARQL 1.1 Protocol requests: which operation, its text, and its protocol-specified dataset.

The rules are those of the SPARQL 1.1 Protocol recommendation, sections 2.1 (query) and 2.2 (update):
a query comes as the one ``query`` parameter of a GET, the one ``query`` field of a URL-encoded POST, or
the UTF-8 body of an ``application/sparql-query`` POST; an update as the ``update`` field of a URL-encoded
POST or the body of an ``application/sparql-update`` POST, never by GET. Anything else is a 400 (or 415
for a body in another media type) with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from ccg_graph.core.errors import BadQuery, UnsupportedMediaType
from ccg_graph.rdf import media_types
from ccg_graph.rdf.negotiation import (
    GRAPH_ALIASES,
    GRAPH_FORMATS,
    RESULT_ALIASES,
    RESULT_FORMATS,
    NotAcceptable,
    negotiate,
)
from ccg_graph.rdf.parser import bracket_depth, decode_utf8, text_position
from ccg_graph.rdf.parser import media_type_of as media_type

#: The deepest nesting of { } ( ) [ ] a request may use. Real queries stay under 20; the engine's recursive
#: parser overflows its stack (and the worker process dies) somewhere past 500, so a hostile query nested
#: thousands deep is refused here with a 400 rather than costing a worker and answering 503.
MAX_NESTING = 128

FORM, SPARQL_QUERY, SPARQL_UPDATE = media_types.FORM, media_types.SPARQL_QUERY, media_types.SPARQL_UPDATE


@dataclass(frozen=True)
class QueryRequest:
    query: str
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    format_override: str | None = None


@dataclass(frozen=True)
class UpdateRequest:
    update: str
    using_graph_uris: tuple[str, ...] = ()
    using_named_graph_uris: tuple[str, ...] = ()


def _decode(body: bytes, parameters: dict[str, str]) -> str:
    charset = parameters.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise BadQuery(f"the request body must be UTF-8 (SPARQL 1.1 Protocol); it declares charset={charset}")
    return decode_utf8(body, "the request body", refusal=BadQuery)


def check_nesting(text: str, kind: str) -> str:
    """`text` unchanged, or `BadQuery` when its brackets (outside strings, IRIs, comments) nest too deep.

    The scan is the one the RDF parser uses on Turtle (SPARQL shares its strings, IRIs and comments), so an
    update's ``INSERT DATA`` payload meets the same guard as a Turtle body.
    """
    offset = bracket_depth(text, MAX_NESTING)
    if offset is not None:
        line, column = text_position(text, offset)
        raise BadQuery(
            f"the {kind} nests brackets more than {MAX_NESTING} deep (line {line}, column {column}); simplify it",
            line=line,
            column=column,
        )
    return text


def _one(params: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in params if k == name]
    if len(values) > 1:
        raise BadQuery(f"the request has {len(values)} '{name}' parameters; exactly one is allowed")
    return values[0] if values else None


#: The parameters clients use to name the answer's format: ``format`` (Virtuoso, Fuseki), ``output`` (Sparqler,
#: ARQ) and ``results``. SPARQLWrapper sends all three, and for TSV, RDF/XML and JSON-LD each twice (its short
#: name and the media type: ``format=tsv&format=text/tab-separated-values``).
FORMAT_PARAMETERS = ("format", "output", "results")


def _meaning(value: str) -> tuple[str | None, str | None]:
    """What a format value names: the results media type and the RDF media type it selects (None: neither)."""
    chosen: list[str | None] = []
    for offered, aliases, default in (
        (RESULT_FORMATS, RESULT_ALIASES, media_types.SPARQL_RESULTS_JSON),
        (GRAPH_FORMATS, GRAPH_ALIASES, media_types.TURTLE),
    ):
        try:
            chosen.append(negotiate(None, value, offered, aliases, default))
        except NotAcceptable:
            chosen.append(None)
    return chosen[0], chosen[1]


def _one_format(value: str) -> str:
    """A value as one format: a comma-separated list of media types (SPARQLWrapper sends its Accept header
    as a value for JSON-LD: ``application/ld+json,application/x-json+ld``) stands for its first known one."""
    items = [item.strip() for item in value.split(",") if item.strip()]
    return next((item for item in items if _meaning(item) != (None, None)), items[0] if items else value.strip())


def format_override(params: list[tuple[str, str]]) -> str | None:
    """The one format the request names in ``format``, ``output`` or ``results`` (repeats that agree are fine).

    The protocol forbids repeating ``query``, not these; values that name the same format (``tsv`` and
    ``text/tab-separated-values``) are one request, values that name different ones are a 400 saying which.
    Empty values (SPARQLWrapper sends ``format=`` when it accepts anything) are ignored, and a list of media
    types in one value counts as its first known one.
    """
    values = list(dict.fromkeys(_one_format(v) for k, v in params if k in FORMAT_PARAMETERS and v.strip()))
    if len(values) <= 1:
        return values[0] if values else None
    meanings = [_meaning(v) for v in values]
    for column in (0, 1):  # agreeing as results formats, or as RDF formats
        chosen = {meaning[column] for meaning in meanings}
        if len(chosen) == 1 and None not in chosen:
            return values[0]
    raise BadQuery(f"the request names different answer formats ({', '.join(values)}); name one")


def _all(params: list[tuple[str, str]], name: str) -> tuple[str, ...]:
    return tuple(v for k, v in params if k == name)


def _url_params(query_string: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(query_string, keep_blank_values=True, strict_parsing=False, errors="strict")
    except UnicodeDecodeError as err:
        raise BadQuery("the URL's query string is not valid UTF-8") from err


def parse_operation(
    method: str, query_string: str, content_type: str | None, body: bytes
) -> QueryRequest | UpdateRequest | None:
    """The operation a request to the SPARQL endpoint asks for; `None` for a GET with no query at all."""
    operation = _parse_operation(method, query_string, content_type, body)
    if isinstance(operation, QueryRequest):
        check_nesting(operation.query, "query")
    elif isinstance(operation, UpdateRequest):
        check_nesting(operation.update, "update")
    return operation


def _parse_operation(
    method: str, query_string: str, content_type: str | None, body: bytes
) -> QueryRequest | UpdateRequest | None:
    url = _url_params(query_string)
    fmt = format_override(url)
    if method in ("GET", "HEAD"):
        if _one(url, "update") is not None:
            raise BadQuery("an update must be sent with POST, not GET (SPARQL 1.1 Protocol, section 2.2)")
        query = _one(url, "query")
        if query is None:
            return None
        return QueryRequest(query, _all(url, "default-graph-uri"), _all(url, "named-graph-uri"), fmt)
    if method != "POST":
        raise BadQuery(f"the SPARQL endpoint answers GET and POST, not {method}")
    media, parameters = media_type(content_type)
    if media == FORM:
        form = parse_qsl(_decode(body, parameters), keep_blank_values=True)
        if _one(url, "query") is not None or _one(url, "update") is not None:
            raise BadQuery("with a URL-encoded POST, the query or update goes in the body, not the URL")
        fmt = format_override(form) or fmt
        query, update = _one(form, "query"), _one(form, "update")
        if query is not None and update is not None:
            raise BadQuery("the form has both 'query' and 'update'; send one operation per request")
        if query is not None:
            return QueryRequest(query, _all(form, "default-graph-uri"), _all(form, "named-graph-uri"), fmt)
        if update is not None:
            return UpdateRequest(update, _all(form, "using-graph-uri"), _all(form, "using-named-graph-uri"))
        raise BadQuery("the form has neither a 'query' nor an 'update' field")
    if media == SPARQL_QUERY:
        return QueryRequest(
            _decode(body, parameters), _all(url, "default-graph-uri"), _all(url, "named-graph-uri"), fmt
        )
    if media == SPARQL_UPDATE:
        return UpdateRequest(
            _decode(body, parameters), _all(url, "using-graph-uri"), _all(url, "using-named-graph-uri")
        )
    if not media:
        raise BadQuery(
            f"the POST has no Content-Type: send {FORM}, {SPARQL_QUERY} or {SPARQL_UPDATE} (SPARQL 1.1 Protocol)"
        )
    raise UnsupportedMediaType(
        f"cannot read a POST body of type {media!r}: send {FORM}, {SPARQL_QUERY} or {SPARQL_UPDATE}"
    )
