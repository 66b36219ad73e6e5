"""NHS England Mental Health Dashboard sheets (``nhse-mental-health-dashboard/``), Q4 2021/22 workbook.

The three "FINAL CALC" sheets (total spend £, spend as a share of the CCG allocation, investment standard
met Y/N) share one layout: a title block on lines 1-9 (title, id, source, *updated* date, …), the header on
line 10, then one row per organisation (England, 7 regions, 42 STPs, 106 CCGs of April 2021) with a column
per financial year, 2009/10-2021/22, and "planned" columns from 2017/18. History is restated onto the CCGs
of 2021/22 (a merged CCG's earlier years appear under its 2021 code). ``#N/A`` and '' mean no value.
The spend and share sheets were updated a year apart (2021-06-13 and 2022-06-16).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ccg_graph.core.errors import BadInput, MalformedRow
from ccg_graph.ingest._common import CCG_ODS_CODE, ISO_DATE, NUMBER, ODS_CODE, Table, iter_raw_rows
from ccg_graph.ingest._common import open_table as _open_table

HEADER_LINE = 10
ORG_COLUMNS = ("Region Code", "STP Code", "Org code", "Org name", "Org Type")
ORG_TYPES = frozenset({"National", "Region", "STP", "CCG"})
MISSING = frozenset({"", "#N/A"})
_YEAR_COLUMN = re.compile(r"(20[0-9]{2})/([0-9]{2})( planned)?")


@dataclass(frozen=True, slots=True)
class DashboardValue:
    """One cell: a financial year (``2018/19``), whether it is the plan, and its text."""

    financial_year: str
    planned: bool
    text: str


@dataclass(frozen=True, slots=True)
class DashboardRow:
    line: int
    region: str
    stp: str
    org: str  # EN, Y.., Q.. or a CCG code
    org_name: str
    org_type: str  # National, Region, STP, CCG
    values: tuple[DashboardValue, ...]  # the non-missing cells only, in column order


@dataclass(frozen=True, slots=True)
class DashboardSheet:
    """A sheet's title block (title, unique id, updated date) and an iterator over its rows."""

    title: str
    unique_id: str
    updated: date
    rows: Iterator[DashboardRow]


def _title_block(path: Path, raw: Iterator[tuple[int, list[str]]]) -> dict[str, str]:
    block: dict[str, str] = {}
    for line, fields in raw:
        if line == HEADER_LINE:
            if tuple(name.strip() for name in fields[: len(ORG_COLUMNS)]) != ORG_COLUMNS:
                raise BadInput(f"line {HEADER_LINE} is not the header ({', '.join(ORG_COLUMNS)}, years)", path=path)
            block["__header__"] = "\x1f".join(fields)
            return block
        if fields and fields[0].endswith(":"):
            block[fields[0][:-1]] = fields[1] if len(fields) > 1 else ""
    raise BadInput(f"file ends before the header on line {HEADER_LINE}", path=path)


def read_dashboard_sheet(path: Path) -> DashboardSheet:
    """The title block and rows of one Mental Health Dashboard calculation sheet."""
    raw = iter_raw_rows(path)
    try:
        block = _title_block(path, raw)
        header = block.pop("__header__").split("\x1f")
        years: list[tuple[int, str, bool]] = []
        for number, name in enumerate(header[len(ORG_COLUMNS) :], start=len(ORG_COLUMNS) + 1):
            match = _YEAR_COLUMN.fullmatch(name.strip())
            if match is None:
                raise BadInput(f"column {number} {name!r} is not a financial year", path=path, line=HEADER_LINE)
            years.append((number, f"{match.group(1)}/{match.group(2)}", bool(match.group(3))))
        updated = block.get("Updated", "")
        if ISO_DATE.fullmatch(updated) is None:
            raise BadInput(f"title block 'Updated:' {updated!r} is not a YYYY-MM-DD date", path=path)
    except BadInput:
        raw.close()
        raise
    table = Table(path, header, [None] * len(header), raw)
    return DashboardSheet(
        title=block.get("Title", ""),
        unique_id=block.get("Unique ID", ""),
        updated=date.fromisoformat(updated),
        rows=_dashboard_rows(table, years),
    )


def _dashboard_rows(table: Table, years: list[tuple[int, str, bool]]) -> Iterator[DashboardRow]:
    for row in table.rows():
        org_type = row.choice(5, sorted(ORG_TYPES))
        values = tuple(
            DashboardValue(year, planned, row.text(number).strip())
            for number, year, planned in years
            if row.text(number).strip() not in MISSING
        )
        yield DashboardRow(
            line=row.line,
            region=row.code(1, ODS_CODE, "region code"),
            stp=row.code(2, ODS_CODE, "STP code"),
            org=row.code(3, ODS_CODE, "organisation code"),
            org_name=row.required(4),
            org_type=org_type,
            values=values,
        )


def number_value(path: Path, row: DashboardRow, value: DashboardValue) -> float:
    """A cell of the spend or share sheet as a number (`MalformedRow` otherwise)."""
    if NUMBER.fullmatch(value.text) is None:
        raise MalformedRow(f"{value.financial_year} value {value.text!r} is not a number", path=path, line=row.line)
    return float(value.text)


def flag_value(path: Path, row: DashboardRow, value: DashboardValue) -> bool:
    """A cell of the investment standard sheet: Y or N."""
    if value.text not in ("Y", "N"):
        raise MalformedRow(f"{value.financial_year} value {value.text!r} is not Y or N", path=path, line=row.line)
    return value.text == "Y"


@dataclass(frozen=True, slots=True)
class DashboardOrg:
    line: int
    code: str
    name: str


def read_dashboard_org_codes(path: Path) -> Iterator[DashboardOrg]:
    """The dashboard's organisation code list (line 1 blank, header on line 2)."""
    raw = iter_raw_rows(path)
    first = next(raw, None)
    if first is None or any(field.strip() for field in first[1]):
        raw.close()
        raise BadInput("line 1 should be the sheet's blank row", path=path, line=1)
    header = next(raw, None)
    if header is None or [name.strip() for name in header[1]] != ["Org code", "Org name"]:
        raw.close()
        raise BadInput("line 2 is not the header 'Org code,Org name'", path=path, line=2)
    table = Table(path, header[1], header[1], raw)
    return (DashboardOrg(row.line, row.code(1, ODS_CODE, "organisation code"), row.required(2)) for row in table.rows())


@dataclass(frozen=True, slots=True)
class MergerLookup:
    """A CCG of 2020/21 and the CCG of 2021/22 it became part of (1 April 2021 mergers)."""

    line: int
    ccg_2020: str
    ccg_2020_name: str
    ccg_2021: str


def read_merger_lookup(path: Path) -> Iterator[MergerLookup]:
    """The dashboard's 2020/21 → 2021/22 CCG code lookup (its first column is blank)."""
    table = _open_table(path, ("2021 CCG Code", "2021 CCG name", "2122 CCG Code"))
    col = table.positions

    def generate() -> Iterator[MergerLookup]:
        for row in table.rows():
            if row.text(1):
                raise row.error(1, f"{row.text(1)!r} should be empty (the sheet's first column is blank)")
            yield MergerLookup(
                row.line,
                row.code(col["2021 CCG Code"], CCG_ODS_CODE, "CCG code"),
                row.required(col["2021 CCG name"]),
                row.code(col["2122 CCG Code"], CCG_ODS_CODE, "CCG code"),
            )

    return generate()
