"""The guarded parser on its own: every guard refuses what it should, with where, and passes real documents."""

from __future__ import annotations

import subprocess
import sys

import pyoxigraph as ox
import pytest

from ccg_graph.core.errors import BadInput, PayloadTooLarge, UnsupportedMediaType
from ccg_graph.rdf.parser import READABLE, RdfLimits, bracket_depth, guard_update_data, parse_body, read_file
from tests.rdf.corpus import COMPLETE, encodings, hostile_entities, media_types, nesting_bombs, truncated, truncations

LIMITS = RdfLimits(max_nesting=100, max_bytes=1024 * 1024)


def test_every_readable_syntax_has_a_complete_document() -> None:
    assert set(COMPLETE) == set(READABLE)


@pytest.mark.parametrize("media", sorted(COMPLETE))
def test_complete_documents_parse_whole(media: str) -> None:
    assert len(parse_body(COMPLETE[media], media, limits=LIMITS).triples) == 3


@pytest.mark.parametrize("case", truncations(sorted(COMPLETE)), ids=lambda c: c.name)
def test_truncated_documents_are_refused(case) -> None:
    # the same cut parses to fewer triples when pyoxigraph reads it unguarded (RDF/XML) or fails there too
    with pytest.raises(BadInput) as refused:
        parse_body(case.body, case.content_type, limits=LIMITS)
    assert case.says.lower() in refused.value.reason.lower()
    assert refused.value.line is not None


def test_pyoxigraph_alone_reads_the_truncated_rdf_xml_as_fewer_triples() -> None:
    """Why the XML guard exists: the cut document is read as two of its three triples without it."""
    quads = list(ox.parse(truncated("application/rdf+xml"), format=ox.RdfFormat.RDF_XML))
    assert 0 < len(quads) < 3


@pytest.mark.parametrize(
    "case",
    [*nesting_bombs(), *hostile_entities("http://127.0.0.1:9"), *encodings(), *media_types()],
    ids=lambda c: c.name,
)
def test_hostile_documents_are_refused_naming_the_problem(case) -> None:
    with pytest.raises((BadInput, UnsupportedMediaType)) as refused:
        parse_body(case.body, case.content_type, limits=LIMITS)
    assert case.says.lower() in str(refused.value).lower()
    assert refused.value.http_status == case.status


def test_nesting_within_the_limit_parses_and_the_limit_is_configurable() -> None:
    body = b"<http://e/a> <http://e/p> " + b"[ <http://e/p> " * 50 + b"1" + b" ]" * 50 + b" ."
    assert len(parse_body(body, "text/turtle", limits=LIMITS).triples) == 51
    with pytest.raises(BadInput, match="more than 10 levels"):
        parse_body(body, "text/turtle", limits=RdfLimits(max_nesting=10))


def test_brackets_in_strings_iris_and_comments_do_not_count() -> None:
    text = '<http://e/a> <http://e/p> "[[[[" , """((((\n))""" , <http://e/[[> . # [[[[\n'
    assert bracket_depth(text, 1) is None
    assert bracket_depth("[ [ ]", 1) == 2


def test_errors_say_line_and_column() -> None:
    body = b'@prefix e: <http://e/> .\ne:a e:p "ok" .\ne:a e:p e:b e:c .\n'
    with pytest.raises(BadInput) as refused:
        parse_body(body, "text/turtle", limits=LIMITS)
    assert (refused.value.line, refused.value.column) == (3, 13)
    with pytest.raises(BadInput) as refused:
        parse_body(
            b'<http://e/a> <http://e/b> "ok" .\n<http://e/a> <http://e/b> "\xff" .', "text/turtle", limits=LIMITS
        )
    assert refused.value.line == 2 and refused.value.column == 28


def test_blank_nodes_are_fresh_in_every_parse() -> None:
    body = b"_:b1 <http://e/p> _:b1 ."
    (first,) = parse_body(body, "text/turtle", limits=LIMITS).triples
    (second,) = parse_body(body, "text/turtle", limits=LIMITS).triples
    assert first.subject == first.object and first.subject != second.subject
    assert isinstance(first.subject, ox.BlankNode) and first.subject.value != "b1"


def test_size_limit() -> None:
    with pytest.raises(PayloadTooLarge):
        parse_body(b"<http://e/a> <http://e/b> <http://e/c> .", "text/turtle", limits=RdfLimits(max_bytes=10))


def test_files_go_through_the_same_guards(tmp_path) -> None:
    deep = nesting_bombs()[0]
    path = tmp_path / "deep.jsonld"
    path.write_bytes(deep.body)
    with pytest.raises(BadInput) as refused:
        read_file(path, LIMITS)
    assert refused.value.path == str(path) and "nests" in refused.value.reason


def test_unguarded_pyoxigraph_crashes_on_the_json_ld_bomb() -> None:
    """The guard is there for a reason: pyoxigraph's JSON-LD parser overflows the stack (the process dies)."""
    script = "import sys, pyoxigraph as ox; list(ox.parse(sys.stdin.buffer.read(), format=ox.RdfFormat.JSON_LD))"
    result = subprocess.run([sys.executable, "-c", script], input=nesting_bombs()[0].body, capture_output=True)
    assert result.returncode < 0, "pyoxigraph now survives the bomb: the guard could be relaxed"


def test_literal_limit_on_turtle_bodies_says_where() -> None:
    limits = RdfLimits(max_nesting=100, max_bytes=1024 * 1024, max_literal_bytes=64)
    body = b'<http://e/a> <http://e/b> "short" .\n<http://e/a> <http://e/c> "' + b"x" * 100 + b'" .'
    with pytest.raises(BadInput) as refused:
        parse_body(body, "text/turtle", limits=limits)
    assert (refused.value.line, refused.value.column) == (2, 27)
    assert "literal of 102 bytes" in refused.value.reason
    assert len(parse_body(body.replace(b"x" * 100, b"x" * 60), "text/turtle", limits=limits).triples) == 2


UPDATE_LIMITS = RdfLimits(max_nesting=3, max_bytes=1024 * 1024, max_literal_bytes=16)


@pytest.mark.parametrize(
    ("update", "where"),
    [
        ("INSERT DATA {\n <http://e/a> <http://e/p> ( ( ( ( 1 ) ) ) ) }", (2, 34)),
        # the GRAPH block counts as a level, as in a TriG body
        (
            "DELETE DATA { GRAPH <http://e/g> {\n"
            " <http://e/a> <http://e/p> [ <http://e/p> [ <http://e/p> [ 1 ] ] ] } }",
            (2, 58),
        ),
        ('insert data { <http://e/a> <http://e/p> "a literal far too long" }', (1, 41)),
    ],
)
def test_update_data_blocks_meet_the_body_limits(update: str, where: tuple[int, int]) -> None:
    with pytest.raises(BadInput) as refused:
        guard_update_data(update, limits=UPDATE_LIMITS)
    assert (refused.value.line, refused.value.column) == where


def test_update_outside_data_blocks_is_left_to_the_query_limits() -> None:
    # WHERE patterns nest groups and filters and match long strings: that is the protocol's bracket limit's job
    where = 'DELETE { ?s ?p ?o } WHERE { { { { ?s ?p ?o FILTER(?o = "a literal far too long") } } } }'
    guard_update_data(where, limits=UPDATE_LIMITS)
    # keywords inside strings, IRIs and comments open no block
    keywords = 'INSERT DATA { <http://e/a> <http://e/p> "DELETE DATA{((" } # DELETE DATA {'
    guard_update_data(keywords, limits=UPDATE_LIMITS)
    guard_update_data("INSERT DATA { <http://e/a> <http://e/p> ( ( ( 1 ) ) ) }", limits=UPDATE_LIMITS)
