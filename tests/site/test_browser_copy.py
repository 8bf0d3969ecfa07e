"""What a reader of MkDocs Material or GitBook finds on a page and missed here (a helper's
session in Chromium): a Copy button on each code block, which puts the block's text on the
clipboard, and a link on each heading of the text to copy the section's address; both named
in the site's language."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.site.browser import chromium, console_errors, serve
from tests.site.conftest import build

PAGE = (
    "---\ntitle: Setup\ndate: 2024-01-01\nid: setup\n---\n"
    "## Install it\n\n```sh\npip install publish\npublish build\n```\n\n"
    "### Then\n\nText.\n"
)


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with chromium() as d:
        yield d


def _site(root: Path, language: str) -> Path:
    (root / "publish.toml").write_text(
        f'[site]\ntitle = "S"\nbase_url = "https://s.example.org/"\nlanguage = "{language}"\n',
        encoding="utf-8",
    )
    (root / "content/essays").mkdir(parents=True)
    (root / "content/essays/setup.md").write_text(PAGE, encoding="utf-8")
    result = build(root, root / "out")
    assert result.exit_code == 0, result.output
    return root / "out"


def test_a_code_blocks_copy_button_puts_its_text_on_the_clipboard(
    tmp_path: Path, driver: Any
) -> None:
    out = _site(tmp_path, "en")
    with serve(out) as base:
        driver.set_window_size(1280, 900)
        driver.get(base + "essays/setup/")
        origin = base.rstrip("/")
        driver.execute_cdp_cmd(
            "Browser.grantPermissions",
            {"origin": origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
        )
        button = driver.find_element("css selector", ".code-wrap > button.copy")
        assert button.text == "Copy"
        button.click()
        copied = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "navigator.clipboard.readText().then(done, (e) => done('refused: ' + e));"
        )
        assert copied == "pip install publish\npublish build"
        assert driver.find_element("css selector", "button.copy").text == "Copied"
        assert console_errors(driver) == []


def test_each_heading_links_to_itself_in_the_sites_language(tmp_path: Path, driver: Any) -> None:
    out = _site(tmp_path, "de")
    with serve(out) as base:
        driver.set_window_size(1280, 900)
        driver.get(base + "essays/setup/")
        links = driver.find_elements("css selector", "article .heading-link")
        assert [link.get_attribute("hash") for link in links] == ["#install-it", "#then"]
        assert {link.get_attribute("aria-label") for link in links} == {"Link zu diesem Abschnitt"}
        assert driver.find_element("css selector", "button.copy").text == "Kopieren"
        assert driver.find_element("css selector", "h2").text.startswith("Install it")
