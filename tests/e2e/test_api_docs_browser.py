"""Swagger UI in a real browser (Debian's headless Chromium): the page renders every function's
operations, and "Try it out" calls a local function with the bearer token given to Authorize.
Skipped, with the reason printed, where Chromium or its driver is not installed or cannot start."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
WAIT_SECONDS = 30


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.skip("Debian's chromium and chromium-driver are not installed (make bootstrap installs them as root)")
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="teamified-chromium-")
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1280,2000",
    ):
        options.add_argument(flag)
    try:
        driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    except WebDriverException as exc:
        pytest.skip(f"Chromium could not start here: {exc.msg}")
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def test_try_it_out_calls_a_local_function_with_the_bearer_token(browser, gateway_url, make_user):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    user = make_user("candidate", "Browser Candidate")
    wait = WebDriverWait(browser, WAIT_SECONDS)
    browser.get(f"{gateway_url}/docs")
    wait.until(ready.presence_of_element_located((By.ID, "operations-process-turn-process_turn__process")))
    assert len(browser.find_elements(By.CSS_SELECTOR, ".opblock")) >= 27

    browser.find_element(By.CSS_SELECTOR, ".auth-wrapper .authorize").click()
    token_field = wait.until(ready.visibility_of_element_located((By.CSS_SELECTOR, ".auth-container input")))
    token_field.send_keys(user["token"])
    browser.find_element(By.CSS_SELECTOR, ".auth-btn-wrapper .authorize").click()
    browser.find_element(By.CSS_SELECTOR, ".auth-btn-wrapper .btn-done").click()

    operation = browser.find_element(By.ID, "operations-auth-auth__me")
    operation.find_element(By.CSS_SELECTOR, ".opblock-summary-control").click()
    wait.until(lambda _: operation.find_elements(By.CSS_SELECTOR, ".try-out__btn"))[0].click()
    wait.until(lambda _: operation.find_elements(By.CSS_SELECTOR, ".execute"))[0].click()
    status = wait.until(lambda _: operation.find_elements(By.CSS_SELECTOR, ".live-responses-table tbody .response-col_status"))[0]
    body = operation.find_element(By.CSS_SELECTOR, ".live-responses-table tbody .response-col_description").text
    assert status.text.strip() == "200", body
    assert user["email"] in body and '"success": true' in body
