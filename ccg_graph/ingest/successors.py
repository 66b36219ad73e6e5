"""The ODS national successor file (``succ``): predecessor -> successor organisation, with effective date.

Not the 27-field layout: 5 columns, no header, fully quoted, CRLF. 1 predecessor code; 2 successor code;
3 null (blank in every row; a value there is reported rather than dropped); 4 effective date ``YYYYMMDD``;
5 a 0/1 flag (most likely the amended-record indicator; not verified).

The file covers every ODS organisation type (PCGs, PCTs, trusts, CSUs, hubs, CCGs, ...). The reader yields
all of it; `ccg_form_successions` narrows it to CCG-shaped predecessors, and callers should further keep
only codes they know to be CCGs (hub codes have the same shape, and two hubs have two successors).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ccg_graph.ingest._common import ODS_CODE, Row, iter_fixed_rows

FIELD_COUNT = 5
LABELS = {1: "predecessor code", 2: "successor code", 3: "null field", 4: "effective date", 5: "flag"}

#: The "NNA" code form shared by CCGs and commissioning hubs (00C, 13T, 14L ...).
CCG_CODE_FORM = re.compile(r"[0-9]{2}[A-Z]")
#: The first day of the CCG era.
CCG_ERA_START = date(2013, 4, 1)


@dataclass(frozen=True, slots=True)
class SuccessorRecord:
    line: int
    predecessor: str
    successor: str
    effective_date: date
    flag: bool


def _successor(row: Row) -> SuccessorRecord:
    if row.text(3):
        raise row.error(3, f"{row.text(3)!r} should be blank (the successor file leaves it null)")
    return SuccessorRecord(
        line=row.line,
        predecessor=row.code(1, ODS_CODE, "ODS code"),
        successor=row.code(2, ODS_CODE, "ODS code"),
        effective_date=row.required_yyyymmdd(4),
        flag=row.flag01(5),
    )


def read_successors(path: Path) -> Iterator[SuccessorRecord]:
    """Every row of a successor file, in file order."""
    return (_successor(row) for row in iter_fixed_rows(path, FIELD_COUNT, LABELS))


def ccg_form_successions(records: Iterable[SuccessorRecord], since: date = CCG_ERA_START) -> Iterator[SuccessorRecord]:
    """Rows whose predecessor has the CCG/hub code form and that take effect on or after ``since``."""
    return (
        record for record in records if record.effective_date >= since and CCG_CODE_FORM.fullmatch(record.predecessor)
    )
