"""The synthetic scale-up: deterministic, the same shape, fresh codes of the right form, still conforming."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from bench.runner import write_as_nquads
from bench.synthetic import scale_dataset
from ccg_graph.core.config import PROJECT_ROOT, Settings
from ccg_graph.rdf.rdflib_io import read_graph
from ccg_graph.validate import load_ontology, load_shapes, validate_graph

CONTEXT = PROJECT_ROOT / "tests" / "shapes" / "context.ttl"
ODS_CODE = "https://w3id.org/ccg-graph/def#odsCode"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CCG = "https://w3id.org/ccg-graph/def#ClinicalCommissioningGroup"
PRACTICE = "https://w3id.org/ccg-graph/def#GPPractice"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synthetic") / "base.nq"
    write_as_nquads(CONTEXT, path)
    return path


def _codes_of(path: Path, cls: str) -> list[str]:
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    query = f"SELECT ?code WHERE {{ ?x a <{cls}> ; <{ODS_CODE}> ?code }}"
    return [solution[0].value for solution in store.query(query, use_default_graph_as_union=True)]


def test_scaling_is_deterministic_and_multiplies_the_organisations(base: Path, tmp_path: Path) -> None:
    first = scale_dataset(base, tmp_path / "a.nq", 3)
    second = scale_dataset(base, tmp_path / "b.nq", 3)
    assert (tmp_path / "a.nq").read_bytes() == (tmp_path / "b.nq").read_bytes()
    assert first.counts == second.counts == {"ccgs": 9, "practices": 6, "memberships": first.counts["memberships"]}
    base_lines = base.read_text().count("\n")
    assert 2 * base_lines < first.quads < 3 * base_lines  # the shared national structure is not copied
    ccg_codes = _codes_of(tmp_path / "a.nq", CCG)
    practice_codes = _codes_of(tmp_path / "a.nq", PRACTICE)
    assert len(ccg_codes) == len(set(ccg_codes)) == 9
    assert len(practice_codes) == len(set(practice_codes)) == 6
    assert all(re.match(r"^([0-9]{2}[A-Z]|[A-Z][0-9][A-Z][0-9][A-Z])$", code) for code in ccg_codes)
    assert all(re.match(r"^[A-Z][0-9]{5}$", code) for code in practice_codes)


def test_the_copies_share_the_national_bodies(base: Path, tmp_path: Path) -> None:
    scale_dataset(base, tmp_path / "x2.nq", 2)
    text = (tmp_path / "x2.nq").read_text()
    assert (
        text.count("<https://w3id.org/ccg-graph/id/region/Y63> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>") == 1
    )
    assert text.count(f"<{RDF_TYPE}> <{CCG}>") == 6


def test_the_scaled_graph_conforms_to_the_shapes(base: Path, tmp_path: Path) -> None:
    scale_dataset(base, tmp_path / "x3.nq", 3)
    settings = Settings()
    outcome = validate_graph(
        read_graph(tmp_path / "x3.nq"), load_shapes(settings.shapes_dir), load_ontology(settings.ontology_dir)
    )
    assert outcome.conforms, outcome.as_text()[:3000]
    assert outcome.results == []


def test_a_scale_below_one_is_refused(base: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        scale_dataset(base, tmp_path / "x0.nq", 0)
