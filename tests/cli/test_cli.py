"""The `ccg-graph` command as a user runs it: exit codes, messages, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ccg_graph.core.config import PROJECT_ROOT, Settings
from ccg_graph.national.build import BuildSummary


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ccg_graph.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


def test_help_on_every_command() -> None:
    for command in ("build", "serve", "validate", "query", "queries"):
        result = cli(command, "--help")
        assert result.returncode == 0, result.stderr
        assert "Usage" in result.stdout


def test_validate_conforming_core_data() -> None:
    result = cli("validate", str(PROJECT_ROOT / "data" / "core.ttl"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Conforms" in result.stdout


def test_validate_non_conforming_file_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix ccg: <https://w3id.org/ccg-graph/def#> .\n"
        '<https://w3id.org/ccg-graph/id/ccg/ZZZ> a ccg:ClinicalCommissioningGroup ; ccg:odsCode "ZZZ" .\n'
    )
    result = cli("validate", str(bad), "--format", "json")
    assert result.returncode == 1
    assert '"conforms": false' in result.stdout
    assert "https://w3id.org/ccg-graph/id/ccg/ZZZ" in result.stdout


def test_validate_bad_input_exits_2_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "broken.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b .\n")
    result = cli("validate", str(bad))
    assert result.returncode == 2
    assert f"{bad}:3" in result.stderr and "Traceback" not in result.stderr
    missing = cli("validate", str(tmp_path / "nope.ttl"))
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_query_saved_and_errors(national_build: BuildSummary, national_settings: Settings) -> None:
    env = {"CCG_GRAPH_BUILD_DIR": str(national_settings.build_dir)}
    result = cli("query", "commissioner-counts-on", "--as-of", "2020-04-01", "--format", "csv", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].split(",")[1] == "135"
    unknown = cli("query", "no-such-query", env=env)
    assert unknown.returncode == 2 and "no saved query" in unknown.stderr
    wrong_type = cli("query", "ccgs-open-on", "--as-of", "yesterday", env=env)
    assert wrong_type.returncode == 2 and "as_of" in wrong_type.stderr
    extra = cli("query", "mergers", "-p", "colour=blue", env=env)
    assert extra.returncode == 2 and "unknown parameter" in extra.stderr


def test_build_without_reference_data_exits_2(tmp_path: Path) -> None:
    result = cli("build", "--build-dir", str(tmp_path / "b"), "--reference-data", str(tmp_path / "none"))
    assert result.returncode == 2 and "reference data" in result.stderr
    assert not (tmp_path / "b" / "store").exists()
