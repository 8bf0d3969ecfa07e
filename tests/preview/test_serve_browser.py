"""``publish serve`` in headless Chromium: a save shows in the open page without a reload by
hand; a YAML error shows the overlay naming file and line; the fix clears it."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.preview.serving import WAIT, ServeProcess

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


def test_stylesheet_saved_is_swapped_without_a_reload(
    site: Path, tmp_path: Path, browser: object
) -> None:
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support.ui import WebDriverWait

    assert isinstance(browser, WebDriver)
    with (site / "publish.toml").open("a", encoding="utf-8") as toml:
        toml.write('\n[theme]\ncss = ["extra.css"]\n')
    static = site / "static"
    static.mkdir()
    sheet = static / "extra.css"
    sheet.write_text("h1 { color: rgb(1, 2, 3); }\n", encoding="utf-8")
    spare = tmp_path / "spare"
    spare.mkdir()

    def save(path: Path, text: str) -> None:
        tmp = spare / path.name
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)

    def h1_colour(driver: WebDriver) -> object:
        return driver.execute_script("return getComputedStyle(document.querySelector('h1')).color")

    server = ServeProcess(site, tmp_path / "tmp")
    try:
        browser.get(server.origin + "essays/why-we-gather/")
        wait = WebDriverWait(browser, WAIT)
        assert h1_colour(browser) == "rgb(1, 2, 3)"
        browser.execute_script("window.publishTestMarker = 'still the same page'")

        save(sheet, "h1 { color: rgb(4, 5, 6); }\n")
        wait.until(lambda d: h1_colour(d) == "rgb(4, 5, 6)")
        marker = browser.execute_script("return window.publishTestMarker")
        assert marker == "still the same page"  # swapped in place: no reload
        sheets = browser.execute_script(
            "return [...document.querySelectorAll('link[rel=stylesheet]')]"
            ".filter(l => l.href.includes('extra.css')).length"
        )
        assert sheets == 1  # the old sheet went once the new one had loaded

        # a Markdown save still reloads the page (the marker is gone): the check above bites
        essay = site / "content" / "essays" / "why-we-gather.md"
        text = essay.read_text(encoding="utf-8")
        save(essay, text.replace("title: Why we gather", "title: Why we meet"))
        wait.until(lambda d: d.execute_script("return window.publishTestMarker") is None)
        assert h1_colour(browser) == "rgb(4, 5, 6)"
    finally:
        code, _ = server.stop()
    assert code == 0


def test_seven_tabs_load_and_each_reloads_after_a_save(
    site: Path, tmp_path: Path, browser: object
) -> None:
    """Each open page held a stream of the server's news for good, and a browser keeps six
    connections to a host: with five tabs open, a sixth never loaded (``hugo server`` and
    ``mkdocs serve`` do not starve a page so). One tab listens for all now; a save still
    reloads every one, and when the listening tab closes another takes over."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support.ui import WebDriverWait

    assert isinstance(browser, WebDriver)
    spare = tmp_path / "spare"
    spare.mkdir()
    server = ServeProcess(site, tmp_path / "tmp")
    essay = site / "content" / "essays" / "why-we-gather.md"
    original = essay.read_text(encoding="utf-8")

    def save(title: str) -> None:
        tmp = spare / essay.name
        tmp.write_text(original.replace("title: Why we gather", f"title: {title}"), "utf-8")
        os.replace(tmp, essay)

    try:
        browser.set_page_load_timeout(WAIT)
        url = server.origin + "essays/why-we-gather/"
        browser.get(url)
        for _ in range(6):
            browser.switch_to.new_window("tab")
            browser.get(url)  # raised a timeout at the sixth tab
            assert browser.find_element(By.TAG_NAME, "h1").text == "Why we gather"
        tabs = list(browser.window_handles)
        assert len(tabs) == 7
        for n, title in enumerate(("Why we meet", "Why we talk"), 1):
            save(title)
            for tab in tabs:
                browser.switch_to.window(tab)
                WebDriverWait(browser, WAIT).until(
                    lambda d, t=title: d.find_element(By.TAG_NAME, "h1").text == t
                )
            if n == 1:  # the first tab (which held the stream) closes: another listens
                browser.switch_to.window(tabs[0])
                browser.close()
                tabs = tabs[1:]
    finally:
        essay.write_text(original, encoding="utf-8")
        code, _ = server.stop()
    assert code == 0
