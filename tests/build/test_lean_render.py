"""What a large build holds in memory: render workers leave the HTML in the render cache (not
sent back to the parent), writers read it a window at a time, and each write task frees the
cycles its pages left while the cycle collector is paused."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest

from pipeline.build.site import AHEAD, HtmlSource, render_items
from pipeline.build.write import _collected
from pipeline.config import load_config
from pipeline.load.loader import load_site
from pipeline.model import Item
from tests.build.test_incremental import large_site

pytestmark = pytest.mark.usefixtures("two_cores")  # rendered by forked workers on any machine

POSTS = 450  # above PARALLEL_THRESHOLD: rendered by worker processes


def _rendered(tmp_path: Path, cache: Path | None, *, lazy: bool) -> tuple[list[Item], HtmlSource]:
    site = large_site(tmp_path / "site", POSTS)
    cfg = load_config(site / "publish.toml")
    items = load_site(cfg, site / "content").items
    rendered, keys = render_items(cfg, items, cache, lazy=lazy)
    return rendered, HtmlSource(cache, keys)


def test_render_workers_leave_the_html_in_the_cache(tmp_path: Path) -> None:
    """A lazy build's items come back without their HTML, each naming its render-cache entry,
    and that entry holds exactly the HTML an uncached rendering makes."""
    lean, source = _rendered(tmp_path / "a", tmp_path / "cache", lazy=True)
    full, _ = _rendered(tmp_path / "b", None, lazy=False)
    assert len(lean) == len(full) > POSTS - 50
    assert all(item.html == "" and source.html_key(item) for item in lean)
    assert [source.fill(item).html for item in lean] == [item.html for item in full]
    assert all(item.html for item in full)


def test_without_lazy_the_html_comes_back_filled(tmp_path: Path) -> None:
    eager, source = _rendered(tmp_path / "a", tmp_path / "cache", lazy=False)
    full, _ = _rendered(tmp_path / "b", None, lazy=False)
    assert [i.html for i in eager] == [i.html for i in full]
    assert not any(source.html_key(i) for i in eager)


def test_html_the_cache_could_not_keep_comes_back_through_the_pipe(tmp_path: Path) -> None:
    """The render cache cannot be opened (its file is a folder): the workers keep nothing, so
    they send every item's HTML back, and nothing is left to read from a cache."""
    cache = tmp_path / "cache"
    (cache / "render.sqlite3").mkdir(parents=True)
    lean, source = _rendered(tmp_path / "a", cache, lazy=True)
    full, _ = _rendered(tmp_path / "b", None, lazy=False)
    assert [i.html for i in lean] == [i.html for i in full]
    assert not any(source.html_key(i) for i in lean)


def test_a_feed_reads_its_entries_html_a_window_at_a_time(tmp_path: Path) -> None:
    lean, source = _rendered(tmp_path / "a", tmp_path / "cache", lazy=True)
    full, _ = _rendered(tmp_path / "b", None, lazy=False)
    held = []
    made = []
    for n in range(len(lean)):
        made.append(source.fill_ahead(lean, n).html)
        held.append(len(source.html))
    assert made == [i.html for i in full]
    assert max(held) == AHEAD  # never more than one window...
    assert len(lean) > AHEAD and held[AHEAD] <= len(lean) - AHEAD  # ...and the next replaces it


class _Node:
    def __init__(self) -> None:
        self.me = self


def test_a_write_task_frees_the_cycles_it_left() -> None:
    """Jinja leaves a reference cycle per rendered page; with the collector paused for the
    build they would hold every page's values to the end. A task's cycles are freed when it
    ends."""
    refs: list[weakref.ref[_Node]] = []

    def task() -> int:
        node = _Node()
        refs.append(weakref.ref(node))
        return 1

    enabled = gc.isenabled()
    gc.disable()
    try:
        assert _collected(task) == 1
        assert refs[0]() is None
    finally:
        if enabled:
            gc.enable()
