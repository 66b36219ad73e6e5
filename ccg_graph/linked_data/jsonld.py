"""Write a description as compact JSON-LD with the published context, in a shape apps can read as JSON.

The shape (documented in the OpenAPI description of ``/id/...``):

* the described resource is the top-level object: ``id``, ``type``, then one key per property (``name``,
  ``odsCode``, ``openDate``, ``successor`` ...); a key holds one value, or an array when there are several;
* a linked resource is an object ``{"id": IRI, "name": ..., "label": ...}`` carrying the labels the
  description includes, so a link can be shown without another request; a blank node is embedded whole;
* a literal is a JSON string (or number) when it has the type or language its key promises, otherwise a
  ``{"@value", "@type"|"@language"}`` object; keys not in the context are compact IRIs (``ccg:x``).

* the labels of the resource's classes, and any other resource described beside it, are objects in
  ``@included`` (JSON-LD 1.1), so ``type`` stays a plain class name.

A description without a main resource (the ontology) is written as ``{"@context": ..., "@graph": [...]}``.
Round-trips exactly: parsing the output gives the same triples.
"""

from __future__ import annotations

import json
from collections import defaultdict

import pyoxigraph as ox

from ccg_graph.core.namespaces import PREFIXES
from ccg_graph.core.namespaces import RDF_TYPE_IRI as RDF_TYPE
from ccg_graph.core.namespaces import XSD_NS as XSD
from ccg_graph.core.terms import plain_object, plain_subject
from ccg_graph.linked_data.context import Term, context_document

XSD_STRING = XSD + "string"
_LABELS = {"http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel"}

Subject = ox.NamedNode | ox.BlankNode


class Compactor:
    """Turns triples into compact JSON-LD with one fixed set of terms."""

    def __init__(self, terms: dict[str, Term]) -> None:
        self.terms = terms
        self.by_iri: dict[str, tuple[str, Term]] = {}
        for key, term in terms.items():
            self.by_iri.setdefault(term.iri, (key, term))
        self.prefixes = sorted(((p, ns) for p, ns in PREFIXES.items() if p != "id"), key=lambda item: -len(item[1]))

    def compact_iri(self, iri: str) -> str:
        hit = self.by_iri.get(iri)
        if hit:
            return hit[0]
        for prefix, namespace in self.prefixes:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri

    def document(self, triples: list[ox.Triple], main: str | None = None) -> dict[str, object]:
        by_subject: dict[Subject, list[ox.Triple]] = defaultdict(list)
        references: dict[Subject, int] = defaultdict(int)
        type_objects = {t.object for t in triples if t.predicate.value == RDF_TYPE}
        for triple in triples:
            by_subject[plain_subject(triple.subject)].append(triple)
            if isinstance(triple.object, ox.BlankNode | ox.NamedNode):
                references[triple.object] += 1

        def embeddable(subject: Subject) -> bool:
            if subject not in by_subject or subject == main_node or subject in type_objects:
                return False
            if isinstance(subject, ox.BlankNode):
                return references[subject] == 1
            return all(t.predicate.value in _LABELS for t in by_subject[subject]) and references[subject] >= 1

        main_node = ox.NamedNode(main) if main else None
        embedded = {s for s in by_subject if embeddable(s)}
        top = [s for s in by_subject if s not in embedded]
        top.sort(key=lambda s: (s != main_node, str(s)))
        nodes = [self._node(s, by_subject, embedded) for s in top]
        context = context_document(self.terms)
        if main_node is not None and main_node in by_subject:
            document = {"@context": context, **nodes[0]}
            if len(nodes) > 1:
                document["@included"] = nodes[1:]
            return document
        if len(nodes) == 1:
            return {"@context": context, **nodes[0]}
        return {"@context": context, "@graph": nodes}

    def _node(self, subject: Subject, by_subject: dict, embedded: set) -> dict[str, object]:
        node: dict[str, object] = {}
        if isinstance(subject, ox.NamedNode):
            node["id"] = subject.value
        types = sorted(t.object.value for t in by_subject.get(subject, []) if t.predicate.value == RDF_TYPE)
        if types:
            compacted = [self.compact_iri(t) for t in types]
            node["type"] = compacted[0] if len(compacted) == 1 else compacted
        values: dict[str, list[object]] = defaultdict(list)
        for triple in sorted(by_subject.get(subject, []), key=lambda t: (t.predicate.value, str(t.object))):
            if triple.predicate.value == RDF_TYPE:
                continue
            key, value = self._property(triple, by_subject, embedded)
            values[key].append(value)
        for key in sorted(values):
            node[key] = values[key][0] if len(values[key]) == 1 else values[key]
        return node

    def _property(self, triple: ox.Triple, by_subject: dict, embedded: set) -> tuple[str, object]:
        iri = triple.predicate.value
        key, term = self.by_iri.get(iri, (self.compact_iri(iri), None))
        obj = plain_object(triple.object)
        if isinstance(obj, ox.NamedNode | ox.BlankNode):
            if obj in embedded:
                return key, self._node(obj, by_subject, embedded)
            if isinstance(obj, ox.BlankNode):  # shared blank node: reference it by label
                return key, {"@id": str(obj)}
            if term is not None and term.type == "@id":
                return key, obj.value
            return key, {"@id": obj.value}
        return key, self._literal(obj, term)

    def _literal(self, literal: ox.Literal, term: Term | None) -> object:
        datatype = literal.datatype.value
        if literal.language:
            if term is not None and term.language == literal.language and term.type is None:
                return literal.value
            return {"@value": literal.value, "@language": literal.language}
        if term is not None and term.type is not None and term.type != "@id":
            if term.type == datatype:
                return literal.value
            return {"@value": literal.value, "@type": self.compact_iri(datatype)}
        if datatype == XSD_STRING:
            if term is None or term.language is None:
                return literal.value
            return {"@value": literal.value}
        if datatype == XSD + "integer" and literal.value == str(_as_int(literal.value)):
            return int(literal.value)
        if datatype == XSD + "boolean" and literal.value in ("true", "false"):
            return literal.value == "true"
        return {"@value": literal.value, "@type": self.compact_iri(datatype)}


def _as_int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def to_jsonld(triples: list[ox.Triple], terms: dict[str, Term], main: str | None = None) -> bytes:
    """`triples` as a compact JSON-LD document (UTF-8 bytes)."""
    document = Compactor(terms).document(triples, main)
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
