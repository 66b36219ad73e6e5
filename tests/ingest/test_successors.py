"""The ODS successor file: row count, flag, CCG successions, and malformed samples."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from ccg_graph.core.errors import MalformedRow
from ccg_graph.ingest.ods import ccgs_only
from ccg_graph.ingest.successors import SuccessorRecord, ccg_form_successions, read_successors

from .helpers import Load, raises_at, write

SUCC = "ods-ccg/succ_2026.csv"


def test_row_count_and_flag(load: Load) -> None:
    records: list[SuccessorRecord] = load(SUCC)
    assert len(records) == 11537
    assert [r.line for r in records[:3]] == [1, 2, 3]
    assert records[-1].line == 11537
    assert sum(1 for r in records if not r.flag) == 11039
    assert max(r.effective_date for r in records) == date(2026, 4, 1)
    assert records[0] == SuccessorRecord(1, "001", "016", date(1996, 4, 1), False)


def test_ccg_successions(load: Load) -> None:
    records: list[SuccessorRecord] = load(SUCC)
    ccg_form = list(ccg_form_successions(records))
    assert len(ccg_form) == 186
    ccgs = {c.code: c for c in ccgs_only(load("ods-ccg/eccg_2024-25.csv"))}
    assert sum(1 for r in ccg_form if r.predecessor in ccgs) == 142
    by_predecessor = Counter(r.predecessor for r in records)
    closed = [c for c in ccgs.values() if c.close_date is not None]
    assert len(closed) == 142
    for ccg in closed:
        assert by_predecessor[ccg.code] == 1, ccg.code
        (succession,) = (r for r in records if r.predecessor == ccg.code)
        assert ccg.close_date is not None
        assert succession.effective_date == ccg.close_date + timedelta(days=1)
        assert succession.successor in ccgs


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('"00C","16C","","2020040","0"', "field 4 (effective date) '2020040' is not a YYYYMMDD date"),
        ('"00C","16C","","","0"', "field 4 (effective date) is empty"),
        ('"00C","16C","","20200401","2"', "field 5 (flag) '2' is not a 0/1 flag"),
        ('"00C","16C","X","20200401","0"', "field 3 (null field) 'X' should be blank"),
        ('"","16C","","20200401","0"', "field 1 (predecessor code) is empty"),
        ('"00C","16C","","20200401"', "expected 5 fields, found 4"),
    ],
)
def test_malformed(tmp_path: Path, line: str, problem: str) -> None:
    path = write(tmp_path, "succ.csv", '"00D","16C","","20200401","0"\r\n' + line + "\r\n")
    raises_at(MalformedRow, lambda: read_successors(path), path=path, line=2, contains=problem)
