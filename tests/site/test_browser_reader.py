"""A GitBook-like space in headless Chromium, as a reader meets it: search results lead to their
page whatever its folder is called (never to a script), Enter typed with the query opens the
first result, links stay readable in dark mode, Escape closes the phone menu, and the menu's
deeper levels are indented."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.site.browser import chromium, console_errors, serve
from tests.site.conftest import build

SUMMARY = """# Table of contents

* [Welcome](README.md)

## Guide

* [Guide](guide/README.md)
  * [Deep](guide/deep/README.md)
    * [Deeper](guide/deep/deeper/README.md)
      * [Deepest](guide/deep/deeper/deepest.md)
* [Evil](./javascript:alert(1)/page.md)
* [Sharp](c%23-tips/page.md)
"""
PAGES = {
    "README.md": "# Welcome\n\nStart [here](guide/README.md).\n",
    "guide/README.md": "# Guide\n\nThe guide.\n",
    "guide/deep/README.md": "# Deep\n\nDeep.\n",
    "guide/deep/deeper/README.md": "# Deeper\n\nDeeper.\n",
    "guide/deep/deeper/deepest.md": "# Deepest\n\nThe unicornword lives here.\n",
    "javascript:alert(1)/page.md": "# Evil\n\nA zebraword in a folder named like a script.\n",
    "c#-tips/page.md": "# Sharp\n\nA quokkaword in a folder with a hash.\n",
}


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with chromium() as d:
        yield d


@pytest.fixture(scope="module")
def space(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("space")
    (root / "publish.toml").write_text(
        '[site]\ntitle = "Space"\nbase_url = "https://space.example.org/"\n\n'
        '[content]\nflavour = "gitbook"\n',
        encoding="utf-8",
    )
    (root / "content").mkdir()
    (root / "content/SUMMARY.md").write_text(SUMMARY, encoding="utf-8")
    for name, text in PAGES.items():
        (root / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "content" / name).write_text(text, encoding="utf-8")
    result = build(root, root / "out")
    assert result.exit_code == 0, result.output
    return root / "out"


def _results(driver: Any, query: str) -> list[str]:
    from selenium.webdriver.support.ui import WebDriverWait

    box = driver.find_element("id", "search-input")
    box.clear()
    box.send_keys(query)
    WebDriverWait(driver, 20).until(
        lambda d: d.find_element("id", "search-status").get_attribute("data-query") == query
    )
    return [
        a.get_attribute("href") for a in driver.find_elements("css selector", "#search-results a")
    ]


def test_search_results_lead_to_pages_whatever_their_folder_is_called(
    space: Path, driver: Any
) -> None:
    """The index holds file paths: ``javascript:alert(1)/page/`` is a folder, not a script."""
    assert (space / "javascript:alert(1)/page/index.html").is_file()
    with serve(space) as base:
        driver.set_window_size(1280, 900)
        driver.get(base + "guide/")
        for query, title in (("zebraword", "Evil"), ("quokkaword", "Sharp")):
            found = _results(driver, query)
            assert len(found) == 1 and found[0].startswith(base), found
            driver.get(found[0])
            assert driver.find_element("tag name", "h1").text == title
        assert console_errors(driver) == []


def test_enter_typed_with_the_query_opens_the_first_result(space: Path, driver: Any) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    with serve(space) as base:
        driver.set_window_size(1280, 900)
        driver.get(base + "guide/")
        driver.find_element("id", "search-input").send_keys("unicornword\n")  # no pause
        WebDriverWait(driver, 20).until(lambda d: d.current_url != base + "guide/")
        assert driver.current_url == base + "guide/deep/deeper/deepest/"
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
const back = paint(getComputedStyle(document.body).backgroundColor);
return Array.from(document.querySelectorAll(arguments[0])).map(
  (a) => [a.textContent.trim(), ratio(paint(getComputedStyle(a).color), back)]);
"""


def test_links_are_readable_in_dark_mode(space: Path, driver: Any) -> None:
    """WCAG AA: 4.5:1 for text, links of the body, the menu and previous/next included."""
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-color-scheme", "value": "dark"}]},
    )
    try:
        with serve(space) as base:
            driver.set_window_size(1280, 900)
            driver.get(base + "guide/deep/")
            dark = driver.execute_script("return getComputedStyle(document.body).backgroundColor")
            assert dark != "rgb(255, 255, 255)"  # dark mode is on
            links = driver.execute_script(CONTRAST, "main a, .sidebar a, .search-results a")
            assert links and all(r >= 4.5 for _, r in links), links
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def test_escape_closes_the_menu_on_a_phone(space: Path, driver: Any) -> None:
    from selenium.webdriver.common.keys import Keys

    with serve(space) as base:
        driver.set_window_size(360, 800)
        driver.get(base + "guide/")
        button = driver.find_element("css selector", ".menu-button")
        sidebar = driver.find_element("id", "sidebar")
        button.send_keys(Keys.ENTER)
        assert sidebar.is_displayed() and button.get_attribute("aria-expanded") == "true"
        driver.find_element("link text", "Deep").send_keys(Keys.ESCAPE)
        assert not sidebar.is_displayed()
        assert button.get_attribute("aria-expanded") == "false"
        assert driver.switch_to.active_element == button
        assert console_errors(driver) == []


def test_each_level_of_the_menu_is_indented_further(space: Path, driver: Any) -> None:
    with serve(space) as base:
        driver.set_window_size(1280, 900)
        driver.get(base + "guide/deep/deeper/deepest/")
        lefts = [
            driver.find_element("link text", title).rect["x"]
            for title in ("Guide", "Deep", "Deeper", "Deepest")
        ]
        assert lefts == sorted(set(lefts)), lefts  # each one further right


def test_opened_from_disk_no_search_box_that_cannot_search(space: Path, driver: Any) -> None:
    """Browsers refuse a file:// page reading the index beside it: no box, no errors."""
    driver.set_window_size(1280, 900)
    driver.get((space / "guide/index.html").as_uri())
    assert driver.find_element("tag name", "h1").text == "Guide"
    assert not driver.find_element("id", "search").is_displayed()
    assert console_errors(driver) == []


def test_on_a_phone_the_tab_order_follows_the_header_as_it_is_seen(
    space: Path, driver: Any
) -> None:
    """The search box sits below the menu button on a phone, but came before it in the
    Tab order: focus went down, then back up (WCAG 2.4.3; a helper's finding)."""
    from selenium.webdriver.common.keys import Keys

    with serve(space) as base:
        driver.set_window_size(375, 800)
        driver.get(base + "guide/")
        driver.find_element("css selector", ".skip").send_keys(Keys.TAB)  # focus from the skip
        seen = []
        for _ in range(3):
            here = driver.switch_to.active_element
            seen.append((here.get_attribute("class") or here.get_attribute("id"), here.rect["y"]))
            here.send_keys(Keys.TAB)
        assert [name for name, _ in seen] == ["brand", "menu-button", "search-input"]
        brand, button, search = (y for _, y in seen)
        assert search > max(brand, button) + 20, seen  # the row below, last


def test_without_a_script_there_is_no_menu_button_that_does_nothing(
    space: Path, driver: Any
) -> None:
    """Without JavaScript the menu is open below the header, and the Menu button was shown,
    a control that did nothing (a helper's finding)."""
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        with serve(space) as base:
            driver.set_window_size(375, 800)
            driver.get(base + "guide/")
            assert not driver.find_element("css selector", ".menu-button").is_displayed()
            assert driver.find_element("id", "sidebar").is_displayed()
    finally:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
