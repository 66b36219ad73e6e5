"""NHSBSA quarterly prescribing list sizes: registered patients per prescribing cost centre by age and sex.

Columns: region name/code, area team name/code, PCO name/code (the commissioner code + ``00``, e.g. ``07L00``
= CCG 07L), practice name/code, then 18 counts (Male/Female x 0-4 ... 75+). Non-GP cost centres appear with
zero counts. The April-June 2013 file also carries ~180 rows under the pre-2013 regional codes Y01-Y12.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ccg_graph.ingest._common import PRACTICE_CODE, REGION_ODS_CODE, Row, Table, read_records

AGE_BANDS = ("0-4", "5-14", "15-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+")
#: The 18 count columns in file order: Male 0-4, Female 0-4, Male 5-14, ...
COUNT_COLUMNS = tuple(f"{sex} {band}" for band in AGE_BANDS for sex in ("Male", "Female"))
COLUMNS = (
    "Regional Office Name",
    "Regional Office Code",
    "Area Team Name",
    "Area Team Code",
    "PCO Name",
    "PCO Code",
    "Practice Name",
    "Practice Code",
    *COUNT_COLUMNS,
)

_AREA_TEAM = re.compile(r"Q[0-9]{2}")
_PCO_CODE = re.compile(r"[A-Z0-9]{5}")


@dataclass(frozen=True, slots=True)
class ListSize:
    line: int
    region_code: str
    area_team_code: str
    pco_code: str
    pco_name: str
    practice: str
    practice_name: str
    patients: int  # sum of the 18 age/sex counts
    counts: tuple[int, ...] = ()  # the 18 counts in `COUNT_COLUMNS` order
    region_name: str = ""
    area_team_name: str = ""

    @property
    def commissioner(self) -> str:
        """The commissioner's ODS code: ``07L00`` -> ``07L``; other PCO codes are returned unchanged."""
        if len(self.pco_code) == 5 and self.pco_code.endswith("00"):
            return self.pco_code[:3]
        return self.pco_code


def _list_size(table: Table, row: Row) -> ListSize:
    col = table.positions
    counts = tuple(row.count(col[name]) for name in COUNT_COLUMNS)
    return ListSize(
        line=row.line,
        region_code=row.code(col["Regional Office Code"], REGION_ODS_CODE, "regional office code"),
        area_team_code=row.code(col["Area Team Code"], _AREA_TEAM, "area team code"),
        pco_code=row.code(col["PCO Code"], _PCO_CODE, "PCO code (5 characters)"),
        pco_name=row.required(col["PCO Name"]),
        practice=row.code(col["Practice Code"], PRACTICE_CODE, "practice code"),
        practice_name=row.required(col["Practice Name"]),
        patients=sum(counts),
        counts=counts,
        region_name=row.required(col["Regional Office Name"]),
        area_team_name=row.required(col["Area Team Name"]),
    )


def read_list_sizes(path: Path) -> Iterator[ListSize]:
    """Every row of an NHSBSA ``Patient_List_Size_*`` file, in file order."""
    return read_records(path, COLUMNS, _list_size)
