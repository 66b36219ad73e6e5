"""Federated queries (``SERVICE``), only to allow-listed endpoints, through SPARQLWrapper.

pyoxigraph would fetch any ``SERVICE`` IRI itself, including internal addresses, so no query reaches the
engine with a ``SERVICE`` clause left in it. Each clause is found by a small lexer that skips strings,
comments and IRIs; its endpoint must be on the allow-list (``CCG_GRAPH_SERVICE_ALLOW``), or the query is
refused. An allowed clause is sent to its endpoint as ``SELECT * WHERE { … }`` with the query's prologue,
and the answer replaces the clause as an inline ``VALUES`` block. That is the SPARQL 1.1 Federated Query
semantics for a ``SERVICE`` whose endpoint is a constant: the remote pattern is evaluated on its own and
joined with the rest of the group.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from ccg_graph.core.errors import BadQuery, CCGGraphError
from ccg_graph.sparql.lexer import code_regions

_SERVICE = re.compile(r"(?<![\w:?$])SERVICE\b", re.IGNORECASE)
_SILENT = re.compile(r"\s*SILENT\b", re.IGNORECASE)
_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_BASE_DECL = re.compile(r"BASE\s*<([^>]*)>", re.IGNORECASE)
_IRIREF = re.compile(r"\s*<([^<>\"{}|^`\\\s]*)>")
_PNAME = re.compile(r"\s*([A-Za-z][\w.-]*)?:([\w.:%-]*)")
_VARIABLE = re.compile(r"\s*[?$]\w+")
REMOTE_BNODE_PREFIX = "urn:x-ccg-graph:remote-bnode:"


class ServiceNotAllowed(CCGGraphError):
    """The request names a URL to fetch that is not on the allow-list."""

    http_status = 403


class ServiceFailed(CCGGraphError):
    """An allow-listed endpoint did not answer a ``SERVICE`` clause (and the clause was not SILENT)."""

    http_status = 502


@dataclass(frozen=True)
class ServiceClause:
    start: int  # offset of the SERVICE keyword
    end: int  # offset just after the closing brace
    endpoint: str
    silent: bool
    body: str  # the text between the braces


def normalise_endpoint(url: str) -> str:
    return url.strip().rstrip("/")


def is_allowed(url: str, allow_list: Iterable[str]) -> bool:
    """Exact endpoint match (scheme, host, port and path), ignoring a trailing slash."""
    wanted = normalise_endpoint(url)
    return any(wanted == normalise_endpoint(allowed) for allowed in allow_list if allowed.strip())


def _in_code(offset: int, regions: list[tuple[int, int]]) -> bool:
    return any(a <= offset < b for a, b in regions)


def _matching_brace(text: str, open_at: int, regions: list[tuple[int, int]]) -> int:
    depth = 0
    for region_start, region_end in regions:
        if region_end <= open_at:
            continue
        for i in range(max(open_at, region_start), region_end):
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
                if depth == 0:
                    return i
    raise BadQuery("a SERVICE clause has no closing brace")


def prologue(text: str) -> str:
    """The ``BASE`` and ``PREFIX`` declarations of a query, to send along with a remote pattern."""
    declarations = [f"BASE <{m.group(1)}>" for m in _BASE_DECL.finditer(text)]
    declarations += [f"PREFIX {m.group(1) or ''}: <{m.group(2)}>" for m in _PREFIX_DECL.finditer(text)]
    return "\n".join(declarations)


def find_service_clauses(text: str) -> list[ServiceClause]:
    """Every top-level ``SERVICE`` clause of a query or update, outermost first, left to right."""
    if "service" not in text.lower():  # the common case, without lexing the whole text
        return []
    regions = code_regions(text)
    prefixes = {m.group(1) or "": m.group(2) for m in _PREFIX_DECL.finditer(text)}
    clauses: list[ServiceClause] = []
    position = 0
    while True:
        match = _SERVICE.search(text, position)
        if match is None:
            return clauses
        if not _in_code(match.start(), regions):
            position = match.end()
            continue
        cursor = match.end()
        silent_match = _SILENT.match(text, cursor)
        silent = silent_match is not None
        if silent_match:
            cursor = silent_match.end()
        if iri := _IRIREF.match(text, cursor):
            endpoint = iri.group(1)
            cursor = iri.end()
        elif _VARIABLE.match(text, cursor):
            raise BadQuery("SERVICE with a variable endpoint is not supported: name the endpoint IRI")
        elif pname := _PNAME.match(text, cursor):
            prefix = pname.group(1) or ""
            if prefix not in prefixes:
                raise BadQuery(f"SERVICE endpoint uses the undeclared prefix {prefix!r}")
            endpoint = prefixes[prefix] + pname.group(2)
            cursor = pname.end()
        else:
            raise BadQuery("SERVICE must be followed by the endpoint IRI")
        open_at = text.find("{", cursor)
        if open_at < 0 or text[cursor:open_at].strip():
            raise BadQuery("SERVICE <endpoint> must be followed by a group pattern { … }")
        close_at = _matching_brace(text, open_at, regions)
        clauses.append(ServiceClause(match.start(), close_at + 1, endpoint, silent, text[open_at + 1 : close_at]))
        position = close_at + 1


def check_allowed(text: str, allow_list: Iterable[str]) -> list[ServiceClause]:
    """The query's SERVICE clauses, or `ServiceNotAllowed` naming the first endpoint not allowed."""
    allow = list(allow_list)
    clauses = find_service_clauses(text)
    for clause in clauses:
        if not is_allowed(clause.endpoint, allow):
            raise ServiceNotAllowed(
                f"SERVICE <{clause.endpoint}> is not allowed: this server only queries endpoints on its "
                "allow-list (CCG_GRAPH_SERVICE_ALLOW)"
            )
    return clauses


def _term_from_json(value: dict[str, str]) -> str:
    kind = value.get("type")
    if kind == "uri":
        return str(ox.NamedNode(value["value"]))
    if kind == "bnode":
        return str(ox.NamedNode(REMOTE_BNODE_PREFIX + value["value"]))
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in value:
            return str(ox.Literal(value["value"], language=value["xml:lang"]))
        if "datatype" in value:
            return str(ox.Literal(value["value"], datatype=ox.NamedNode(value["datatype"])))
        return str(ox.Literal(value["value"]))
    raise ServiceFailed(f"the remote endpoint answered a binding of unknown type {kind!r}")


def values_block(answer: dict) -> str:
    """A SPARQL JSON results document as an inline ``VALUES`` block."""
    variables = answer.get("head", {}).get("vars", [])
    rows = answer.get("results", {}).get("bindings", [])
    if not variables:
        return "{ VALUES () { " + "() " * len(rows) + "} }"
    lines = []
    for row in rows:
        cells = [_term_from_json(row[v]) if v in row else "UNDEF" for v in variables]
        lines.append("(" + " ".join(cells) + ")")
    header = " ".join("?" + v for v in variables)
    return "{ VALUES (" + header + ") {\n" + "\n".join(lines) + "\n} }"


def fetch_remote(endpoint: str, query: str, timeout: float) -> dict:
    """Run a SELECT on a remote endpoint with SPARQLWrapper and return its JSON results."""
    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    wrapper = SPARQLWrapper(endpoint)
    wrapper.setQuery(query)
    wrapper.setMethod(POST)
    wrapper.setReturnFormat(JSON)
    wrapper.setTimeout(max(1, int(timeout)))
    try:
        raw = wrapper.query().response.read()
        return json.loads(raw)
    except Exception as err:  # SPARQLWrapper raises urllib, socket and its own errors alike
        raise ServiceFailed(f"SERVICE <{endpoint}> failed: {err}") from err


def inline_services(text: str, allow_list: Iterable[str], timeout: float) -> str:
    """`text` with every allowed ``SERVICE`` clause replaced by the remote answer as ``VALUES``."""
    clauses = check_allowed(text, allow_list)
    if not clauses:
        return text
    declarations = prologue(text)
    pieces: list[str] = []
    position = 0
    for clause in clauses:
        remote_query = f"{declarations}\nSELECT * WHERE {{{clause.body}}}"
        try:
            block = values_block(fetch_remote(clause.endpoint, remote_query, timeout))
        except ServiceFailed:
            if not clause.silent:
                raise
            block = "{ }"
        pieces.append(text[position : clause.start])
        pieces.append(block)
        position = clause.end
    pieces.append(text[position:])
    return "".join(pieces)
