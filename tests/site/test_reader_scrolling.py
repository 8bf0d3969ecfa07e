"""A code block or a table wider than the page, in headless Chromium: it scrolls sideways,
and a reader with only a keyboard can scroll it (it takes the focus: axe's serious
``scrollable-region-focusable`` found neither focusable, in a real browser check). One that
fits takes no stop in the tab order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.site.browser import AXE, console_errors, needs_axe, serious_violations, serve
from tests.site.conftest import one_page_site

CONFIG = '[site]\ntitle = "Wide"\nbase_url = "https://wide.example.org/"\nlanguage = "en"\n'
WIDE = "x = " + " + ".join(f"value_{n}" for n in range(60))
ROW = "| " + " | ".join(f"column {n}" for n in range(30)) + " |"
PAGE = f"""\
---
title: Wide
date: 2025-01-13T08:00:00Z
---

```python
{WIDE}
```

```python
short = 1
```

{ROW}
|{"---|" * 30}
{ROW.replace("column", "cell")}
"""
STATE = """
return Array.from(document.querySelectorAll("main pre, main table"), (box) =>
  [box.tagName, box.scrollWidth > box.clientWidth, box.tabIndex]);
"""


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return one_page_site(tmp_path_factory.mktemp("wide"), CONFIG, "essays/wide.md", PAGE)


def test_what_scrolls_sideways_takes_the_focus(wide: Path, driver: Any) -> None:
    with serve(wide) as base:
        driver.set_window_size(1280, 900)
        driver.get(base + "essays/wide/")
        assert driver.execute_script(STATE) == [
            ["PRE", True, 0],
            ["PRE", False, -1],
            ["TABLE", True, 0],
        ]
        assert console_errors(driver) == []


@needs_axe
def test_axe_finds_no_unreachable_scrolling_region(wide: Path, driver: Any) -> None:
    with serve(wide) as base:
        driver.set_window_size(375, 800)
        driver.get(base + "essays/wide/")
        assert serious_violations(driver, AXE.read_text(encoding="utf-8")) == []
