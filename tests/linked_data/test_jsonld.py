"""The JSON-LD writer: the shape apps read, and an exact round trip to the same triples."""

from __future__ import annotations

import json

import pyoxigraph as ox
from rdflib import Graph
from rdflib.compare import isomorphic

from ccg_graph.linked_data.context import REUSED_TERMS, Term
from ccg_graph.linked_data.jsonld import to_jsonld

CCG = "https://w3id.org/ccg-graph/def#"
ID = "https://w3id.org/ccg-graph/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
TERMS = {
    **REUSED_TERMS,
    "ClinicalCommissioningGroup": Term(CCG + "ClinicalCommissioningGroup"),
    "odsCode": Term(CCG + "odsCode"),
    "openDate": Term(CCG + "openDate", type=XSD + "date"),
    "successor": Term(CCG + "successor", type="@id"),
    "lsoaCount": Term(CCG + "lsoaCount"),
}


def n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def sample() -> list[ox.Triple]:
    s, nxt, blank = n(ID + "ccg/03V"), n(ID + "ccg/78H"), ox.BlankNode("b1")
    return [
        ox.Triple(s, n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), n(CCG + "ClinicalCommissioningGroup")),
        ox.Triple(s, n(CCG + "odsCode"), ox.Literal("03V")),
        ox.Triple(s, n(CCG + "openDate"), ox.Literal("2013-04-01", datatype=n(XSD + "date"))),
        ox.Triple(s, n(CCG + "openDate"), ox.Literal("2013", datatype=n(XSD + "gYear"))),
        ox.Triple(s, n("http://www.w3.org/2004/02/skos/core#prefLabel"), ox.Literal("NHS Corby CCG", language="en")),
        ox.Triple(s, n("http://www.w3.org/2004/02/skos/core#prefLabel"), ox.Literal("Corby", language="cy")),
        ox.Triple(s, n(CCG + "successor"), nxt),
        ox.Triple(s, n(CCG + "lsoaCount"), ox.Literal("41", datatype=n(XSD + "integer"))),
        ox.Triple(s, n(CCG + "notInContext"), ox.Literal("x")),
        ox.Triple(s, n(CCG + "share"), blank),
        ox.Triple(blank, n(CCG + "practiceCount"), ox.Literal("0.5", datatype=n(XSD + "decimal"))),
        ox.Triple(
            nxt,
            n("http://www.w3.org/2004/02/skos/core#prefLabel"),
            ox.Literal("NHS Northamptonshire CCG", language="en"),
        ),
    ]


def test_the_shape_is_readable_as_plain_json() -> None:
    document = json.loads(to_jsonld(sample(), TERMS, ID + "ccg/03V"))
    assert document["id"] == ID + "ccg/03V"
    assert document["type"] == "ClinicalCommissioningGroup"
    assert document["odsCode"] == "03V"
    assert "2013-04-01" in document["openDate"]
    assert {"@value": "2013", "@type": "xsd:gYear"} in document["openDate"]
    assert document["successor"] == {"id": ID + "ccg/78H", "name": "NHS Northamptonshire CCG"}
    assert document["lsoaCount"] == 41
    assert document["ccg:notInContext"] == "x"
    assert document["ccg:share"] == {"ccg:practiceCount": {"@value": "0.5", "@type": "xsd:decimal"}}
    assert "NHS Corby CCG" in document["name"] and {"@value": "Corby", "@language": "cy"} in document["name"]


def test_round_trip_gives_the_same_triples() -> None:
    triples = sample()
    expected = Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
    parsed = Graph().parse(data=to_jsonld(triples, TERMS, ID + "ccg/03V").decode(), format="json-ld")
    assert len(parsed) == len(triples)
    assert isomorphic(parsed, expected)


def test_several_top_level_resources_go_in_a_graph() -> None:
    triples = [
        ox.Triple(n(ID + "a"), n(CCG + "odsCode"), ox.Literal("A")),
        ox.Triple(n(ID + "b"), n(CCG + "odsCode"), ox.Literal("B")),
    ]
    document = json.loads(to_jsonld(triples, TERMS))
    assert [node["odsCode"] for node in document["@graph"]] == ["A", "B"]
