"""A post paints inside its article, in Chromium: what the sanitizer keeps (a class of the
theme's own, a formula or drawing painted outside its box) cannot lie over the site's
header, menu or outline (a fake menu or sign-in over the site's own)."""

from __future__ import annotations

from pathlib import Path

from tests.site.browser import chromium, serve
from tests.site.conftest import build

CONFIG = """\
[site]
title = "Overlay"
base_url = "https://overlay.example.org/"
timezone = "UTC"
pages = true

[content]
flavour = "plain"

[feeds]
sections = ["essays"]
"""

BODY = """\
Before.

<div class="search-panel" style="height:20rem;background:#fff">A menu of the post's own</div>

After.
"""
"""A box of the theme's own class: the search panel is placed ``position: absolute`` across
its containing block, which, nothing positioned above it in the post, was the whole page:
the post's box lay over the site's menu beside it."""


def test_a_box_the_theme_positions_stays_inside_the_article(tmp_path: Path) -> None:
    (tmp_path / "publish.toml").write_text(CONFIG)
    (tmp_path / "content/essays").mkdir(parents=True)
    (tmp_path / "content/essays/x.md").write_text(
        f"---\ntitle: Essay\ndate: 2024-05-01\n---\n\n{BODY}"
    )
    out = tmp_path / "out"
    result = build(tmp_path, out)
    assert result.exit_code == 0, result.output
    with serve(out) as base, chromium() as driver:
        driver.set_window_size(1400, 900)
        driver.get(base + "essays/x/")
        hits = driver.execute_script(
            """
            const box = document.querySelector('article .search-panel').getBoundingClientRect();
            const y = box.top + 10;
            const at = (s) => document.querySelector(s).getBoundingClientRect().left + 10;
            const hit = (s) => document.querySelector(s).contains(document.elementFromPoint(at(s), y));
            return [['article', hit('article')], ['#sidebar', hit('#sidebar')]];
            """
        )
    assert hits == [["article", True], ["#sidebar", True]]
