"""The manifest: every reference file is listed once and matches its SHA-256; tampering is caught."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from ccg_graph.errors import BadInput, ChecksumMismatch, MalformedRow
from ccg_graph.ingest.manifest import COLUMNS, read_manifest, verified_path, verify

from .helpers import raises_at, write

HEADER = ",".join(COLUMNS) + "\n"


def _entry_line(file: str, content: bytes, *, commit_date: str = "2015-09-02", sha: str | None = None) -> str:
    digest = sha or hashlib.sha256(content).hexdigest()
    return (
        f"{file},{len(content)},1,yes,1 April 2013,ONS,OGL v3,github:o/r,p.csv,{'a' * 40},{commit_date},none,{digest}\n"
    )


def test_all_53_files_listed_and_verified(reference_dir: Path) -> None:
    manifest = read_manifest(reference_dir)
    assert len(manifest) == 53
    on_disk = {p.relative_to(reference_dir).as_posix() for p in reference_dir.rglob("*.csv")} - {"manifest.csv"}
    assert set(manifest) == on_disk
    for rel, entry in manifest.items():
        verify(reference_dir, entry)  # raises on any mismatch
        assert (reference_dir / rel).stat().st_size == entry.bytes


def test_entry_fields(reference_dir: Path) -> None:
    manifest = read_manifest(reference_dir)
    entry = manifest["ods-ccg/eccg_2024-25.csv"]
    assert entry.line == 4
    assert entry.data_rows == 320
    assert entry.header_row is False
    assert entry.commit_date == date(2025, 12, 29)
    assert entry.source_repository == "github:jhau/nhs-spend"
    assert entry.transformation == "none"
    assert manifest["ons-geography/ccg13_names_codes_2013-04.csv"].header_row is True
    assert manifest["ons-geography/nhsat13_ons_ods_codes_2013.csv"].transformation == "line endings CR -> LF"
    assert [rel for rel, e in manifest.items() if e.transformation != "none"] == [
        "ons-geography/ccg13_names_codes_2013-04.csv",
        "ons-geography/nhsat13_ons_ods_codes_2013.csv",
        "ons-geography/ccg21_names_codes_2021-04.csv",
        "ons-geography/ccg21_to_stp21_to_nhser21_with_population.csv",
        "ons-geography/lsoa11_to_sicbl22_to_icb22_to_lad22_2022-07.csv",
    ]


def test_verified_path(reference_dir: Path) -> None:
    manifest = read_manifest(reference_dir)
    rel = "hscic-qof/qof_prevalence_by_ccg_2013-14.csv"
    assert verified_path(reference_dir, manifest, rel) == reference_dir / rel
    raises_at(
        BadInput,
        lambda: verified_path(reference_dir, manifest, "ods-ccg/eccg_2099.csv"),
        path=reference_dir / "manifest.csv",
        line=None,
        contains="'ods-ccg/eccg_2099.csv' is not listed in the manifest",
    )


def test_checksum_mismatch(tmp_path: Path) -> None:
    write(tmp_path, "manifest.csv", HEADER + _entry_line("a/x.csv", b"x,y\n"))
    (tmp_path / "a").mkdir()
    target = write(tmp_path / "a", "x.csv", "x,z\n")  # one byte differs from what the manifest hashed
    manifest = read_manifest(tmp_path)
    exc = raises_at(
        ChecksumMismatch,
        lambda: verified_path(tmp_path, manifest, "a/x.csv"),
        path=target,
        line=None,
        contains="SHA-256 mismatch",
    )
    assert hashlib.sha256(b"x,y\n").hexdigest() in exc.reason
    assert hashlib.sha256(b"x,z\n").hexdigest() in exc.reason


def test_listed_file_missing(tmp_path: Path) -> None:
    write(tmp_path, "manifest.csv", HEADER + _entry_line("gone.csv", b""))
    manifest = read_manifest(tmp_path)
    raises_at(
        BadInput,
        lambda: verify(tmp_path, manifest["gone.csv"]),
        path=tmp_path / "gone.csv",
        line=None,
        contains="file not found",
    )


def test_manifest_missing(tmp_path: Path) -> None:
    raises_at(
        BadInput, lambda: read_manifest(tmp_path), path=tmp_path / "manifest.csv", line=None, contains="not found"
    )


def test_manifest_header_lacks_column(tmp_path: Path) -> None:
    path = write(tmp_path, "manifest.csv", HEADER.replace(",sha256", ""))
    raises_at(BadInput, lambda: read_manifest(tmp_path), path=path, line=1, contains="column(s): sha256 (")


def test_manifest_bad_commit_date(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "manifest.csv",
        HEADER + _entry_line("a.csv", b"") + _entry_line("b.csv", b"", commit_date="20150902"),
    )
    raises_at(
        MalformedRow,
        lambda: read_manifest(tmp_path),
        path=path,
        line=3,
        contains="field 11 (commit_date) '20150902' is not a YYYY-MM-DD date",
    )


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (_entry_line("a.csv", b"", sha="ABC"), "field 13 (sha256) 'ABC' is not a lower-case hexadecimal SHA-256"),
        (_entry_line("../a.csv", b""), "field 1 (file) '../a.csv' is not a normalised relative path"),
        (_entry_line("a.csv", b"").replace(",yes,", ",maybe,"), "field 4 (header_row) 'maybe' is not one of"),
        (_entry_line("a.csv", b"").replace(",0,1,", ",0,x,"), "field 3 (data_rows) 'x' is not a non-negative"),
        (_entry_line("a.csv", b"").replace(",none,", ",none,extra,"), "expected 13 fields (as in the header)"),
    ],
)
def test_manifest_malformed_rows(tmp_path: Path, line: str, problem: str) -> None:
    path = write(tmp_path, "manifest.csv", HEADER + line)
    raises_at(MalformedRow, lambda: read_manifest(tmp_path), path=path, line=2, contains=problem)


def test_manifest_file_listed_twice(tmp_path: Path) -> None:
    path = write(tmp_path, "manifest.csv", HEADER + _entry_line("a.csv", b"") + _entry_line("a.csv", b""))
    raises_at(
        MalformedRow, lambda: read_manifest(tmp_path), path=path, line=3, contains="listed twice (first on line 2)"
    )
