"""Local government over time, against values computed here from the raw ONS files."""

from __future__ import annotations

import csv
from collections import Counter
from functools import cache

import pytest

from ccg_graph.store import EmbeddedStore

from ..conftest import REFERENCE_DATA
from .test_saved_queries import run

ID = "https://w3id.org/ccg-graph/id/"
ONS = REFERENCE_DATA / "ons-geography"
#: (file, release date, LSOA column, CCG ODS column, district column)
RELEASES = [
    ("lsoa11_to_ccg16_to_lad16_2016-04.csv", "2016-04-01", "LSOA11CD", "CCG16CDH", "LAD16CD"),
    ("lsoa11_to_ccg17_to_lad17_2017-04.csv", "2017-04-01", "LSOA11CD", "CCG17CDH", "LAD17CD"),
    ("lsoa11_to_ccg18_to_lad18_2018-04.csv", "2018-04-01", "LSOA11CD", "CCG18CDH", "LAD18CD"),
    ("lsoa11_to_ccg19_to_lad19_2019-04.csv", "2019-04-01", "LSOA11CD", "CCG19CDH", "LAD19CD"),
    ("lsoa11_to_ccg20_to_lad20_2020-04.csv", "2020-04-01", "LSOA11CD", "CCG20CDH", "LAD20CD"),
    ("lsoa11_to_ccg21_to_lad21_2021-04.csv", "2021-04-01", "LSOA11CD", "CCG21CDH", "LAD21CD"),
    ("lsoa11_to_sicbl22_to_icb22_to_lad22_2022-07.csv", "2022-07-01", "lsoa11_code", "sicbl22_code_h", "ltla22_code"),
]


@cache
def release(index: int) -> tuple[dict[str, str], dict[str, list[str]]]:
    """LSOA -> district, and CCG -> its LSOAs, of one release."""
    name, _, lsoa_column, ccg_column, lad_column = RELEASES[index]
    districts: dict[str, str] = {}
    ccgs: dict[str, list[str]] = {}
    with (ONS / name).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            districts[row[lsoa_column]] = row[lad_column]
            ccgs.setdefault(row[ccg_column], []).append(row[lsoa_column])
    return districts, ccgs


@cache
def counties() -> dict[str, str]:
    with (ONS / "lad20_to_cty20_2020-04.csv").open(encoding="utf-8-sig", newline="") as handle:
        return {row["LAD20CD"]: row["CTY20CD"] for row in csv.DictReader(handle) if row["CTY20CD"].startswith("E10")}


def upper_tier(district: str) -> str | None:
    """A district's upper tier: itself if single-tier, its 2020 county, or the one county its LSOAs lie in in
    April 2020 (for districts abolished before 2020), else unknown."""
    if district.startswith(("E06", "E08", "E09")):
        return district
    if district in counties():
        return counties()[district]
    in_2020 = release(4)[0]
    lsoas = {lsoa for i in range(len(RELEASES)) for lsoa, lad in release(i)[0].items() if lad == district}
    found = {counties().get(in_2020.get(lsoa, ""), "") for lsoa in lsoas}
    return found.pop() if len(found) == 1 and "" not in found else None


@pytest.mark.parametrize("index", range(len(RELEASES)))
def test_local_authorities_on_each_release_date_are_those_of_its_lookup(
    national_store: EmbeddedStore, index: int
) -> None:
    day = RELEASES[index][1]
    districts = set(release(index)[0].values())
    expected = districts | {upper_tier(d) for d in districts if upper_tier(d)}
    rows = run(national_store, "local-authorities-on", as_of=day)
    assert {r["code"] for r in rows} == expected
    assert all(r["name"] and r["tier"] != "other" for r in rows)


def test_the_northamptonshire_reorganisation_of_1_april_2021(national_store: EmbeddedStore) -> None:
    before = {r["code"]: r for r in run(national_store, "local-authorities-on", as_of="2021-03-31")}
    after = {r["code"]: r for r in run(national_store, "local-authorities-on", as_of="2021-04-01")}
    northants_2020 = {d for d, c in counties().items() if c == "E10000021"}
    new_2021 = set(release(5)[0].values()) - set(release(4)[0].values())
    assert len(northants_2020) == 7 and len(new_2021) == 2
    assert northants_2020 | {"E10000021"} <= set(before) and not (northants_2020 | {"E10000021"}) & set(after)
    assert new_2021 <= set(after) and not new_2021 & set(before)
    assert {after[c]["tier"] for c in new_2021} == {"unitary authority"}
    assert before["E10000021"]["tier"] == "county"


@pytest.mark.parametrize(("index", "day"), [(0, "2016-06-30"), (3, "2019-10-01"), (5, "2022-06-30")])
def test_each_ccgs_boards_and_shares_are_those_of_the_raw_lookup(
    national_store: EmbeddedStore, index: int, day: str
) -> None:
    districts, ccgs = release(index)
    for code, lsoas in sorted(ccgs.items())[:: 7 if index < 5 else 1]:
        counts = Counter(upper_tier(districts[lsoa]) for lsoa in lsoas)
        expected = {(u, round(n / len(lsoas), 6)) for u, n in counts.items() if u}
        rows = run(national_store, "ccg-health-and-wellbeing-boards-on", ccg=ID + f"ccg/{code}", as_of=day)
        assert {(r["authority_code"], round(float(r["share"]), 6)) for r in rows} == expected, code
        assert all(r["board"] == ID + f"health-and-wellbeing-board/{r['authority_code']}" for r in rows)
        assert all(r["name"].endswith("Health and Wellbeing Board") for r in rows)


def test_before_april_2016_is_not_covered(national_store: EmbeddedStore) -> None:
    assert run(national_store, "local-authorities-on", as_of="2015-06-01") == []
    assert run(national_store, "ccg-health-and-wellbeing-boards-on", ccg=ID + "ccg/03V", as_of="2015-06-01") == []
