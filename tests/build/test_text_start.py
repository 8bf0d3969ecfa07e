"""Rendering keeps the start of each item's visible text beside its HTML (and in the render
cache): summaries read it instead of the HTML, and say exactly what they said from the HTML."""

from __future__ import annotations

from pathlib import Path

from pipeline.build.site import render_items
from pipeline.config import load_config
from pipeline.load.loader import load_site
from pipeline.model import Item
from pipeline.syndication.common import summary, summary_html
from tests.hostile.sites import essay, make_site

BODIES = [
    "Short & sweet: <b>bold</b> and `code <p>`.\n",
    "# Heading\n\n" + "Words words, *emphasis* and [a link](https://e.org/a?b=1&c=2). " * 30,
    "- one\n- two &amp; three\n\n> quoted Grüße — dash\n\n" + "more text " * 100,
    "",
]
LIMITS = [1, 20, 150, 299, 300]


def _items(root: Path, cache: Path, *, lazy: bool) -> list[Item]:
    cfg = load_config(root / "publish.toml")
    site = load_site(cfg, root / "content")
    items, _ = render_items(cfg, site.items, cache, lazy=lazy)
    return sorted(items, key=lambda i: i.source)


def test_summaries_read_from_the_kept_start_are_those_of_the_html(tmp_path: Path) -> None:
    root = make_site(
        tmp_path / "site",
        {f"essays/e{n}.md": essay(title=f"E{n}", body=body) for n, body in enumerate(BODIES)},
    )
    cache = tmp_path / "cache"
    rendered = _items(root, cache, lazy=False)
    assert all(i.description is None and i.html for i in rendered[:3])
    for item in rendered:
        from_html = item.evolve(text_start="")
        assert [summary(item, n) for n in LIMITS] == [summary(from_html, n) for n in LIMITS]
        assert summary_html(item) == summary_html(from_html)
    assert all(len(i.text_start) > 0 for i in rendered[:3])
    # from the cache, without the HTML: the same start
    again = _items(root, cache, lazy=True)
    assert [i.html for i in again] == [""] * len(again)
    assert [i.text_start for i in again] == [i.text_start for i in rendered]
