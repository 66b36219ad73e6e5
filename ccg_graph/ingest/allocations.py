"""NHS England CCG allocation files (``nhse-allocations/``).

* ``ccg_allocations_2019-20_indicative_209ccgs.csv``: the 2019/20 indicative allocations published in
  January 2016 for the 209 CCGs of 2016, by CCG *name* only, in £000. The repository author labelled the
  columns; the last two labels look shifted ("Final closing DfT" holds a population), so the reader names
  only the columns whose meaning is certain and keeps the last one under a neutral name.
* ``gp_practice_weighted_population_2019-20_by_ics.csv``: weighted populations and target allocations (£000)
  per GP practice, 2019/20 round; the sheet ends with a blank row and a column-totals row, which the reader
  yields as rows of kind ``blank`` and ``total`` so that nothing is skipped silently. Devon's practices are
  under 99P/99Q, the two CCGs that merged into 15N in 2019.
* ``gp_practice_weighted_population_2019-20_data_items.csv``: what each column of the sheet above means.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ccg_graph.core.errors import MalformedRow
from ccg_graph.ingest._common import CCG_ODS_CODE, NUMBER, PRACTICE_CODE, Row, Table, open_table, read_records

INDICATIVE_COLUMNS = (
    "CCG",
    "Opening DfT",
    "Minimum allocation",
    "Minimum growth",
    "Final allocation",
    "Final growth",
    "Per capita allocation",
    "Per capita growth",
    "Final per capita growth",
    "Final closing DfT",
)
_PERCENT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?%")


def _percent(row: Row, number: int) -> float:
    value = row.text(number)
    if _PERCENT.fullmatch(value) is None:
        raise row.error(number, f"{value!r} is not a percentage")
    return float(value[:-1]) / 100


@dataclass(frozen=True, slots=True)
class IndicativeAllocation:
    """One row of the 2019/20 indicative allocations (amounts in £000, as published)."""

    line: int
    ccg_name: str
    opening_distance_from_target: float  # a fraction (-0.0185 for "-1.85%")
    minimum_allocation_k: int
    final_allocation_k: int
    final_growth: float
    per_capita_allocation: int  # £ per head
    last_column: int  # labelled "Final closing DfT" but holding a population-sized number (README)


def _indicative(table: Table, row: Row) -> IndicativeAllocation:
    col = table.positions
    return IndicativeAllocation(
        line=row.line,
        ccg_name=row.required(col["CCG"]),
        opening_distance_from_target=_percent(row, col["Opening DfT"]),
        minimum_allocation_k=row.count(col["Minimum allocation"]),
        final_allocation_k=row.count(col["Final allocation"]),
        final_growth=_percent(row, col["Final growth"]),
        per_capita_allocation=row.count(col["Per capita allocation"]),
        last_column=row.count(col["Final closing DfT"]),
    )


def read_indicative_allocations(path: Path) -> Iterator[IndicativeAllocation]:
    """Every row of the 2019/20 indicative allocation table, in file order."""
    return read_records(path, INDICATIVE_COLUMNS, _indicative)


PRACTICE_COLUMNS = (
    "R21",
    "CCG",
    "CCG19",
    "Practice",
    "GP practice name",
    "GP_pop",
    "WP_Overall",
    "Target_exc_remote_£k",
    "Target_inc_remote_£k",
)


@dataclass(frozen=True, slots=True)
class PracticeTarget:
    """A row of the practice-level sheet: a practice, or the sheet's trailing blank or totals row."""

    line: int
    kind: str  # "practice", "blank" or "total"
    region: str
    ccg: str  # ODS code (99P/99Q for Devon); '' on the blank and totals rows
    ccg_name: str
    practice: str
    practice_name: str
    registered_population: float
    weighted_population: float | None  # the totals row leaves WP_Overall empty
    target_k: float  # £000, including the remote-areas adjustment
    target_excluding_remote_k: float


def _number(row: Row, number: int) -> float:
    value = row.text(number)
    if NUMBER.fullmatch(value) is None:
        raise row.error(number, f"{value!r} is not a number")
    return float(value)


def _practice_target(table: Table, row: Row) -> PracticeTarget:
    col = table.positions
    if not any(row.fields):
        return PracticeTarget(row.line, "blank", "", "", "", "", "", 0.0, None, 0.0, 0.0)
    kind = "total" if not row.text(col["Practice"]) and not row.text(col["CCG"]) else "practice"
    if kind == "total" and any(row.text(col[name]) for name in ("R21", "CCG19", "GP practice name")):
        raise MalformedRow("a row without practice or CCG code must be the totals row", path=row.path, line=row.line)
    weighted = row.text(col["WP_Overall"])
    return PracticeTarget(
        line=row.line,
        kind=kind,
        region=row.text(col["R21"]),
        ccg=row.code(col["CCG"], CCG_ODS_CODE, "CCG code") if kind == "practice" else "",
        ccg_name=row.text(col["CCG19"]),
        practice=row.code(col["Practice"], PRACTICE_CODE, "practice code") if kind == "practice" else "",
        practice_name=row.text(col["GP practice name"]),
        registered_population=_number(row, col["GP_pop"]),
        weighted_population=_number(row, col["WP_Overall"]) if weighted else None,
        target_k=_number(row, col["Target_inc_remote_£k"]),
        target_excluding_remote_k=_number(row, col["Target_exc_remote_£k"]),
    )


def read_practice_targets(path: Path) -> Iterator[PracticeTarget]:
    """Every row of the practice-level weighted population sheet, in file order."""
    return read_records(path, PRACTICE_COLUMNS, _practice_target)


@dataclass(frozen=True, slots=True)
class DataItem:
    line: int
    item: str  # '' on the sheet's spacer and continuation rows
    description: str


def read_data_items(path: Path) -> Iterator[DataItem]:
    """Every row of the sheet's "Data items" (column definitions); descriptions may span lines."""
    table = open_table(path, ("Data item", "Original full description"))
    col = table.positions
    return (
        DataItem(row.line, row.stripped(col["Data item"]), row.stripped(col["Original full description"]))
        for row in table.rows()
    )
