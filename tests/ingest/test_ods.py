"""ODS 27-field readers against the real eccg / epraccur / eauth files and malformed samples."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ccg_graph.core.errors import MalformedRow
from ccg_graph.ingest.ods import (
    CcgRecord,
    PracticeRecord,
    active_english_gp_practices,
    ccgs_only,
    open_on,
    read_eauth,
    read_eccg,
    read_epraccur,
    read_ods,
)

from .helpers import FIXTURES, Load, ods_line, raises_at, write

ECCG_2024 = "ods-ccg/eccg_2024-25.csv"


def test_read_ods_generic_record(reference_dir: Path) -> None:
    first = next(read_ods(reference_dir / "ods-ccg/eccg_2016-02.csv"))
    assert first.line == 1
    assert (first.code, first.name, first.national_grouping, first.high_level_geography) == (
        "00C",
        "NHS DARLINGTON CCG",
        "Y54",
        "Q74",
    )
    assert first.address == ("DR PIPER HOUSE", "KING STREET", "", "DARLINGTON", "COUNTY DURHAM")
    assert first.postcode == "DL3 6JL"
    assert (first.open_date, first.close_date) == (date(2013, 4, 1), None)
    assert (first.field13, first.field14, first.field15, first.field24, first.field26) == ("", "C", "", "", "")
    assert first.amended is False


def test_eccg_2024_has_every_ccg_ever(load: Load) -> None:
    records: list[CcgRecord] = load(ECCG_2024)
    assert [r.line for r in records] == list(range(1, 321))
    ccgs = list(ccgs_only(records))
    assert len(ccgs) == len({c.code for c in ccgs}) == 248
    assert sum(1 for c in ccgs if c.close_date) == 142
    assert sum(1 for c in ccgs if c.close_date is None) == 106
    assert Counter(r.role for r in records) == {"": 142, "RO319": 100, "RO319|RO326": 6, "RO218": 35, "RO327": 37}
    assert sum(1 for r in records if r.is_hub) == 35
    assert all(not r.is_ccg and len(r.code) == 5 for r in records if r.role == "RO327")
    assert {c.code: c.open_date for c in ccgs}["13T"] == date(2014, 11, 26)  # README caveat 6


def test_ccgs_open_each_first_of_april(load: Load) -> None:
    ccgs = list(ccgs_only(load(ECCG_2024)))
    counts = [sum(1 for _ in open_on(ccgs, date(year, 4, 1))) for year in range(2013, 2023)]
    assert counts == [211, 211, 209, 209, 207, 195, 191, 135, 106, 106]


def test_every_closed_ccg_closed_on_31_march(load: Load) -> None:
    closed = [c for c in ccgs_only(load(ECCG_2024)) if c.close_date]
    assert {(c.close_date.month, c.close_date.day) for c in closed if c.close_date} == {(3, 31)}


@pytest.mark.parametrize(
    ("rel", "ccg_rows", "open_rows", "hubs"),
    [("ods-ccg/eccg_2016-02.csv", 212, 209, 37), ("ods-ccg/eccg_2018-11.csv", 213, 195, 29)],
)
def test_older_eccg_releases(load: Load, rel: str, ccg_rows: int, open_rows: int, hubs: int) -> None:
    records: list[CcgRecord] = load(rel)
    assert {r.role for r in records} == {"C", "H"}
    ccgs = list(ccgs_only(records))
    assert len(ccgs) == ccg_rows
    assert sum(1 for c in ccgs if c.close_date is None) == open_rows
    assert sum(1 for r in records if r.is_hub) == hubs


SNAPSHOTS = [
    ("2016-02", date(2016, 2, 1), 7756, 209),
    ("2018-06", date(2018, 6, 1), 7159, 195),
    ("2019-10", date(2019, 10, 1), 6872, 191),
    ("2021-11", date(2021, 11, 4), 6559, 106),
    ("2023-02", date(2023, 2, 1), 6445, 106),
]


@pytest.mark.parametrize(("snapshot", "day", "practices", "commissioners"), SNAPSHOTS)
def test_active_english_gp_practices(load: Load, snapshot: str, day: date, practices: int, commissioners: int) -> None:
    records: list[PracticeRecord] = load(f"ods-gp-practices/epraccur_{snapshot}.csv")
    active = list(active_english_gp_practices(records))
    assert len(active) == practices
    found = {p.commissioner for p in active}
    assert len(found) == commissioners
    # README: the commissioners of active practices are exactly the CCGs open at the snapshot date.
    assert found == {c.code for c in open_on(ccgs_only(load(ECCG_2024)), day)}


def test_epraccur_2021_welsh_practices(load: Load) -> None:
    active = [p for p in load("ods-gp-practices/epraccur_2021-11.csv") if p.is_active_gp_practice]
    assert len(active) == 6965
    welsh = [p for p in active if not p.is_english]
    assert len(welsh) == 406
    assert {p.commissioner for p in welsh} == {f"7A{n}" for n in range(1, 8)}


def test_epraccur_typed_fields(load: Load) -> None:
    first: PracticeRecord = load("ods-gp-practices/epraccur_2021-11.csv")[0]
    assert (first.line, first.code, first.status, first.subtype, first.commissioner) == (
        1,
        "A81001",
        "A",
        "B",
        "16C",
    )
    assert (first.region, first.high_level_geography, first.parent) == ("Y63", "QHM", "16C")
    assert (first.join_commissioner_date, first.left_commissioner_date) == (date(2020, 4, 1), None)
    assert first.prescribing_setting == 4
    assert first.telephone == "01642 672351"
    unallocated = [p for p in load("ods-gp-practices/epraccur_2016-02.csv") if p.subtype == "Z"]
    assert unallocated and all(p.commissioner is None for p in unallocated)


def test_epraccur_address_lines_are_stripped(load: Load) -> None:
    record = load("ods-gp-practices/epraccur_2016-02.csv")[1390]  # line 1391: ' ABINGTON CLOSE' in the file
    assert record.line == 1391
    assert record.address[1] == "ABINGTON CLOSE"


def test_eauth(load: Load) -> None:
    records = load("ods-ccg/eauth_2018-11.csv")
    assert len(records) == 36
    regions = {r.code: r for r in records if r.is_nhs_region}
    assert sorted(regions) == ["Y54", "Y55", "Y56", "Y57", "Y58", "Y59"]
    assert regions["Y57"].close_date == date(2018, 3, 31)
    assert regions["Y58"].open_date == date(2018, 4, 1)
    offices = {r.code: r for r in records if r.is_local_office}
    assert len(offices) == 18
    assert offices["Q70"].parent == "Y57" and offices["Q70"].close_date == date(2018, 3, 31)
    assert offices["Q88"].parent == "Y59"
    assert all(o.parent in regions for o in offices.values())


# --- malformed samples ----------


def test_bad_open_date_fixture() -> None:
    path = FIXTURES / "eccg_bad_open_date.csv"
    exc = raises_at(
        MalformedRow,
        lambda: read_eccg(path),
        path=path,
        line=3,
        contains="field 11 (open date) '2013x401' is not a YYYYMMDD date",
    )
    assert exc.reason == "field 11 (open date) '2013x401' is not a YYYYMMDD date"
    assert exc.column == 11


def test_short_row_fixture() -> None:
    path = FIXTURES / "epraccur_short_row.csv"
    raises_at(MalformedRow, lambda: read_epraccur(path), path=path, line=2, contains="expected 27 fields, found 25")


def test_records_before_a_bad_row_are_yielded(tmp_path: Path) -> None:
    path = write(tmp_path, "eccg.csv", ods_line() + ods_line((12, "2015033")))
    records = read_eccg(path)
    assert next(records).code == "00C"
    with pytest.raises(MalformedRow, match=r"field 12 \(close date\) '2015033' is not a YYYYMMDD date"):
        next(records)


@pytest.mark.parametrize(
    ("reader", "override", "problem"),
    [
        (read_ods, (1, ""), "field 1 (organisation code) is empty"),
        (read_ods, (1, "00c"), "field 1 (organisation code) '00c' is not a valid ODS code"),
        (read_ods, (2, " "), "field 2 (name) is empty"),
        (read_ods, (11, ""), "field 11 (open date) is empty"),
        (read_ods, (16, "20130431"), "field 16 (join parent date) '20130431' is not a YYYYMMDD date"),
        (read_ods, (22, "Y"), "field 22 (amended record indicator) 'Y' is not a 0/1 flag"),
        (read_ods, (25, "X"), "field 25 (null field) 'X' should be empty"),
        (read_eccg, (1, "0C"), "field 1 (organisation code) '0C' is not a valid CCG/hub code"),
        (read_eauth, (3, "y54"), "field 3 (national grouping) 'y54' is not a valid code"),
    ],
)
def test_malformed_ods_rows(
    tmp_path: Path, reader: Callable[[Path], Any], override: tuple[int, str], problem: str
) -> None:
    path = write(tmp_path, "sample.csv", ods_line() + ods_line() + ods_line(override))
    raises_at(MalformedRow, lambda: reader(path), path=path, line=3, contains=problem)


def _practice(*overrides: tuple[int, str]) -> str:
    base = ((1, "A81001"), (13, "A"), (14, "B"), (15, "00K"), (24, "00K"), (26, "4"))
    return ods_line(*base, *overrides)


@pytest.mark.parametrize(
    ("override", "problem"),
    [
        ((1, "A8100"), "field 1 (practice code) 'A8100' is not a valid practice code"),
        ((13, "X"), "field 13 (status code) 'X' is not one of 'A', 'C', 'D', 'P'"),
        ((14, ""), "field 14 (sub-type) '' is not one of 'B', 'Z'"),
        ((15, "00"), "field 15 (commissioner) '00' is not a valid commissioner code"),
        ((26, "four"), "field 26 (prescribing setting) 'four' is not a non-negative integer"),
        ((17, "2013-04-01"), "field 17 (left commissioner date) '2013-04-01' is not a YYYYMMDD date"),
    ],
)
def test_malformed_epraccur_rows(tmp_path: Path, override: tuple[int, str], problem: str) -> None:
    path = write(tmp_path, "epraccur.csv", _practice() + _practice(override))
    raises_at(MalformedRow, lambda: read_epraccur(path), path=path, line=2, contains=problem)
