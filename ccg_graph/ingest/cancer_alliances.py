"""ONS CCG → STP → Cancer Alliance lookups (2017, 2018, 2019) and the 2020 cancer alliance names list.

The 2017 and 2018 lookups name their last level ``CALNCV`` ("Cancer Alliance / National Cancer Vanguard"):
besides the alliances (E56) it includes the three National Cancer Vanguards (E57), which are not alliances;
2019 names it ``CAL``. Codes change between releases (an alliance split or merged gets a new E56 code), so
each release is its own statement of membership. The 2020 list has alliance codes and names only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ccg_graph.core.errors import BadInput
from ccg_graph.ingest._common import CCG_ODS_CODE, Row, Table, open_table
from ccg_graph.ingest.ons import normalise_header

#: A cancer alliance (E56) or a National Cancer Vanguard (E57).
ALLIANCE_CODE = re.compile(r"E5[67][0-9]{6}")
VANGUARD_PREFIX = "E57"
_CCG_ONS = re.compile(r"E38[0-9]{6}")
_STP_ONS = re.compile(r"E54[0-9]{6}")


@dataclass(frozen=True, slots=True)
class AllianceMembership:
    """One CCG with its STP and cancer alliance (or vanguard) in one ONS release."""

    line: int
    ccg_ons: str
    ccg_ods: str
    ccg_name: str
    stp_ons: str
    stp_name: str
    alliance: str  # E56 alliance or E57 vanguard
    alliance_name: str

    @property
    def is_vanguard(self) -> bool:
        """A National Cancer Vanguard (E57), not a cancer alliance."""
        return self.alliance.startswith(VANGUARD_PREFIX)


def _alliance_column(table: Table) -> str:
    for prefix in ("CALNCV", "CAL"):
        if prefix + "CD" in table.positions and prefix + "NM" in table.positions:
            return prefix
    table.close()
    raise BadInput(
        "header lacks a cancer alliance code and name (CALNCVyyCD/NM or CALyyCD/NM)", path=table.path, line=1
    )


def _membership(table: Table, row: Row, alliance: str) -> AllianceMembership:
    col = table.positions
    return AllianceMembership(
        line=row.line,
        ccg_ons=row.code(col["CCGCD"], _CCG_ONS, "CCG ONS code (E38)"),
        ccg_ods=row.code(col["CCGCDH"], CCG_ODS_CODE, "CCG ODS code"),
        ccg_name=row.required(col["CCGNM"]),
        stp_ons=row.code(col["STPCD"], _STP_ONS, "STP ONS code (E54)"),
        stp_name=row.required(col["STPNM"]),
        alliance=row.code(col[alliance + "CD"], ALLIANCE_CODE, "cancer alliance code (E56/E57)"),
        alliance_name=row.required(col[alliance + "NM"]),
    )


def read_alliance_lookup(path: Path) -> Iterator[AllianceMembership]:
    """Every row of a ``ccgYY_to_stpYY_to_calYY`` lookup, in file order."""
    table = open_table(path, ("CCGCD", "CCGCDH", "CCGNM", "STPCD", "STPNM"), normalise_header)
    alliance = _alliance_column(table)
    return (_membership(table, row, alliance) for row in table.rows())


@dataclass(frozen=True, slots=True)
class AllianceName:
    line: int
    code: str
    name: str


def read_alliance_names(path: Path) -> Iterator[AllianceName]:
    """Every row of the ``calYY_names_codes`` list."""
    table = open_table(path, ("CALCD", "CALNM"), normalise_header)
    col = table.positions
    return (
        AllianceName(
            row.line, row.code(col["CALCD"], ALLIANCE_CODE, "cancer alliance code"), row.required(col["CALNM"])
        )
        for row in table.rows()
    )
