"""ODS ``epcmem``: which parent organisation each GP practice belonged to, spell by spell, back to 1999.

6 columns, no header, fully quoted, CRLF: 1 practice code; 2 parent code (PCG ``4xxxx``, PCT ``5xx`` / care
trust ``Txx``, CCG, Welsh health board, or a commissioning hub for non-GP cost centres); 3 parent type
(``W`` in every row); 4 join date; 5 left date (empty while current); 6 amended-record indicator.

This is the only source that links the 2012 PCTs to the 2013 CCGs (through the practices that moved from
one to the other on 1 April 2013; see the README's "Deriving PCT -> CCG").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ccg_graph.ingest._common import ODS_CODE, PRACTICE_CODE, Row, iter_fixed_rows

FIELD_COUNT = 6
LABELS = {
    1: "practice code",
    2: "parent code",
    3: "parent type",
    4: "join parent date",
    5: "left parent date",
    6: "amended record indicator",
}


@dataclass(frozen=True, slots=True)
class MembershipSpell:
    line: int
    practice: str
    parent: str
    parent_type: str
    join_date: date
    left_date: date | None
    amended: bool

    def covers(self, day: date) -> bool:
        """The practice belonged to ``parent`` on ``day`` (join and left dates are both inclusive)."""
        return self.join_date <= day and (self.left_date is None or self.left_date >= day)


def _spell(row: Row) -> MembershipSpell:
    join_date = row.required_yyyymmdd(4)
    left_date = row.yyyymmdd(5)
    if left_date is not None and left_date < join_date:
        raise row.error(5, f"{row.text(5)!r} is before the join date {row.text(4)!r}")
    return MembershipSpell(
        line=row.line,
        practice=row.code(1, PRACTICE_CODE, "practice code"),
        parent=row.code(2, ODS_CODE, "ODS code"),
        parent_type=row.code(3, ODS_CODE, "parent type"),
        join_date=join_date,
        left_date=left_date,
        amended=row.flag01(6),
    )


def read_epcmem(path: Path) -> Iterator[MembershipSpell]:
    """Every membership spell, in file order."""
    return (_spell(row) for row in iter_fixed_rows(path, FIELD_COUNT, LABELS))
