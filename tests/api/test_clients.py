"""Real SPARQL clients against the running service: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, XML, SPARQLWrapper

CCG = "https://w3id.org/ccg-graph/def#ClinicalCommissioningGroup"
COUNT = f"SELECT (COUNT(?c) AS ?n) WHERE {{ ?c a <{CCG}> }}"


def test_sparqlwrapper_get_and_post(server_url: str) -> None:
    for method in ("GET", "POST"):
        wrapper = SPARQLWrapper(f"{server_url}/sparql")
        wrapper.setMethod(method)
        wrapper.setQuery(COUNT)
        wrapper.setReturnFormat(JSON)
        result = wrapper.query().convert()
        assert result["results"]["bindings"][0]["n"]["value"] == "248"


def test_sparqlwrapper_xml_and_construct(server_url: str) -> None:
    wrapper = SPARQLWrapper(f"{server_url}/sparql")
    wrapper.setQuery("ASK { ?s ?p ?o }")
    wrapper.setReturnFormat(XML)
    assert wrapper.query().convert().getElementsByTagName("boolean")[0].firstChild.data == "true"
    wrapper.setQuery(f"CONSTRUCT {{ ?c a ?t }} WHERE {{ ?c a ?t FILTER(?t = <{CCG}>) }}")
    wrapper.setReturnFormat(TURTLE)
    graph = Graph().parse(data=wrapper.query().convert(), format="turtle")
    assert len(graph) == 248


def test_rdflib_sparqlstore(server_url: str) -> None:
    graph = Graph(store=SPARQLStore(f"{server_url}/sparql", returnFormat="json"))
    rows = list(graph.query(COUNT))
    assert int(rows[0][0]) == 248
    name = graph.value(
        URIRef("https://w3id.org/ccg-graph/id/ccg/00C"), URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
    )
    assert name is not None and "Darlington" in str(name)
