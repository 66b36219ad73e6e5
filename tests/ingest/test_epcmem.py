"""ODS practice membership spells: row count, shape, the PCT -> CCG derivation, malformed samples."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest

from ccg_graph.core.errors import MalformedRow
from ccg_graph.ingest.epcmem import MembershipSpell, read_epcmem

from .helpers import Load, raises_at, write

EPCMEM = "ods-gp-practices/epcmem_2019-10.csv"


def test_rows(load: Load) -> None:
    spells: list[MembershipSpell] = load(EPCMEM)
    assert len(spells) == 47822
    assert spells[-1].line == 47822
    assert {s.parent_type for s in spells} == {"W"}
    assert spells[0] == MembershipSpell(1, "A81001", "5E1", "W", date(2001, 4, 1), date(2013, 3, 31), False)
    assert spells[1].left_date is None and spells[1].covers(date(2019, 10, 1))
    assert sum(1 for s in spells if s.amended) == 157


def test_pct_to_ccg_derivation(load: Load) -> None:
    """The README's method: PCT/care-trust spells ending 2013-03-31 joined to CCG spells starting 2013-04-01."""
    spells: list[MembershipSpell] = load(EPCMEM)
    ccg13 = {c.ods_code for c in load("ons-geography/ccg13_names_codes_2013-04.csv")}
    pcts_of: dict[str, set[str]] = defaultdict(set)
    for s in spells:
        if s.parent[0] in "5T" and len(s.parent) == 3 and s.left_date == date(2013, 3, 31):
            pcts_of[s.practice].add(s.parent)
    pairs: Counter[tuple[str, str]] = Counter()
    for s in spells:
        if s.join_date == date(2013, 4, 1) and s.parent in ccg13:
            for pct in pcts_of.get(s.practice, ()):
                pairs[pct, s.parent] += 1
    pco12 = {row["PCOCDO"] for row in load("ons-geography/pco12_names_codes_2012.csv")}
    assert {pct for pct, _ in pairs} == pco12  # all 151 PCTs / care trusts of 2012
    assert {ccg for _, ccg in pairs} == ccg13  # all 211 CCGs of 2013
    # The README says this gives 373 pairs; on this file it gives 320 (reported to the project).
    assert len(pairs) == 320


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('"A81001","00K","W","20130401","20130331","0"', "field 5 (left parent date) '20130331' is before"),
        ('"A8100","00K","W","20130401","","0"', "field 1 (practice code) 'A8100' is not a valid practice code"),
        ('"A81001","00K","W","","","0"', "field 4 (join parent date) is empty"),
        ('"A81001","00K","","20130401","","0"', "field 3 (parent type) is empty"),
        ('"A81001","00K","W","20130401","",""', "field 6 (amended record indicator) '' is not a 0/1 flag"),
        ('"A81001","00K","W","20130401",""', "expected 6 fields, found 5"),
    ],
)
def test_malformed(tmp_path: Path, line: str, problem: str) -> None:
    path = write(tmp_path, "epcmem.csv", '"A81001","5E1","W","20010401","20130331","0"\r\n' + line + "\r\n")
    raises_at(MalformedRow, lambda: read_epcmem(path), path=path, line=2, contains=problem)
