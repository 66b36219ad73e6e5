"""ODS NHS trust files (``ods-trusts/``): the ``etr`` releases and the DataPoint trust → host CCG export.

``etr`` has the standard ODS layout (`ccg_graph.ingest.ods.ODS_LABELS`) except that the 2015 copy was re-saved
by its repository author without quotes and with only the first 24 of the 27 fields, and two rows (R0A and
R0B, with only code, name and postcode) were appended to it later: they are not 2015 data (manifest). The
reader yields every row; `release_rows` drops rows that carry nothing but a code, a name and a postcode.
Columns 3 and 4 (region, area team / STP / ICB) are the parents at the time of each release.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ccg_graph.core.errors import MalformedRow
from ccg_graph.ingest._common import CCG_ODS_CODE, Row, Table, iter_raw_rows, read_records
from ccg_graph.ingest.ods import ODS_LABELS, check_null_fields

#: An NHS trust code: R + two letters/digits (RYY), or a 5-character code given since 2024 (G6V2S).
TRUST_CODE = re.compile(r"R[A-Z0-9]{2}|[A-Z0-9]{5}")
#: The field counts an ``etr`` copy may have: the ODS layout, or the 2015 copy's first 24 fields.
FIELD_COUNTS = (27, 24)
#: The host-CCG column of the DataPoint export also holds Welsh health boards (7A1-7A7).
HOST_CODE = re.compile(f"{CCG_ODS_CODE.pattern}|7A[0-9]")


@dataclass(frozen=True, slots=True)
class TrustRecord:
    """One row of an ``etr`` release."""

    line: int
    code: str
    name: str
    region: str  # national grouping at release time (Y..), '' if none
    area: str  # area team (2015), STP (2021) or ICB (2026) at release time, '' if none
    postcode: str
    open_date: date | None  # None only on rows appended to a copy after the release
    close_date: date | None

    @property
    def appended_later(self) -> bool:
        """A row with nothing but code, name and postcode: added to a copy, not part of the release."""
        return self.open_date is None and not self.region and not self.area


def _trust(row: Row) -> TrustRecord:
    check_null_fields(row)
    return TrustRecord(
        line=row.line,
        code=row.code(1, TRUST_CODE, "NHS trust code"),
        name=row.required(2),
        region=row.text(3),
        area=row.text(4),
        postcode=row.stripped(10),
        open_date=row.yyyymmdd(11),
        close_date=row.yyyymmdd(12),
    )


def read_etr(path: Path) -> Iterator[TrustRecord]:
    """Every row of an ``etr`` file (27 fields, or 24 in the 2015 copy), in file order."""
    return _generate_trusts(path, iter_raw_rows(path))


def _generate_trusts(path: Path, raw: Iterator[tuple[int, list[str]]]) -> Iterator[TrustRecord]:
    for line, fields in raw:
        if len(fields) not in FIELD_COUNTS:
            raise MalformedRow(f"expected 27 (or 24) fields, found {len(fields)}", path=path, line=line)
        record = _trust(Row(path, line, fields, ODS_LABELS))
        if record.open_date is None and not record.appended_later:
            raise MalformedRow("field 11 (open date) is empty", path=path, line=line, column=11)
        yield record


def release_rows(records: Iterable[TrustRecord]) -> Iterator[TrustRecord]:
    """The rows that belong to the release (without the rows appended to a copy later)."""
    return (record for record in records if not record.appended_later)


@dataclass(frozen=True, slots=True)
class TrustHost:
    """One trust of the ODS DataPoint export with the CCG (or Welsh health board) its headquarters lie in."""

    line: int
    trust: str
    trust_name: str
    role: str
    host: str
    host_name: str


HOST_COLUMNS = (
    "Code",
    "Name",
    "Primary Role Name",
    "Geographic Primary Care Organisation Code",
    "Geographic Primary Care Organisation Name",
)


def _host(table: Table, row: Row) -> TrustHost:
    col = table.positions
    return TrustHost(
        line=row.line,
        trust=row.code(col["Code"], TRUST_CODE, "NHS trust code"),
        trust_name=row.required(col["Name"]),
        role=row.required(col["Primary Role Name"]),
        host=row.code(col["Geographic Primary Care Organisation Code"], HOST_CODE, "CCG or health board code"),
        host_name=row.required(col["Geographic Primary Care Organisation Name"]),
    )


def read_trust_hosts(path: Path) -> Iterator[TrustHost]:
    """Every row of the DataPoint trust → geographic CCG export, in file order."""
    return read_records(path, HOST_COLUMNS, _host)
