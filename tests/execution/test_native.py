"""The native SELECT writer: rows counted exactly from pyoxigraph's bytes, in every format, however chunked."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest

from ccg_graph.execution.native import COUNTERS, CappedSolutionsWriter, RowCapReached

EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
#: Literals made to look like the structure each counter relies on.
TRICKY = [
    "plain",
    "comma,{brace} and [{bracket}",
    'quote " and escaped \\" and \\\\',
    "ends in a backslash \\",
    "ends in two backslashes \\\\",
    '"}},{"type":"uri"',
    "new\nline\r\nand\ttab",
    '<result><binding name="x">',
    "café ✓",
    "{}",
    ",{",
    "[{",
]


def _store() -> ox.Store:
    store = ox.Store()
    quads = []
    for index, text in enumerate(TRICKY):
        subject = ox.NamedNode(f"{EX}s{index}")
        quads.append(ox.Quad(subject, ox.NamedNode(EX + "label"), ox.Literal(text), ox.DefaultGraph()))
        quads.append(ox.Quad(subject, ox.NamedNode(EX + "lang"), ox.Literal(text, language="en"), ox.DefaultGraph()))
        number = ox.Literal(str(index), datatype=ox.NamedNode(XSD + "integer"))
        quads.append(ox.Quad(subject, ox.NamedNode(EX + "n"), number, ox.DefaultGraph()))
        quads.append(ox.Quad(ox.BlankNode(f"b{index}"), ox.NamedNode(EX + "about"), subject, ox.DefaultGraph()))
    store.extend(quads)
    return store


QUERIES = [
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",
    "SELECT ?s ?missing WHERE { ?s ?p ?o OPTIONAL { ?s <http://example.org/none> ?missing } }",
    "SELECT * WHERE { }",  # one row binding nothing
    "SELECT ?x WHERE { FILTER(false) }",  # no rows
    "SELECT ?x WHERE { VALUES ?x { UNDEF UNDEF } }",  # rows binding nothing
]
FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


def _select(store: ox.Store, query: str) -> ox.QuerySolutions:
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def _rows_by_parsing(short: str, body: bytes) -> int:
    """The row count read back by a parser of the format (not by the counter under test)."""
    if short == "json":
        return len(json.loads(body)["results"]["bindings"])
    if short == "xml":
        namespace = "{http://www.w3.org/2005/sparql-results#}"
        return len(ET.fromstring(body).findall(f"{namespace}results/{namespace}result"))
    if short == "csv":
        return len(list(csv.reader(io.StringIO(body.decode(), newline="")))) - 1
    return len(body.decode().split("\n")) - 2  # header line and the empty string after the last newline


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("short", FORMATS)
def test_rows_are_counted_exactly_whatever_the_chunking(query: str, short: str) -> None:
    store = _store()
    expected = len(list(_select(store, query)))
    body = _select(store, query).serialize(format=FORMATS[short])
    assert isinstance(body, bytes)
    assert _rows_by_parsing(short, body) == expected
    for size in (1, 2, 3, 7, len(body) or 1):
        counter = COUNTERS[short]()
        counted = sum(counter.feed(body[i : i + size]) for i in range(0, len(body), size))
        assert counted == expected, (size, body)


@pytest.mark.parametrize("short", FORMATS)
def test_the_writer_keeps_the_bytes_and_stops_past_the_cap(short: str) -> None:
    store = _store()
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    total = len(list(_select(store, query)))
    whole = CappedSolutionsWriter(short, total, 1 << 20)
    _select(store, query).serialize(
        whole,  # type: ignore[arg-type]
        FORMATS[short],
    )
    assert (whole.rows, whole.capped, whole.spilled) == (total, False, False)
    assert whole.body() == _select(store, query).serialize(format=FORMATS[short])

    capped = CappedSolutionsWriter(short, total - 1, 1 << 20)
    with pytest.raises((RowCapReached, OSError)):
        _select(store, query).serialize(
            capped,  # type: ignore[arg-type]
            FORMATS[short],
        )
    assert capped.capped


def test_large_answers_spill_to_disk_and_read_back_whole() -> None:
    store = _store()
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    writer = CappedSolutionsWriter("json", 1000, 64)
    _select(store, query).serialize(
        writer,  # type: ignore[arg-type]
        ox.QueryResultsFormat.JSON,
    )
    assert writer.spilled
    assert b"".join(writer.chunks()) == _select(store, query).serialize(format=ox.QueryResultsFormat.JSON)
