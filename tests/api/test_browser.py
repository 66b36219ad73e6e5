"""A person's walk through the pages in a real headless Chromium (Debian's ``chromium``) on a real server:
home page -> search -> a CCG (lineage drawn) -> its successor -> its region, its ICB and the Secretary of State.
Screenshots go to tests/artifacts/ (not committed)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).is_file() and not shutil.which("chromium"):
        pytest.fail(
            f"Chromium is missing: install Debian's packages (apt-get install -y chromium chromium-driver); "
            f"expected {CHROMIUM}"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        pytest.fail(f"the playwright package is missing (pip install -e '.[test]'): {err}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def test_browse_from_home_to_a_ccg_its_successor_region_icb_and_the_secretary_of_state(
    browser, server_url: str
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{server_url}/")
    assert page.locator("h1").inner_text().startswith("NHS England commissioning")
    assert page.locator("svg.national title").first.text_content().startswith("Number of CCGs open")
    assert page.locator('a[href="/sparql"]').count() >= 1 and page.locator('a[href="/queries"]').count() >= 1

    page.fill("input#q", "Corby")
    page.click("form.search button")
    page.wait_for_url("**/search?q=Corby")
    page.click("text=NHS Corby CCG")
    page.wait_for_url("**/id/ccg/03V")
    assert page.locator("h1").inner_text() == "NHS Corby CCG"

    lineage = page.locator("svg.lineage")
    lineage.wait_for(state="visible")
    box = lineage.bounding_box()
    assert box is not None and box["width"] > 600 and box["height"] > 100
    assert lineage.locator('a[href="/id/pct/5PD"]').count() == 1
    assert lineage.locator('a[href="/id/icb/QPM"]').count() == 1
    assert page.locator("svg.timeline").is_visible()
    page.screenshot(path=str(ARTIFACTS / "ccg-03V.png"))
    lineage.screenshot(path=str(ARTIFACTS / "ccg-03V-lineage.png"))

    page.click("p.lede >> text=NHS Northamptonshire CCG")
    page.wait_for_url("**/id/ccg/78H")
    assert page.locator("h1").inner_text() == "NHS Northamptonshire CCG"
    page.screenshot(path=str(ARTIFACTS / "ccg-78H.png"))

    page.click('#h-oversight ~ table a[href="/id/region/Y60"] >> nth=0')
    page.wait_for_url("**/id/region/Y60")
    assert page.locator("h1").inner_text() == "Midlands"
    page.go_back()
    page.wait_for_url("**/id/ccg/78H")

    page.click('ol.path a[href="/id/post/secretary-of-state-for-health"]')
    page.wait_for_url("**/id/post/secretary-of-state-for-health")
    assert "Secretary of State" in page.locator("h1").inner_text()
    page.go_back()

    page.click('svg.lineage a[href="/id/icb/QPM"]')
    page.wait_for_url("**/id/icb/QPM")
    assert page.locator("h1").inner_text() == "NHS Northamptonshire Integrated Care Board"
    assert page.locator("svg.lineage").is_visible()
    page.screenshot(path=str(ARTIFACTS / "icb-QPM.png"))
    page.close()


def test_pages_fit_a_phone(browser, server_url: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page.goto(f"{server_url}/id/ccg/03V")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px on a phone"
    page.screenshot(path=str(ARTIFACTS / "ccg-03V-phone.png"))
    page.close()
