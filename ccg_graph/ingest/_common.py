"""Shared plumbing for the ingest readers: opening a source, numbering its rows, and parsing fields.

Every reader in this package is a thin layer over the helpers here, so that all of them behave the same way:

* files are opened with ``encoding="utf-8-sig"`` (a byte-order mark is dropped) and ``newline=""`` (the `csv`
  module then sees CRLF, LF and bare CR line endings untouched and handles all three);
* each row is reported with the 1-based *physical* line number on which it starts, counting the header, so an
  error or a record can be traced straight back to the file;
* a field that does not parse raises `MalformedRow` whose reason names the field by number and label, e.g.
  ``field 11 (open date) '2013x401' is not a YYYYMMDD date``.  Nothing is ever skipped silently.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TextIO, TypeVar

from ccg_graph.core.errors import BadInput, MalformedRow

# --- code shapes -------------------------------------------------------------------------------------------
#: Any ODS organisation code: upper-case letters and digits only (1-character codes exist, e.g. region "A").
ODS_CODE = re.compile(r"[A-Z0-9]+")
#: A CCG / sub-ICB location / commissioning-hub code: "NNA" (00C, 13T) or, after 2020 mergers, 5 characters
#: (D2P2L, W2U3Z); the 2024 "sub-ICB reporting entities" are 5 characters as well.
CCG_ODS_CODE = re.compile(r"[0-9]{2}[A-Z]|[A-Z0-9]{5}")
#: A commissioner in ``epraccur`` column 15: a CCG / sub-ICB location (00K, A3A8R) or a Welsh health
#: board (7A3): three or five letters/digits.
COMMISSIONER_CODE = re.compile(r"[A-Z0-9]{3}|[A-Z0-9]{5}")
#: A GP practice / prescribing cost centre code: a letter then five letters or digits (A81001, ALK001).
PRACTICE_CODE = re.compile(r"[A-Z][A-Z0-9]{5}")
#: An NHS England commissioning region (ODS national grouping), e.g. Y56.
REGION_ODS_CODE = re.compile(r"Y[0-9]{2}")
#: An area team, local office, STP or ICB ODS code: Q + two letters/digits (Q74, QHM, QE1).
Q_ODS_CODE = re.compile(r"Q[A-Z0-9]{2}")
#: An ONS GSS code: a country letter and eight digits (E38000202).
GSS_CODE = re.compile(r"[EWSNK][0-9]{8}")

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), start=1
    )
}
_DAY_MONTH_YEAR = re.compile(r"([0-9]{1,2})-?([A-Za-z]{3})-?([0-9]{4}|[0-9]{2})")
#: A ``YYYY-MM-DD`` date's shape (checked before ``date.fromisoformat``, which accepts more: see `Row.iso_date`).
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: A number as the NHS England spreadsheets export it: a sign, decimals and an exponent allowed (``-1.5e-05``).
NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE]-?[0-9]+)?")
_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def open_source(path: Path) -> TextIO:
    """Open a source file the one way every reader does, turning "not there" into `BadInput`.

    A ``.gz`` file (the 3SC payments) is decompressed as it is read, so it is never held whole in memory.
    """
    try:
        if path.suffix == ".gz":
            return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
        return path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise BadInput(f"file not found: {path}", path=path) from None
    except IsADirectoryError:
        raise BadInput(f"expected a file but found a directory: {path}", path=path) from None
    except OSError as exc:
        raise BadInput(f"cannot open {path}: {exc.strerror or exc}", path=path) from None


def iter_raw_rows(path: Path) -> Generator[tuple[int, list[str]], None, None]:
    """Yield ``(line, fields)`` for each CSV record of ``path``; ``line`` is the physical line it starts on.

    The file is opened at call time, so a missing file raises `BadInput` at once rather than on the first
    ``next()``. ``csv.reader.line_num`` counts physical lines consumed so far, which is the *last* line of a
    record; a quoted field may span lines, so a record starts one line past the end of the previous one.
    Blank lines come through as an empty list (callers report them as a wrong field count).
    """
    return _generate_raw_rows(path, open_source(path))


def _generate_raw_rows(path: Path, handle: TextIO) -> Generator[tuple[int, list[str]], None, None]:
    with handle:
        reader = csv.reader(handle, strict=True)
        end_of_previous = 0
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise MalformedRow(f"CSV syntax error: {exc}", path=path, line=end_of_previous + 1) from None
            except UnicodeDecodeError:
                raise _utf8_error(path) from None
            except (gzip.BadGzipFile, EOFError) as exc:
                raise BadInput(f"not a complete gzip file: {exc}", path=path) from None
            start = end_of_previous + 1
            end_of_previous = reader.line_num
            yield start, fields


def _utf8_error(path: Path) -> BadInput:
    """Say exactly where a file stops being UTF-8.

    The text layer decodes in blocks, so the failing record is not the one that contains the bad byte; the
    file is decoded again as a whole (only on this error path) to find the byte and count the lines before it.
    """
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        return BadInput(
            f"not valid UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}",
            path=path,
            line=before.count(b"\n") + 1,
        )
    return BadInput("not valid UTF-8", path=path)


class Row:
    """One CSV record with its location, plus parsers that raise `MalformedRow` naming the offending field.

    Fields are addressed by their 1-based position, the way the ODS specification and the README number
    them; ``labels`` maps a position to a human label used in error messages.
    """

    __slots__ = ("fields", "labels", "line", "path")

    def __init__(self, path: Path, line: int, fields: list[str], labels: Mapping[int, str]) -> None:
        self.path = path
        self.line = line
        self.fields = fields
        self.labels = labels

    # -- errors ------------------------------------------------------------------------------------------
    def where(self, number: int) -> str:
        label = self.labels.get(number)
        return f"field {number} ({label})" if label else f"field {number}"

    def error(self, number: int, problem: str) -> MalformedRow:
        """A `MalformedRow` for field ``number``; ``problem`` completes the sentence after the field name."""
        return MalformedRow(f"{self.where(number)} {problem}", path=self.path, line=self.line, column=number)

    # -- text --------------------------------------------------------------------------------------------
    def text(self, number: int) -> str:
        """The field exactly as written (possibly empty)."""
        return self.fields[number - 1]

    def stripped(self, number: int) -> str:
        """The field without surrounding blanks (some ODS address lines and ONS names carry them)."""
        return self.fields[number - 1].strip()

    def required(self, number: int) -> str:
        value = self.fields[number - 1].strip()
        if not value:
            raise self.error(number, "is empty")
        return value

    def code(self, number: int, shape: re.Pattern[str] = ODS_CODE, what: str = "code") -> str:
        """A required code that must match ``shape`` in full; blanks around it are not tolerated."""
        value = self.fields[number - 1]
        if not value:
            raise self.error(number, "is empty")
        if shape.fullmatch(value) is None:
            raise self.error(number, f"{value!r} is not a valid {what}")
        return value

    def optional_code(self, number: int, shape: re.Pattern[str] = ODS_CODE, what: str = "code") -> str | None:
        if not self.fields[number - 1]:
            return None
        return self.code(number, shape, what)

    def choice(self, number: int, allowed: Iterable[str]) -> str:
        value = self.fields[number - 1]
        options = tuple(allowed)
        if value not in options:
            shown = ", ".join(repr(option) for option in options)
            raise self.error(number, f"{value!r} is not one of {shown}")
        return value

    def flag01(self, number: int) -> bool:
        """A 0/1 indicator (the ODS amended-record indicator and similar)."""
        value = self.fields[number - 1]
        if value == "1":
            return True
        if value == "0":
            return False
        raise self.error(number, f"{value!r} is not a 0/1 flag")

    # -- numbers -----------------------------------------------------------------------------------------
    def count(self, number: int) -> int:
        """A non-negative integer written with ASCII digits only (no sign, blanks, separators or decimals)."""
        value = self.fields[number - 1]
        if not (value.isascii() and value.isdigit()):
            raise self.error(number, f"{value!r} is not a non-negative integer")
        return int(value)

    def optional_count(self, number: int) -> int | None:
        return self.count(number) if self.fields[number - 1] else None

    def decimal(self, number: int) -> float:
        """A non-negative decimal number such as ``1.7685295805`` (no exponent, no NaN/inf)."""
        value = self.fields[number - 1]
        if _DECIMAL.fullmatch(value) is None:
            raise self.error(number, f"{value!r} is not a non-negative decimal number")
        return float(value)

    # -- dates -------------------------------------------------------------------------------------------
    def yyyymmdd(self, number: int) -> date | None:
        """An ODS ``YYYYMMDD`` date; empty means "no date" and gives None."""
        value = self.fields[number - 1]
        if not value:
            return None
        if len(value) != 8 or not (value.isascii() and value.isdigit()):
            raise self.error(number, f"{value!r} is not a YYYYMMDD date")
        try:
            return date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            raise self.error(number, f"{value!r} is not a YYYYMMDD date") from None

    def required_yyyymmdd(self, number: int) -> date:
        parsed = self.yyyymmdd(number)
        if parsed is None:
            raise self.error(number, "is empty (a YYYYMMDD date is required)")
        return parsed

    def iso_date(self, number: int) -> date:
        """A required ``YYYY-MM-DD`` date.

        The shape is checked first because ``date.fromisoformat`` in Python 3.11 also accepts ``20130401``
        and week dates, which would hide a column mix-up.
        """
        value = self.fields[number - 1]
        if ISO_DATE.fullmatch(value) is None:
            raise self.error(number, f"{value!r} is not a YYYY-MM-DD date")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.error(number, f"{value!r} is not a YYYY-MM-DD date") from None

    def day_month_year(self, number: int) -> date:
        """A required NHS Digital extract date: ``01Jan2022``, ``01JAN2021`` or ``01-Sep-20``.

        Month names are matched against a fixed English table rather than with ``strptime("%b")``, whose
        result depends on the process locale. Two-digit years are 20YY (the data start in 2013).
        """
        value = self.fields[number - 1]
        match = _DAY_MONTH_YEAR.fullmatch(value)
        month = _MONTHS.get(match.group(2).upper()) if match else None
        if match is None or month is None:
            raise self.error(number, f"{value!r} is not a DDMonYYYY date")
        year = int(match.group(3))
        if year < 100:
            year += 2000
        try:
            return date(year, month, int(match.group(1)))
        except ValueError:
            raise self.error(number, f"{value!r} is not a DDMonYYYY date") from None


def iter_fixed_rows(path: Path, field_count: int, labels: Mapping[int, str]) -> Iterator[Row]:
    """Rows of a header-less file whose every record must have exactly ``field_count`` fields.

    Opens the file at call time (see `iter_raw_rows`).
    """
    return _generate_fixed_rows(path, iter_raw_rows(path), field_count, labels)


def _generate_fixed_rows(
    path: Path, raw: Iterator[tuple[int, list[str]]], field_count: int, labels: Mapping[int, str]
) -> Iterator[Row]:
    for line, fields in raw:
        if len(fields) != field_count:
            raise MalformedRow(f"expected {field_count} fields, found {len(fields)}", path=path, line=line)
        yield Row(path, line, fields, labels)


class Table:
    """A CSV file with a header row: where each (possibly renamed) column is, and its data rows.

    ``names`` gives the name each column is looked up by (the header itself unless a reader renames them);
    a None name drops the column from look-ups, but it still counts towards the expected field count.
    Error messages quote the header as written in the file.
    """

    def __init__(
        self,
        path: Path,
        header: Sequence[str],
        names: Sequence[str | None],
        raw: Generator[tuple[int, list[str]], None, None],
    ) -> None:
        self.path = path
        self.header = tuple(header)
        self.positions: dict[str, int] = {}
        for number, name in enumerate(names, start=1):
            if name is None:
                continue
            if name in self.positions:
                first = self.header[self.positions[name] - 1]
                raise BadInput(
                    f"columns {first!r} and {self.header[number - 1]!r} both stand for {name!r}",
                    path=path,
                    line=1,
                )
            self.positions[name] = number
        self.labels = dict(enumerate(self.header, start=1))
        self._raw = raw

    def require(self, columns: Iterable[str]) -> None:
        missing = [column for column in columns if column not in self.positions]
        if missing:
            raise BadInput(
                "header lacks required column(s): " + ", ".join(missing) + " (found: " + ", ".join(self.header) + ")",
                path=self.path,
                line=1,
            )

    def __getitem__(self, name: str) -> int:
        """The 1-based position of column ``name``."""
        return self.positions[name]

    def get(self, name: str) -> int | None:
        return self.positions.get(name)

    def rows(self) -> Iterator[Row]:
        width = len(self.header)
        for line, fields in self._raw:
            if len(fields) != width:
                raise MalformedRow(
                    f"expected {width} fields (as in the header), found {len(fields)}",
                    path=self.path,
                    line=line,
                )
            yield Row(self.path, line, fields, self.labels)

    def close(self) -> None:
        self._raw.close()


def open_table(
    path: Path,
    required: Iterable[str] = (),
    rename: Callable[[Sequence[str]], Sequence[str | None]] | None = None,
) -> Table:
    """Open ``path``, read its header row and check that every ``required`` column is there.

    This happens at call time, so a missing file or column is reported before any record is produced.
    ``rename`` maps the header (blanks stripped) to look-up names; `ccg_graph.ingest.ons` uses it to drop
    the year from ONS column names.
    """
    raw = iter_raw_rows(path)
    try:
        try:
            line, header = next(raw)
        except StopIteration:
            raise BadInput("file is empty (no header row)", path=path) from None
        header = [name.strip() for name in header]
        if line != 1 or not any(header):
            raise BadInput("first line is not a header row", path=path, line=line)
        table = Table(path, header, rename(header) if rename else header, raw)
        table.require(required)
    except BadInput:
        raw.close()
        raise
    return table


RecordT = TypeVar("RecordT")


def read_records(path: Path, required: Iterable[str], record: Callable[[Table, Row], RecordT]) -> Iterator[RecordT]:
    """The records of a CSV file with a header row: ``record(table, row)`` for each data row, in file order.

    The file and its ``required`` columns are checked at call time (see `open_table`); the rows are read as
    the caller asks for them, so a large file is never held whole.
    """
    table = open_table(path, required)
    return (record(table, row) for row in table.rows())
