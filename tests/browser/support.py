"""Driving the query page in Chromium: open it, type into the editor, run, read the results table."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
TIMEOUT = 30


def open_query_page(driver: WebDriver, url: str) -> str:
    """Load the page and wait for its script to settle; returns ``ready`` or ``unavailable``."""
    driver.get(url)
    WebDriverWait(driver, TIMEOUT).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-editor"))
    return driver.find_element(By.TAG_NAME, "body").get_attribute("data-editor") or ""


def editor_value(driver: WebDriver) -> str:
    return driver.execute_script("return window.ccgQueryPage.yasgui.getTab().getYasqe().getValue()")


def type_query(driver: WebDriver, text: str) -> None:
    """Clear the editor and type `text` into it key by key, as a person would."""
    driver.find_element(By.CSS_SELECTOR, "#yasgui .CodeMirror").click()
    keys = driver.find_element(By.CSS_SELECTOR, "#yasgui .CodeMirror textarea")
    keys.send_keys(Keys.CONTROL, "a")
    keys.send_keys(Keys.DELETE)
    keys.send_keys(text)


def run_query(driver: WebDriver) -> None:
    """Press the editor's run button and wait until the answer is drawn."""
    driver.execute_script("document.body.removeAttribute('data-query-state')")
    driver.find_element(By.CSS_SELECTOR, "#yasgui .yasqe_queryButton").click()
    WebDriverWait(driver, TIMEOUT).until(
        lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-query-state") == "answered"
    )


def result_rows(driver: WebDriver) -> list[list[str]]:
    """The cells of the results table's visible rows (the first cell, the row number, left out)."""
    WebDriverWait(driver, TIMEOUT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#yasgui .yasr table tbody tr"))
    rows = driver.find_elements(By.CSS_SELECTOR, "#yasgui .yasr table tbody tr")
    return [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")][1:] for row in rows]


def result_links(driver: WebDriver) -> list[str]:
    return [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "#yasgui .yasr table tbody a")]


def requested_urls(driver: WebDriver) -> list[str]:
    """Every URL the browser asked for since the performance log was last read."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def screenshot(driver: WebDriver, name: str) -> Path:
    """Save the whole page as tests/artifacts/<name>.png (gitignored) for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(int(height), 900), 3000))
    try:
        driver.save_screenshot(str(path))
    finally:
        driver.set_window_size(1280, 1400)
    return path


@contextmanager
def as_phone(driver: WebDriver) -> Iterator[None]:
    """Emulate a 390 px wide phone screen for the pages loaded inside the block."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}
    )
    try:
        yield
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def sideways_overflow(driver: WebDriver) -> int:
    """How many pixels the page scrolls sideways (0 or less: it fits)."""
    return driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
