"""ODS "standard 27-field" files: ``eccg`` (CCGs and hubs), ``epraccur`` (GP practices), ``eauth`` (regions).

These files have no header, are fully double-quoted, CRLF, and use ``YYYYMMDD`` dates. `read_ods` yields the
layout as such (`OdsRecord`); `read_eccg`, `read_epraccur` and `read_eauth` give typed views whose field
names say what the generic columns 13, 14, 15, 24 and 26 mean in that file. The readers never filter: every
row comes out, and the helpers at the bottom (`ccgs_only`, `open_on`, `active_english_gp_practices`) select.

ODS columns 3 and 4 (region, area team / STP / ICB) are the organisation's *current* parents at the time of
the release, not historical ones (README caveat 2).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ccg_graph.ingest._common import (
    CCG_ODS_CODE,
    COMMISSIONER_CODE,
    ODS_CODE,
    PRACTICE_CODE,
    Row,
    iter_fixed_rows,
)

FIELD_COUNT = 27

#: Field labels of the standard layout, used in error messages ("field 11 (open date) ...").
ODS_LABELS: Mapping[int, str] = {
    1: "organisation code",
    2: "name",
    3: "national grouping",
    4: "high level health geography",
    5: "address line 1",
    6: "address line 2",
    7: "address line 3",
    8: "address line 4",
    9: "address line 5",
    10: "postcode",
    11: "open date",
    12: "close date",
    13: "field 13",
    14: "organisation sub-type",
    15: "field 15",
    16: "join parent date",
    17: "left parent date",
    18: "telephone",
    19: "null field",
    20: "null field",
    21: "null field",
    22: "amended record indicator",
    23: "null field",
    24: "field 24",
    25: "null field",
    26: "field 26",
    27: "null field",
}
#: Columns the specification leaves null in every file kind read here; they are checked, not kept.
NULL_FIELDS = (19, 20, 21, 23, 25, 27)

#: The same layout as used by ``epraccur`` (GP practices and other prescribing cost centres).
EPRACCUR_LABELS: Mapping[int, str] = {
    **ODS_LABELS,
    1: "practice code",
    13: "status code",
    14: "sub-type",
    15: "commissioner",
    16: "join commissioner date",
    17: "left commissioner date",
    24: "provider/purchaser",
    26: "prescribing setting",
}

#: eccg column 14 values that mark a CCG / sub-ICB location row. 'C' in the 2016 and 2018 releases; in the
#: 2024-25 release '' for the 142 closed CCGs, RO319 (sub-ICB location) or RO319|RO326 for the open ones.
CCG_ROLES = frozenset({"", "C", "RO319", "RO319|RO326"})
#: eccg column 14 values of NHS England commissioning hubs ('H' until 2018, RO218 in 2024-25).
HUB_ROLES = frozenset({"H", "RO218"})

WELSH_HEALTH_BOARDS = frozenset(f"7A{n}" for n in range(1, 8))
PRACTICE_STATUSES = ("A", "C", "D", "P")
PRACTICE_SUBTYPES = ("B", "Z")
GP_PRACTICE_SETTING = 4


@dataclass(frozen=True, slots=True)
class OdsRecord:
    """One row of a standard 27-field ODS file, with the generic columns kept as text.

    Empty text fields are ''. Columns 19-21, 23, 25 and 27 are null in the specification: they are checked
    to be empty (a value there raises `MalformedRow` rather than being lost) and not kept.
    """

    line: int
    code: str
    name: str
    national_grouping: str
    high_level_geography: str
    address: tuple[str, ...]
    postcode: str
    open_date: date
    close_date: date | None
    field13: str
    field14: str
    field15: str
    join_parent_date: date | None
    left_parent_date: date | None
    telephone: str
    amended: bool
    field24: str
    field26: str


def check_null_fields(row: Row) -> None:
    """The specification's null columns (those the row has) must be empty: a value there would be lost."""
    for number in NULL_FIELDS:
        if number <= len(row.fields) and row.fields[number - 1]:
            raise row.error(number, f"{row.fields[number - 1]!r} should be empty (not kept by this reader)")


def _ods_record(row: Row, code_shape: re.Pattern[str] = ODS_CODE, code_kind: str = "ODS code") -> OdsRecord:
    code = row.code(1, code_shape, code_kind)
    check_null_fields(row)
    return OdsRecord(
        line=row.line,
        code=code,
        name=row.required(2),
        national_grouping=row.text(3),
        high_level_geography=row.text(4),
        # Address parts are stripped (some ODS address lines start with blanks); empty parts are kept so that
        # position i is always address line i + 1.
        address=tuple(row.stripped(n) for n in range(5, 10)),
        postcode=row.stripped(10),
        open_date=row.required_yyyymmdd(11),
        close_date=row.yyyymmdd(12),
        field13=row.text(13),
        field14=row.text(14),
        field15=row.text(15),
        join_parent_date=row.yyyymmdd(16),
        left_parent_date=row.yyyymmdd(17),
        telephone=row.stripped(18),
        amended=row.flag01(22),
        field24=row.text(24),
        field26=row.text(26),
    )


def read_ods(path: Path) -> Iterator[OdsRecord]:
    """Every row of any standard 27-field ODS file, in file order."""
    return (_ods_record(row) for row in iter_fixed_rows(path, FIELD_COUNT, ODS_LABELS))


# --- eccg ----------


@dataclass(frozen=True, slots=True)
class CcgRecord:
    """A row of an ``eccg`` file: a CCG / sub-ICB location, a commissioning hub, or a reporting entity."""

    line: int
    code: str
    name: str
    national_grouping: str  # region at release time (Y..), '' if none
    high_level_geography: str  # local office / STP / ICB at release time (Q..), '' if none
    address: tuple[str, ...]
    postcode: str
    open_date: date
    close_date: date | None
    role: str  # column 14: C / H (2016, 2018); '' / RO319 / RO319|RO326 / RO218 / RO327 (2024-25)
    amended: bool

    @property
    def is_ccg(self) -> bool:
        return self.role in CCG_ROLES

    @property
    def is_hub(self) -> bool:
        return self.role in HUB_ROLES

    def is_open_on(self, day: date) -> bool:
        """Opened on or before ``day`` and not closed before it (the close date is the last open day)."""
        return self.open_date <= day and (self.close_date is None or self.close_date >= day)


def _ccg_record(row: Row) -> CcgRecord:
    ods = _ods_record(row, CCG_ODS_CODE, "CCG/hub code (NNA or 5 characters)")
    return CcgRecord(
        line=ods.line,
        code=ods.code,
        name=ods.name,
        national_grouping=row.optional_code(3) or "",
        high_level_geography=row.optional_code(4) or "",
        address=ods.address,
        postcode=ods.postcode,
        open_date=ods.open_date,
        close_date=ods.close_date,
        role=ods.field14,
        amended=ods.amended,
    )


def read_eccg(path: Path) -> Iterator[CcgRecord]:
    """Every row of an ``eccg`` file (CCGs, hubs and reporting entities alike); see `ccgs_only`."""
    return (_ccg_record(row) for row in iter_fixed_rows(path, FIELD_COUNT, ODS_LABELS))


def ccgs_only(records: Iterable[CcgRecord]) -> Iterator[CcgRecord]:
    """The CCG / sub-ICB location rows (`CcgRecord.is_ccg`), dropping hubs and reporting entities."""
    return (record for record in records if record.is_ccg)


def open_on(records: Iterable[CcgRecord], day: date) -> Iterator[CcgRecord]:
    return (record for record in records if record.is_open_on(day))


# --- epraccur ----------


@dataclass(frozen=True, slots=True)
class PracticeRecord:
    """A row of an ``epraccur`` file: a GP practice or another prescribing cost centre (England and Wales)."""

    line: int
    code: str
    name: str
    region: str | None  # column 3: NHS England region (Y..) or W00 for Wales
    high_level_geography: str | None  # column 4: local office / STP / ICB
    address: tuple[str, ...]
    postcode: str
    open_date: date
    close_date: date | None
    status: str  # A active, C closed, D dormant, P proposed
    subtype: str  # B allocated to a commissioner, Z not allocated
    commissioner: str | None  # CCG / sub-ICB location / Welsh health board
    join_commissioner_date: date | None
    left_commissioner_date: date | None
    telephone: str
    amended: bool
    parent: str | None  # column 24: provider/purchaser
    prescribing_setting: int | None  # column 26: 4 = GP practice

    @property
    def is_active_gp_practice(self) -> bool:
        return self.status == "A" and self.prescribing_setting == GP_PRACTICE_SETTING

    @property
    def is_english(self) -> bool:
        """Not Welsh: Welsh practice codes start with W and Welsh commissioners are the boards 7A1-7A7.

        Both tests are needed because Welsh practices carry prescribing setting 4 from 2021 (README caveat 7).
        """
        return not self.code.startswith("W") and self.commissioner not in WELSH_HEALTH_BOARDS


def _practice_record(row: Row) -> PracticeRecord:
    ods = _ods_record(row, PRACTICE_CODE, "practice code")
    return PracticeRecord(
        line=ods.line,
        code=ods.code,
        name=ods.name,
        region=row.optional_code(3),
        high_level_geography=row.optional_code(4),
        address=ods.address,
        postcode=ods.postcode,
        open_date=ods.open_date,
        close_date=ods.close_date,
        status=row.choice(13, PRACTICE_STATUSES),
        subtype=row.choice(14, PRACTICE_SUBTYPES),
        commissioner=row.optional_code(15, COMMISSIONER_CODE, "commissioner code (3 or 5 characters)"),
        join_commissioner_date=ods.join_parent_date,
        left_commissioner_date=ods.left_parent_date,
        telephone=ods.telephone,
        amended=ods.amended,
        parent=row.optional_code(24),
        prescribing_setting=row.optional_count(26),
    )


def read_epraccur(path: Path) -> Iterator[PracticeRecord]:
    """Every row of an ``epraccur`` file; see `active_english_gp_practices` for the usual selection."""
    return (_practice_record(row) for row in iter_fixed_rows(path, FIELD_COUNT, EPRACCUR_LABELS))


def active_english_gp_practices(records: Iterable[PracticeRecord]) -> Iterator[PracticeRecord]:
    """Active (status A) GP practices (prescribing setting 4) in England."""
    return (record for record in records if record.is_active_gp_practice and record.is_english)


# --- eauth ----------


@dataclass(frozen=True, slots=True)
class AuthorityRecord:
    """A row of ``eauth``: a government office region, NHS England region (Y..) or local office (Q..)."""

    line: int
    code: str
    name: str
    parent: str | None  # column 3: the region a local office belongs to
    open_date: date
    close_date: date | None
    role: str  # column 14 as written ('', 'C' or 'S' in the 2018-11 release)
    amended: bool

    @property
    def is_nhs_region(self) -> bool:
        return len(self.code) == 3 and self.code[0] == "Y"

    @property
    def is_local_office(self) -> bool:
        return len(self.code) == 3 and self.code[0] == "Q"


def _authority_record(row: Row) -> AuthorityRecord:
    ods = _ods_record(row)
    return AuthorityRecord(
        line=ods.line,
        code=ods.code,
        name=ods.name,
        parent=row.optional_code(3),
        open_date=ods.open_date,
        close_date=ods.close_date,
        role=ods.field14,
        amended=ods.amended,
    )


def read_eauth(path: Path) -> Iterator[AuthorityRecord]:
    """Every row of an ``eauth`` file (regions and local offices with open/close dates)."""
    return (_authority_record(row) for row in iter_fixed_rows(path, FIELD_COUNT, ODS_LABELS))
