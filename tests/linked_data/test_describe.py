"""The description a dereferenced IRI returns, on a small in-memory store."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ccg_graph.core.errors import NotFound
from ccg_graph.linked_data.describe import describe
from ccg_graph.store import EmbeddedStore

ID = "https://w3id.org/ccg-graph/id/"
CCG = "https://w3id.org/ccg-graph/def#"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
G = ox.NamedNode(ID + "graph/test")


def n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


@pytest.fixture
def store() -> EmbeddedStore:
    store = EmbeddedStore()
    share, inner = ox.BlankNode("share"), ox.BlankNode("inner")
    quads = [
        (n(ID + "ccg/A"), n(CCG + "successor"), n(ID + "ccg/B")),
        (n(ID + "ccg/A"), n(SKOS_PREF), ox.Literal("A CCG", language="en")),
        (n(ID + "ccg/A"), n(CCG + "share"), share),
        (share, n(CCG + "practiceCount"), ox.Literal("3", datatype=n("http://www.w3.org/2001/XMLSchema#integer"))),
        (share, n(CCG + "part"), inner),
        (inner, n(CCG + "note"), ox.Literal("deep")),
        (n(ID + "ccg/B"), n(SKOS_PREF), ox.Literal("B CCG", language="en")),
        (n(ID + "ccg/B"), n(CCG + "odsCode"), ox.Literal("B")),
        (n(ID + "ccg/C"), n(CCG + "successor"), n(ID + "ccg/B")),
    ]
    for s, p, o in quads:
        store.native.add(ox.Quad(s, p, o, G))
    return store


def test_concise_bounded_description_with_blank_nodes_and_labels_of_links(store: EmbeddedStore) -> None:
    triples = describe(store, ID + "ccg/A")
    text = {(str(t.subject), str(t.predicate), str(t.object)) for t in triples}
    assert (f"<{ID}ccg/A>", f"<{CCG}successor>", f"<{ID}ccg/B>") in text
    assert (f"<{ID}ccg/B>", f"<{SKOS_PREF}>", '"B CCG"@en') in text, "the label of what it links to"
    assert not any(p == f"<{CCG}odsCode>" for _, p, _ in text), "only labels of linked resources, not their facts"
    assert any(p == f"<{CCG}note>" for _, p, _ in text), "blank nodes are followed two levels"
    assert not any(s == f"<{ID}ccg/C>" for s, _, _ in text), "inbound links are not part of a CBD"


def test_an_iri_used_only_as_an_object_resolves_to_what_points_at_it(store: EmbeddedStore) -> None:
    store.native.add(ox.Quad(n(ID + "ccg/A"), n(CCG + "seeAlso"), n(ID + "only-an-object"), G))
    triples = describe(store, ID + "only-an-object")
    assert [(t.subject, t.object) for t in triples] == [(n(ID + "ccg/A"), n(ID + "only-an-object"))]


def test_unknown_iri_is_not_found(store: EmbeddedStore) -> None:
    with pytest.raises(NotFound):
        describe(store, ID + "ccg/NOPE")


def test_the_description_carries_the_basis_of_the_graphs_its_facts_sit_in(store: EmbeddedStore) -> None:
    provenance = ox.NamedNode(ID + "graph/provenance")
    store.native.add(ox.Quad(G, n(CCG + "basis"), n(CCG + "StatutoryRequirement"), provenance))
    text = {(str(t.subject), str(t.predicate), str(t.object)) for t in describe(store, ID + "ccg/A")}
    assert (f"<{ID}ccg/A>", f"<{CCG}statedIn>", f"<{G.value}>") in text
    assert (f"<{G.value}>", f"<{CCG}basis>", f"<{CCG}StatutoryRequirement>") in text
