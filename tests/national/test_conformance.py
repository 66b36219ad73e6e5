"""The whole national graph conforms to the shapes (the same check as `ccg-graph validate` on the dump)."""

from rdflib import RDF

from ccg_graph.core.config import Settings
from ccg_graph.core.namespaces import CCG
from ccg_graph.national.build import BuildSummary
from ccg_graph.rdf.rdflib_io import read_graph
from ccg_graph.validate import load_ontology, load_shapes, validate_graph


def test_national_graph_conforms(national_build: BuildSummary, national_settings: Settings) -> None:
    assert national_build.dump_path is not None
    data = read_graph(national_build.dump_path)
    assert len(data) == national_build.quads
    outcome = validate_graph(
        data, load_shapes(national_settings.shapes_dir), load_ontology(national_settings.ontology_dir)
    )
    assert outcome.conforms, outcome.as_text()[:5000]
    # The only results are the warnings on the recorded conflicts between sources (shapes/conflicts.ttl).
    conflicts = {str(s) for s in data.subjects(RDF.type, CCG.SourceConflict)}
    assert conflicts
    assert {r.source_shape for r in outcome.results} == {"ccgsh:SourceConflict-resolvedByRule"}
    assert {r.severity for r in outcome.results} == {"Warning"}
    assert len(outcome.results) == len(conflicts)
