"""The QOF disease registers per CCG, against the raw HSCIC file."""

from __future__ import annotations

import csv

import pytest

from ccg_graph.store import EmbeddedStore

from ..conftest import REFERENCE_DATA, sparql_values
from .test_saved_queries import run

QOF = REFERENCE_DATA / "hscic-qof" / "qof_prevalence_by_ccg_2013-14.csv"


def raw_rows() -> list[dict[str, str]]:
    with QOF.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("code", ["00C", "13T", "99Q", "08H"])
def test_ccg_disease_registers_are_the_rows_of_the_file(national_store: EmbeddedStore, code: str) -> None:
    expected = {
        (
            " ".join(r["Register_description"].split()),
            int(r["disease_register_size"]),
            int(r["ccg_listsize"]),
            float(r["prevalence"]),
        )
        for r in raw_rows()
        if r["ccgcode"] == code
    }
    rows = run(national_store, "ccg-disease-registers", ccg=f"https://w3id.org/ccg-graph/id/ccg/{code}")
    got = {(r["register"], int(r["patients"]), int(r["list_size"]), float(r["prevalence"])) for r in rows}
    assert got == expected
    assert {r["year"] for r in rows} == ({"2013-14"} if expected else set())


def test_every_row_of_the_file_is_an_observation(national_store: EmbeddedStore) -> None:
    ccgs = {r["ccgcode"] for r in raw_rows()}
    assert len(ccgs) == 211
    count = sparql_values(
        national_store,
        "SELECT (COUNT(*) AS ?n) WHERE { ?o a <https://w3id.org/ccg-graph/def#DiseaseRegisterObservation> }",
    )
    assert count == [{"n": str(len(raw_rows()))}]
