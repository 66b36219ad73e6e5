"""The model diagram: a Mermaid class diagram of the ontology's classes and relations, made from the
ontology itself so it cannot drift (``ccg-graph diagram`` rewrites ``docs/model.md``; a test checks it)."""

from __future__ import annotations

from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, URIRef

from ccg_graph.core.namespaces import CCG, PREFIXES
from ccg_graph.rdf.rdflib_io import read_folder


def _short(term: URIRef) -> str:
    value = str(term)
    for prefix, namespace in PREFIXES.items():
        if value.startswith(namespace) and prefix in ("ccg", "org", "skos", "time", "prov", "foaf"):
            local = value[len(namespace) :]
            return local if prefix == "ccg" else f"{prefix}_{local}"
    return value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def mermaid(ontology: Graph) -> str:
    """Classes with their superclasses, and each object property with a ccg: domain and range."""
    lines = ["classDiagram"]
    classes = sorted(c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef))
    for cls in classes:
        if not str(cls).startswith(str(CCG)):
            continue
        for parent in sorted(p for p in ontology.objects(cls, RDFS.subClassOf) if isinstance(p, URIRef)):
            lines.append(f"    {_short(parent)} <|-- {_short(cls)}")
    properties = sorted(p for p in ontology.subjects(RDF.type, OWL.ObjectProperty) if isinstance(p, URIRef))
    for prop in properties:
        domain, range_ = ontology.value(prop, RDFS.domain), ontology.value(prop, RDFS.range)
        if isinstance(domain, URIRef) and isinstance(range_, URIRef) and range_ != OWL.Class:
            lines.append(f"    {_short(domain)} --> {_short(range_)} : {_short(prop)}")
    return "\n".join(lines) + "\n"


def model_page(ontology_dir: Path) -> str:
    diagram = mermaid(read_folder(ontology_dir))
    return (
        "# The ccg-graph model\n\n"
        "Generated from `ontology/*.ttl` by `ccg-graph diagram`; do not edit by hand. Arrows with a hollow\n"
        "head are rdfs:subClassOf; labelled arrows are object properties (domain --> range). Names with a\n"
        "prefix and an underscore (org_, time_, skos_) are the W3C terms reused.\n\n"
        "```mermaid\n" + diagram + "```\n"
    )
