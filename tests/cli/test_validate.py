"""`ccg-graph validate` as a steward runs it: on its own, against the graph, reports, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from ccg_graph.core.config import PROJECT_ROOT, Settings
from ccg_graph.national.build import BuildSummary
from tests.cli.test_cli import cli

EXAMPLES = PROJECT_ROOT / "data" / "examples"


def test_missing_nurse_fails_with_line_and_fix_conforms() -> None:
    result = cli("validate", str(EXAMPLES / "governing-body-missing-nurse.ttl"))
    assert result.returncode == 1, result.stderr
    assert "<https://w3id.org/ccg-graph/id/ccg/00C/governing-body>" in result.stdout
    assert "governing-body-missing-nurse.ttl:21" in result.stdout
    assert "at least one registered nurse" in result.stdout and "ccgsh:GoverningBody-registeredNurse" in result.stdout
    fixed = cli("validate", str(EXAMPLES / "governing-body-complete.ttl"))
    assert fixed.returncode == 0 and "Conforms" in fixed.stdout


def test_json_and_turtle_reports() -> None:
    result = cli("validate", str(EXAMPLES / "governing-body-missing-nurse.ttl"), "--format", "json")
    body = json.loads(result.stdout)
    assert body["conforms"] is False and body["counts"] == {"Violation": 1}
    (row,) = body["results"]
    assert row["source_shape"] == "ccgsh:GoverningBody-registeredNurse" and row["path"] == "org:hasPost"
    turtle = cli("validate", str(EXAMPLES / "governing-body-missing-nurse.ttl"), "--format", "turtle")
    assert "sh:ValidationReport" in turtle.stdout and "sh:conforms false" in turtle.stdout


def test_parse_error_gives_file_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b .\n")
    result = cli("validate", str(bad), "--against-graph", "--build-dir", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert f"{bad}:3:11" in result.stderr and "Traceback" not in result.stderr


def test_hostile_files_are_bad_input_with_where(tmp_path: Path) -> None:
    """The CLI reads files through the same guarded parser as the server: a nesting bomb and a truncated
    RDF/XML file are exit 2 with file, line and column, and the nesting limit is the deployment's."""
    from tests.rdf.corpus import nesting_bombs, truncated

    deep, cut = tmp_path / "deep.jsonld", tmp_path / "cut.rdf"
    deep.write_bytes(nesting_bombs()[0].body)
    cut.write_bytes(truncated("application/rdf+xml"))
    refused = cli("validate", str(deep))
    assert refused.returncode == 2 and f"{deep}:1:" in refused.stderr and "nests" in refused.stderr
    assert "Traceback" not in refused.stderr
    line = truncated("application/rdf+xml").count(b"\n") + 1
    broken = cli("validate", str(cut))
    assert broken.returncode == 2 and f"{cut}:{line}:" in broken.stderr and "well-formed" in broken.stderr
    shallow = tmp_path / "shallow.ttl"
    shallow.write_text("<http://e/a> <http://e/p> [ <http://e/p> [ <http://e/p> 1 ] ] .\n")
    assert cli("validate", str(shallow), env={"CCG_GRAPH_MAX_RDF_NESTING": "1"}).returncode == 2
    assert cli("validate", str(shallow)).returncode in (0, 1)


def test_overlap_only_against_the_graph(national_build: BuildSummary, national_settings: Settings) -> None:
    example = str(EXAMPLES / "practice-membership-overlap.ttl")
    alone = cli("validate", example, "--format", "json")
    alone_shapes = {r["source_shape"] for r in json.loads(alone.stdout)["results"]}
    # alone, the file cannot show the practice and CCG it names are what they must be, and no overlap
    assert "ccgsh:GPPractice-noOverlappingMemberships" not in alone_shapes
    assert "ccgsh:PracticeMembership-member" in alone_shapes
    env = {"CCG_GRAPH_BUILD_DIR": str(national_settings.build_dir)}
    result = cli("validate", "--against-graph", example, "--format", "json", env=env)
    assert result.returncode == 1, result.stderr
    body = json.loads(result.stdout)
    pairs = {(r["focus_node"], r["source_shape"], r["value"]) for r in body["results"] if r["severity"] == "Violation"}
    practice = "<https://w3id.org/ccg-graph/id/practice/A83013>"
    assert pairs == {
        (practice, "ccgsh:GPPractice-noOverlappingMemberships", "<https://w3id.org/ccg-graph/id/ccg/00K>"),
        (practice, "ccgsh:GPPractice-noOverlappingMemberships", "<https://w3id.org/ccg-graph/id/ccg/16C>"),
    }


def test_a_one_triple_file_is_judged_alone_by_what_it_says(tmp_path: Path) -> None:
    single = tmp_path / "one.nt"
    single.write_text(
        "<https://w3id.org/ccg-graph/id/ccg/00C> <http://www.w3.org/2004/02/skos/core#prefLabel>"
        ' "NHS Darlington CCG" .\n'
    )
    result = cli("validate", str(single))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Conforms" in result.stdout
    # The Secretary of State's post is judged where a file describes it.
    broken = tmp_path / "sos.nt"
    broken.write_text(
        "<https://w3id.org/ccg-graph/id/post/secretary-of-state-for-health>"
        " <https://w3id.org/ccg-graph/def#accountableTo> <https://w3id.org/ccg-graph/id/organisation/nowhere> .\n"
    )
    result = cli("validate", str(broken))
    assert result.returncode == 1 and "ccgsh:SecretaryOfState-accountableToParliament" in result.stdout


def _ccg_description(code: str, name: str) -> str:
    """A well-formed description of one CCG's own properties, without the national accountability chain."""
    return (
        "@base <https://w3id.org/ccg-graph/id/> .\n"
        "@prefix ccg: <https://w3id.org/ccg-graph/def#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        f'<ccg/{code}> a ccg:ClinicalCommissioningGroup ; ccg:odsCode "{code}" ;\n'
        f'    skos:prefLabel "{name}"@en ; ccg:openDate "2013-04-01"^^xsd:date .\n'
    )


CHAIN_SHAPES = {"ccgsh:CCG-accountabilityChain", "ccgsh:CCG-accountableTo"}


def test_a_ccg_described_alone_is_judged_by_what_it_says(tmp_path: Path) -> None:
    """A file typing a CCG with its own properties but not the chain above it conforms alone; the same
    file checked by every shape (as the build checks its graph) fails on the chain."""
    from ccg_graph.core.config import get_settings
    from ccg_graph.rdf.rdflib_io import read_graph
    from ccg_graph.validate import load_ontology, load_shapes, validate_graph

    described = tmp_path / "darlington.ttl"
    described.write_text(_ccg_description("00C", "NHS Darlington CCG"))
    alone = cli("validate", str(described))
    assert alone.returncode == 0, alone.stdout + alone.stderr
    assert "Conforms" in alone.stdout
    # What the file says about its own node is still judged alone: a malformed ODS code fails.
    malformed = tmp_path / "malformed.ttl"
    malformed.write_text(_ccg_description("0C", "NHS Darlington CCG"))
    broken = cli("validate", str(malformed), "--format", "json")
    assert broken.returncode == 1
    assert {r["source_shape"] for r in json.loads(broken.stdout)["results"]} == {"ccgsh:CCG-odsCode"}
    settings = get_settings()
    every_shape = validate_graph(
        read_graph(described), load_shapes(settings.shapes_dir), load_ontology(settings.ontology_dir)
    )
    assert not every_shape.conforms
    assert {r.source_shape for r in every_shape.results} == CHAIN_SHAPES


def test_the_chain_is_judged_against_the_graph(
    national_build: BuildSummary, national_settings: Settings, tmp_path: Path
) -> None:
    """Against the built graph a CCG the graph does not hold (no statutory accountability stated for it)
    fails the chain; a CCG of the graph, whose chain the build states from statute, conforms."""
    env = {"CCG_GRAPH_BUILD_DIR": str(national_settings.build_dir)}
    stranger = tmp_path / "stranger.ttl"
    stranger.write_text(_ccg_description("99Z", "NHS Nowhere CCG"))
    result = cli("validate", "--against-graph", str(stranger), "--format", "json", env=env)
    assert result.returncode == 1, result.stderr
    fired = {(r["focus_node"], r["source_shape"]) for r in json.loads(result.stdout)["results"]}
    assert fired == {("<https://w3id.org/ccg-graph/id/ccg/99Z>", shape) for shape in CHAIN_SHAPES}
    known = tmp_path / "darlington.ttl"
    known.write_text(_ccg_description("00C", "NHS Darlington CCG"))
    in_context = cli("validate", "--against-graph", str(known), "--format", "json", env=env)
    assert in_context.returncode == 0, in_context.stdout + in_context.stderr
