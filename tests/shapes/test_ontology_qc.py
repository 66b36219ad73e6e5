"""Quality control of the ontology and of the shapes, with ``shapes/ontology_qc.ttl`` (the UCO habit).

The ontology (union of ``ontology/*.ttl``) and the shapes (union of ``shapes/*.ttl``) are each validated as
the DATA graph against the QC shapes; deliberately broken copies show the QC can fail. The shapes graph's
header is checked against the project version too.
"""

from __future__ import annotations

import tomllib

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH

from .support import CCGSH, REPO, SHAPES_DIR, SHAPES_IRI, Pair, run_validation, union_of

CCG = "https://w3id.org/ccg-graph/def#"


def _copy(graph: Graph) -> Graph:
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    return copy


def test_ontology_passes_qc(ontology_graph: Graph, qc_shapes_graph: Graph) -> None:
    outcome = run_validation(ontology_graph, qc_shapes_graph, None)
    assert outcome.conforms and outcome.result_count == 0, outcome.text


def test_shapes_pass_qc(shapes_graph: Graph, qc_shapes_graph: Graph) -> None:
    outcome = run_validation(shapes_graph, qc_shapes_graph, None)
    assert outcome.conforms and outcome.result_count == 0, outcome.text


def test_qc_targets_every_kind_of_term(ontology_graph: Graph, qc_shapes_graph: Graph) -> None:
    """Stripping every label shows which terms the QC looks at: classes, properties, roles and schemes."""
    stripped = _copy(ontology_graph)
    stripped.remove((None, RDFS.label, None))
    outcome = run_validation(stripped, qc_shapes_graph, None)
    flagged = {focus for shape, focus in outcome.violations if shape == CCGSH["OntologyTerm-label"]}
    for term in (
        "ClinicalCommissioningGroup",  # owl:Class
        "governingBody",  # owl:ObjectProperty
        "odsCode",  # owl:DatatypeProperty
        "ChairRole",  # a ccg:GoverningBodyRole, so an org:Role
        "MemberPracticeRole",  # an org:Role
        "GoverningBodyRoles",  # a skos:ConceptScheme
    ):
        assert URIRef(CCG + term) in flagged, term
    assert all(str(focus).startswith(CCG) for focus in flagged)


def test_unlabelled_class_fails_qc(ontology_graph: Graph, qc_shapes_graph: Graph) -> None:
    broken = _copy(ontology_graph)
    unlabelled = URIRef(CCG + "UnlabelledThing")
    broken.add((unlabelled, RDF.type, OWL.Class))
    broken.add((unlabelled, RDFS.comment, Literal("A class someone forgot to label.", lang="en")))
    broken.add((unlabelled, RDFS.isDefinedBy, URIRef("https://w3id.org/ccg-graph/def")))
    outcome = run_validation(broken, qc_shapes_graph, None)
    assert not outcome.conforms
    assert outcome.violations == {(CCGSH["OntologyTerm-label"], unlabelled)}, outcome.text


def test_class_labelled_only_in_another_language_fails_qc(ontology_graph: Graph, qc_shapes_graph: Graph) -> None:
    broken = _copy(ontology_graph)
    term = URIRef(CCG + "GoverningBody")
    broken.remove((term, RDFS.label, None))
    broken.add((term, RDFS.label, Literal("Corff llywodraethu", lang="cy")))
    outcome = run_validation(broken, qc_shapes_graph, None)
    assert outcome.violations == {(CCGSH["OntologyTerm-label"], term)}, outcome.text


def test_term_without_comment_or_definer_fails_qc(ontology_graph: Graph, qc_shapes_graph: Graph) -> None:
    broken = _copy(ontology_graph)
    term = URIRef(CCG + "successor")
    broken.remove((term, RDFS.comment, None))
    broken.remove((term, RDFS.isDefinedBy, None))
    outcome = run_validation(broken, qc_shapes_graph, None)
    expected: set[Pair] = {(CCGSH["OntologyTerm-comment"], term), (CCGSH["OntologyTerm-isDefinedBy"], term)}
    assert outcome.violations == expected, outcome.text


def test_undocumented_shape_fails_qc(shapes_graph: Graph, qc_shapes_graph: Graph) -> None:
    broken = _copy(shapes_graph)
    shape = CCGSH["CCG-odsCode"]
    for predicate in (SH.name, SH.description, RDFS.label, RDFS.comment, SH.message):
        broken.remove((shape, predicate, None))
    sparql_shape = CCGSH["CCG-accountabilityChain"]
    constraint = broken.value(sparql_shape, SH.sparql)
    broken.remove((constraint, SH.message, None))
    outcome = run_validation(broken, qc_shapes_graph, None)
    expected: set[Pair] = {
        (CCGSH["Shape-name"], shape),
        (CCGSH["Shape-description"], shape),
        (CCGSH["Shape-label"], shape),
        (CCGSH["Shape-comment"], shape),
        (CCGSH["Shape-message"], shape),
        (CCGSH["Shape-sparqlMessage"], sparql_shape),
    }
    assert outcome.violations == expected, outcome.text


def test_shapes_graph_header_matches_project_version(shapes_graph: Graph) -> None:
    version = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert (SHAPES_IRI, RDF.type, OWL.Ontology) in shapes_graph
    assert shapes_graph.value(SHAPES_IRI, OWL.versionInfo) == Literal(version)
    assert shapes_graph.value(SHAPES_IRI, RDFS.label) is not None
    assert shapes_graph.value(SHAPES_IRI, RDFS.comment) is not None
    declared = {str(shapes_graph.value(d, SH.prefix)) for d in shapes_graph.objects(SHAPES_IRI, SH.declare)}
    assert {"ccg", "org", "skos", "time", "prov", "rdf", "rdfs", "xsd", "owl", "sh"} <= declared


def test_every_sparql_query_uses_the_declared_prefixes(shapes_graph: Graph) -> None:
    """Each SPARQL target and constraint points sh:prefixes at the shapes graph header."""
    selects = set(shapes_graph.subjects(SH.select, None))
    assert selects
    for node in selects:
        assert shapes_graph.value(node, SH.prefixes) == SHAPES_IRI, node


def test_qc_shapes_need_only_index(qc_shapes_graph: Graph) -> None:
    """The QC shapes are runnable from ontology_qc.ttl plus index.ttl alone (as documented in the file)."""
    assert (SHAPES_IRI, RDF.type, OWL.Ontology) in qc_shapes_graph
    assert union_of([SHAPES_DIR / "ontology_qc.ttl"]).value(CCGSH["OntologyTermShape"], RDF.type) == SH.NodeShape
