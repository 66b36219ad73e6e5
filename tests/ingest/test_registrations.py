"""NHS Digital practice map and practice registrations: real facts and malformed samples."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ccg_graph.core.errors import BadInput, MalformedRow
from ccg_graph.ingest.ons import read_ccg_population
from ccg_graph.ingest.registrations import (
    PracticeMapRow,
    PracticeRegistration,
    read_practice_map,
    read_practice_registrations,
)

from .helpers import FIXTURES, Load, raises_at, write

REG = "nhs-digital-gp-registrations/"


def test_practice_map_2022_01(load: Load) -> None:
    rows: list[PracticeMapRow] = load(REG + "gp-reg-pat-prac-map_2022-01.csv")
    assert len(rows) == 6527 and rows[0].line == 2 and rows[-1].line == 6528
    assert {r.extract_date for r in rows} == {date(2022, 1, 1)}
    assert len({r.ccg for r in rows}) == 106
    assert len({r.stp for r in rows}) == 42
    assert len({r.region for r in rows}) == 7
    # 1,255 PCN codes, counting the placeholder 'U' ("Unallocated") used by 68 practices without a PCN.
    assert len({r.pcn_code for r in rows}) == 1255
    assert sum(1 for r in rows if not r.has_pcn) == 68
    assert {r.ccg_name for r in rows if r.ccg == "18C"} == {"NHS Herefordshire CCG"}  # README caveat 8


def test_practice_map_agrees_with_2021_population_file(load: Load, reference_dir: Path) -> None:
    rows: list[PracticeMapRow] = load(REG + "gp-reg-pat-prac-map_2022-01.csv")
    population = read_ccg_population(reference_dir / "ons-geography/ccg21_to_stp21_to_nhser21_with_population.csv")
    assert {(r.ccg_ons, r.stp_ons, r.region_ons) for r in rows} == {
        (p.ccg_ons, p.stp_ons, p.region_ons) for p in population
    }


def test_practice_map_2020_09_dash_date(load: Load) -> None:
    rows: list[PracticeMapRow] = load(REG + "gp-reg-pat-prac-map_2020-09.csv")
    assert {r.extract_date for r in rows} == {date(2020, 9, 1)}  # written '01-Sep-20' in this edition
    assert len({r.ccg for r in rows}) == 135
    assert len({r.stp for r in rows}) == 42


def test_registrations_2021_01(load: Load) -> None:
    rows: list[PracticeRegistration] = load(REG + "gp-reg-pat-prac-all_2021-01.csv")
    assert len(rows) == 6658
    assert sum(r.patients for r in rows) == 60606345
    assert len({r.ccg for r in rows}) == 135
    assert {(r.extract_date, r.sex, r.age) for r in rows} == {(date(2021, 1, 1), "ALL", "ALL")}
    assert rows[0] == PracticeRegistration(2, date(2021, 1, 1), "00L", "E38000130", "A84002", 5903, "NE65 7UW")


def test_practice_map_missing_column_fixture() -> None:
    path = FIXTURES / "prac_map_missing_column.csv"
    raises_at(
        BadInput,
        lambda: read_practice_map(path),
        path=path,
        line=1,
        contains="header lacks required column(s): ONS_COMM_REGION_CODE (found:",
    )


REG_HEADER = "PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS\r\n"
REG_ROW = "GP_PRAC_PAT_LIST,01JAN2021,GP,00L,E38000130,A84002,NE65 7UW,ALL,ALL,5903\r\n"


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (",5903", ",5,903", "expected 10 fields (as in the header), found 11"),
        (",5903", ",5903.0", "field 10 (NUMBER_OF_PATIENTS) '5903.0' is not a non-negative integer"),
        (",5903", ",", "field 10 (NUMBER_OF_PATIENTS) '' is not a non-negative integer"),
        ("01JAN2021", "32JAN2021", "field 2 (EXTRACT_DATE) '32JAN2021' is not a DDMonYYYY date"),
        ("01JAN2021", "2021-01-01", "field 2 (EXTRACT_DATE) '2021-01-01' is not a DDMonYYYY date"),
        (",00L,", ",,", "field 4 (CCG_CODE) is empty"),
        ("E38000130", "E54000130", "field 5 (ONS_CCG_CODE) 'E54000130' does not start with E38"),
        ("A84002", "A8400", "field 6 (CODE) 'A8400' is not a valid practice code"),
    ],
)
def test_malformed_registrations(tmp_path: Path, old: str, new: str, problem: str) -> None:
    path = write(tmp_path, "reg.csv", REG_HEADER + REG_ROW + REG_ROW.replace(old, new))
    raises_at(MalformedRow, lambda: read_practice_registrations(path), path=path, line=3, contains=problem)


def test_registrations_missing_count_column(tmp_path: Path) -> None:
    path = write(tmp_path, "reg.csv", REG_HEADER.replace(",NUMBER_OF_PATIENTS", ""))
    raises_at(BadInput, lambda: read_practice_registrations(path), path=path, line=1, contains="NUMBER_OF_PATIENTS")
