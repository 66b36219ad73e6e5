"""The steward's commands: submit, retract, releases and diff, run as the real `ccg-graph` process; and a
crash (kill -9) at any moment of a large submission leaves all of it or none of it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from ccg_graph.core.config import Settings
from ccg_graph.national.build import build
from ccg_graph.store.published import PublishedStore
from ccg_graph.writes.history import ReleaseLog
from ccg_graph.writes.submissions import SubmissionLog
from tests.api.test_writes import submission

GRAPH = "https://w3id.org/ccg-graph/id/graph/steward/cli"


def ccg_graph(*args: str, build_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ccg_graph.cli", *args, "--build-dir", str(build_dir)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "250"},
    )


@pytest.fixture
def build_dir(tmp_path: Path) -> Path:
    build(Settings(build_dir=tmp_path / "build"), national=False)
    return tmp_path / "build"


def test_submit_invalid_exits_1_and_writes_nothing(build_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "darlington.nt"
    bad.write_bytes(submission().replace(b'"00C"', b'"0C"'))
    result = ccg_graph("submit", str(bad), "--graph", GRAPH, "-m", "typo", build_dir=build_dir)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "violation" in result.stderr
    assert ReleaseLog(build_dir).releases() == []
    assert SubmissionLog(build_dir).all()[0].status == "rejected"


def test_submit_then_diff_and_retract(build_dir: Path, tmp_path: Path) -> None:
    good = tmp_path / "darlington.nt"
    good.write_bytes(submission())
    submitted = ccg_graph("submit", str(good), "--graph", GRAPH, "-m", "Darlington", build_dir=build_dir)
    assert submitted.returncode == 0, submitted.stderr
    assert "accepted" in submitted.stdout
    first = ReleaseLog(build_dir).releases()[-1].id
    renamed = tmp_path / "renamed.nt"
    renamed.write_bytes(submission().replace(b"NHS Darlington CCG", b"NHS Darlington Clinical Commissioning Group"))
    assert ccg_graph("submit", str(renamed), "--graph", GRAPH, build_dir=build_dir).returncode == 0
    second = ReleaseLog(build_dir).releases()[-1].id
    listed = ccg_graph("releases", build_dir=build_dir)
    assert first in listed.stdout and second in listed.stdout
    diff = ccg_graph("diff", first, second, "--format", "json", build_dir=build_dir)
    assert diff.returncode == 0, diff.stderr
    summary = json.loads(diff.stdout)
    name_change = summary["changed"]["<https://w3id.org/ccg-graph/id/ccg/00C>"]["name"]
    assert any("Clinical Commissioning Group" in v for v in name_change["added"])
    assert ccg_graph("retract", "--graph", GRAPH, "-m", "withdrawn", build_dir=build_dir).returncode == 0
    store = PublishedStore(build_dir)
    assert GRAPH not in store.named_graphs()
    store.close()


def test_diff_of_two_dumps(tmp_path: Path) -> None:
    old, new = tmp_path / "old.nq", tmp_path / "new.nq"
    old.write_text(
        '<http://x/a> <http://www.w3.org/2004/02/skos/core#prefLabel> "A" <http://x/g> .\n'
        '<http://x/b> <http://www.w3.org/2004/02/skos/core#prefLabel> "B" <http://x/g> .\n'
    )
    new.write_text(
        '<http://x/a> <http://www.w3.org/2004/02/skos/core#prefLabel> "A2" <http://x/g> .\n'
        '<http://x/b> <http://www.w3.org/2004/02/skos/core#prefLabel> "B" <http://x/g> .\n'
    )
    result = ccg_graph("diff", str(old), str(new), "--format", "json", build_dir=tmp_path)
    summary = json.loads(result.stdout)
    assert summary["added"] == 1 and summary["removed"] == 1
    assert summary["changed"]["<http://x/a>"]["name"] == {"added": ['"A2"'], "removed": ['"A"']}
    missing = ccg_graph("diff", str(old), str(tmp_path / "nope.nq"), build_dir=tmp_path)
    assert missing.returncode == 2


def test_kill_9_at_any_moment_of_a_large_submission_leaves_all_or_nothing(build_dir: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.nt"
    rows = 20_000
    big.write_text(
        "".join(
            f'<http://example.org/thing/{i}> <http://www.w3.org/2000/01/rdf-schema#label> "thing {i}" .\n'
            for i in range(rows)
        )
    )
    outcomes = []
    for delay in (0.7, 2.0, 4.0):
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ccg_graph.cli",
                "submit",
                str(big),
                "--graph",
                GRAPH,
                "--build-dir",
                str(build_dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.kill()
        process.wait()
        store = PublishedStore(build_dir)  # the published generation must open
        count = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(GRAPH)))
        store.close()
        assert count in (0, rows), f"half a submission is visible after kill -9 at {delay} s: {count} quads"
        published = {r.id for r in ReleaseLog(build_dir).releases()}
        for record in SubmissionLog(build_dir).all(ReleaseLog(build_dir)):
            if record.status == "accepted":
                assert record.release in published
        outcomes.append(count)
        if count == rows:
            break
    finished = ccg_graph("submit", str(big), "--graph", GRAPH, build_dir=build_dir)
    assert finished.returncode == 0, finished.stderr
    store = PublishedStore(build_dir)
    assert sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(GRAPH))) == rows
    store.close()


def test_a_rebuild_reapplies_standing_submissions(build_dir: Path, tmp_path: Path) -> None:
    good = tmp_path / "darlington.nt"
    good.write_bytes(submission())
    assert ccg_graph("submit", str(good), "--graph", GRAPH, build_dir=build_dir).returncode == 0
    retracted_graph = GRAPH + "/withdrawn"
    extra = tmp_path / "extra.nt"
    extra.write_text('<http://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n')
    assert ccg_graph("submit", str(extra), "--graph", retracted_graph, build_dir=build_dir).returncode == 0
    assert ccg_graph("retract", "--graph", retracted_graph, build_dir=build_dir).returncode == 0
    rebuilt = ccg_graph("build", "--core-only", build_dir=build_dir)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "re-applied submission accepted" in rebuilt.stdout
    store = PublishedStore(build_dir)
    graphs = store.named_graphs()
    store.close()
    assert GRAPH in graphs and retracted_graph not in graphs
