"""The shared reading plumbing: line numbering, line endings, BOMs, syntax errors and field parsers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ccg_graph.core.errors import BadInput, MalformedRow
from ccg_graph.ingest._common import Row, iter_fixed_rows, iter_raw_rows, open_table
from ccg_graph.ingest.boundaries import read_boundaries
from ccg_graph.ingest.mental_health import read_dashboard_sheet
from ccg_graph.ingest.ods import read_ods
from ccg_graph.ingest.ons import OnsListEntry, read_ccg_lookup, read_ons_list

from .helpers import READER_RULES, raises_at, write


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_line_numbers_for_every_line_ending(tmp_path: Path, newline: str) -> None:
    path = write(tmp_path, "x.csv", newline.join(["a,b", "1,2", "3,4"]) + newline)
    assert list(iter_raw_rows(path)) == [(1, ["a", "b"]), (2, ["1", "2"]), (3, ["3", "4"])]


def test_bom_is_removed(tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", "\ufeffFID,CCG21CD\r\n1,E38000006\r\n")
    table = open_table(path, ("FID",))
    assert table.header == ("FID", "CCG21CD")
    table.close()


def test_multi_line_record_is_numbered_by_its_first_line(tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", 'a,b\r\n"two\r\nlines",x\r\nc,d\r\n')
    assert [line for line, _ in iter_raw_rows(path)] == [1, 2, 4]


def test_blank_line_is_reported_not_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", '"a","b"\r\n\r\n"c","d"\r\n')
    raises_at(
        MalformedRow, lambda: iter_fixed_rows(path, 2, {}), path=path, line=2, contains="expected 2 fields, found 0"
    )


def test_csv_syntax_error(tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", '"a","b"\r\n"c"d,"e"\r\n')
    raises_at(MalformedRow, lambda: iter_raw_rows(path), path=path, line=2, contains="CSV syntax error")


def test_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"a,b\r\nc,d\r\nQueen\x92s,x\r\n")  # Windows-1252 apostrophe, as ccg13 had
    raises_at(BadInput, lambda: iter_raw_rows(path), path=path, line=3, contains="byte 0x92 at offset 15")


def test_missing_file_fails_at_call_time(tmp_path: Path) -> None:
    path = tmp_path / "nope.csv"
    with pytest.raises(BadInput) as caught:
        iter_raw_rows(path)  # not consumed: the error must not wait for the first record
    assert caught.value.path == str(path)
    assert "file not found" in caught.value.reason


def _read_pco_list(path: Path) -> Iterator[OnsListEntry]:
    return read_ons_list(path, "PCO")


#: Every reader of a single file (`read_manifest` reads a folder: tests/ingest/test_manifest.py).
EVERY_READER = sorted(
    {reader for _, _, reader in READER_RULES}
    | {read_boundaries, read_ods, read_ccg_lookup, read_dashboard_sheet, _read_pco_list},
    key=lambda reader: reader.__name__,
)


@pytest.mark.parametrize("reader", EVERY_READER, ids=lambda reader: reader.__name__)
def test_every_reader_reports_a_missing_file(tmp_path: Path, reader: Callable[[Path], Any]) -> None:
    path = tmp_path / "gone.csv"
    raises_at(BadInput, lambda: reader(path), path=path, line=None, contains=f"file not found: {path}")


def test_empty_file_has_no_header(tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", "")
    raises_at(BadInput, lambda: open_table(path), path=path, line=None, contains="no header row")


def test_duplicate_header_column(tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", "A,B,A\n1,2,3\n")
    raises_at(BadInput, lambda: open_table(path), path=path, line=1, contains="'A'")


def _row(*fields: str) -> Row:
    return Row(Path("sample.csv"), 7, list(fields), {1: "thing"})


@pytest.mark.parametrize("text", ["+1", " 1", "1 ", "1_000", "-1", "1.0", "", "\u0661", "1e3"])
def test_count_rejects_anything_but_ascii_digits(text: str) -> None:
    with pytest.raises(MalformedRow) as caught:
        _row(text).count(1)
    assert caught.value.reason == f"field 1 (thing) {text!r} is not a non-negative integer"
    assert (caught.value.line, caught.value.column) == (7, 1)


@pytest.mark.parametrize("text", ["2013x401", "20130231", "2013041", "201304011", "2013-04-01", " 20130401"])
def test_yyyymmdd_rejects(text: str) -> None:
    with pytest.raises(MalformedRow) as caught:
        _row(text).yyyymmdd(1)
    assert caught.value.reason == f"field 1 (thing) {text!r} is not a YYYYMMDD date"


def test_yyyymmdd_empty_is_none_unless_required() -> None:
    assert _row("").yyyymmdd(1) is None
    assert _row("20220630").yyyymmdd(1) == date(2022, 6, 30)
    with pytest.raises(MalformedRow, match=r"field 1 \(thing\) is empty"):
        _row("").required_yyyymmdd(1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("01Jan2022", date(2022, 1, 1)), ("01JAN2021", date(2021, 1, 1)), ("01-Sep-20", date(2020, 9, 1))],
)
def test_extract_dates(text: str, expected: date) -> None:
    assert _row(text).day_month_year(1) == expected


@pytest.mark.parametrize("text", ["31Feb2022", "01Foo2022", "2022-01-01", "1Jan"])
def test_extract_date_rejects(text: str) -> None:
    with pytest.raises(MalformedRow, match="is not a DDMonYYYY date"):
        _row(text).day_month_year(1)


@pytest.mark.parametrize("text", ["20130401", "2013-W14-1", "2013-4-1", "2013-02-30"])
def test_iso_date_is_strict(text: str) -> None:
    with pytest.raises(MalformedRow, match="is not a YYYY-MM-DD date"):
        _row(text).iso_date(1)


@pytest.mark.parametrize("text", ["nan", "inf", "1e3", "-1.5", "", "1."])
def test_decimal_rejects(text: str) -> None:
    with pytest.raises(MalformedRow, match="is not a non-negative decimal number"):
        _row(text).decimal(1)
