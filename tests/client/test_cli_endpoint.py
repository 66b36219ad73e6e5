"""`ccg-graph query --endpoint/--format` and `ccg-graph export crosswalk`, as a user runs them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd

from ccg_graph.core.config import Settings
from ccg_graph.national.build import BuildSummary

from ..cli.test_cli import cli


def _env(settings: Settings) -> dict[str, str]:
    return {"CCG_GRAPH_BUILD_DIR": str(settings.build_dir)}


def test_remote_and_local_answers_match(
    national_build: BuildSummary, national_settings: Settings, server_url: str, oxigraph_url: str
) -> None:
    env = _env(national_settings)
    args = ("query", "ccgs-by-region-on", "--as-of", "2019-04-01", "--format", "csv")
    local = cli(*args, env=env)
    ours = cli(*args, "--endpoint", f"{server_url}/sparql", env=env)
    theirs = cli(*args, "--endpoint", f"{oxigraph_url}/query", env=env)
    assert local.returncode == ours.returncode == theirs.returncode == 0, local.stderr + ours.stderr + theirs.stderr
    assert local.stdout == ours.stdout == theirs.stdout
    rows = list(csv.DictReader(io.StringIO(local.stdout)))
    assert len(rows) == 7 and sum(int(r["ccgs"]) for r in rows) == 191 and rows[0]["as_of"] == "2019-04-01"
    as_json = cli("query", "ccgs-by-region-on", "--as-of", "2019-04-01", "--format", "json", env=env)
    records = json.loads(as_json.stdout)
    assert isinstance(records[0]["ccgs"], int) and records[0]["as_of"] == "2019-04-01"


def test_parquet_keeps_types(national_build: BuildSummary, national_settings: Settings, tmp_path: Path) -> None:
    env = _env(national_settings)
    target = tmp_path / "months.parquet"
    result = cli("query", "ccg-count-by-month", "--format", "parquet", "--output", str(target), env=env)
    assert result.returncode == 0, result.stderr
    frame = pd.read_parquet(target)
    assert len(frame) == 112 and str(frame["ccgs"].dtype) == "Int64"
    assert pd.api.types.is_datetime64_any_dtype(frame["month"])
    missing = cli("query", "ccg-count-by-month", "--format", "parquet", env=env)
    assert missing.returncode == 2 and "--output" in missing.stderr
    wrong = cli("query", "ccg-count-by-month", "--format", "xlsx", env=env)
    assert wrong.returncode == 2 and "--format" in wrong.stderr


def test_bad_endpoints_exit_2(national_build: BuildSummary, national_settings: Settings, server_url: str) -> None:
    env = _env(national_settings)
    refused = cli("query", "mergers", "--endpoint", "http://127.0.0.1:9/sparql", env=env)
    assert refused.returncode == 2 and "cannot connect" in refused.stderr and "Traceback" not in refused.stderr
    not_found = cli("query", "mergers", "--endpoint", f"{server_url}/nope", env=env)
    assert not_found.returncode == 2 and "404" in not_found.stderr
    not_url = cli("query", "mergers", "--endpoint", "example.org", env=env)
    assert not_url.returncode == 2 and "not an HTTP" in not_url.stderr


def test_export_crosswalk(
    national_build: BuildSummary, national_settings: Settings, oxigraph_url: str, tmp_path: Path
) -> None:
    env = _env(national_settings)
    target = tmp_path / "crosswalk.csv"
    result = cli("export", "crosswalk", "--output", str(target), env=env)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert list(rows[0]) == [
        "kind",
        "organisation",
        "ods_code",
        "ons_code",
        "ons_from",
        "ons_to",
        "name",
        "opened",
        "closed",
    ]
    ccgs = [r for r in rows if r["kind"] == "CCG"]
    assert len({r["ods_code"] for r in ccgs}) == 248 and all(r["ons_from"] and r["ons_to"] for r in ccgs)
    assert {r["ons_code"][:3] for r in rows if r["ons_code"]} >= {"E38", "E54", "E40", "E39"}
    remote = cli("export", "crosswalk", "--endpoint", f"{oxigraph_url}/query", env=env)
    assert remote.returncode == 0 and remote.stdout == target.read_text(encoding="utf-8")
