"""`QuadSink`: collects the quads of a build, one named graph per source release, each triple once.

Oxigraph does not remove duplicates when it treats the union of named graphs as the default graph, so a
triple stated by two sources would be counted twice by every query. The sink keeps each triple in the
first graph that states it (the build adds sources in order of authority) and counts what it dropped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, datetime

import pyoxigraph as ox
from rdflib import URIRef

from ccg_graph.core.namespaces import RDF_TYPE_IRI, RDFS_NS, SKOS_NS
from ccg_graph.core.namespaces import XSD_NS as XSD
from ccg_graph.core.terms import OxSubject, OxTerm, plain_object, plain_subject

RDF_TYPE = ox.NamedNode(RDF_TYPE_IRI)
SKOS_PREF_LABEL = SKOS_NS + "prefLabel"
RDFS_LABEL = RDFS_NS + "label"

Term = ox.NamedNode | ox.Literal | ox.BlankNode
Object = Term | URIRef | str | int | float | date | datetime | bool


def node(iri: str | URIRef | ox.NamedNode) -> ox.NamedNode:
    return iri if isinstance(iri, ox.NamedNode) else ox.NamedNode(str(iri))


def literal(value: object, lang: str | None = None) -> ox.Literal:
    """A typed literal for a Python value (str stays a plain string unless `lang` is given)."""
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, float):
        return ox.Literal(f"{value:.6f}".rstrip("0").rstrip(".") or "0", datatype=ox.NamedNode(XSD + "decimal"))
    if isinstance(value, datetime):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "dateTime"))
    if isinstance(value, date):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    if lang:
        return ox.Literal(str(value), language=lang)
    return ox.Literal(str(value))


def as_object(value: Object) -> Term:
    if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        return value
    if isinstance(value, URIRef):
        return ox.NamedNode(str(value))
    return literal(value)


class GraphWriter:
    """Writes triples into one named graph of a `QuadSink`."""

    def __init__(self, sink: QuadSink, graph: str | URIRef) -> None:
        self.sink = sink
        self.graph = ox.NamedNode(str(graph))

    def add(self, subject: str | URIRef | ox.NamedNode, predicate: str | URIRef, obj: Object | None) -> None:
        """Add one triple; a `None` object is skipped, so optional values need no `if` at each call."""
        if obj is None:
            return
        self.sink.add(ox.Quad(node(subject), node(predicate), as_object(obj), self.graph))

    def add_terms(self, subject: ox.NamedNode, predicate: ox.NamedNode, obj: Term) -> None:
        """Add one triple of ready-made terms, kept as given: a large source (the 2018/19 payments) reuses
        one term object per predicate and node instead of copying each IRI into every triple."""
        self.sink.add_terms(subject, predicate, obj, self.graph)

    def type(self, subject: str | URIRef, cls: str | URIRef) -> None:
        self.add(subject, RDF_TYPE.value, node(cls))

    def label(self, subject: str | URIRef, predicate: str | URIRef, text: str | None, lang: str = "en") -> None:
        if text:
            self.add(subject, predicate, literal(text, lang))

    def name(self, subject: str | URIRef, text: str | None) -> None:
        """The name a thing is known by: ``skos:prefLabel`` for SKOS readers and ``rdfs:label`` for the rest,
        the same English text in both (skipped when there is no text)."""
        self.label(subject, SKOS_PREF_LABEL, text)
        self.label(subject, RDFS_LABEL, text)


class QuadSink:
    """All the quads of one build."""

    def __init__(self) -> None:
        self._home: dict[tuple[OxSubject, ox.NamedNode, OxTerm], ox.NamedNode] = {}
        self.dropped: Counter[str] = Counter()

    def writer(self, graph: str | URIRef) -> GraphWriter:
        return GraphWriter(self, graph)

    def add(self, quad: ox.Quad) -> None:
        graph = quad.graph_name
        if not isinstance(graph, ox.NamedNode):
            raise ValueError(f"a built quad belongs in a named graph, not {graph}")
        triple = (plain_subject(quad.subject), quad.predicate, plain_object(quad.object))
        home = self._home.get(triple)
        if home is None:
            self._home[triple] = graph
        elif home != graph:
            self.dropped[graph.value] += 1

    def add_terms(self, subject: ox.NamedNode, predicate: ox.NamedNode, obj: Term, graph: ox.NamedNode) -> None:
        """`add` without building a quad first: the key holds the given term objects, shared between triples."""
        triple = (subject, predicate, obj)
        home = self._home.get(triple)
        if home is None:
            self._home[triple] = graph
        elif home != graph:
            self.dropped[graph.value] += 1

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        for quad in quads:
            self.add(quad)

    def __len__(self) -> int:
        return len(self._home)

    def __iter__(self) -> Iterator[ox.Quad]:
        for (s, p, o), g in self._home.items():
            yield ox.Quad(s, p, o, g)

    def count_by_graph(self) -> Counter[str]:
        return Counter(g.value for g in self._home.values())
