"""A real headless Chromium (Debian's `chromium` with its matching `chromedriver`) driven by Selenium.

Selenium, not Playwright: Debian ships `chromedriver` from the same build as `chromium`, so the driver speaks
exactly the browser's protocol version, and Selenium is told that driver's path, so it never fetches a driver
or a browser of its own (Playwright pins each release to its own browser build and drives others only on a
best-effort basis). The performance log records every network request the page makes, so a test can prove
the page never leaves this server.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver

BROWSER_NAMES = ("chromium", "chromium-browser")
DRIVER_NAMES = ("chromedriver",)
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--window-size=1280,1400",
)


def _find(names: tuple[str, ...]) -> str | None:
    return next((path for path in map(shutil.which, names) if path), None)


@pytest.fixture(scope="session")
def chromium() -> Iterator[WebDriver]:
    """One headless Chromium for the session (a fresh page per test comes from `browser`)."""
    binary, driver_path = _find(BROWSER_NAMES), _find(DRIVER_NAMES)
    if binary is None or driver_path is None:
        pytest.fail(
            "the browser tests need Chromium and its driver on PATH (Debian: apt-get install -y chromium "
            f"chromium-driver); found browser={binary}, driver={driver_path}"
        )
    options = Options()
    options.binary_location = binary
    for flag in FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def browser(chromium: WebDriver, tmp_path: Path) -> Iterator[WebDriver]:
    """The session's Chromium on a blank page, with no blocked URLs, its logs drained, and downloads going to
    this test's `tmp_path`."""
    chromium.execute_cdp_cmd("Network.enable", {})
    chromium.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
    chromium.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    chromium.get("about:blank")
    chromium.get_log("performance")
    chromium.get_log("browser")
    yield chromium
