"""GitBook's ``{% tabs %}`` as a reader coming from GitBook expects them, in headless Chromium:
a row of tabs, one panel shown, clicks and the WAI-ARIA keys switching them, the tab of the
same title chosen in every set (MkDocs Material's linked tabs), a link to a heading inside a
hidden tab opening it; and without the script (and in the feeds) every tab's title and
content one after another, as the renderer writes them. Find-in-page reaches the text of tabs
not chosen: their panels are ``hidden="until-found"`` (the browser searches them and says so
with a ``beforematch`` event, which chooses their tab), and a page opened at a fragment or at
a text fragment inside a tab not chosen opens that tab at it."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from tests.site.browser import AXE, console_errors, needs_axe, overflow, serious_violations, serve
from tests.site.conftest import one_page_site

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


FINDABLE = f"""\
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
def tabbed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return one_page_site(tmp_path_factory.mktemp("tabs"), CONFIG, "essays/install.md", PAGE)


@pytest.fixture(scope="module")
def findable(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return one_page_site(tmp_path_factory.mktemp("find"), CONFIG, "essays/install.md", FINDABLE)


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
    again = one_page_site(tmp_path, CONFIG, "essays/install.md", PAGE)  # same bytes
    assert (again / "essays/install/index.html").read_bytes() == page.encode()


def _shown(driver: Any, css: str) -> list[str]:
    return [e.text for e in driver.find_elements("css selector", css) if e.is_displayed()]


def _tabs(driver: Any, n: int) -> list[Any]:
    """The tabs of the n-th tab set of the page (in document order)."""
    sets = driver.find_elements("css selector", ".gitbook-tabs, .gitbook-code-tabs")
    return sets[n].find_elements("css selector", ":scope > [role=tablist] > [role=tab]")


def _panels(driver: Any, n: int) -> list[str]:
    """The text of the n-th set's panels a reader sees, without the page's own controls (a
    code block's Copy button, a heading's "#" link, shown under the pointer)."""
    sets = driver.find_elements("css selector", ".gitbook-tabs, .gitbook-code-tabs")
    panels = sets[n].find_elements("css selector", ":scope > [role=tabpanel]")
    return [_without_controls(p.text) for p in panels if p.is_displayed()]


def _without_controls(text: str) -> str:
    lines = text.split("\n")
    return "\n".join(line.removesuffix("#") for line in lines if line not in ("Copy", "Copied"))


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


def test_a_link_to_a_tab_by_its_title_opens_it(tabbed: Path, driver: Any) -> None:
    """GitBook's links name a tab by its title's id (``#go``, the second ``Python`` tab
    ``#python-1``): the renderer gives the title that id, the script gives it to the tab's
    button, and a link to it opens the tab, on arrival and on a hash change."""
    from selenium.webdriver.support.ui import WebDriverWait

    with serve(tabbed) as base:
        driver.set_window_size(1280, 600)
        driver.get(base + "essays/install/#go")
        assert _panels(driver, 1) == ["Step in Go."]
        assert driver.find_element("id", "go").get_attribute("role") == "tab"
        WebDriverWait(driver, 5).until(lambda d: _in_view(d, "go"))
        driver.execute_script("location.hash = '#python-1'")
        WebDriverWait(driver, 5).until(lambda d: _panels(d, 1) == ["Step in Python."])
        assert driver.execute_script("return document.querySelectorAll('[id=go]').length") == 1
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


@needs_axe
def test_axe_finds_no_serious_violation_in_tabs(tabbed: Path, driver: Any) -> None:
    with serve(tabbed) as base:
        driver.set_window_size(1280, 900)
        driver.get(base + "essays/install/")
        assert serious_violations(driver, AXE.read_text(encoding="utf-8")) == []


STATE = """
const set = document.querySelector(".gitbook-tabs");
return Array.from(set.querySelectorAll(":scope > [role=tablist] > [role=tab]"), (tab) => {
  const panel = document.getElementById(tab.getAttribute("aria-controls"));
  return [tab.textContent, tab.getAttribute("aria-selected"), tab.tabIndex,
          panel.getAttribute("hidden")];
});
"""


def test_tabs_not_chosen_are_hidden_until_found(findable: Path, driver: Any) -> None:
    page = (findable / "essays/install/index.html").read_text(encoding="utf-8")
    body = page[page.index("<article>") : page.index("</article>")]
    assert "hidden" not in body and "wombatword" in body  # without script: every tab shown
    with serve(findable) as base:
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


def _chosen(driver: Any) -> list[str]:
    return [row[0] for row in driver.execute_script(STATE) if row[1] == "true"]


def test_a_link_to_text_inside_a_tab_not_chosen_opens_it(findable: Path, driver: Any) -> None:
    """A text fragment (a search engine's result, "Copy link to highlight") finds its text
    in the tab not chosen, which opens at it."""
    from selenium.webdriver.support.ui import WebDriverWait

    with serve(findable) as base:
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


def test_a_fragment_inside_a_tab_not_chosen_opens_it(findable: Path, driver: Any) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    with serve(findable) as base:
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
