"""A list's entries and the menu's links are rendered once per build and made relative per page
(:mod:`pipeline.syndication.theme.entries`): the pages hold the bytes a per-page rendering
gives, whatever the page's depth, and a macro the marks cannot stand for is rendered per page."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import pytest
from markupsafe import escape

from pipeline.syndication.theme.context import relative_to, rooted
from pipeline.syndication.theme.entries import Count, marking, unmark
from pipeline.syndication.theme.templates import SHIPPED
from tests.conftest import REPO
from tests.site.conftest import build

BASE = "https://example.org/sub/"


@pytest.mark.parametrize(
    "here", ["index.html", "essays/index.html", "tags/x/page/2/index.html", "a/b/c/d/index.html"]
)
@pytest.mark.parametrize(
    "url",
    [BASE, BASE + "essays/a/", BASE + "tags/a&b/", "https://other.example/x", BASE[:-1], "#top"],
)
def test_a_mark_becomes_what_rel_writes(here: str, url: str) -> None:
    calls = Count()
    marked = str(escape(marking(BASE, calls)(url)))
    # every page's rel(): relative to where it is, or rooted (404.html, served at any URL)
    for rel in (relative_to(here, BASE), rooted(BASE)):
        assert unmark(f'<a href="{marked}">', BASE, rel) == f'<a href="{escape(rel(url))}">'
    assert calls.n == (1 if url.startswith(BASE) else 0)


def _tree(tmp_path: Path, name: str, macros: str | None) -> Path:
    root = tmp_path / name
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "publish.toml", root / "publish.toml")
    if macros is not None:
        (root / "templates").mkdir()
        (root / "templates/macros.html.j2").write_text(macros)
    return root


def _differences(a: Path, b: Path) -> list[str]:
    found = []
    for path in sorted(a.rglob("*")):
        rel = path.relative_to(a)
        if path.is_file() and rel.name != ".publish-manifest.json":
            other = b / rel
            if not other.is_file() or not filecmp.cmp(path, other, shallow=False):
                found.append(rel.as_posix())
    return found


def test_the_lists_hold_the_bytes_a_per_page_rendering_gives(tmp_path: Path) -> None:
    shipped = (SHIPPED / "macros.html.j2").read_text()
    per_page = shipped.replace("{{ entry(item, item_entry) }}", "{{ item_entry(item) }}")
    per_page = per_page.replace("{{ entry(link, menu_link) }}", "{{ menu_link(link) }}")
    assert per_page.count("{{ entry(") == 0 < shipped.count("{{ entry(")
    a, b = _tree(tmp_path, "a", None), _tree(tmp_path, "b", per_page)
    assert build(a, a / "out").exit_code == 0
    assert build(b, b / "out").exit_code == 0
    lists = [p for p in (a / "out").rglob("index.html") if "/tags/" in p.as_posix()]
    assert lists and all('class="items"' in p.read_text() for p in lists)
    assert any('aria-current="page"' in p.read_text() for p in (a / "out").rglob("*.html"))
    assert _differences(a / "out", b / "out") == []


@pytest.mark.parametrize(
    "change",
    [
        # the page's own value: rendered per page
        (
            '<a class="title" href="{{ rel(item.url) }}">',
            '<a class="title" data-on="{{ canonical }}" href="{{ rel(item.url) }}">',
        ),
        # a URL written twice, and one compared rather than written
        (
            '<a class="title" href="{{ rel(item.url) }}">',
            '{% if rel(item.url).startswith("../../") %}deep {% endif %}<a class="title" data-x="{{ rel(item.url) }}" href="{{ rel(item.url) }}">',
        ),
    ],
)
def test_a_macro_the_marks_cannot_stand_for_is_rendered_per_page(
    tmp_path: Path, change: tuple[str, str]
) -> None:
    shipped = (SHIPPED / "macros.html.j2").read_text()
    assert change[0] in shipped
    cached = shipped.replace(*change)
    per_page = cached.replace("{{ entry(item, item_entry) }}", "{{ item_entry(item) }}")
    a, b = _tree(tmp_path, "a", cached), _tree(tmp_path, "b", per_page)
    assert build(a, a / "out").exit_code == 0
    assert build(b, b / "out").exit_code == 0
    assert _differences(a / "out", b / "out") == []
    page = next(iter((a / "out/tags").glob("*/index.html")))
    text = page.read_text()
    assert "\x02" not in text and "\x03" not in text
    assert ('data-on="https://' in text) == ("canonical" in change[1])
    assert ("deep " in text) == ("deep" in change[1])


def test_marks_are_counted_per_thread() -> None:
    """Two threads rendering entries at once each count their own marks."""
    import threading

    calls = Count()
    rel = marking(BASE, calls)
    seen: list[int] = []

    def other() -> None:
        rel(BASE + "x/")
        seen.append(calls.n)

    rel(BASE + "a/")
    rel(BASE + "b/")
    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert (calls.n, seen) == (2, [1])
