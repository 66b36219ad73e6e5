"""What a dereferenced IRI returns: its concise bounded description plus the labels of what it links to.

The concise bounded description (CBD) is every triple with the resource as subject, and, for each blank
node object, that node's own triples (two levels deep, which covers every blank node the build writes).
To it we add the ``rdfs:label`` / ``skos:prefLabel`` of every IRI the resource links to, so a client can show
a link without another request, and the named graphs its statements sit in (``ccg:statedIn``) with their
``ccg:basis``, so whoever shows a fact can show how it is known beside it. An IRI used only as an object
(nothing is said about it) resolves to the triples that point at it, capped at `INBOUND_LIMIT`.
"""

from __future__ import annotations

import pyoxigraph as ox

from ccg_graph.core.errors import NotFound
from ccg_graph.core.namespaces import ONTOLOGY_IRI
from ccg_graph.store import Store

INBOUND_LIMIT = 500

_CBD = """
CONSTRUCT { ?s ?p ?o . ?o ?p2 ?o2 . ?o2 ?p3 ?o3 }
WHERE {
  ?s ?p ?o .
  OPTIONAL { ?o ?p2 ?o2 . FILTER (isBlank(?o))
    OPTIONAL { ?o2 ?p3 ?o3 . FILTER (isBlank(?o2)) } }
}
"""

_LABELS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
CONSTRUCT { ?o ?lp ?l }
WHERE {
  ?s ?p ?o . FILTER (isIRI(?o))
  VALUES ?lp { rdfs:label skos:prefLabel }
  ?o ?lp ?l .
}
"""

#: The named graphs the resource's statements sit in, each with its basis (how they are known), its label
#: and what it was derived from, linked from the resource by ccg:statedIn (added here, not stored).
_BASIS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX ccg: <https://w3id.org/ccg-graph/def#>
CONSTRUCT { ?s ccg:statedIn ?g . ?g ccg:basis ?b ; rdfs:label ?label ; prov:wasDerivedFrom ?from }
WHERE {
  { SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } }
  ?g ccg:basis ?b .
  OPTIONAL { ?g rdfs:label ?label }
  OPTIONAL { ?g prov:wasDerivedFrom ?from }
}
"""

_INBOUND = f"CONSTRUCT {{ ?x ?p ?o }} WHERE {{ ?x ?p ?o }} LIMIT {INBOUND_LIMIT}"

_ONTOLOGY = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ONTOLOGY_IRI}> {{ ?s ?p ?o }} }}"


def _triples(store: Store, query: str, bindings: dict[str, ox.NamedNode]) -> set[ox.Triple]:
    result = store.query(query, bindings=bindings)
    assert result.triples is not None
    return set(result.triples)


def describe(store: Store, iri: str) -> list[ox.Triple]:
    """The description of `iri`, sorted; `NotFound` when the graph says nothing of it."""
    try:
        node = ox.NamedNode(iri)
    except ValueError as err:  # a path no IRI of the graph can have (a quote, a space ...)
        raise NotFound(f"<{iri}> is not an IRI of this graph") from err
    if iri == ONTOLOGY_IRI:
        return describe_ontology(store)
    triples = _triples(store, _CBD, {"s": node})
    if triples:
        triples |= _triples(store, _LABELS, {"s": node})
        triples |= _triples(store, _BASIS, {"s": node})
        return sorted(triples, key=str)
    inbound = _triples(store, _INBOUND, {"o": node})
    if not inbound:
        raise NotFound(f"the graph says nothing about <{iri}>")
    return sorted(inbound, key=str)


def describe_ontology(store: Store) -> list[ox.Triple]:
    """Every triple of the ontology's named graph (the answer for ``/def``)."""
    result = store.query(_ONTOLOGY)
    assert result.triples is not None
    return sorted(set(result.triples), key=str)
