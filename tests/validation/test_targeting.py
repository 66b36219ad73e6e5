"""Our set-based targeting selects, for every shape, exactly the focus nodes pySHACL's own targeting selects.

The data is each fail or warn case of ``tests/shapes/`` applied to the valid world ``tests/shapes/context.ttl``,
so every kind of target (class, implicit class, subjects-of, objects-of, node, SPARQL-based, portable or run in
rdflib) has nodes to find, breaches included. pySHACL evaluates each shape's targets over the whole graph
(`Shape.focus_nodes`); `FocusedValidator.focus_by_shape` is asked about every node of the graph; they must
agree on every case.
"""

from __future__ import annotations

import pyoxigraph as ox
import pyshacl.shape
from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS
from pyshacl.graph_abstraction import DataGraph
from rdflib import Graph, Literal, URIRef

from ccg_graph.core.config import Settings
from ccg_graph.store import EmbeddedStore
from ccg_graph.validate import load_ontology, load_shapes, validate_change, validate_graph
from ccg_graph.validation import pyshacl_speedups
from ccg_graph.validation.incremental import focused_validator
from ccg_graph.validation.targeting import portable, required_patterns
from tests.shapes.support import CASES_DIR, CONTEXT_FILE
from tests.shapes.test_shapes import case_data, read_case
from tests.validation.test_equivalence import ox_triples, rows

ORG = "http://www.w3.org/ns/org#"


def targets(validator, data: Graph) -> tuple[dict, dict]:
    """(ours, pySHACL's): each shape's focus nodes among all the nodes of `data` (shapes targeting none left out)."""
    nodes = {n for t in data for n in (t[0], t[2]) if not isinstance(n, Literal)}
    ours = {shape.node: set(found) for shape, found in validator.focus_by_shape(data, nodes)}
    theirs = {}
    for shape in validator.shapes_graph.shapes:
        found = set(shape.focus_nodes(DataGraph.from_rdflib_graph(data))) & nodes
        if found:
            theirs[shape.node] = found
    return ours, theirs


def test_targets_equal_pyshacl_targets_on_every_case() -> None:
    validator = focused_validator(Settings())
    context = Graph().parse(CONTEXT_FILE, format="turtle")
    targeted: set[URIRef] = set()
    for folder in ("fail", "warn"):
        for path in sorted((CASES_DIR / folder).glob("*.ttl")):
            data = validator.data_graph(case_data(read_case(path), context))
            ours, theirs = targets(validator, data)
            assert ours == theirs, path.name
            targeted |= set(theirs)
    with_targets = [t.shape.node for t in validator._targets if t.nodes or t.classes or t.subjects_of or t.objects_of]
    with_targets += [t.shape.node for t in validator._targets if t.sparql]
    # every shape with a target targets something in some case (the ontology's own QC shapes excepted: their
    # targets are ontology and shapes terms, checked by tests/shapes/test_ontology_qc.py)
    missing = {
        str(s) for s in with_targets if s not in targeted and "#Shape" not in str(s) and "Ontology" not in str(s)
    }
    assert not missing


def test_required_patterns_are_the_mandatory_triples_at_this() -> None:
    select = f"""SELECT $this WHERE {{
        ?m <{ORG}member> $this .
        $this <{ORG}role> ?role .
        OPTIONAL {{ $this <{ORG}memberDuring> ?i }}
        {{ $this <{ORG}organization> ?o }} UNION {{ $this <{ORG}hasPost> ?p }}
        FILTER NOT EXISTS {{ $this <{ORG}headOf> ?h }}
    }}"""
    assert required_patterns(select) == ((URIRef(f"{ORG}member"), True), (URIRef(f"{ORG}role"), False))


def test_portable_excludes_what_rdflib_and_oxigraph_evaluate_differently() -> None:
    base = "SELECT $this WHERE { $this <urn:p> ?d . FILTER (%s) }"
    assert portable(base % "STR(?d) < 'x' && BOUND(?d) && isIRI($this)")
    # rdflib adds a duration to an xsd:date; Oxigraph gives an error
    assert not portable(base % "?d + 'P1D'^^<http://www.w3.org/2001/XMLSchema#dayTimeDuration> != ?d")
    assert not portable(base % "<http://www.w3.org/2001/XMLSchema#date>(?d) < ?d")


def test_constraint_parameter_list_keeps_order_and_membership() -> None:
    pyshacl_speedups.install()
    parameters, _ = pyshacl.shape.CONSTRAINT_PARAMS
    assert list(parameters) == list(ALL_CONSTRAINT_PARAMETERS)
    copied = parameters.copy()
    extra = URIRef("http://www.w3.org/ns/shacl#expression")
    copied.append(extra)
    assert extra in copied and extra not in parameters
    assert all(p in copied for p in ALL_CONSTRAINT_PARAMETERS)
    assert URIRef("http://www.w3.org/ns/shacl#notAParameter") not in copied


BLANK_MEMBERSHIP = """
@base <https://w3id.org/ccg-graph/id/> .
@prefix ccg:  <https://w3id.org/ccg-graph/def#> .
@prefix org:  <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .

<practice/A83010> a ccg:GPPractice ; skos:prefLabel "Moorlands Surgery"@en ; ccg:odsCode "A83010" .
[] a org:Membership ;
    org:member <practice/A83010> ; org:organization <ccg/00C> ; org:role ccg:MemberPracticeRole ;
    org:memberDuring [ a time:Interval ; time:hasBeginning <instant/2013-04-01> ;
                       time:hasEnd [ a time:Instant ; time:inXSDDate "2020-07-04"^^xsd:date ] ] .
"""


def test_blank_node_focus_nodes_are_targeted_and_validated_like_full_validation() -> None:
    """A membership submitted as a blank node (SPARQL targets cannot name it in VALUES) is still found."""
    settings = Settings()
    validator = focused_validator(settings)
    context = Graph().parse(CONTEXT_FILE, format="turtle")
    addition = Graph().parse(data=BLANK_MEMBERSHIP, format="turtle")
    membership = next(addition.subjects(URIRef(f"{ORG}member"), None))
    ours, theirs = targets(validator, validator.data_graph(context + addition))
    assert ours == theirs
    assert membership in ours[URIRef("https://w3id.org/ccg-graph/shapes#PracticeMembership-withinOrganisationLifetime")]

    store = EmbeddedStore()
    store.native.extend(ox.Quad(t.subject, t.predicate, t.object) for t in ox_triples(context))
    full = validate_graph(context + addition, load_shapes(settings.shapes_dir), load_ontology(settings.ontology_dir))
    incremental = validate_change(store, ox_triples(addition), settings=settings)
    assert rows(incremental) == rows(full)
    assert [r.source_shape for r in incremental.results] == ["ccgsh:PracticeMembership-withinOrganisationLifetime"]
