"""The research guide's script runs on the built graph and produces the page and every figure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ccg_graph.core.config import Settings
from ccg_graph.guide.questions import QUESTIONS
from ccg_graph.national.build import BuildSummary


def test_guide_script_makes_every_figure(
    national_build: BuildSummary, national_settings: Settings, tmp_path: Path
) -> None:
    page = tmp_path / "docs" / "research-guide.md"
    result = subprocess.run(
        [sys.executable, "-m", "ccg_graph.guide", "--build-dir", str(national_settings.build_dir), "--page", str(page)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    text = page.read_text(encoding="utf-8")
    for question in QUESTIONS:
        figure = page.parent / "figures" / f"{question.slug}.png"
        assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", question.slug
        assert figure.stat().st_size > 10_000, question.slug
        assert f"](figures/{question.slug}.png)" in text and question.title in text
        for name in question.saved_queries:
            assert f"../queries/{name}.rq" in text
    assert "| CCG | 248 |" in text  # the crosswalk summary, from the live answer


def test_committed_guide_covers_every_question() -> None:
    docs = Path(__file__).resolve().parents[2] / "docs"
    text = (docs / "research-guide.md").read_text(encoding="utf-8")
    for question in QUESTIONS:
        assert (docs / "figures" / f"{question.slug}.png").is_file(), question.slug
        assert question.title in text
