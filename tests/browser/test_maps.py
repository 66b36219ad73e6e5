"""The maps in headless Chromium on a real server: England on a date (areas drawn, links followed, the date
control) and a CCG page's map (the phone check is in test_linked_data_pages). Screenshots go to
tests/artifacts/ (not committed)."""

from __future__ import annotations

from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from .support import requested_urls

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
TIMEOUT = 30


def test_england_on_a_date_is_drawn_self_contained_and_every_area_links(browser: WebDriver, server_url: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    browser.set_window_size(1280, 1400)
    browser.get_log("performance")
    browser.get(f"{server_url}/map?as_of=2015-07-01")
    areas = browser.find_elements(By.CSS_SELECTOR, "svg.map a.area")
    assert len(areas) == 209
    drawn = browser.find_element(By.CSS_SELECTOR, "svg.map")
    assert drawn.is_displayed() and drawn.size["width"] > 600 and drawn.size["height"] > 600
    assert all(url.startswith(server_url) or url.startswith("data:") for url in requested_urls(browser))
    browser.save_screenshot(str(ARTIFACTS / "map-2015-07-01.png"))

    date_box = browser.find_element(By.ID, "as_of")
    browser.execute_script("arguments[0].value = '2021-06-01'", date_box)
    browser.find_element(By.CSS_SELECTOR, "form.map-controls button").click()
    WebDriverWait(browser, TIMEOUT).until(lambda d: "as_of=2021-06-01" in d.current_url)
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.map a.area")) == 106
    browser.save_screenshot(str(ARTIFACTS / "map-2021-06-01.png"))

    corby = browser.find_element(By.CSS_SELECTOR, 'svg.map a.area[href="/id/ccg/78H"] path')
    browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", corby)
    WebDriverWait(browser, TIMEOUT).until(lambda d: d.current_url.endswith("/id/ccg/78H"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "NHS Northamptonshire CCG"
    ccg_map = browser.find_element(By.CSS_SELECTOR, 'section[aria-labelledby="h-map"]')
    browser.execute_script("arguments[0].scrollIntoView()", ccg_map)
    assert ccg_map.find_elements(By.CSS_SELECTOR, 'a.area[href="/id/ccg/03V"]')
    browser.save_screenshot(str(ARTIFACTS / "ccg-78H-map.png"))
