"""A person's walk through the linked-data pages in headless Chromium on a real server: home page -> search ->
a CCG (lineage drawn) -> its successor -> its region, the Secretary of State and its ICB. Screenshots of the
CCG page and its lineage diagram go to tests/artifacts/ (not committed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from .support import as_phone, sideways_overflow

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
TIMEOUT = 30


def follow(driver: WebDriver, css: str, path: str) -> None:
    """Click the first element matching `css` and wait until the browser is at `path`."""
    driver.find_element(By.CSS_SELECTOR, css).click()
    WebDriverWait(driver, TIMEOUT).until(lambda d: d.current_url.split("?")[0].endswith(path))


def heading(driver: WebDriver) -> str:
    return driver.find_element(By.TAG_NAME, "h1").text


def test_browse_from_home_to_a_ccg_its_successor_region_icb_and_the_secretary_of_state(
    browser: WebDriver, server_url: str
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    browser.set_window_size(1280, 1000)
    browser.get(f"{server_url}/")
    assert heading(browser).startswith("NHS England commissioning")
    chart_title = browser.find_element(By.CSS_SELECTOR, "svg.national title").get_attribute("textContent")
    assert chart_title.startswith("Number of CCGs open")
    assert browser.find_elements(By.CSS_SELECTOR, 'a[href="/sparql"]')
    assert browser.find_elements(By.CSS_SELECTOR, 'a[href="/queries"]')

    browser.find_element(By.ID, "q").send_keys("Corby")
    follow(browser, "form.search button", "/search")
    follow(browser, 'table a[href="/id/ccg/03V"]', "/id/ccg/03V")
    assert heading(browser) == "NHS Corby CCG"

    lineage = browser.find_element(By.CSS_SELECTOR, "svg.lineage")
    assert lineage.is_displayed()
    assert lineage.size["width"] > 600 and lineage.size["height"] > 100
    assert lineage.find_elements(By.CSS_SELECTOR, 'a[href="/id/pct/5PD"]')
    assert lineage.find_elements(By.CSS_SELECTOR, 'a[href="/id/icb/QPM"]')
    assert browser.find_element(By.CSS_SELECTOR, "svg.timeline").is_displayed()
    browser.execute_script("arguments[0].scrollIntoView()", browser.find_element(By.ID, "h-lineage"))
    browser.save_screenshot(str(ARTIFACTS / "ccg-03V.png"))
    lineage.screenshot(str(ARTIFACTS / "ccg-03V-lineage.png"))

    follow(browser, 'p.lede a[href="/id/ccg/78H"]', "/id/ccg/78H")
    assert heading(browser) == "NHS Northamptonshire CCG"

    follow(browser, 'section[aria-labelledby="h-oversight"] a[href="/id/region/Y60"]', "/id/region/Y60")
    assert heading(browser) == "Midlands"
    browser.back()
    WebDriverWait(browser, TIMEOUT).until(lambda d: d.current_url.endswith("/id/ccg/78H"))

    follow(
        browser, 'ol.path a[href="/id/post/secretary-of-state-for-health"]', "/id/post/secretary-of-state-for-health"
    )
    assert "Secretary of State" in heading(browser)
    browser.back()
    WebDriverWait(browser, TIMEOUT).until(lambda d: d.current_url.endswith("/id/ccg/78H"))

    follow(browser, 'p.lede a[href="/id/icb/QPM"]', "/id/icb/QPM")
    assert heading(browser) == "NHS Northamptonshire Integrated Care Board"
    assert browser.find_element(By.CSS_SELECTOR, "svg.lineage").is_displayed()
    browser.save_screenshot(str(ARTIFACTS / "icb-QPM.png"))


@pytest.mark.parametrize(
    ("path", "name"),
    [("/id/ccg/03V", "ccg-03V-phone"), ("/map?as_of=2019-06-01&colour=ended", "map-2019-06-01-phone")],
)
def test_pages_fit_a_phone(browser: WebDriver, server_url: str, path: str, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with as_phone(browser):
        browser.get(f"{server_url}{path}")
        overflow = sideways_overflow(browser)
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
        browser.save_screenshot(str(ARTIFACTS / f"{name}.png"))
