"""The browsable site of the bundled content and of the GitBook handbook: every page kind,
read back with html5lib, and the files a site has (sitemap, robots.txt, 404, redirects)."""

from __future__ import annotations

import posixpath
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.conftest import FIXTURES, REPO
from tests.site.conftest import XHTML, attrs, build, find, parse, text_of

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def target(out: Path, page: str, href: str) -> Path:
    """The file a relative link of ``page`` (an output path) leads to."""
    joined = posixpath.normpath(
        posixpath.join(posixpath.dirname(page), unquote(href.split("#")[0].split("?")[0]))
    )
    path = out / joined
    return path / "index.html" if path.is_dir() else path


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bundled")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "publish.toml", root / "publish.toml")
    result = build(root, root / "out")
    assert result.exit_code == 0, result.output
    return root / "out"


@pytest.fixture(scope="module")
def handbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hb") / "handbook"
    shutil.copytree(FIXTURES / "handbook", root)
    result = build(root, root.parent / "out", content=root)
    assert result.exit_code == 0, result.output
    return root.parent / "out"


def test_every_relative_link_of_every_page_leads_to_a_file(bundled: Path) -> None:
    pages = sorted(p.relative_to(bundled).as_posix() for p in bundled.rglob("*.html"))
    assert len(pages) > 25
    for page in pages:
        if page == "404.html":
            continue  # served at any address: its links are rooted, checked below
        tree = parse(bundled / page)
        for tag, key in (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src")):
            for a in attrs(tree, tag):
                href = a.get(key, "")
                if not href or "://" in href or href.startswith(("#", "data:", "mailto:")):
                    continue
                assert target(bundled, page, href).is_file(), f"{page}: {href}"


def test_a_page_has_menu_breadcrumbs_outline_tags_and_reading_order(bundled: Path) -> None:
    page = "essays/why-we-gather/index.html"
    tree = parse(bundled / page)
    menu = [text_of(a) for a in tree.iter(XHTML + "nav") if a.get("id") == "sidebar"]
    assert menu and all(s in menu[0] for s in ("Essays", "Episodes", "Updates", "Events"))
    crumbs = find(tree, "nav", "breadcrumbs")[0]
    assert [text_of(a) for a in crumbs.iter(XHTML + "a")] == ["The Commons", "Essays"]
    outline = find(tree, "nav", "outline")[0]
    hrefs = [a.get("href") for a in outline.iter(XHTML + "a")]
    assert hrefs == ["#small-groups-first", "#what-the-crowd-is-for"]
    ids = {el.get("id") for el in tree.iter() if el.get("id")}
    assert {h[1:] for h in hrefs} <= ids  # the outline leads to the headings
    tags = [a["href"] for a in attrs(tree, "a", rel="tag")]
    assert tags == ["../../tags/community/", "../../tags/belonging/"]
    assert all(target(bundled, page, t).is_file() for t in tags)
    # the oldest essay: no previous one, the next is the next-oldest
    assert attrs(tree, "a", rel="prev") == []
    (nxt,) = attrs(tree, "a", rel="next")
    assert nxt["href"] == "../../essays/hosting-not-bossing/"


def test_prev_next_walk_each_section_from_oldest_to_newest(bundled: Path) -> None:
    seen, page = [], "essays/why-we-gather/index.html"
    while True:
        seen.append(page)
        nxt = attrs(parse(bundled / page), "a", rel="next")
        if not nxt:
            break
        page = target(bundled, page, nxt[0]["href"]).relative_to(bundled).as_posix()
        assert page not in seen
    assert [p.split("/")[1] for p in seen] == [
        "why-we-gather",
        "hosting-not-bossing",
        "decisions-in-the-open",
        "the-slow-release",
    ]


def test_head_has_social_cards_canonical_autodiscovery_and_language(bundled: Path) -> None:
    tree = parse(bundled / "episodes/001-welcome/index.html")
    (html,) = tree.iter(XHTML + "html")
    assert html.get("lang") == "en"
    metas = {
        m.get("property") or m.get("name"): m.get("content") for m in tree.iter(XHTML + "meta")
    }
    assert metas["og:type"] == "article"
    assert metas["og:url"] == "https://commons.example.org/episodes/001-welcome/"
    assert metas["og:audio"].startswith("https://commons.example.org/")
    assert metas["og:title"] and metas["og:description"] and metas["twitter:card"]
    assert attrs(tree, "link", rel="canonical")[0]["href"] == metas["og:url"]
    types = {a["type"] for a in attrs(tree, "link", rel="alternate")}
    assert types == {"application/rss+xml", "application/atom+xml", "application/feed+json"}
    (audio,) = tree.iter(XHTML + "audio")
    assert (bundled / "episodes/001-welcome" / audio.get("src").split("/", 3)[-1]).is_file() or (
        target(bundled, "episodes/001-welcome/index.html", audio.get("src")).is_file()
    )
    assert any("Transcript" in text_of(a) for a in tree.iter(XHTML + "a"))


def test_home_lists_the_latest_items_under_the_readme_and_the_feeds(bundled: Path) -> None:
    tree = parse(bundled / "index.html")
    latest = find(tree, "section", "latest")[0]
    titles = [text_of(a) for a in find(latest, "a", "title")]
    assert len(titles) == 10  # [theme] latest
    assert titles[0] == "Release day"  # newest first
    assert find(tree, "article", "intro")  # the content's README above them
    assert "https://commons.example.org/podcast.xml" in (bundled / "index.html").read_text()


def test_section_tag_and_archive_pages_list_their_items(bundled: Path) -> None:
    essays = parse(bundled / "essays/index.html")
    titles = [text_of(a) for a in find(essays, "a", "title")]
    assert titles == [
        "The slow release: shipping without burning out",
        "Decisions in the open",
        "Hosting, not bossing",
        "Why we gather",
    ]
    assert attrs(essays, "a", href="https://commons.example.org/essays/rss.xml")
    tag = parse(bundled / "tags/governance/index.html")
    assert "Decisions in the open" in [text_of(a) for a in find(tag, "a", "title")]
    archive = parse(bundled / "archive/index.html")
    years = [a["href"] for a in attrs(archive, "a") if a.get("href", "").startswith("../archive/")]
    assert years == ["../archive/2025/", "../archive/2024/"]
    assert (bundled / "archive/2024/index.html").is_file()


def test_lists_are_paginated(tmp_path: Path) -> None:
    shutil.copytree(REPO / "content", tmp_path / "content")
    toml = (REPO / "publish.toml").read_text() + "\n[theme]\nper_page = 3\n"
    (tmp_path / "publish.toml").write_text(toml)
    assert build(tmp_path, tmp_path / "out").exit_code == 0
    out = tmp_path / "out"
    first, second = parse(out / "essays/index.html"), parse(out / "essays/page/2/index.html")
    assert len(find(first, "a", "title")) == 3 and len(find(second, "a", "title")) == 1
    assert attrs(first, "a", rel="next")[0]["href"] == "../essays/page/2/"
    assert target(out, "essays/page/2/index.html", attrs(second, "a", rel="prev")[0]["href"]) == (
        out / "essays/index.html"
    )
    assert not (out / "essays/page/3").exists()


def test_sitemap_robots_404_and_redirects(bundled: Path) -> None:
    urls = {
        u.findtext(SITEMAP + "loc"): u.findtext(SITEMAP + "lastmod")
        for u in ET.parse(bundled / "sitemap.xml").getroot()
    }
    assert urls["https://commons.example.org/essays/why-we-gather/"] == "2024-09-02"
    assert "https://commons.example.org/essays/" in urls
    assert "https://commons.example.org/tags/governance/" in urls
    assert "https://commons.example.org/2024/09/why-we-gather/" not in urls  # a redirect
    robots = (bundled / "robots.txt").read_text()
    assert "Sitemap: https://commons.example.org/sitemap.xml" in robots
    missing = parse(bundled / "404.html")
    assert attrs(missing, "a", href="/essays/")  # rooted: the page is served at any address
    moved = parse(bundled / "2024/09/why-we-gather/index.html")
    refresh = attrs(moved, "meta", http_equiv="refresh")[0]["content"]
    assert refresh == "0; url=../../../essays/why-we-gather/"
    assert attrs(moved, "link", rel="canonical")[0]["href"] == (
        "https://commons.example.org/essays/why-we-gather/"
    )


def test_handbook_sidebar_follows_summary_and_marks_the_page(handbook: Path) -> None:
    page = "essays/hosting-not-ruling/index.html"
    tree = parse(handbook / page)
    sidebar = next(n for n in tree.iter(XHTML + "nav") if n.get("id") == "sidebar")
    groups = [text_of(p) for p in find(sidebar, "p", "group")]
    assert groups[:2] == ["Essays", "Practices"]
    current = attrs(sidebar, "a", aria_current="page")
    assert len(current) == 1 and current[0]["href"] == "../../essays/hosting-not-ruling/"
    nested = [text_of(li) for li in find(sidebar, "li", "depth-2")]
    assert nested[0] == "Growing as a host"  # nesting kept, three levels
    for a in attrs(sidebar, "a"):
        if "://" not in a["href"]:
            assert target(handbook, page, a["href"]).is_file(), a["href"]
    crumbs = find(tree, "nav", "breadcrumbs")[0]
    assert [text_of(a) for a in crumbs.iter(XHTML + "a")] == ["Kinship Circles", "Essays"]


def test_handbook_reading_order_is_the_table_of_contents(handbook: Path) -> None:
    order, page = [], "index.html"
    while True:
        order.append(page)
        nxt = attrs(parse(handbook / page), "a", rel="next")
        if not nxt:
            break
        page = target(handbook, page, nxt[0]["href"]).relative_to(handbook).as_posix()
        assert page not in order
    assert order[:4] == [
        "index.html",
        "essays/index.html",
        "essays/origins-and-intent/index.html",
        "essays/layers-of-belonging/index.html",
    ]
    assert "essays/growing-as-a-host/index.html" in order
    # walking back from the end reaches the start again
    back = [order[-1]]
    while True:
        prev = attrs(parse(handbook / back[-1]), "a", rel="prev")
        if not prev:
            break
        back.append(target(handbook, back[-1], prev[0]["href"]).relative_to(handbook).as_posix())
    assert back == order[::-1]


def test_a_landing_page_lists_its_children_and_redirects_follow_content_redirects(
    handbook: Path,
) -> None:
    tree = parse(handbook / "essays/index.html")
    children = find(tree, "section", "children")[0]
    assert "Origins and intent" in [text_of(a) for a in children.iter(XHTML + "a")]
    moved = parse(handbook / "get-involved/index.html")
    assert attrs(moved, "meta", http_equiv="refresh")[0]["content"] == "0; url=../participate/"


def test_dates_follow_the_site_language(tmp_path: Path) -> None:
    shutil.copytree(REPO / "content", tmp_path / "content")
    toml = (
        (REPO / "publish.toml")
        .read_text()
        .replace('language = "en"\ntimezone', 'language = "de"\ntimezone')
    )
    (tmp_path / "publish.toml").write_text(toml)
    assert build(tmp_path, tmp_path / "out").exit_code == 0
    page = (tmp_path / "out/essays/why-we-gather/index.html").read_text()
    assert "2. September 2024" in page and '<html lang="de">' in page


def test_a_one_off_events_page_says_when_it_ends(tmp_path: Path) -> None:
    """A conference of three days showed its first day only, and a call its start only."""
    events = tmp_path / "content" / "events"
    events.mkdir(parents=True)
    head = "---\ntitle: {}\ndate: 2024-01-01\nid: {}\nkind: event\n"
    (events / "conf.md").write_text(
        head.format("Conf", "c1")
        + "starts: 2027-05-01\nends: 2027-05-03\nall_day: true\n---\n\nC.\n"
    )
    (events / "call.md").write_text(
        head.format("Call", "c2")
        + "starts: 2027-05-01T18:00\nends: 2027-05-01T19:30\ntimezone: Europe/Berlin\n---\n\nC.\n"
    )
    (tmp_path / "publish.toml").write_text('[site]\ntitle = "T"\nbase_url = "https://e.org/"\n')
    assert build(tmp_path, tmp_path / "out").exit_code == 0

    def when(page: str) -> str:
        text = (tmp_path / "out" / page).read_text(encoding="utf-8")
        return text.split("When: ", 1)[1].split("<", 1)[0]

    conf, call = when("events/conf/index.html"), when("events/call/index.html")
    assert "May 1" in conf and "May 3" in conf  # the first day and the last
    start, _, end = call.partition(" – ")
    assert "6:00" in start and "7:30" in end  # the start with its zone, then the end


def test_same_content_same_bytes(tmp_path: Path) -> None:
    made = []
    for name in ("a", "b"):
        root = tmp_path / name
        shutil.copytree(REPO / "content", root / "content")
        shutil.copy(REPO / "publish.toml", root / "publish.toml")
        assert build(root, root / "out").exit_code == 0
        made.append(
            {
                p.relative_to(root / "out").as_posix(): p.read_bytes()
                for p in (root / "out").rglob("*")
                if p.is_file() and not p.name.startswith(".publish")
            }
        )
    assert made[0] == made[1]


def test_footnotes_task_lists_tables_and_strikethrough(tmp_path: Path) -> None:
    (tmp_path / "content/essays").mkdir(parents=True)
    (tmp_path / "publish.toml").write_text('[site]\nbase_url = "https://c.example.org/"\n')
    (tmp_path / "content/essays/notes.md").write_text(
        "---\ntitle: Notes\ndate: 2025-01-02\nid: notes\n---\n\n"
        "A claim.[^1] ~~Old~~ new.\n\n- [ ] open\n- [x] done\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n[^1]: The source.\n"
    )
    assert build(tmp_path, tmp_path / "out").exit_code == 0
    tree = parse(tmp_path / "out/essays/notes/index.html")
    (ref,) = [a for a in tree.iter(XHTML + "a") if a.get("href", "").endswith("#fn-1")]
    assert ref.get("href") == "../../essays/notes/#fn-1"  # the same page: no reload
    assert [li.get("id") for li in tree.iter(XHTML + "li") if li.get("id")] == ["fn-1"]
    boxes = [i for i in tree.iter(XHTML + "input") if i.get("id") != "search-input"]
    assert [b.get("type") for b in boxes] == ["checkbox", "checkbox"]
    assert [b.get("checked") is not None for b in boxes] == [False, True]
    assert [text_of(d) for d in tree.iter(XHTML + "del")] == ["Old"]
    assert len(list(tree.iter(XHTML + "td"))) == 2


def test_search_off_removes_the_index_and_the_box(tmp_path: Path) -> None:
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copy(REPO / "publish.toml", tmp_path / "publish.toml")
    out = tmp_path / "out"
    (out / "pagefind").mkdir(parents=True)  # what an earlier version wrote: replaced
    (out / "pagefind/pagefind.js").write_text("")
    assert build(tmp_path, out).exit_code == 0
    assert (out / "search/manifest.json").is_file()
    assert not (out / "pagefind").exists()
    page = (out / "essays/why-we-gather/index.html").read_text()
    assert 'id="search"' in page and "search.js" in page
    (tmp_path / "publish.toml").write_text(
        (tmp_path / "publish.toml").read_text() + "\n[theme]\nsearch = false\n"
    )
    assert build(tmp_path, out).exit_code == 0
    assert not (out / "search").exists()
    page = (out / "essays/why-we-gather/index.html").read_text()
    assert 'id="search"' not in page and "search.js" not in page


def test_redirect_pages_only_for_page_addresses_and_never_over_a_page(tmp_path: Path) -> None:
    (tmp_path / "content/essays").mkdir(parents=True)
    (tmp_path / "publish.toml").write_text(
        '[site]\nbase_url = "https://c.example.org/sub/"\n\n[content.redirects]\n'
        '"/sub/old/b" = "essays/b.md"\n"/essays/a/" = "essays/b.md"\n'
    )
    (tmp_path / "content/essays/a.md").write_text(
        "---\ntitle: A\ndate: 2025-01-01\nid: a\naliases: [/2019/a.html, /files/a.pdf]\n---\n\nA.\n"
    )
    (tmp_path / "content/essays/b.md").write_text(
        "---\ntitle: B\ndate: 2025-01-02\nid: b\n---\n\nB.\n"
    )
    result = build(tmp_path, tmp_path / "out")
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    refresh = attrs(parse(out / "2019/a.html"), "meta", http_equiv="refresh")[0]["content"]
    assert refresh == "0; url=../essays/a/"
    assert not (out / "files").exists()  # a PDF's old address is no page
    assert attrs(
        parse(out / "old/b/index.html"), "meta", http_equiv="refresh"
    )  # base path kept off
    assert not attrs(parse(out / "essays/a/index.html"), "meta", http_equiv="refresh")  # A stays
    urls = [u.findtext(SITEMAP + "loc") for u in ET.parse(out / "sitemap.xml").getroot()]
    assert "https://c.example.org/sub/" in urls  # the home page, generated


def test_a_sections_list_marks_its_own_menu_entry(bundled: Path) -> None:
    """The menu marked the page read only by its source file: a section's list (no file)
    had its own entry unmarked, so a reader on /essays/ saw no place in the menu."""
    for section, title in (("essays", "Essays"), ("episodes", "Episodes")):
        tree = parse(bundled / section / "index.html")
        marked = [
            text_of(a)
            for a in tree.iter(XHTML + "a")  # type: ignore[attr-defined]
            if a.get("aria-current") == "page"
        ]
        assert marked == [title], section


def test_tags_lists_every_tag_with_its_items(tmp_path: Path) -> None:
    """``/tags/`` was no page (a reader's link to it found a directory listing or a 404; a
    helper's finding): Hugo's taxonomy page lists each tag with its count."""
    root = tmp_path / "site"
    (root / "content/essays").mkdir(parents=True)
    (root / "publish.toml").write_text('[site]\ntitle = "S"\nbase_url = "https://s.example/"\n')
    for n, tags in enumerate((["tea", "Milk & honey"], ["tea"]), 1):
        front = f"---\ntitle: E{n}\ndate: 2024-01-0{n}\nid: e{n}\ntags: {tags!r}\n---\nText.\n"
        (root / f"content/essays/e{n}.md").write_text(front, encoding="utf-8")
    result = build(root, root / "out")
    assert result.exit_code == 0, result.output
    page = (root / "out/tags/index.html").read_text(encoding="utf-8")
    terms = re.findall(r'<li><a href="([^"]+)">([^<]+)</a> <span class="meta">\((\d+)\)', page)
    assert [(label, int(n)) for _, label, n in terms] == [("#Milk &amp; honey", 1), ("#tea", 2)]
    for href, _, _ in terms:  # each a tag's own list
        assert (root / "out/tags" / href / "index.html").resolve().is_file(), href
    assert "<h1>Tags</h1>" in page


def test_a_page_without_tags_ends_without_an_empty_block(handbook: Path) -> None:
    """Every untagged page ended its article with ``<div></div>`` (a helper's finding)."""
    pages = list(handbook.rglob("index.html"))
    assert pages and not [p for p in pages if "<div></div>" in p.read_text(encoding="utf-8")]


def test_a_title_taken_from_an_h1_below_a_badge_is_shown_once(tmp_path: Path) -> None:
    """A README's badge above its ``# Title``: the H1 titles the page and stays where it is
    written, so the page shows it as its title and no second one above it (two H1s of one
    title before); a page with a ``title`` key shows it above a body's own H1."""
    pages = {
        "badge": "![build](https://img.example/badge.svg)\n\n# My Project\n\nText.\n\n## Usage\n",
        "titled": "# Part One\n\nText.\n",
        "opening": "# Opening Title\n\nText.\n",
    }
    for n, (slug, body) in enumerate(pages.items()):
        title = "title: An Essay\n" if slug == "titled" else ""
        front = f"---\n{title}date: 2024-01-0{n + 1}\nid: {slug}\n---\n"
        (tmp_path / "content" / "essays").mkdir(parents=True, exist_ok=True)
        (tmp_path / "content" / "essays" / f"{slug}.md").write_text(front + body)
    (tmp_path / "publish.toml").write_text('[site]\ntitle = "T"\nbase_url = "https://e.org/"\n')
    assert build(tmp_path, tmp_path / "out").exit_code == 0

    def h1s(slug: str) -> list[str]:
        page = (tmp_path / "out" / "essays" / slug / "index.html").read_text()
        return re.findall(r"<h1[^>]*>.*?</h1>", page)

    assert h1s("badge") == ['<h1 id="my-project">My Project</h1>']
    assert h1s("titled") == ["<h1>An Essay</h1>", '<h1 id="part-one">Part One</h1>']
    assert h1s("opening") == ['<h1 id="opening-title">Opening Title</h1>']
    feed = (tmp_path / "out" / "rss.xml").read_text()
    assert "<title>My Project</title>" in feed  # the item's title, as before
