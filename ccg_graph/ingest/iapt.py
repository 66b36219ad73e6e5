"""NHS Digital IAPT (talking therapies) commissioner × provider pairs, Sep 2020 – Sep 2021 (``nhs-digital-iapt/``).

The repository author reduced the monthly time series to its distinct (commissioner, provider) pairs and
renamed the columns. Commissioner codes include 2020-only CCGs, NHS England hubs (13Q, 14M, 14R) and the
literal ``InvalidCode``; provider codes are ODS codes of trusts (RYY), independent sites (NWC12, AM7) and
the like, with names as IAPT wrote them. The reader keeps them all; the build decides what they name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ccg_graph.ingest._common import ODS_CODE, Row, Table, read_records

COLUMNS = ("CCG21CDH", "ccg_name", "trust_code", "trust_name")
#: The commissioner column: a CCG / hub code, or the stand-in code IAPT writes for an unknown one.
INVALID_COMMISSIONER = "InvalidCode"
_COMMISSIONER = re.compile(rf"[0-9]{{2}}[A-Z]|[A-Z0-9]{{5}}|{INVALID_COMMISSIONER}")


@dataclass(frozen=True, slots=True)
class IaptPair:
    """One commissioner commissioning talking therapies from one provider at some time in Sep 2020–Sep 2021."""

    line: int
    commissioner: str  # CCG/hub ODS code or INVALID_COMMISSIONER
    commissioner_name: str
    provider: str  # ODS code
    provider_name: str


def _pair(table: Table, row: Row) -> IaptPair:
    col = table.positions
    return IaptPair(
        line=row.line,
        commissioner=row.code(col["CCG21CDH"], _COMMISSIONER, "commissioner code"),
        commissioner_name=row.stripped(col["ccg_name"]),
        provider=row.code(col["trust_code"], ODS_CODE, "provider ODS code"),
        provider_name=row.required(col["trust_name"]),
    )


def read_iapt_pairs(path: Path) -> Iterator[IaptPair]:
    """Every commissioner × provider row of the IAPT pairs file, in file order."""
    return read_records(path, COLUMNS, _pair)
