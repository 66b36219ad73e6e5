"""Readers of batch 2 (money, providers, support, cancer alliances): small samples, quirks and errors.

The real files are read completely by `test_coverage`; these samples pin the quirks the README documents
(the 2015 trust copy's appended rows, the allocation sheet's blank and totals rows, the dashboard's title
block, vanguards among the cancer alliances) and the messages of malformed rows.
"""

from __future__ import annotations

import gzip
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ccg_graph.core.errors import BadInput, MalformedRow
from ccg_graph.ingest.allocations import read_indicative_allocations, read_practice_targets
from ccg_graph.ingest.cancer_alliances import read_alliance_lookup
from ccg_graph.ingest.iapt import read_iapt_pairs
from ccg_graph.ingest.mental_health import number_value, read_dashboard_sheet, read_merger_lookup
from ccg_graph.ingest.spend import read_payments
from ccg_graph.ingest.trusts import read_etr, release_rows

from .helpers import Load, raises_at, write

SPEND_HEADER = (
    "CCGName,CCGCode,ExpenseType,ExpenseArea,Supplier,Amount,PositiveFlag,Income,Spending,InvoiceOver25k,CCFound,"
    "CCRegNo,CCFoundName,CHFound,CHRegNo,CHFoundName,GivenCompanyCategory,CCCH_Status,VCSE_Status,GPServices,"
    "Hospice,NHS,LA,GOV,PoliceFire,PHB_CHC,CareHome,Solicitor,Executor,PharmOp,University,School,LMC_LPC,Redacted,"
    "Uninformative,SupplierSector,SUPPLIER_STANDARD_NAME\n"
)
SPEND_ROW = (
    "NHS ASHFORD CCG,E38000002,CONT CARE- CHILDREN,CHC CHILDREN,KENT COUNTY COUNCIL,91638.9,1.0,0.0,91638.9,1.0,0,,,0,"
    ",,,NotCCorCH,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,LA,KENT COUNTY COUNCIL\n"
)


def write_gz(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "spend.csv.gz"
    path.write_bytes(gzip.compress(text.encode("utf-8")))
    return path


def test_payments_sample(tmp_path: Path) -> None:
    path = write_gz(tmp_path, SPEND_HEADER + SPEND_ROW + SPEND_ROW.replace(",0,,,0,,,", ",0,,,1, ,,"))
    first, second = read_payments(path)
    assert (first.line, first.ccg_ons, first.amount, first.sector, first.flags) == (
        2,
        "E38000002",
        Decimal("91638.9"),
        "LA",
        frozenset({"LA"}),
    )
    assert second.company_number == ""  # a blank register number is no number


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (",91638.9,", ",91,638.90,", "expected 37 fields"),
        (",91638.9,", ",£91638.9,", "field 6 (Amount) '£91638.9' is not an amount in pounds"),
        (",LA,KENT", ",Council,KENT", "'Council' is not a known supplier sector"),
        ("E38000002", "09C", "'09C' is not a valid ONS E38 code"),
    ],
)
def test_payments_malformed(tmp_path: Path, old: str, new: str, problem: str) -> None:
    path = write_gz(tmp_path, SPEND_HEADER + SPEND_ROW + SPEND_ROW.replace(old, new, 1))
    raises_at(MalformedRow, lambda: read_payments(path), path=path, line=3, contains=problem)


def test_payments_truncated_gzip(tmp_path: Path) -> None:
    path = tmp_path / "spend.csv.gz"
    path.write_bytes(gzip.compress((SPEND_HEADER + SPEND_ROW * 50).encode())[:-30])
    with pytest.raises(BadInput, match="not a complete gzip file"):
        list(read_payments(path))


ETR_2015 = (
    "R1C,SOLENT NHS TRUST,Y57,Q70,HQ,HIGHPOINT VENUE,BURSLEDON ROAD,SOUTHAMPTON,HAMPSHIRE,SO19 8BR,"
    "20110401,,,,,,,,,,,0,,J\n"
    "R0A,MANCHESTER UNIVERSITY NHS FOUNDATION TRUST,,,,,,,,M13 9WL,,,,,,,,,,,,,,\n"
)


def test_etr_2015_copy_appended_rows_are_not_release_rows(tmp_path: Path) -> None:
    path = write(tmp_path, "etr.csv", ETR_2015)
    records = list(read_etr(path))
    assert [r.code for r in records] == ["R1C", "R0A"]
    assert [r.code for r in release_rows(records)] == ["R1C"]


def test_etr_missing_open_date_on_a_release_row(tmp_path: Path) -> None:
    path = write(tmp_path, "etr.csv", ETR_2015.replace("20110401", ""))
    raises_at(MalformedRow, lambda: read_etr(path), path=path, line=1, contains="field 11 (open date) is empty")


def test_etr_wrong_field_count(tmp_path: Path) -> None:
    path = write(tmp_path, "etr.csv", ETR_2015.replace(",J\n", ",J,\n"))
    raises_at(MalformedRow, lambda: read_etr(path), path=path, line=1, contains="expected 27 (or 24) fields")


def test_real_2015_copy(load: Load) -> None:
    records = load("ods-trusts/etr_2015-09.csv")
    kept = list(release_rows(records))
    assert len(kept) == len(records) - 2
    assert [r.code for r in records if r not in kept] == ["R0A", "R0B"]
    assert max(r.open_date for r in kept if r.open_date) <= date(2015, 9, 30)


def test_vanguards_are_flagged(load: Load) -> None:
    for rel in (
        "ons-geography/ccg17_to_stp17_to_cal17_2017-04.csv",
        "ons-geography/ccg18_to_stp18_to_cal18_2018-04.csv",
    ):
        rows = load(rel)
        assert {r.alliance[:3] for r in rows if r.is_vanguard} == {"E57"}
        assert {r.alliance[:3] for r in rows if not r.is_vanguard} == {"E56"}
    assert not any(r.is_vanguard for r in load("ons-geography/ccg19_to_stp19_to_cal19_2019-07.csv"))


def test_alliance_lookup_without_alliance_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path, "x.csv", "CCG19CD,CCG19CDH,CCG19NM,STP19CD,STP19NM\nE38000088,08H,NHS Islington CCG,E54000028,NL\n"
    )
    raises_at(BadInput, lambda: read_alliance_lookup(path), path=path, line=1, contains="cancer alliance code")


def test_practice_targets_end_rows(load: Load) -> None:
    rows = load("nhse-allocations/gp_practice_weighted_population_2019-20_by_ics.csv")
    assert [r.kind for r in rows[-2:]] == ["blank", "total"]
    practices = [r for r in rows if r.kind == "practice"]
    assert abs(sum(r.target_k for r in practices) - rows[-1].target_k) < 1e-3
    assert {"99P", "99Q"} <= {r.ccg for r in practices} and "15N" not in {r.ccg for r in practices}


def test_indicative_percent_malformed(tmp_path: Path) -> None:
    header = "CCG,Opening DfT,Minimum allocation,Minimum growth,Final allocation,Final growth,Per capita allocation,"
    header += "Per capita growth,Final per capita growth,Final closing DfT\n"
    row = "NHS Darlington CCG,1.54%,154148,2.08%,154148,2.08%,1427,1.89%,1.23%,108033\n"
    path = write(tmp_path, "a.csv", header + row + row.replace("2.08%,1427", "2.08,1427"))
    raises_at(
        MalformedRow,
        lambda: read_indicative_allocations(path),
        path=path,
        line=3,
        contains="'2.08' is not a percentage",
    )
    (first,) = read_indicative_allocations(write(tmp_path, "b.csv", header + row))
    assert (first.final_allocation_k, first.opening_distance_from_target) == (154148, pytest.approx(0.0154))


def test_practice_target_row_without_codes_must_be_totals(tmp_path: Path) -> None:
    header = "R21,CCG,CCG19,Practice,GP practice name,GP_pop,WP_Overall,Target_exc_remote_£k,Target_inc_remote_£k\n"
    path = write(tmp_path, "t.csv", header + "Y63,,NHS Darlington CCG,,,1,1,1,1\n")
    raises_at(MalformedRow, lambda: read_practice_targets(path), path=path, line=2, contains="must be the totals row")


DASHBOARD = "Title:,MH total spend\nUnique ID:,MHF(ii_a)\nSource:,x\nUpdated:,2021-06-13\n" + "\n" * 5
DASHBOARD += "Region Code,STP Code,Org code,Org name,Org Type,2016/17,2017/18 planned,2017/18\n"
DASHBOARD += "Y59,QNQ,D4U1Y,NHS Frimley CCG,CCG,111102410.033,#N/A,\n"


def test_dashboard_sheet(tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", DASHBOARD)
    sheet = read_dashboard_sheet(path)
    (row,) = sheet.rows
    assert (sheet.title, str(sheet.updated), row.line, row.org) == ("MH total spend", "2021-06-13", 11, "D4U1Y")
    assert [(v.financial_year, v.planned) for v in row.values] == [("2016/17", False)]
    assert number_value(path, row, row.values[0]) == pytest.approx(111102410.033)


def test_dashboard_header_not_on_line_10(tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", DASHBOARD.replace("\n\n\n\n\n", "\n\n\n\n", 1))
    with pytest.raises(BadInput, match="line 10 is not the header"):
        read_dashboard_sheet(path)


def test_dashboard_bad_year_column(tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", DASHBOARD.replace("2017/18 planned", "2017/18 plan"))
    raises_at(BadInput, lambda: read_dashboard_sheet(path), path=path, line=10, contains="is not a financial year")


def test_merger_lookup_first_column_must_be_blank(tmp_path: Path) -> None:
    text = ",2021 CCG Code,2021 CCG name,2122 CCG Code\n,04F,NHS Milton Keynes CCG,M1J4Y\n"
    text += "x,06F,NHS Bedfordshire CCG,M1J4Y\n"
    path = write(tmp_path, "m.csv", text)
    raises_at(MalformedRow, lambda: read_merger_lookup(path), path=path, line=3, contains="should be empty")


def test_iapt_commissioner_codes(tmp_path: Path) -> None:
    text = "CCG21CDH,ccg_name,trust_code,trust_name\nInvalidCode,,RYY,KENT\n00L,N,ryy,KENT\n"
    path = write(tmp_path, "i.csv", text)
    raises_at(MalformedRow, lambda: read_iapt_pairs(path), path=path, line=3, contains="'ryy' is not a valid provider")
