"""Find-in-page reaches the text of GitBook tabs not chosen, in headless Chromium: the panels
not shown are ``hidden="until-found"`` (the browser searches them and says so with a
``beforematch`` event, which chooses their tab), and a page opened at a fragment inside a
tab not chosen opens that tab at the element; without the script nothing is hidden."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.site.browser import chromium, console_errors, serve
from tests.site.conftest import build

CONFIG = """\
[site]
title = "Find"
base_url = "https://find.example.org/"
language = "en"
pages = true
"""
FILLER = "\n\n".join(f"Filler paragraph {n} of some length to scroll by." for n in range(60))
PAGE = f"""\
---
title: Install
date: 2025-01-13T08:00:00Z
---

## Before

{FILLER}

{{% tabs %}}
{{% tab title="Python" %}}
Python body.
{{% endtab %}}

{{% tab title="Go" %}}
Go body.

### Go modules

The wombatword lives in the second tab.
{{% endtab %}}

{{% tab title="Rust" %}}
Rust body.
{{% endtab %}}
{{% endtabs %}}

## After

{FILLER}
"""


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with chromium() as d:
        yield d


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("find")
    (root / "publish.toml").write_text(CONFIG, encoding="utf-8")
    (root / "content/essays").mkdir(parents=True)
    (root / "content/essays/install.md").write_text(PAGE, encoding="utf-8")
    result = build(root, root / "out")
    assert result.exit_code == 0, result.output
    return root / "out"


STATE = """
const set = document.querySelector(".gitbook-tabs");
return Array.from(set.querySelectorAll(":scope > [role=tablist] > [role=tab]"), (tab) => {
  const panel = document.getElementById(tab.getAttribute("aria-controls"));
  return [tab.textContent, tab.getAttribute("aria-selected"), tab.tabIndex,
          panel.getAttribute("hidden")];
});
"""


def test_tabs_not_chosen_are_hidden_until_found(site: Path, driver: Any) -> None:
    page = (site / "essays/install/index.html").read_text(encoding="utf-8")
    body = page[page.index("<article>") : page.index("</article>")]
    assert "hidden" not in body and "wombatword" in body  # without script: every tab shown
    with serve(site) as base:
        driver.set_window_size(1280, 800)
        driver.get(base + "essays/install/")
        assert driver.execute_script(STATE) == [
            ["Python", "true", 0, None],
            ["Go", "false", -1, "until-found"],
            ["Rust", "false", -1, "until-found"],
        ]
        # what the browser does when find-in-page matches text in a hidden panel
        driver.execute_script(
            "const p = document.getElementById(arguments[0].getAttribute('aria-controls'));"
            "p.dispatchEvent(new Event('beforematch', {bubbles: true}));",
            driver.find_elements("css selector", "[role=tab]")[1],
        )
        assert driver.execute_script(STATE) == [
            ["Python", "false", -1, "until-found"],
            ["Go", "true", 0, None],
            ["Rust", "false", -1, "until-found"],
        ]
        shown = [
            p.text
            for p in driver.find_elements("css selector", "[role=tabpanel]")
            if p.is_displayed()
        ]
        assert shown == ["Go body.\nGo modules\nThe wombatword lives in the second tab."]
        assert console_errors(driver) == []


def _in_view(driver: Any, element_id: str) -> bool:
    return bool(
        driver.execute_script(
            "const r = document.getElementById(arguments[0]).getBoundingClientRect();"
            "return r.height > 0 && r.top > -2 && r.bottom <= innerHeight;",
            element_id,
        )
    )


def _chosen(driver: Any) -> list[str]:
    return [row[0] for row in driver.execute_script(STATE) if row[1] == "true"]


def test_a_link_to_text_inside_a_tab_not_chosen_opens_it(site: Path, driver: Any) -> None:
    """A text fragment (a search engine's result, "Copy link to highlight") finds its text
    in the tab not chosen, which opens at it."""
    from selenium.webdriver.support.ui import WebDriverWait

    with serve(site) as base:
        driver.set_window_size(1280, 600)
        driver.get(base + "essays/install/#:~:text=wombatword")
        WebDriverWait(driver, 5).until(lambda d: _chosen(d) == ["Go"])
        WebDriverWait(driver, 5).until(
            lambda d: d.execute_script(
                "const p = document.getElementById('go-modules').nextElementSibling;"
                "const r = p.getBoundingClientRect();"
                "return p.textContent.includes('wombatword') && r.height > 0"
                " && r.top >= 0 && r.bottom <= innerHeight;"
            )
        )
        assert driver.execute_script(STATE)[0][3] == "until-found"
        assert console_errors(driver) == []


def test_a_fragment_inside_a_tab_not_chosen_opens_it(site: Path, driver: Any) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    with serve(site) as base:
        driver.set_window_size(1280, 600)
        driver.get(base + "essays/install/#go-modules")
        WebDriverWait(driver, 5).until(lambda d: _in_view(d, "go-modules"))
        assert [row[:2] for row in driver.execute_script(STATE)] == [
            ["Python", "false"],
            ["Go", "true"],
            ["Rust", "false"],
        ]
        driver.get(base + "essays/install/#after")
        driver.execute_script("location.hash = '#go-modules'")
        WebDriverWait(driver, 5).until(lambda d: _in_view(d, "go-modules"))
        assert driver.execute_script(STATE)[1][1] == "true"
        assert console_errors(driver) == []
