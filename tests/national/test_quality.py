"""The conflicts between the sources, as `ccg-graph quality` and ``GET /quality`` report them, checked
against the raw reference files (every side's file and line really says what the report says)."""

from __future__ import annotations

import csv
from functools import cache

from ccg_graph.linked_data.quality import quality_report
from ccg_graph.store import EmbeddedStore

from ..conftest import REFERENCE_DATA

FOUND = {"overlapping-membership", "membership-outside-ccg-life", "name-disagreement"}
CHECKED = FOUND | {"code-disagreement", "parent-disagreement"}
ID = "https://w3id.org/ccg-graph/id/"


@cache
def physical_lines(relative: str) -> list[str]:
    """The file's physical lines (the report's lines are 1-based physical lines, header counted)."""
    return (REFERENCE_DATA / relative).read_text(encoding="utf-8-sig").splitlines()


def _normalised(name: str) -> str:
    return " ".join(name.replace("&", " and ").split()).casefold()


def _names(relative: str, code_column: str, name_column: str) -> dict[str, str]:
    with (REFERENCE_DATA / relative).open(encoding="utf-8-sig", newline="") as handle:
        return {row[code_column]: row[name_column].strip() for row in csv.DictReader(handle)}


def test_the_report_lists_every_kind_with_file_and_line_of_each_side(national_store: EmbeddedStore) -> None:
    report = quality_report(national_store)
    assert set(report["counts"]) == CHECKED
    assert all(report["counts"][kind] > 0 for kind in FOUND), report["counts"]
    assert sum(report["counts"].values()) == len(report["conflicts"])
    for conflict in report["conflicts"]:
        assert len(conflict["sources"]) >= 2 and conflict["resolution"], conflict
        code = conflict["subject"].rsplit("/", 1)[-1]
        for side in conflict["sources"]:
            line = physical_lines(side["file"])[side["line"] - 1]
            # The row named really is about the subject (the practice or CCG), or is the CCG's own row
            # giving the life a membership fell outside.
            life_row = conflict["kind"] == "membership-outside-ccg-life" and side["file"] == "ods-ccg/eccg_2024-25.csv"
            if life_row:
                assert side["value"].split()[0] in line, (side, line)
            else:
                assert code in line, (conflict, side, line)


def test_name_disagreements_are_those_of_the_raw_files(national_store: EmbeddedStore) -> None:
    report = quality_report(national_store)
    reported = {
        (c["subject"].rsplit("/", 1)[-1], tuple(sorted(s["file"] for s in c["sources"])))
        for c in report["conflicts"]
        if c["kind"] == "name-disagreement"
    }
    expected = set()
    for names_file, code_column, name_column, map_file in (
        (
            "ons-geography/ccg20_names_codes_2020-04.csv",
            "CCG20CDH",
            "CCG20NM",
            "nhs-digital-gp-registrations/gp-reg-pat-prac-map_2020-09.csv",
        ),
        (
            "ons-geography/ccg21_names_codes_2021-04.csv",
            "CCG21CDH",
            "CCG21NM",
            "nhs-digital-gp-registrations/gp-reg-pat-prac-map_2022-01.csv",
        ),
    ):
        ons = _names(names_file, code_column, name_column)
        mapped: dict[str, str] = {}
        with (REFERENCE_DATA / map_file).open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                mapped.setdefault(row["CCG_CODE"], row["CCG_NAME"].strip())
        for code, name in mapped.items():
            if code in ons and _normalised(ons[code]) != _normalised(name):
                expected.add((code, tuple(sorted((names_file, map_file)))))
    assert reported == expected
    # The README's caveat 8 names three of them in the January 2022 map.
    assert {"18C", "06N", "M2L0M"} <= {code for code, _ in reported}


def test_overlapping_spells_really_overlap_in_the_raw_rows(national_store: EmbeddedStore) -> None:
    report = quality_report(national_store)
    overlaps = [c for c in report["conflicts"] if c["kind"] == "overlapping-membership"]
    assert overlaps
    for conflict in overlaps:
        organisations = {side["value"].split()[3] for side in conflict["sources"]}
        assert len(organisations) == 2, conflict
