"""The SVG pictures are well-formed, titled for screen readers, linked, and laid out oldest to newest."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from ccg_graph.linked_data.figures import Lineage, LineageNode, Spell, Timeline, TimelineEvent
from ccg_graph.linked_data.lookup import Link
from ccg_graph.linked_data.svg import lineage_svg, national_chart_svg, timeline_svg

SVG = "{http://www.w3.org/2000/svg}"


def node(code: str, kind: str, current: bool = False) -> LineageNode:
    return LineageNode(Link(f"x:{code}", f"Body {code}", f"/id/{code}"), kind, code, date(2013, 4, 1), None, current)


def test_lineage_columns_run_from_pcts_to_the_icb() -> None:
    lineage = Lineage(
        {
            "x:P1": node("P1", "PrimaryCareTrust"),
            "x:C1": node("C1", "ClinicalCommissioningGroup", current=True),
            "x:C2": node("C2", "ClinicalCommissioningGroup"),
            "x:M": node("M", "ClinicalCommissioningGroup"),
            "x:I": node("I", "IntegratedCareBoard"),
            "x:C3": node("C3", "ClinicalCommissioningGroup"),
        },
        [("x:P1", "x:C1"), ("x:P1", "x:C2"), ("x:C1", "x:M"), ("x:C2", "x:M"), ("x:M", "x:I"), ("x:C3", "x:I")],
    )
    root = ET.fromstring(lineage_svg(lineage, "Lineage of Body C1"))
    assert root.find(f"{SVG}title").text == "Lineage of Body C1"
    assert "Body C1 is highlighted" in root.find(f"{SVG}desc").text
    boxes = {}
    for anchor in root.iter(f"{SVG}a"):
        rect = anchor.find(f"{SVG}rect")
        boxes[anchor.get("href")] = (float(rect.get("x")), rect.get("stroke-width"))
    assert boxes["/id/P1"][0] < boxes["/id/C1"][0] == boxes["/id/C2"][0] < boxes["/id/M"][0] < boxes["/id/I"][0]
    assert boxes["/id/C3"][0] == boxes["/id/C1"][0], "a CCG without a PCT still sits with the 2013 CCGs"
    assert boxes["/id/C1"][1] == "3" and boxes["/id/C2"][1] == "1"
    assert len(root.findall(f"{SVG}path")) == 6


def test_timeline_has_a_bar_per_spell_and_a_mark_per_event() -> None:
    timeline = Timeline(
        [
            Spell("Open", date(2013, 4, 1), date(2020, 3, 31), "life", "NHS Corby CCG"),
            Spell("Region", date(2013, 4, 1), date(2015, 3, 31), "oversight", "Midlands & East"),
        ],
        [TimelineEvent(date(2013, 4, 1), "Opened"), TimelineEvent(date(2020, 3, 31), "Closed")],
    )
    root = ET.fromstring(timeline_svg(timeline, "Timeline of NHS Corby CCG"))
    assert root.find(f"{SVG}title").text == "Timeline of NHS Corby CCG"
    assert len([r for r in root.iter(f"{SVG}rect")]) == 2
    assert len(list(root.iter(f"{SVG}circle"))) == 2
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "2013" in texts and "2022" in texts and "Midlands & East" in texts


def test_national_chart_has_one_bar_per_month_with_its_count() -> None:
    points = [(date(2013, 4, 1), 211), (date(2013, 5, 1), 211), (date(2022, 7, 1), 0)]
    root = ET.fromstring(national_chart_svg(points))
    titles = [r.find(f"{SVG}title").text for r in root.iter(f"{SVG}rect")]
    assert titles == ["April 2013: 211 CCGs", "May 2013: 211 CCGs", "July 2022: 0 CCGs"]
