"""`ccg_graph.protocol.graph_store`: graphs as resources, and the change set each Graph Store request makes."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ccg_graph.core.errors import BadInput, UnsupportedMediaType
from ccg_graph.protocol import graph_store as gsp
from ccg_graph.rdf.parser import RdfLimits
from ccg_graph.store import EmbeddedStore

G = ox.NamedNode("urn:ccg-graph:test:graph")
S, P = ox.NamedNode("urn:s"), ox.NamedNode("urn:p")
LIMITS = RdfLimits()


@pytest.fixture
def store() -> EmbeddedStore:
    store = EmbeddedStore()
    store.native.extend([ox.Quad(S, P, ox.Literal("old"), G), ox.Quad(S, P, ox.Literal("kept"), G)])
    return store


def test_graph_names_and_labels() -> None:
    assert gsp.graph_name("urn:x", False) == ox.NamedNode("urn:x")
    assert isinstance(gsp.graph_name(None, True), ox.DefaultGraph)
    assert gsp.graph_label(ox.NamedNode("urn:x")) == "<urn:x>"
    assert gsp.graph_label(ox.DefaultGraph()) == "the default graph"


def test_put_replaces_the_graph_post_merges_delete_empties(store: EmbeddedStore) -> None:
    new = [ox.Triple(S, P, ox.Literal("new")), ox.Triple(S, P, ox.Literal("kept"))]
    put = gsp.change_for_put(store, G, new)
    assert put.added == {ox.Quad(S, P, ox.Literal("new"), G)}
    assert put.removed == {ox.Quad(S, P, ox.Literal("old"), G)}
    post = gsp.change_for_post(store, G, new)
    assert post.added == {ox.Quad(S, P, ox.Literal("new"), G)} and not post.removed
    delete = gsp.change_for_delete(store, G)
    assert delete.removed == set(store.quads_for_pattern(None, None, None, G)) and not delete.added
    assert gsp.graph_exists(store, G) and not gsp.graph_exists(store, ox.NamedNode("urn:none"))


def test_a_body_is_read_in_any_readable_syntax_with_relative_iris_resolved() -> None:
    turtle = gsp.parse_rdf_body(b"<s> <p> 'o' .", "text/turtle; charset=utf-8", "http://example.org/", LIMITS)
    ntriples = gsp.parse_rdf_body(b'<http://example.org/s> <http://example.org/p> "o" .\n', "text/plain", None, LIMITS)
    assert (
        turtle
        == ntriples
        == [ox.Triple(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"), ox.Literal("o"))]
    )


def test_each_part_of_a_multipart_body_is_read() -> None:
    boundary = "XyZ"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=a; filename=a.ttl\r\nContent-Type: text/turtle\r\n\r\n"
        "<urn:a> <urn:p> 1 .\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=b; filename=b.nt\r\n"
        "Content-Type: application/n-triples\r\n\r\n<urn:b> <urn:p> <urn:c> .\r\n"
        f"--{boundary}--\r\n"
    ).encode()
    triples = gsp.parse_rdf_body(body, f"multipart/form-data; boundary={boundary}", None, LIMITS)
    assert {t.subject for t in triples} == {ox.NamedNode("urn:a"), ox.NamedNode("urn:b")}


def test_a_syntax_error_is_bad_input_and_an_unknown_media_type_is_refused() -> None:
    with pytest.raises(BadInput):
        gsp.parse_rdf_body(b"<s> <p> .", "text/turtle", "http://example.org/", LIMITS)
    with pytest.raises(UnsupportedMediaType):
        gsp.parse_rdf_body(b"a,b\n", "text/csv", None, LIMITS)
