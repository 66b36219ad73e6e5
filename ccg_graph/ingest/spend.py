"""The 3SC collation of CCG "spend over £25k" files (``ccg-spend-3sc/``): one record per payment row.

The file is the NIHR-funded 3SC project's extract of every CCG payment of £25k or more in 2018/19 (README,
Batch 2). Rows carry no date or invoice number and many repeat another exactly, so a payment is identified
only by its line; the reader keeps every row. ``CCGCode`` is the CCG's ONS E38 code, not its ODS code.
``Supplier`` is the name as the CCG wrote it, ``SUPPLIER_STANDARD_NAME`` the project's cleaned name; the 0/1
flags and ``SupplierSector`` are the project's classification of the supplier, and ``CCRegNo`` /
``CHRegNo`` the Charity Commission / Companies House numbers it matched (empty where it matched none).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ccg_graph.ingest._common import GSS_CODE, Row, Table, read_records

#: The columns the reader uses; the file has others (``PositiveFlag``, ``Income``, …) that are constant.
COLUMNS = (
    "CCGName",
    "CCGCode",
    "ExpenseType",
    "ExpenseArea",
    "Supplier",
    "Amount",
    "CCRegNo",
    "CCFoundName",
    "CHRegNo",
    "CHFoundName",
    "GivenCompanyCategory",
    "VCSE_Status",
    "SupplierSector",
    "SUPPLIER_STANDARD_NAME",
)
#: The project's 0/1 supplier classification flags, in file order.
FLAG_COLUMNS = (
    "GPServices",
    "Hospice",
    "NHS",
    "LA",
    "GOV",
    "PoliceFire",
    "PHB_CHC",
    "CareHome",
    "Solicitor",
    "Executor",
    "PharmOp",
    "University",
    "School",
    "LMC_LPC",
    "Redacted",
    "Uninformative",
)
#: ``SupplierSector`` values: one flag's name, or ``Other`` where no flag is set.
SECTORS = frozenset(FLAG_COLUMNS) | {"Other"}
_AMOUNT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
#: A Companies House number: 8 characters, digits or a two-letter prefix (SC, OC, IP…) and digits; the
#: project wrote them without leading zeros, so 1-8 characters.
COMPANY_NUMBER = re.compile(r"[A-Z]{0,2}[0-9]{1,8}R?")
CHARITY_NUMBER = re.compile(r"[0-9]{1,8}")


@dataclass(frozen=True, slots=True)
class PaymentRow:
    """One payment of £25k or more by a CCG in 2018/19, as the 3SC file gives it."""

    line: int
    ccg_name: str
    ccg_ons: str  # E38 code
    expense_type: str  # '' where the CCG's file gave none
    expense_area: str
    supplier: str  # as the CCG wrote it
    supplier_standard_name: str
    amount: Decimal  # £, exactly as written
    sector: str  # one of SECTORS
    flags: frozenset[str]  # the FLAG_COLUMNS set to 1
    charity_number: str  # '' if none matched
    charity_name: str
    company_number: str  # '' if none matched
    company_name: str
    company_category: str
    voluntary_sector: bool


def _register_number(row: Row, number: int, shape: re.Pattern[str], what: str) -> str:
    """A register number, or '' where the project matched none (written as '' or, a few times, a blank)."""
    value = row.stripped(number)
    if value and shape.fullmatch(value) is None:
        raise row.error(number, f"{value!r} is not a valid {what}")
    return value


def _payment(table: Table, row: Row) -> PaymentRow:
    col = table.positions
    amount_text = row.text(col["Amount"])
    if _AMOUNT.fullmatch(amount_text) is None:
        raise row.error(col["Amount"], f"{amount_text!r} is not an amount in pounds")
    sector = row.text(col["SupplierSector"])
    if sector not in SECTORS:
        raise row.error(col["SupplierSector"], f"{sector!r} is not a known supplier sector")
    return PaymentRow(
        line=row.line,
        ccg_name=row.required(col["CCGName"]),
        ccg_ons=row.code(col["CCGCode"], GSS_CODE, "ONS E38 code"),
        expense_type=row.stripped(col["ExpenseType"]),
        expense_area=row.stripped(col["ExpenseArea"]),
        supplier=row.stripped(col["Supplier"]),
        supplier_standard_name=row.required(col["SUPPLIER_STANDARD_NAME"]).replace("\xa0", " "),
        amount=Decimal(amount_text),
        sector=sector,
        flags=frozenset(name for name in FLAG_COLUMNS if row.flag01(col[name])),
        charity_number=_register_number(row, col["CCRegNo"], CHARITY_NUMBER, "charity number"),
        charity_name=row.stripped(col["CCFoundName"]),
        company_number=_register_number(row, col["CHRegNo"], COMPANY_NUMBER, "company number"),
        company_name=row.stripped(col["CHFoundName"]).replace("\xa0", " "),
        company_category=row.stripped(col["GivenCompanyCategory"]),
        voluntary_sector=row.flag01(col["VCSE_Status"]),
    )


def read_payments(path: Path) -> Iterator[PaymentRow]:
    """Every payment row of the 3SC file (gzip-compressed CSV), in file order."""
    return read_records(path, COLUMNS + FLAG_COLUMNS, _payment)
