"""The SPARQL 1.1 Service Description of the endpoint: what it speaks, and the dataset it serves."""

from __future__ import annotations

import pyoxigraph as ox

from ccg_graph.core.namespaces import DCT_NS, RDF_TYPE_IRI, VOID_NS, XSD_NS
from ccg_graph.core.namespaces import FORMATS_NS as FORMATS
from ccg_graph.core.namespaces import SD_NS as SD
from ccg_graph.rdf import media_types
from ccg_graph.rdf.negotiation import GRAPH_FORMATS, RESULT_FORMATS
from ccg_graph.store.base import Store

RDF_TYPE = ox.NamedNode(RDF_TYPE_IRI)
VOID_TRIPLES = ox.NamedNode(VOID_NS + "triples")
DCT_TITLE = ox.NamedNode(DCT_NS + "title")
XSD_INTEGER = ox.NamedNode(XSD_NS + "integer")

#: The W3C format IRIs (https://www.w3.org/ns/formats/) of the media types the endpoint answers in.
FORMAT_IRIS = {
    **{s.media_type: s.service_description for s in media_types.RESULT_SYNTAXES},
    **{m: s.service_description for m, s in media_types.SERVED_RDF.items() if s.service_description},
}
#: The syntaxes a Graph Store or Update body is described as accepting.
INPUT_FORMATS = (media_types.TURTLE, media_types.N_TRIPLES, media_types.RDF_XML, media_types.JSON_LD)


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def _count(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD_INTEGER)


def describe_service(store: Store, endpoint: str, *, updates_enabled: bool, federation: bool) -> list[ox.Triple]:
    """Triples of the service description of the endpoint at URL `endpoint`, with per-graph triple counts."""
    service = ox.NamedNode(endpoint)
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), service),
        ox.Triple(service, DCT_TITLE, ox.Literal("ccg-graph SPARQL endpoint")),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
    ]
    if updates_enabled:
        triples.append(ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Update")))
    if federation:
        triples.append(ox.Triple(service, _sd("feature"), _sd("BasicFederatedQuery")))
    for media in [*RESULT_FORMATS, *GRAPH_FORMATS]:
        triples.append(ox.Triple(service, _sd("resultFormat"), ox.NamedNode(FORMATS + FORMAT_IRIS[media])))
    for media in INPUT_FORMATS:
        triples.append(ox.Triple(service, _sd("inputFormat"), ox.NamedNode(FORMATS + FORMAT_IRIS[media])))

    dataset = ox.BlankNode("dataset")
    default_graph = ox.BlankNode("default")
    triples += [
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, _sd("Graph")),
        ox.Triple(default_graph, VOID_TRIPLES, _count(len(store))),
    ]
    answer = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    assert answer.solutions is not None
    for index, solution in enumerate(answer.solutions):
        named = ox.BlankNode(f"named{index}")
        graph = ox.BlankNode(f"graph{index}")
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(named, _sd("name"), solution["g"]),
            ox.Triple(named, _sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, _sd("Graph")),
            ox.Triple(graph, VOID_TRIPLES, solution["n"]),
        ]
    return triples
