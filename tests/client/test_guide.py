"""The research guide's script runs on the built graph and produces the page and every figure."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ccg_graph.client import Client
from ccg_graph.core.config import Settings
from ccg_graph.guide.questions import (
    QUESTIONS,
    _csu_notes,
    _csu_table,
    _merger_wave_notes,
    _spend_notes,
    csu_market_shares_by_region,
    merger_waves,
    spend_against_allocation,
)
from ccg_graph.national.build import BuildSummary

from ..national.test_saved_queries import (
    _csv,
    _e38_to_ods,
    _spend_rows,
    ccg_counts_by_change_day,
    csu_key,
    ods_ccg_lives,
    region_of_2018_ccgs,
)


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


# --- the new worked questions' answers, through the client, against values computed here from the raw files ---
@pytest.fixture(scope="module")
def graph(server_url: str) -> Client:
    return Client(f"{server_url}/sparql")


def test_merger_waves_answer_counts_the_ods_dates(graph: Client) -> None:
    frame = merger_waves(graph)
    expected = ccg_counts_by_change_day()
    found = {
        row.day.date().isoformat(): (int(row.ccgs), int(row.opened), int(row.closed)) for row in frame.itertuples()
    }
    assert found == expected
    notes = _merger_wave_notes(frame)
    assert "211 → 209 → 207 → 195 → 191 → 135 → 106" in notes
    assert "1 April 2020, closed 74 CCGs and opened 18" in notes


def test_spend_against_allocation_answer_uses_the_raw_totals(graph: Client) -> None:
    frame = spend_against_allocation(graph)
    spend: dict[str, Decimal] = {}
    for r in _spend_rows():
        spend[r["CCGCode"]] = spend.get(r["CCGCode"], Decimal(0)) + Decimal(r["Amount"])
    codes = _e38_to_ods()
    by_ods = {codes[e38]: float(total) for e38, total in spend.items()}
    for row in frame.itertuples():
        assert abs(row.spend_gbp - by_ods[row.code]) < 0.01, row.code
        assert row.spend_per_head == round(row.spend_gbp / row.people)
        assert row.allocation_per_head == round(row.allocation_gbp / row.people)
    darlington = frame[(frame["code"] == "00C") & frame["allocation"].str.startswith("indicative")]
    [raw] = [
        r
        for r in _csv("nhse-allocations/ccg_allocations_2019-20_indicative_209ccgs.csv")
        if r["CCG"] == "NHS Darlington CCG"
    ]
    assert float(darlington["allocation_gbp"].iloc[0]) == float(raw["Final allocation"]) * 1000
    # Only CCGs of 2018/19 with payments, and no implied allocation the dashboard restates onto a later CCG.
    lives = ods_ccg_lives()
    for row in frame.itertuples():
        opened, last = lives[row.code]
        assert opened <= date(2018, 4, 1) <= last, row.code
    assert frame["ccg"].nunique() <= len(spend)
    notes = _spend_notes(frame)
    assert "June 2021" in notes and "June 2022" in notes and "January 2016" in notes


def test_csu_market_shares_by_region_answer_counts_the_raw_clients(graph: Client) -> None:
    frame = csu_market_shares_by_region(graph)
    regions = region_of_2018_ccgs()
    payers: dict[str, set[str]] = {}
    clients: dict[tuple[str, str], set[str]] = {}
    for r in _spend_rows():
        csu = csu_key(r["SUPPLIER_STANDARD_NAME"])
        if csu is not None:
            payers.setdefault(regions[r["CCGCode"]], set()).add(r["CCGCode"])
            clients.setdefault((regions[r["CCGCode"]], csu), set()).add(r["CCGCode"])
    table = _csu_table(frame).set_index("region_name")
    assert {region: int(n) for region, n in table["CCGs paying a CSU"].items()} == {
        region: len(codes) for region, codes in payers.items()
    }
    found = {(row.region_name, row.csu.rsplit("/", 1)[-1]): int(row.clients) for row in frame.itertuples()}
    assert found == {key: len(codes) for key, codes in clients.items()}
    assert f"were paid by {sum(len(c) for c in payers.values())} CCGs in {len(payers)} regions" in _csu_notes(frame)
