"""The outline ("On this page") follows the reader, in headless Chromium: the entry of the
section scrolled to is marked (``aria-current="true"``, one at a time, readable in light and
dark mode), also on a page of 300 headings reached in one jump; the HTML we write marks
nothing. Short last sections, whose headings never reach the top of the window, are marked
all the same, as GitBook and MkDocs Material do: the last one when the page is scrolled to
its bottom, and the one whose entry the reader clicked until the reader scrolls again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.site.browser import console_errors, serve
from tests.site.conftest import one_page_site

CONFIG = """\
[site]
title = "Outline"
base_url = "https://outline.example.org/"
language = "en"
pages = true
"""
PAGE = "---\ntitle: Long\ndate: 2025-01-13T08:00:00Z\n---\n\nIntro.\n\n" + "".join(
    f"## Part {n}\n\n" + "Words to read in this part. " * 30 + "\n\n" for n in range(1, 301)
)


SHORT_END = (
    "---\ntitle: Short end\ndate: 2025-01-13T08:00:00Z\n---\n\n## Long part\n\n"
    + "Words to read in the long part. " * 600
    + "\n\n## Second to last\n\nA line.\n\n## Last\n\nA line.\n"
)


@pytest.fixture(scope="module")
def long_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return one_page_site(tmp_path_factory.mktemp("outline"), CONFIG, "essays/long.md", PAGE)


@pytest.fixture(scope="module")
def short_end(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("outline-end")
    return one_page_site(root, CONFIG, "essays/short-end.md", SHORT_END)


def _marked(driver: Any) -> list[str]:
    return [
        a.get_attribute("hash")
        for a in driver.find_elements("css selector", ".outline a[aria-current='true']")
    ]


def _scroll_to(driver: Any, element_id: str) -> None:
    """The heading put a little below the top of the window, as a reader scrolling stops."""
    driver.execute_script(
        "const r = document.getElementById(arguments[0]).getBoundingClientRect();"
        "scrollTo(0, scrollY + r.top - 40);",
        element_id,
    )


def test_the_outline_marks_the_section_scrolled_to(long_page: Path, driver: Any) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    page = (long_page / "essays/long/index.html").read_text(encoding="utf-8")
    assert "aria-current" not in page[page.index('<nav class="outline"') :]  # no script: none
    with serve(long_page) as base:
        driver.set_window_size(1280, 900)
        driver.get(base + "essays/long/")
        for part in (40, 3, 57, 12):  # down, up, far in one jump, back
            _scroll_to(driver, f"part-{part}")
            WebDriverWait(driver, 5).until(lambda d, p=part: _marked(d) == [f"#part-{p}"])
        # past the outline's last entry (it lists 60 headings): its last entry stays marked
        _scroll_to(driver, "part-250")
        WebDriverWait(driver, 5).until(lambda d: _marked(d) == ["#part-60"])
        driver.execute_script("scrollTo(0, 0)")  # above every heading: nothing marked
        WebDriverWait(driver, 5).until(lambda d: _marked(d) == [])
        assert console_errors(driver) == []


CONTRAST = """
const paint = (color) => {
  const c = document.createElement("canvas"); c.width = c.height = 1;
  const g = c.getContext("2d"); g.fillStyle = color; g.fillRect(0, 0, 1, 1);
  return Array.from(g.getImageData(0, 0, 1, 1).data.slice(0, 3));
};
const lum = (rgb) => {
  const [r, g, b] = rgb.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
const a = document.querySelector(".outline a[aria-current='true']");
const own = getComputedStyle(a).backgroundColor;
const back = own === "rgba(0, 0, 0, 0)" ? getComputedStyle(document.body).backgroundColor : own;
const plain = document.querySelector(".outline a:not([aria-current])");
return [ratio(paint(getComputedStyle(a).color), paint(back)),
        own !== getComputedStyle(plain).backgroundColor
          || getComputedStyle(a).color !== getComputedStyle(plain).color];
"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_marked_entry_is_seen_and_readable(long_page: Path, driver: Any, scheme: str) -> None:
    """WCAG AA, 4.5:1, and a look of its own (not only an attribute)."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
    )
    try:
        with serve(long_page) as base:
            driver.set_window_size(1280, 900)
            driver.get(base + "essays/long/")
            _scroll_to(driver, "part-5")
            WebDriverWait(driver, 5).until(lambda d: _marked(d) == ["#part-5"])
            ratio, distinct = driver.execute_script(CONTRAST)
            assert ratio >= 4.5 and distinct, (scheme, ratio, distinct)
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def test_short_last_sections_are_marked(short_end: Path, driver: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.support.ui import WebDriverWait

    with serve(short_end) as base:
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


def test_a_page_that_does_not_scroll_marks_nothing_unasked(short_end: Path, driver: Any) -> None:
    """A window taller than the page: not 'scrolled to its bottom', nothing read yet."""
    from selenium.webdriver.support.ui import WebDriverWait

    with serve(short_end) as base:
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
