"""NHS trusts in the national graph, checked against the raw ODS etr files (expected values computed here)."""

from __future__ import annotations

import csv

from ccg_graph.store import EmbeddedStore

from ..conftest import REFERENCE_DATA, sparql_values

RELEASES = ("etr_2015-09.csv", "etr_2021-09.csv", "etr_2026-04.csv")
PREFIX = "PREFIX ccg: <https://w3id.org/ccg-graph/def#> "
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"


def _rows(name: str) -> list[list[str]]:
    with (REFERENCE_DATA / "ods-trusts" / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_trusts_dates_and_the_2015_copys_appended_rows(national_store: EmbeddedStore) -> None:
    release_rows = {name: [row for row in _rows(name) if row[10]] for name in RELEASES}  # an open date
    codes = {row[0] for rows in release_rows.values() for row in rows}
    [count] = sparql_values(national_store, PREFIX + "SELECT (COUNT(?t) AS ?n) WHERE { ?t a ccg:NHSTrust }")
    assert int(count["n"]) == len(codes)
    listed_2015 = {
        row["t"].rsplit("/", 1)[-1]
        for row in sparql_values(
            national_store,
            PREFIX + f'SELECT ?t WHERE {{ ?t ccg:odsListing ?l . ?l ccg:listedOn "2015-09-01"^^<{XSD_DATE}> }}',
        )
    }
    appended = {row[0] for row in _rows("etr_2015-09.csv") if not row[10]}
    assert appended == {"R0A", "R0B"} and not appended & listed_2015
    assert listed_2015 == {row[0] for row in release_rows["etr_2015-09.csv"]}
    closed = {row[0]: row[11] for row in release_rows["etr_2026-04.csv"] if row[11]}
    found = {
        row["t"].rsplit("/", 1)[-1]: row["c"].replace("-", "")
        for row in sparql_values(national_store, PREFIX + "SELECT ?t ?c WHERE { ?t a ccg:NHSTrust ; ccg:closeDate ?c }")
    }
    assert found == closed
