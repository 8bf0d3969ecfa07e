"""A list's entries and the menu's links are rendered once per build and made relative per page
(:mod:`pipeline.syndication.theme.entries`): the pages hold the bytes a per-page rendering
gives, whatever the page's depth, and a macro the marks cannot stand for is rendered per page."""

from __future__ import annotations

import filecmp
import re
import shutil
from pathlib import Path

import pytest
from markupsafe import escape

from pipeline.syndication.theme.context import relative_to, rooted
from pipeline.syndication.theme.entries import Count, marking, unmark
from pipeline.syndication.theme.navigation import MENU_WHOLE
from pipeline.syndication.theme.templates import SHIPPED
from tests.conftest import REPO
from tests.site.conftest import XHTML, attrs, build, find, parse, text_of

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


MENU_LOOP = """{% for link in group.links %}
{% if (link.source and link.source == source) or (not source and not link.source and link.url == canonical) %}{{ menu_link(link, true) }}{% elif link.url in above %}{{ menu_link(link, "section") }}{% else %}{{ PER_LINK }}{% endif %}
{% endfor %}
</ul>"""


def _per_page(shipped: str, menu: str = "menu_link(link)") -> str:
    """The shipped macros with every entry and menu link rendered on its page, by a loop in
    the template (``menu`` is what each link that is not the page's own is)."""
    per_page = shipped.replace("{{ entry(item, item_entry) }}", "{{ item_entry(item) }}")
    loop = MENU_LOOP.replace("PER_LINK", menu)
    per_page = per_page.replace("{{ menu_links(group.links, menu_link) }}</ul>", loop)
    assert per_page.count("{{ entry(item") == per_page.count("{{ menu_links(") == 0
    assert shipped.count("{{ entry(") == shipped.count("{{ menu_links(") == 1
    return per_page


def test_the_lists_hold_the_bytes_a_per_page_rendering_gives(tmp_path: Path) -> None:
    per_page = _per_page((SHIPPED / "macros.html.j2").read_text())
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
    per_page = _per_page(cached)
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


@pytest.mark.parametrize("menu", ["menu_link(link)", "entry(link, menu_link)"])
def test_a_pruned_menu_holds_the_bytes_of_a_loop_over_its_links(tmp_path: Path, menu: str) -> None:
    """A GitBook space over MENU_WHOLE pages: each page's menu (a window around the page, the
    page's own link marked current) as a loop in the template writes it, link by link."""
    shipped = (SHIPPED / "macros.html.j2").read_text()
    a, b = _space(tmp_path / "a", None), _space(tmp_path / "b", _per_page(shipped, menu))
    assert build(a, a / "out").exit_code == 0
    assert build(b, b / "out").exit_code == 0
    page = (a / "out/big/b0200/index.html").read_text()
    assert page.count('aria-current="page"') == 1 and "../../big/b0150/" in page
    assert "../../big/b0149/" not in page and "\x02" not in page and "\x03" not in page
    assert _differences(a / "out", b / "out") == []


def _space(root: Path, macros: str | None) -> Path:
    content = root / "content"
    (content / "big").mkdir(parents=True)
    (root / "publish.toml").write_text((REPO / "publish.toml").read_text())
    lines = ["# Summary", "", "* [Welcome](README.md)", "", "## Big", ""]
    (content / "README.md").write_text("# Welcome\n\nHello.\n")
    for n in range(MENU_WHOLE + 40):
        (content / "big" / f"b{n:04}.md").write_text(f"# Big {n}\n\nText.\n")
        lines.append(f"* [Big {n} & <co>](big/b{n:04}.md)")
    (content / "SUMMARY.md").write_text("\n".join(lines) + "\n")
    if macros is not None:
        (root / "templates").mkdir()
        (root / "templates/macros.html.j2").write_text(macros)
    return root


def test_a_list_is_paged_newest_first(tmp_path: Path) -> None:
    """Page 1 holds the newest, each "Older" page the next older ones, the last page the
    oldest (the pages were cut as a feed's RFC 5005 archives are, from the oldest up: page 2
    showed the two oldest posts and page 3 the one between them and page 1)."""
    essays = tmp_path / "content" / "essays"
    essays.mkdir(parents=True)
    for n in range(1, 6):
        (essays / f"p{n}.md").write_text(
            f"---\ntitle: Post {n}\ndate: 2024-01-0{n}\nid: p{n}\n---\n\nBody {n}.\n",
            encoding="utf-8",
        )
    (tmp_path / "publish.toml").write_text(
        '[site]\ntitle = "T"\nbase_url = "https://e.org/"\n\n[theme]\nper_page = 2\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = build(tmp_path, out)
    assert result.exit_code == 0, result.output
    shown, page, older = [], out / "essays" / "index.html", True
    while older:
        tree = parse(page)
        (items,) = find(tree, "ul", "items")
        shown.append(
            [text_of(a) for a in items.iter(XHTML + "a") if "title" in (a.get("class") or "")]
        )
        older_links = attrs(tree, "a", rel="next")
        older = bool(older_links)
        if older:
            page = (page.parent / older_links[0]["href"]).resolve() / "index.html"
    assert shown == [["Post 5", "Post 4"], ["Post 3", "Post 2"], ["Post 1"]]


def test_a_posts_menu_marks_its_section(tmp_path: Path) -> None:
    """On a post's page the menu showed no entry as the reader's place (the post is under its
    section's entry, not in the menu); the section's entry is marked, the post's own list
    page keeps aria-current."""
    a = _tree(tmp_path, "a", None)
    assert build(a, a / "out").exit_code == 0
    post = next(p for p in (a / "out/essays").glob("*/index.html"))
    marked = re.findall(r'<a href="([^"]*)" class="above">', post.read_text())
    assert marked == ["../../essays/"]
    listing = (a / "out/essays/index.html").read_text()
    assert 'class="above"' not in listing and 'aria-current="page"' in listing
