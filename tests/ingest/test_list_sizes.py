"""NHSBSA prescribing list sizes: quarterly totals, commissioner codes, malformed samples."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccg_graph.core.errors import BadInput, MalformedRow
from ccg_graph.ingest.list_sizes import COLUMNS, ListSize, read_list_sizes

from .helpers import FIXTURES, Load, raises_at, write


@pytest.mark.parametrize(
    ("quarter", "rows", "patients"),
    [
        ("2013_04-06", 9754, 56025327),
        ("2014_04-06", 9475, 56455131),
        ("2015_04-06", 9243, 57024156),
        ("2016_01-03", 7705, 57543937),
    ],
)
def test_quarterly_totals(load: Load, quarter: str, rows: int, patients: int) -> None:
    sizes: list[ListSize] = load(f"nhsbsa-gp-list-sizes/Patient_List_Size_{quarter}.csv")
    assert len(sizes) == rows
    assert sum(s.patients for s in sizes) == patients
    assert all(len(s.counts) == 18 and sum(s.counts) == s.patients for s in sizes)


def test_commissioners_2013_cover_the_211_ccgs(load: Load) -> None:
    sizes: list[ListSize] = load("nhsbsa-gp-list-sizes/Patient_List_Size_2013_04-06.csv")
    ccg13 = {c.ods_code for c in load("ons-geography/ccg13_names_codes_2013-04.csv")}
    assert ccg13 <= {s.commissioner for s in sizes if s.patients > 0}
    # Quirk: ~180 rows of the first CCG quarter still carry pre-2013 regional office codes (Y01-Y12).
    assert {s.region_code for s in sizes} - {"Y54", "Y55", "Y56", "Y57"}


def test_commissioner_property() -> None:
    size = ListSize(2, "Y56", "Q61", "07L00", "BARKING & DAGENHAM CCG", "F82625", "ABBEY", 0)
    assert size.commissioner == "07L"
    assert ListSize(2, "Y56", "Q61", "NI300", "ADDACTION", "Y00898", "X", 0).commissioner == "NI3"
    assert ListSize(2, "Y56", "Q61", "5P201", "X", "Y00898", "X", 0).commissioner == "5P201"


def test_bad_count_fixture() -> None:
    path = FIXTURES / "list_size_bad_count.csv"
    raises_at(
        MalformedRow,
        lambda: read_list_sizes(path),
        path=path,
        line=3,
        contains="field 26 (Female 75+) '8O' is not a non-negative integer",
    )


def test_missing_count_column(tmp_path: Path) -> None:
    path = write(tmp_path, "ls.csv", ",".join(c for c in COLUMNS if c != "Male 75+") + "\n")
    raises_at(BadInput, lambda: read_list_sizes(path), path=path, line=1, contains="column(s): Male 75+ (found:")


def test_bad_pco_code(tmp_path: Path) -> None:
    row = "LONDON,Y56,NEL,Q61,BARKING,07L0,ABBEY,F82625" + ",1" * 18 + "\n"
    path = write(tmp_path, "ls.csv", ",".join(COLUMNS) + "\n" + row)
    raises_at(MalformedRow, lambda: read_list_sizes(path), path=path, line=2, contains="field 6 (PCO Code) '07L0'")
