"""GitBook's ``{% tabs %}`` as a reader coming from GitBook expects them, in headless Chromium:
a row of tabs, one panel shown, clicks and the WAI-ARIA keys switching them, the tab of the
same title chosen in every set (MkDocs Material's linked tabs), a link to a heading inside a
hidden tab opening it; and without the script (and in the feeds) every tab's title and
content one after another, as the renderer writes them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from tests.site.browser import chromium, console_errors, overflow, serve
from tests.site.conftest import build
from tests.site.test_browser import AXE

CONFIG = """\
[site]
title = "Tabs"
base_url = "https://tabs.example.org/"
language = "en"
pages = true
"""
FILLER = "\n\n".join(f"Filler paragraph {n} of some length to scroll by." for n in range(40))
PAGE = f"""\
---
title: Install
date: 2025-01-13T08:00:00Z
---

## Before

{{% tabs %}}
{{% tab title="Python" %}}
Python body.
{{% endtab %}}

{{% tab title="Shell & <Co>" %}}
### Shell setup

Shell body.
{{% endtab %}}
{{% endtabs %}}

## Between

{FILLER}

1. A step

   {{% tabs %}}
   {{% tab title="Python" %}}
   Step in Python.
   {{% endtab %}}
   {{% tab title="Go" %}}
   Step in Go.
   {{% endtab %}}
   {{% endtabs %}}

{{% tabs %}}
{{% tab title="Outer" %}}
Outer body.

{{% tabs %}}
{{% tab title="Same" %}}
Inner first.
{{% endtab %}}
{{% tab title="Same" %}}
Inner second.
{{% endtab %}}
{{% endtabs %}}
{{% endtab %}}
{{% endtabs %}}

{{% code-tabs %}}
{{% code-tabs-item title="only.py" %}}
```python
print("only")
```
{{% endcode-tabs-item %}}
{{% endcode-tabs %}}

## Tabs 1 panel 2

A heading whose id the script would otherwise give a panel.

## After

{FILLER}
"""
IN_ORDER = [
    "Python",
    "Python body.",
    "Shell &amp; &lt;Co&gt;",
    "Shell setup",
    "Shell body.",
    "Step in Python.",
    "Go",
    "Step in Go.",
    "Outer",
    "Outer body.",
    "Same",
    "Inner first.",
    "Same",
    "Inner second.",
    "only.py",
    "only",
]
"""Every tab's title and content as the built bytes hold them, in document order."""


def _make(root: Path) -> Path:
    (root / "publish.toml").write_text(CONFIG, encoding="utf-8")
    (root / "content/essays").mkdir(parents=True)
    (root / "content/essays/install.md").write_text(PAGE, encoding="utf-8")
    result = build(root, root / "out")
    assert result.exit_code == 0, result.output
    return root / "out"


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with chromium() as d:
        yield d


@pytest.fixture(scope="module")
def tabbed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _make(tmp_path_factory.mktemp("tabs"))


def _in_order(text: str, parts: list[str]) -> None:
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, f"{part!r} missing after position {at}"
        at = found + len(part)


def test_without_script_every_tab_keeps_its_title_and_content_in_order(
    tabbed: Path, tmp_path: Path
) -> None:
    page = (tabbed / "essays/install/index.html").read_text(encoding="utf-8")
    body = page[page.index("<article>") : page.index("</article>")]
    _in_order(body, IN_ORDER)
    # nothing hidden, no tab roles and no ids of the script's in what we write
    for written in ("hidden", 'role="tab', "aria-selected", "aria-controls", "tab-list"):
        assert written not in body
    assert "aria-current" not in page[page.index('<nav class="outline"') :]
    feed = ElementTree.parse(tabbed / "atom.xml").getroot()
    (content,) = feed.iter("{http://www.w3.org/2005/Atom}content")
    _in_order(content.text or "", IN_ORDER)  # the feed's HTML: the same
    again = _make(tmp_path)  # same content, same bytes
    assert (again / "essays/install/index.html").read_bytes() == page.encode()


def _shown(driver: Any, css: str) -> list[str]:
    return [e.text for e in driver.find_elements("css selector", css) if e.is_displayed()]


def _tabs(driver: Any, n: int) -> list[Any]:
    """The tabs of the n-th tab set of the page (in document order)."""
    sets = driver.find_elements("css selector", ".gitbook-tabs, .gitbook-code-tabs")
    return sets[n].find_elements("css selector", ":scope > [role=tablist] > [role=tab]")


def _panels(driver: Any, n: int) -> list[str]:
    """The text of the n-th set's panels a reader sees."""
    sets = driver.find_elements("css selector", ".gitbook-tabs, .gitbook-code-tabs")
    panels = sets[n].find_elements("css selector", ":scope > [role=tabpanel]")
    return [p.text for p in panels if p.is_displayed()]


def test_clicking_a_tab_shows_its_panel_alone(tabbed: Path, driver: Any) -> None:
    with serve(tabbed) as base:
        driver.set_window_size(1280, 900)
        driver.get(base + "essays/install/")
        first = _tabs(driver, 0)
        assert [t.text for t in first] == ["Python", "Shell & <Co>"]
        assert [t.get_attribute("aria-selected") for t in first] == ["true", "false"]
        assert _panels(driver, 0) == ["Python body."]
        first[1].click()
        assert [t.get_attribute("aria-selected") for t in first] == ["false", "true"]
        assert _panels(driver, 0) == ["Shell setup\nShell body."]
        # each tab controls its panel, which it labels
        for tab in first:
            panel = driver.find_element("id", tab.get_attribute("aria-controls"))
            assert panel.get_attribute("aria-labelledby") == tab.get_attribute("id")
        # linked tabs: choosing Python in the list's set chooses it in the first set too
        step = _tabs(driver, 1)
        step[1].click()
        assert _panels(driver, 1) == ["Step in Go."]
        assert _panels(driver, 0) == ["Shell setup\nShell body."]  # no "Go" there: as it was
        step[0].click()
        assert _panels(driver, 1) == ["Step in Python."]
        assert _panels(driver, 0) == ["Python body."]
        # nested sets, titles repeated: the inner set switches, the outer stays
        inner = _tabs(driver, 3)
        inner[1].click()
        assert _panels(driver, 3) == ["Inner second."]
        assert [t.get_attribute("aria-selected") for t in inner] == ["false", "true"]
        assert _panels(driver, 2) == ["Outer body.\nSame\nSame\nInner second."]
        # a set of one tab: one tab, its panel shown
        assert [t.text for t in _tabs(driver, 4)] == ["only.py"]
        assert _panels(driver, 4) == ['print("only")']
        ids = driver.execute_script(
            "return Array.from(document.querySelectorAll('[id]'), (e) => e.id)"
        )
        assert len(ids) == len(set(ids)), ids
        assert console_errors(driver) == []


def test_arrow_keys_home_and_end_move_between_tabs(tabbed: Path, driver: Any) -> None:
    from selenium.webdriver.common.keys import Keys

    with serve(tabbed) as base:
        driver.set_window_size(1280, 900)
        driver.get(base + "essays/install/")
        tabs = _tabs(driver, 1)  # Python, Go
        assert [t.get_attribute("tabindex") for t in tabs] == ["0", "-1"]  # one tab stop

        def after(key: str) -> tuple[str, list[str]]:
            driver.switch_to.active_element.send_keys(key)
            return driver.switch_to.active_element.text, _panels(driver, 1)

        driver.execute_script("arguments[0].focus()", tabs[0])
        assert after(Keys.ARROW_RIGHT) == ("Go", ["Step in Go."])
        assert after(Keys.ARROW_RIGHT) == ("Python", ["Step in Python."])  # wraps
        assert after(Keys.ARROW_LEFT) == ("Go", ["Step in Go."])  # wraps back
        assert after(Keys.HOME) == ("Python", ["Step in Python."])
        assert after(Keys.END) == ("Go", ["Step in Go."])
        assert [t.get_attribute("tabindex") for t in tabs] == ["-1", "0"]
        assert console_errors(driver) == []


def _in_view(driver: Any, element_id: str) -> bool:
    return bool(
        driver.execute_script(
            "const r = document.getElementById(arguments[0]).getBoundingClientRect();"
            "return r.height > 0 && r.top > -2 && r.bottom <= innerHeight;",
            element_id,
        )
    )


def test_a_link_to_a_heading_in_a_hidden_tab_opens_that_tab(tabbed: Path, driver: Any) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    with serve(tabbed) as base:
        driver.set_window_size(1280, 600)
        driver.get(base + "essays/install/#shell-setup")  # on load
        assert _panels(driver, 0) == ["Shell setup\nShell body."]
        WebDriverWait(driver, 5).until(lambda d: _in_view(d, "shell-setup"))

        driver.get(base + "essays/install/#after")
        _tabs(driver, 0)[0].click()
        driver.execute_script("location.hash = '#shell-setup'")  # on hashchange
        WebDriverWait(driver, 5).until(lambda d: _panels(d, 0) == ["Shell setup\nShell body."])
        WebDriverWait(driver, 5).until(lambda d: _in_view(d, "shell-setup"))

        # the outline's link to the fragment already in the address: no hashchange
        _tabs(driver, 0)[0].click()
        driver.execute_script("scrollTo(0, document.body.scrollHeight)")
        assert _panels(driver, 0) == ["Python body."]
        driver.find_element("css selector", ".outline a[href='#shell-setup']").click()
        assert _panels(driver, 0) == ["Shell setup\nShell body."]
        WebDriverWait(driver, 5).until(lambda d: _in_view(d, "shell-setup"))
        assert console_errors(driver) == []


def test_a_linked_choice_keeps_the_chosen_tab_where_it_was(tabbed: Path, driver: Any) -> None:
    """The set above changes height with the choice: the page scrolls by as much."""
    with serve(tabbed) as base:
        driver.set_window_size(1280, 700)
        driver.get(base + "essays/install/")
        _tabs(driver, 0)[1].click()  # the taller panel above
        step = _tabs(driver, 1)
        driver.execute_script(
            "scrollTo(0, scrollY + arguments[0].getBoundingClientRect().top - 300)", step[0]
        )
        before = step[0].rect["y"] - driver.execute_script("return scrollY")
        step[0].click()  # Python: the set above switches to its shorter panel
        assert _panels(driver, 0) == ["Python body."]
        after = step[0].rect["y"] - driver.execute_script("return scrollY")
        assert abs(after - before) < 2, (before, after)
        assert console_errors(driver) == []


def test_printed_every_tab_shows_with_its_title(tabbed: Path, driver: Any) -> None:
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        with serve(tabbed) as base:
            driver.set_window_size(1280, 900)
            driver.get(base + "essays/install/")
            assert _panels(driver, 0) == [
                "Python\nPython body.",
                "Shell & <Co>\nShell setup\nShell body.",
            ]
            assert not _tabs(driver, 0)[0].is_displayed()
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_tabs_fit_a_phone(tabbed: Path, driver: Any) -> None:
    with serve(tabbed) as base:
        driver.set_window_size(360, 800)
        driver.get(base + "essays/install/")
        assert _tabs(driver, 0)[1].is_displayed()
        assert overflow(driver) == 0
        assert console_errors(driver) == []


@pytest.mark.skipif(
    not AXE.is_file(), reason="SKIPPED LOUDLY: axe-core not installed (npm install; .ci/run does)"
)
def test_axe_finds_no_serious_violation_in_tabs(tabbed: Path, driver: Any) -> None:
    with serve(tabbed) as base:
        driver.set_window_size(1280, 900)
        driver.get(base + "essays/install/")
        driver.execute_script(AXE.read_text(encoding="utf-8"))
        found = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document).then(r => done(r.violations.map(v => [v.id, v.impact,"
            " v.nodes.slice(0, 3).map(n => n.target.join(' '))])));"
        )
        assert [v for v in found if v[1] in ("serious", "critical")] == []
