"""HSCIC Quality and Outcomes Framework disease prevalence by CCG (one row per CCG and disease register).

``ccg_listsize`` repeats the CCG's registered list size on each of its rows; sum it once per CCG
(`list_size_by_ccg`). ``indicator_group`` is not unique within a CCG: in 2013-14 both "Heart Failure" and
"Heart Failure due to LVD" are group ``HF``, so key registers on ``register_description``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ccg_graph.core.errors import MalformedRow
from ccg_graph.ingest._common import CCG_ODS_CODE, Row, Table, read_records

COLUMNS = (
    "ccgcode",
    "indicator_group",
    "Register_description",
    "disease_register_size",
    "ccg_listsize",
    "prevalence",
)


@dataclass(frozen=True, slots=True)
class QofPrevalence:
    line: int
    ccg: str
    indicator_group: str
    register_description: str
    register_size: int
    list_size: int
    prevalence: float  # per cent of list_size


def _prevalence(table: Table, row: Row) -> QofPrevalence:
    col = table.positions
    return QofPrevalence(
        line=row.line,
        ccg=row.code(col["ccgcode"], CCG_ODS_CODE, "CCG code"),
        indicator_group=row.required(col["indicator_group"]),
        register_description=row.required(col["Register_description"]),
        register_size=row.count(col["disease_register_size"]),
        list_size=row.count(col["ccg_listsize"]),
        prevalence=row.decimal(col["prevalence"]),
    )


def read_qof_prevalence(path: Path) -> Iterator[QofPrevalence]:
    """Every row of a QOF prevalence-by-CCG file, in file order."""
    return read_records(path, COLUMNS, _prevalence)


def list_size_by_ccg(records: Iterable[QofPrevalence], path: Path | None = None) -> dict[str, int]:
    """Each CCG's list size, taken once; `MalformedRow` if a CCG's rows disagree about it."""
    sizes: dict[str, tuple[int, int]] = {}
    for record in records:
        seen = sizes.setdefault(record.ccg, (record.list_size, record.line))
        if seen[0] != record.list_size:
            raise MalformedRow(
                f"ccg_listsize {record.list_size} for {record.ccg} differs from {seen[0]} on line {seen[1]}",
                path=path,
                line=record.line,
            )
    return {ccg: size for ccg, (size, _) in sizes.items()}
