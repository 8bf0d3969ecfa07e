"""The outline ("On this page") at the end of a page, in headless Chromium, as GitBook and
MkDocs Material do it: short last sections whose headings never reach the top of the window
are marked all the same, the last one when the page is scrolled to its bottom, and the one
whose entry the reader clicked until the reader scrolls again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.site.browser import chromium, console_errors, serve
from tests.site.conftest import build

CONFIG = """\
[site]
title = "Outline"
base_url = "https://outline.example.org/"
language = "en"
pages = true
"""
PAGE = (
    "---\ntitle: Short end\ndate: 2025-01-13T08:00:00Z\n---\n\n## Long part\n\n"
    + "Words to read in the long part. " * 600
    + "\n\n## Second to last\n\nA line.\n\n## Last\n\nA line.\n"
)


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with chromium() as d:
        yield d


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("outline-end")
    (root / "publish.toml").write_text(CONFIG, encoding="utf-8")
    (root / "content/essays").mkdir(parents=True)
    (root / "content/essays/short-end.md").write_text(PAGE, encoding="utf-8")
    result = build(root, root / "out")
    assert result.exit_code == 0, result.output
    return root / "out"


def _marked(driver: Any) -> list[str]:
    return [
        a.get_attribute("hash")
        for a in driver.find_elements("css selector", ".outline a[aria-current='true']")
    ]


def test_short_last_sections_are_marked(site: Path, driver: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.support.ui import WebDriverWait

    with serve(site) as base:
        driver.set_window_size(1280, 900)
        driver.get(base + "essays/short-end/")
        entries = driver.find_elements("css selector", ".outline a")
        assert [a.get_attribute("hash") for a in entries] == [
            "#long-part",
            "#second-to-last",
            "#last",
        ]
        driver.execute_script("scrollTo(0, 1500)")  # in the long part
        WebDriverWait(driver, 5).until(lambda d: _marked(d) == ["#long-part"])
        driver.execute_script("scrollTo(0, document.documentElement.scrollHeight)")
        # the last heading is still far below the top of the window: the bottom marks it
        top = driver.execute_script(
            "return document.getElementById('last').getBoundingClientRect().top"
        )
        assert top > 900 / 5, top
        WebDriverWait(driver, 5).until(lambda d: _marked(d) == ["#last"])
        entries[1].click()  # cannot scroll further: the entry clicked is marked all the same
        WebDriverWait(driver, 5).until(lambda d: _marked(d) == ["#second-to-last"])
        driver.execute_script("return new Promise((r) => setTimeout(r, 300))")
        assert _marked(driver) == ["#second-to-last"]  # stays until the reader scrolls
        ActionChains(driver).scroll_by_amount(0, -1200).perform()  # the wheel: followed again
        WebDriverWait(driver, 5).until(lambda d: _marked(d) == ["#long-part"])
        entries[0].click()
        WebDriverWait(driver, 5).until(lambda d: _marked(d) == ["#long-part"])
        assert console_errors(driver) == []


def test_a_page_that_does_not_scroll_marks_nothing_unasked(site: Path, driver: Any) -> None:
    """A window taller than the page: not 'scrolled to its bottom', nothing read yet."""
    from selenium.webdriver.support.ui import WebDriverWait

    with serve(site) as base:
        driver.set_window_size(1280, 900)
        driver.get(base + "essays/short-end/")
        driver.execute_script(
            "document.getElementById('long-part').nextElementSibling.remove()"
        )  # a short page
        assert driver.execute_script("return document.documentElement.scrollHeight <= innerHeight")
        driver.execute_script("return new Promise((r) => setTimeout(r, 300))")
        assert "#last" not in _marked(driver)
        driver.find_elements("css selector", ".outline a")[2].click()
        WebDriverWait(driver, 5).until(lambda d: _marked(d) == ["#last"])
        assert console_errors(driver) == []
