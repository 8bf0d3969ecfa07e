"""``publish serve`` in headless Chromium: a save shows in the open page without a reload by
hand; a YAML error shows the overlay naming file and line; the fix clears it."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.serving import WAIT, ServeProcess

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture
def browser() -> Iterator[object]:
    if not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)):
        pytest.skip(
            f"LOUD: no chromium/chromedriver at {CHROMIUM} / {DRIVER}: browser test not run"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_live_reload_and_error_overlay_in_chromium(
    site: Path, tmp_path: Path, browser: object
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support.ui import WebDriverWait

    assert isinstance(browser, WebDriver)
    spare = tmp_path / "spare"
    spare.mkdir()
    server = ServeProcess(site, tmp_path / "tmp")
    try:
        browser.get(server.origin + "essays/why-we-gather/")
        wait = WebDriverWait(browser, WAIT)
        assert browser.find_element(By.TAG_NAME, "h1").text == "Why we gather"

        def save(path: Path, text: str) -> None:
            tmp = spare / path.name
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, path)

        essay = site / "content" / "essays" / "why-we-gather.md"
        original = essay.read_text(encoding="utf-8")
        save(essay, original.replace("title: Why we gather", "title: Why we meet"))
        wait.until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Why we meet")

        save(essay, original.replace("title: Why we gather", "title: [Why we meet"))
        overlay = wait.until(lambda d: d.find_elements(By.ID, "publish-preview-overlay"))
        assert "content/essays/why-we-gather.md:" in overlay[0].text
        assert browser.find_element(By.TAG_NAME, "h1").text == "Why we meet"  # last good page

        save(essay, original)
        wait.until(lambda d: not d.find_elements(By.ID, "publish-preview-overlay"))
        wait.until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Why we gather")
        logs = [
            e
            for e in browser.get_log("browser")
            if e.get("level") == "SEVERE" and "favicon.ico" not in str(e.get("message"))
        ]  # the site has no icon: not the preview's concern
        assert logs == []
    finally:
        code, _ = server.stop()
    assert code == 0
