"""QOF 2013-14 prevalence by CCG: list sizes per CCG, registers, malformed samples."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccg_graph.core.errors import BadInput, MalformedRow
from ccg_graph.ingest.qof import COLUMNS, QofPrevalence, list_size_by_ccg, read_qof_prevalence

from .helpers import Load, raises_at, write

QOF = "hscic-qof/qof_prevalence_by_ccg_2013-14.csv"


def test_qof(load: Load) -> None:
    rows: list[QofPrevalence] = load(QOF)
    assert len(rows) == 5064
    assert rows[0] == QofPrevalence(2, "00C", "AF", "Atrial Fibrillation", 1880, 106303, 1.7685295805)
    sizes = list_size_by_ccg(rows)
    assert len(sizes) == 211
    assert sum(sizes.values()) == 56324887
    assert sizes.keys() == {c.ods_code for c in load("ons-geography/ccg13_names_codes_2013-04.csv")}
    assert len({r.register_description for r in rows}) == 24
    assert len({r.indicator_group for r in rows}) == 23  # HF covers two registers
    assert all(abs(r.prevalence - 100 * r.register_size / r.list_size) < 1e-6 for r in rows)


HEADER = ",".join(COLUMNS) + "\r\n"
ROW = "00C,AF,Atrial Fibrillation,1880,106303,1.7685295805\r\n"


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("1.7685295805", "n/a", "field 6 (prevalence) 'n/a' is not a non-negative decimal number"),
        ("106303", "106,303", "expected 6 fields (as in the header), found 7"),
        (",1880,", ",-1,", "field 4 (disease_register_size) '-1' is not a non-negative integer"),
        ("00C,", "0C,", "field 1 (ccgcode) '0C' is not a valid CCG code"),
        (",AF,", ",,", "field 2 (indicator_group) is empty"),
    ],
)
def test_malformed(tmp_path: Path, old: str, new: str, problem: str) -> None:
    path = write(tmp_path, "qof.csv", HEADER + ROW + ROW.replace(old, new, 1))
    raises_at(MalformedRow, lambda: read_qof_prevalence(path), path=path, line=3, contains=problem)


def test_inconsistent_list_size(tmp_path: Path) -> None:
    path = write(tmp_path, "qof.csv", HEADER + ROW + ROW.replace("106303", "106304"))
    raises_at(
        MalformedRow,
        lambda: list_size_by_ccg(read_qof_prevalence(path), path),
        path=path,
        line=3,
        contains="ccg_listsize 106304 for 00C differs from 106303 on line 2",
    )


def test_missing_column(tmp_path: Path) -> None:
    path = write(tmp_path, "qof.csv", HEADER.replace(",ccg_listsize", ""))
    raises_at(BadInput, lambda: read_qof_prevalence(path), path=path, line=1, contains="column(s): ccg_listsize")
