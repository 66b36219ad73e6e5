"""Helpers shared by the ingest tests: which reader goes with which reference file, and sample writers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ccg_graph.core.errors import BadInput
from ccg_graph.ingest import (
    read_boundaries,
    read_ccg_names,
    read_ccg_population,
    read_eauth,
    read_eccg,
    read_epcmem,
    read_epraccur,
    read_list_sizes,
    read_lsoa_lookup,
    read_ons_table,
    read_practice_map,
    read_practice_registrations,
    read_qof_prevalence,
    read_successors,
)
from ccg_graph.ingest.allocations import read_data_items, read_indicative_allocations, read_practice_targets
from ccg_graph.ingest.cancer_alliances import read_alliance_lookup, read_alliance_names
from ccg_graph.ingest.iapt import read_iapt_pairs
from ccg_graph.ingest.mental_health import (
    DashboardRow,
    read_dashboard_org_codes,
    read_dashboard_sheet,
    read_merger_lookup,
)
from ccg_graph.ingest.spend import read_payments
from ccg_graph.ingest.trusts import read_etr, read_trust_hosts

#: The `load` fixture: every record of a reference file (a path relative to the folder), parsed once.
Load = Callable[[str], list[Any]]

FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: ``shared/reference-data`` beside the repository (the `reference_dir` fixture fails if it is missing).
REFERENCE_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "reference-data"


#: The folders whose files the ingest reads (batches 1, 2 and 3).
FOLDERS_WITH_READERS = frozenset(
    {
        "ons-boundaries",
        "ods-ccg",
        "ods-gp-practices",
        "ons-geography",
        "nhs-digital-gp-registrations",
        "nhsbsa-gp-list-sizes",
        "hscic-qof",
        "ccg-spend-3sc",
        "nhs-digital-iapt",
        "nhse-allocations",
        "nhse-mental-health-dashboard",
        "ods-trusts",
    }
)


def _dashboard_rows(path: Path) -> Iterator[DashboardRow]:
    return read_dashboard_sheet(path).rows


#: Which reader goes with a file, as ``(folder or None for any folder, pattern searched in the file name,
#: reader)``; the first rule that matches wins, so the order matters (``ccg_allocations`` before ``ccg``).
READER_RULES: tuple[tuple[str | None, str, Callable[[Path], Any]], ...] = (
    (None, "^eccg", read_eccg),
    (None, "^eauth", read_eauth),
    (None, "^succ", read_successors),
    (None, "^epraccur", read_epraccur),
    (None, "^epcmem", read_epcmem),
    (None, "_to_cal", read_alliance_lookup),
    (None, "^cal", read_alliance_names),
    ("ccg-spend-3sc", "", read_payments),
    ("nhs-digital-iapt", "", read_iapt_pairs),
    ("ods-trusts", "datapoint", read_trust_hosts),
    ("ods-trusts", "", read_etr),
    (None, "^ccg_allocations", read_indicative_allocations),
    (None, r"data_items\.csv$", read_data_items),
    (None, "^gp_practice_weighted_population", read_practice_targets),
    (None, "^mhf_", _dashboard_rows),
    (None, "^lkp_organisation_codes", read_dashboard_org_codes),
    (None, "^new_2122_ccg_lookups", read_merger_lookup),
    (None, "^lsoa11_to_", read_lsoa_lookup),
    (None, "with_population", read_ccg_population),
    (None, "^ccg", read_ccg_names),
    ("ons-geography", "", read_ons_table),
    (None, "prac-map", read_practice_map),
    (None, "prac-all", read_practice_registrations),
    (None, "^Patient_List_Size", read_list_sizes),
    (None, "^qof_", read_qof_prevalence),
)


def reader_for(rel: str) -> Callable[[Path], Any]:
    """The reader that yields the typed records of reference file ``rel`` (relative to the folder)."""
    folder, name = rel.split("/", 1)
    if folder not in FOLDERS_WITH_READERS:
        raise KeyError(f"no reader for {rel} (folder {folder}/ has none yet)")
    if folder == "ons-boundaries":
        if name.endswith(".geojson"):
            return read_boundaries
        raise KeyError(f"no reader for {rel}: the build reads the GeoJSON conversion beside this original")
    for rule_folder, pattern, reader in READER_RULES:
        if rule_folder in (None, folder) and re.search(pattern, name):
            return reader
    raise KeyError(f"no reader for {rel}")


def has_reader(rel: str) -> bool:
    """Whether the ingest has a reader for reference file ``rel``."""
    try:
        reader_for(rel)
    except KeyError:
        return False
    return True


def write(tmp_path: Path, name: str, text: str) -> Path:
    """Write a small sample file byte-for-byte (``newline=""`` keeps the CRLF / CR written in ``text``)."""
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return path


def ods_line(*overrides: tuple[int, str], fields: int = 27) -> str:
    """A quoted, CRLF-terminated ODS 27-field line of a valid CCG row, with 1-based field overrides."""
    values = ["00C", "NHS DARLINGTON CCG", "Y54", "Q74", "DR PIPER HOUSE", "KING STREET", "", "DARLINGTON"]
    values += ["COUNTY DURHAM", "DL3 6JL", "20130401", "", "", "C", "", "", "", "", "", "", "", "0"]
    values += ["", "", "", "", ""]
    for number, value in overrides:
        values[number - 1] = value
    return ",".join(f'"{value}"' for value in values[:fields]) + "\r\n"


def raises_at(
    error: type[BadInput], call: Callable[[], Any], *, path: Path, line: int | None, contains: str
) -> BadInput:
    """Run ``call`` (fully consuming what it returns) and check the error's type, path, line and reason."""
    with pytest.raises(error) as caught:
        result = call()
        if result is not None and not isinstance(result, dict):
            list(result)
    exc = caught.value
    assert type(exc) is error, f"expected {error.__name__}, got {type(exc).__name__}: {exc}"
    assert exc.path == str(path)
    assert exc.line == line, f"line {exc.line} != {line}: {exc}"
    assert contains in exc.reason, f"{contains!r} not in {exc.reason!r}"
    return exc
