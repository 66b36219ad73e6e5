"""NHS Digital "Patients Registered at a GP Practice": the practice map and practice-level totals.

* ``gp-reg-pat-prac-map_*``: practice -> PCN -> CCG -> STP -> NHS England region, one row per practice, as
  at the extract date. A practice without a PCN has ``PCN_CODE`` ``U`` ("Unallocated").
* ``gp-reg-pat-prac-all_*``: registered patients per practice (``SEX`` and ``AGE`` are ``ALL``).

The extract date is written ``01Jan2022``, ``01JAN2021`` or ``01-Sep-20`` depending on the edition.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ccg_graph.ingest._common import (
    CCG_ODS_CODE,
    GSS_CODE,
    ODS_CODE,
    PRACTICE_CODE,
    Q_ODS_CODE,
    REGION_ODS_CODE,
    Row,
    Table,
    read_records,
)

UNALLOCATED_PCN = "U"

MAP_COLUMNS = (
    "EXTRACT_DATE",
    "PRACTICE_CODE",
    "PRACTICE_NAME",
    "PRACTICE_POSTCODE",
    "PCN_CODE",
    "PCN_NAME",
    "ONS_CCG_CODE",
    "CCG_CODE",
    "CCG_NAME",
    "ONS_STP_CODE",
    "STP_CODE",
    "STP_NAME",
    "ONS_COMM_REGION_CODE",
    "COMM_REGION_CODE",
    "COMM_REGION_NAME",
)

REGISTRATION_COLUMNS = ("EXTRACT_DATE", "CCG_CODE", "ONS_CCG_CODE", "CODE", "NUMBER_OF_PATIENTS")


def _gss(row: Row, number: int, prefix: str) -> str:
    value = row.code(number, GSS_CODE, "ONS code")
    if not value.startswith(prefix):
        raise row.error(number, f"{value!r} does not start with {prefix}")
    return value


@dataclass(frozen=True, slots=True)
class PracticeMapRow:
    line: int
    extract_date: date
    practice: str
    practice_name: str
    postcode: str
    pcn_code: str  # 'U' when the practice is in no PCN
    pcn_name: str
    ccg_ons: str
    ccg: str
    ccg_name: str
    stp_ons: str
    stp: str
    stp_name: str
    region_ons: str
    region: str
    region_name: str

    @property
    def has_pcn(self) -> bool:
        return self.pcn_code != UNALLOCATED_PCN


def _map_row(table: Table, row: Row) -> PracticeMapRow:
    col = table.positions
    return PracticeMapRow(
        line=row.line,
        extract_date=row.day_month_year(col["EXTRACT_DATE"]),
        practice=row.code(col["PRACTICE_CODE"], PRACTICE_CODE, "practice code"),
        practice_name=row.required(col["PRACTICE_NAME"]),
        postcode=row.stripped(col["PRACTICE_POSTCODE"]),
        pcn_code=row.code(col["PCN_CODE"], ODS_CODE, "PCN code"),
        pcn_name=row.required(col["PCN_NAME"]),
        ccg_ons=_gss(row, col["ONS_CCG_CODE"], "E38"),
        ccg=row.code(col["CCG_CODE"], CCG_ODS_CODE, "CCG code"),
        ccg_name=row.required(col["CCG_NAME"]),
        stp_ons=_gss(row, col["ONS_STP_CODE"], "E54"),
        stp=row.code(col["STP_CODE"], Q_ODS_CODE, "STP code"),
        stp_name=row.required(col["STP_NAME"]),
        region_ons=_gss(row, col["ONS_COMM_REGION_CODE"], "E40"),
        region=row.code(col["COMM_REGION_CODE"], REGION_ODS_CODE, "region code"),
        region_name=row.required(col["COMM_REGION_NAME"]),
    )


def read_practice_map(path: Path) -> Iterator[PracticeMapRow]:
    """Every row of a ``gp-reg-pat-prac-map`` file, in file order."""
    return read_records(path, MAP_COLUMNS, _map_row)


@dataclass(frozen=True, slots=True)
class PracticeRegistration:
    line: int
    extract_date: date
    ccg: str
    ccg_ons: str
    practice: str
    patients: int
    postcode: str = ""
    sex: str = "ALL"
    age: str = "ALL"


def _registration(table: Table, row: Row) -> PracticeRegistration:
    col = table.positions
    sex = table.get("SEX")
    age = table.get("AGE")
    postcode = table.get("POSTCODE")
    return PracticeRegistration(
        line=row.line,
        extract_date=row.day_month_year(col["EXTRACT_DATE"]),
        ccg=row.code(col["CCG_CODE"], CCG_ODS_CODE, "CCG code"),
        ccg_ons=_gss(row, col["ONS_CCG_CODE"], "E38"),
        practice=row.code(col["CODE"], PRACTICE_CODE, "practice code"),
        patients=row.count(col["NUMBER_OF_PATIENTS"]),
        postcode=row.stripped(postcode) if postcode else "",
        # SEX/AGE are ALL in the practice-level totals file; a breakdown file would need summing with care.
        sex=row.required(sex) if sex else "ALL",
        age=row.required(age) if age else "ALL",
    )


def read_practice_registrations(path: Path) -> Iterator[PracticeRegistration]:
    """Every row of a ``gp-reg-pat-prac-all`` file, in file order."""
    return read_records(path, REGISTRATION_COLUMNS, _registration)
