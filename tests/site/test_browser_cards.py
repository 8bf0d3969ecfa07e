"""GitBook's cards in Chromium: a click anywhere on a card (its cover too) opens its target,
as on GitBook, and a link of its own in a card's text still opens that link."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from selenium.webdriver.common.action_chains import ActionChains

from tests.gitbook.conftest import built_space
from tests.site.browser import console_errors, serve

TABLE = (
    '<table data-view="cards"><thead><tr><th></th><th></th>'
    '<th data-hidden data-card-target data-type="content-ref"></th>'
    '<th data-hidden data-card-cover data-type="files"></th></tr></thead><tbody>'
    '<tr><td><strong>Email Builder</strong></td><td>See <a href="other.md">other</a>.</td>'
    '<td><a href="email.md">email.md</a></td>'
    '<td><a href=".gitbook/assets/cover.svg">cover.svg</a></td></tr></tbody></table>\n'
)
COVER = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="180">'
    '<rect width="320" height="180" fill="#0b5cad"/></svg>'
)
SPACE = {
    "SUMMARY.md": "# Table of contents\n\n* [Home](README.md)\n* [Email](email.md)\n"
    "* [Other](other.md)\n",
    "README.md": "# Home\n\n" + TABLE,
    "email.md": "# Email\n\nThe email page.\n",
    "other.md": "# Other\n\nThe other page.\n",
    ".gitbook/assets/cover.svg": COVER,
}


def test_a_click_on_a_cards_cover_opens_its_target(tmp_path: Path, driver: Any) -> None:
    out = built_space(tmp_path, SPACE)[1]
    with serve(out) as base:
        driver.set_window_size(1280, 900)
        driver.get(base)
        cover = driver.find_element("css selector", ".card .card-cover")
        assert cover.size["width"] > 100  # an image, shown
        # a reader's click where the cover is shown (the card's link lies over it)
        ActionChains(driver).move_to_element(cover).click().perform()
        assert driver.current_url == base + "email/"
        assert console_errors(driver) == []
        driver.get(base)
        driver.find_element("css selector", ".card-body a[href$='other/']").click()
        assert driver.current_url == base + "other/"
