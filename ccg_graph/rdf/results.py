"""Streaming writers for SPARQL 1.1 query results (JSON, XML, CSV, TSV) and RDF graphs.

pyoxigraph serialises a whole result iterator in one call and cannot stop at a row cap, so SELECT results
are written here, row by row, in chunks: the server forwards chunks as they come and its memory stays flat
whatever the size of the answer. Graph results (CONSTRUCT/DESCRIBE) are capped first and then written by
pyoxigraph's own serialisers, which know every RDF syntax.

Each writer follows its W3C recommendation: SPARQL 1.1 Query Results JSON Format, SPARQL Query Results
XML Format (Second Edition), and SPARQL 1.1 Query Results CSV and TSV Formats.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator, Sequence
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ccg_graph.core.namespaces import XSD_STRING

CHUNK_BYTES = 64 * 1024

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = Sequence[Term | None]


def _chunked(pieces: Iterable[str]) -> Iterator[bytes]:
    """Join small string pieces into chunks of about CHUNK_BYTES bytes."""
    buffer: list[str] = []
    size = 0
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= CHUNK_BYTES:
            yield "".join(buffer).encode("utf-8")
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer).encode("utf-8")


# --- JSON ---------------------------------------------------------------------------------------------


def _json_term(term: Term) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        value: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            value["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            value["datatype"] = term.datatype.value
        return value
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


def _json_rows(variables: Sequence[str], rows: Iterable[Row]) -> Iterator[str]:
    yield '{"head":{"vars":' + json.dumps(list(variables)) + '},"results":{"bindings":['
    separator = ""
    for row in rows:
        binding = {name: _json_term(term) for name, term in zip(variables, row, strict=True) if term is not None}
        yield separator + json.dumps(binding, ensure_ascii=False, separators=(",", ":"))
        separator = ",\n"
    yield "]}}\n"


# --- XML ----------------------------------------------------------------------------------------------


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return (
        "<triple>"
        f"<subject>{_xml_term(term.subject)}</subject>"
        f"<predicate>{_xml_term(term.predicate)}</predicate>"
        f"<object>{_xml_term(term.object)}</object>"
        "</triple>"
    )


_XML_HEAD = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'


def _xml_rows(variables: Sequence[str], rows: Iterable[Row]) -> Iterator[str]:
    yield _XML_HEAD + "<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in variables) + "</head>\n"
    yield "<results>\n"
    for row in rows:
        bindings = "".join(
            f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>"
            for name, term in zip(variables, row, strict=True)
            if term is not None
        )
        yield f"<result>{bindings}</result>\n"
    yield "</results>\n</sparql>\n"


# --- CSV and TSV --------------------------------------------------------------------------------------


def _csv_field(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        text = "_:" + term.value
    elif isinstance(term, ox.NamedNode | ox.Literal):
        text = term.value
    else:
        text = str(term)
    if any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_rows(variables: Sequence[str], rows: Iterable[Row]) -> Iterator[str]:
    yield ",".join(_csv_field(ox.Literal(v)) for v in variables) + "\r\n"
    for row in rows:
        yield ",".join(_csv_field(term) for term in row) + "\r\n"


def _tsv_field(term: Term | None) -> str:
    if term is None:
        return ""
    # pyoxigraph's str() is the N-Triples/Turtle form the TSV format asks for; a tab is escaped as \t.
    return str(term).replace("\t", "\\t")


def _tsv_rows(variables: Sequence[str], rows: Iterable[Row]) -> Iterator[str]:
    yield "\t".join("?" + v for v in variables) + "\n"
    for row in rows:
        yield "\t".join(_tsv_field(term) for term in row) + "\n"


_ROW_WRITERS = {"json": _json_rows, "xml": _xml_rows, "csv": _csv_rows, "tsv": _tsv_rows}


def write_solutions(short_format: str, variables: Sequence[str], rows: Iterable[Row]) -> Iterator[bytes]:
    """SELECT results in `short_format` (json, xml, csv or tsv), as chunks of UTF-8 bytes."""
    return _chunked(_ROW_WRITERS[short_format](variables, rows))


def write_boolean(short_format: str, value: bool) -> bytes:
    """An ASK answer in `short_format`."""
    word = "true" if value else "false"
    if short_format == "json":
        return ('{"head":{},"boolean":' + word + "}\n").encode()
    if short_format == "xml":
        return (_XML_HEAD + "<head/>\n<boolean>" + word + "</boolean>\n</sparql>\n").encode()
    if short_format == "csv":
        return ("_askResult\r\n" + word + "\r\n").encode()
    return ("?_askResult\n" + word + "\n").encode()


def write_triples(rdf_format: ox.RdfFormat, triples: Sequence[ox.Triple], prefixes: dict[str, str]) -> bytes:
    """A graph result in `rdf_format`, with `prefixes` declared where the syntax has prefixes."""
    output = io.BytesIO()
    with_prefixes = rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML)
    quads_only = rdf_format in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS)
    items = [ox.Quad(t.subject, t.predicate, t.object) for t in triples] if quads_only else triples
    ox.serialize(items, output, rdf_format, prefixes=prefixes if with_prefixes else None)
    return output.getvalue()
