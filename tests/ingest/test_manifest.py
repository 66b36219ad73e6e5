"""The manifest: every reference file is listed once and matches its SHA-256; tampering is caught."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from ccg_graph.core.errors import BadInput, ChecksumMismatch, MalformedRow
from ccg_graph.ingest.manifest import COLUMNS, manifest_files, read_manifest, verified_path, verify

from .helpers import raises_at, write

HEADER = ",".join(COLUMNS) + "\n"


def _entry_line(file: str, content: bytes, *, commit_date: str = "2015-09-02", sha: str | None = None) -> str:
    digest = sha or hashlib.sha256(content).hexdigest()
    return (
        f"{file},{len(content)},1,yes,1 April 2013,ONS,OGL v3,github:o/r,p.csv,{'a' * 40},{commit_date},none,{digest}\n"
    )


def test_every_reference_file_listed_once_and_verified(reference_dir: Path) -> None:
    manifest = read_manifest(reference_dir)
    by_batch = Counter(entry.manifest for entry in manifest.values())
    assert by_batch["manifest.csv"] == 53  # batch 1, the organisations
    assert by_batch["manifest-2026-12.csv"] >= 1  # batches 2 and 3: money, providers, boundaries
    catalogues = {p.name for p in manifest_files(reference_dir)}
    on_disk = {
        p.relative_to(reference_dir).as_posix()
        for p in reference_dir.rglob("*")
        if p.is_file() and p.name not in catalogues and p.name != "README.md"
    }
    assert set(manifest) == on_disk
    for rel, entry in manifest.items():
        verify(reference_dir, entry)  # raises on any mismatch
        assert (reference_dir / rel).stat().st_size == entry.bytes


def test_later_batch_entries(reference_dir: Path) -> None:
    manifest = read_manifest(reference_dir)
    entry = manifest["ccg-spend-3sc/ccg_invoices_over_25k_2018-19.csv.gz"]
    assert entry.manifest == "manifest-2026-12.csv"
    assert entry.data_rows == 225889
    assert entry.header_row is True
    files = list(manifest)
    assert files.index("ods-ccg/eccg_2024-25.csv") < files.index(entry.file)  # first batch first


def test_later_batch_read_after_first(tmp_path: Path) -> None:
    write(tmp_path, "manifest.csv", HEADER + _entry_line("a.csv", b""))
    write(tmp_path, "manifest-2027-01.csv", HEADER + _entry_line("c.csv", b""))
    write(tmp_path, "manifest-2026-12.csv", HEADER + _entry_line("b.csv", b""))
    manifest = read_manifest(tmp_path)
    assert [(e.file, e.manifest, e.line) for e in manifest.values()] == [
        ("a.csv", "manifest.csv", 2),
        ("b.csv", "manifest-2026-12.csv", 2),
        ("c.csv", "manifest-2027-01.csv", 2),
    ]


def test_file_listed_in_two_batches(tmp_path: Path) -> None:
    write(tmp_path, "manifest.csv", HEADER + _entry_line("a.csv", b""))
    later = write(tmp_path, "manifest-2026-12.csv", HEADER + _entry_line("b.csv", b"") + _entry_line("a.csv", b""))
    raises_at(
        MalformedRow,
        lambda: read_manifest(tmp_path),
        path=later,
        line=3,
        contains="listed twice (first on manifest.csv:2)",
    )


def test_later_batch_malformed(tmp_path: Path) -> None:
    write(tmp_path, "manifest.csv", HEADER + _entry_line("a.csv", b""))
    later = write(tmp_path, "manifest-2026-12.csv", HEADER.replace(",sha256", ""))
    raises_at(BadInput, lambda: read_manifest(tmp_path), path=later, line=1, contains="column(s): sha256 (")


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
    assert [rel for rel, e in manifest.items() if e.transformation != "none" and e.manifest == "manifest.csv"] == [
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
