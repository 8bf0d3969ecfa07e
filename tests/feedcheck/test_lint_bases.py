"""URLs a reader cannot follow, wherever a feed keeps them: ``srcset`` candidates, the
channel's logo, Atom entry links and ``type="xhtml"`` content; and none flagged where an
Atom ``xml:base`` resolves them, as readers do (RFC 4287 section 2)."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.feedcheck import HARD, LintResult, lint_feed

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>T</title><link>https://x.example.org/</link><description>d</description>
<language>en</language>
<atom:link href="https://x.example.org/rss.xml" rel="self" type="application/rss+xml"/>
{image}
<item><title>a</title><link>https://x.example.org/a</link><guid isPermaLink="false">a</guid>
<pubDate>Mon, 01 Jan 2024 00:00:00 GMT</pubDate><description>{description}</description></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"{base}>
<id>tag:x.example.org,2024:feed</id><title>t</title><updated>2024-01-01T00:00:00Z</updated>
<author><name>a</name></author><link rel="self" href="https://x.example.org/atom.xml"/>
<entry><id>tag:x.example.org,2024:1</id><title>e</title><updated>2024-01-01T00:00:00Z</updated>
<link href="{link}"/>{content}</entry>
</feed>
"""
HTML_CONTENT = '<content type="html">&lt;a href="other/"&gt;x&lt;/a&gt;</content>'
XHTML_CONTENT = (
    '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
    '<p><a href="rel/">x</a> <img src="https://x.example.org/i.png" srcset="i2.png 2x"/></p>'
    "</div></content>"
)


def relative(results: list[LintResult]) -> list[tuple[str, str, str]]:
    rules = ("rss.html.absolute-urls", "rss.item.link-absolute", "rss.channel.link-absolute")
    return [(r.rule, r.where, r.message) for r in results if r.rule in rules]


def test_relative_srcset_candidates_are_relative_urls() -> None:
    description = (
        '&lt;img src="https://x.example.org/a.png" srcset="a.png 1x, '
        'https://x.example.org/b.png 2x,c.png 3x"&gt;'
    )
    feed = RSS.format(image="", description=description).encode()
    assert relative(lint_feed(feed, podcast=False)) == [
        (
            "rss.html.absolute-urls",
            "item 1 (a)",
            "description has relative URLs ('a.png', 'c.png'); readers cannot resolve them",
        )
    ]


def test_absolute_srcset_candidates_pass() -> None:
    description = (
        '&lt;img srcset="https://x.example.org/a.png 1x, https://x.example.org/b,c.png 2x"&gt;'
    )
    feed = RSS.format(image="", description=description).encode()
    assert relative(lint_feed(feed, podcast=False)) == []


def test_a_relative_channel_logo_is_named() -> None:
    image = "<image><url>logo.png</url><title>T</title><link>https://x.example.org/</link></image>"
    feed = RSS.format(image=image, description="d").encode()
    assert feedparser.parse(feed).feed.image.href == "logo.png"  # what a reader would fetch
    assert relative(lint_feed(feed, podcast=False)) == [
        (
            "rss.channel.link-absolute",
            "channel",
            "channel image url 'logo.png' is not absolute",
        )
    ]


def test_an_absolute_xml_base_resolves_relative_urls_in_atom() -> None:
    feed = ATOM.format(
        base=' xml:base="https://x.example.org/blog/"', link="post/", content=HTML_CONTENT
    ).encode()
    entry = feedparser.parse(feed).entries[0]  # what a reader follows
    assert entry.link == "https://x.example.org/blog/post/"
    assert 'href="https://x.example.org/blog/other/"' in entry.content[0].value
    results = lint_feed(feed, podcast=False)
    assert [r for r in results if r.severity == HARD] == []


def test_a_relative_xml_base_resolves_nothing() -> None:
    feed = ATOM.format(base=' xml:base="/blog/"', link="post/", content=HTML_CONTENT).encode()
    assert relative(lint_feed(feed, podcast=False)) == [
        (
            "rss.item.link-absolute",
            "entry 1",
            "entry link 'post/' is not absolute and no xml:base resolves it",
        ),
        (
            "rss.html.absolute-urls",
            "entry 1",
            "content has relative URLs ('other/'); readers cannot resolve them",
        ),
    ]


def test_xhtml_content_is_checked_as_parsed() -> None:
    feed = ATOM.format(base="", link="https://x.example.org/e", content=XHTML_CONTENT)
    assert relative(lint_feed(feed.encode(), podcast=False)) == [
        (
            "rss.html.absolute-urls",
            "entry 1",
            "content has relative URLs ('rel/', 'i2.png'); readers cannot resolve them",
        )
    ]
    active = feed.replace("<p>", '<p onclick="x()"><script>alert(1)</script>')
    results = lint_feed(active.encode(), podcast=False)
    assert [r.where for r in results if r.rule == "rss.html.no-active-content"] == ["entry 1"]


def test_xml_base_inside_xhtml_content_applies_below_it() -> None:
    content = XHTML_CONTENT.replace(
        '<div xmlns="http://www.w3.org/1999/xhtml">',
        '<div xmlns="http://www.w3.org/1999/xhtml" xml:base="https://x.example.org/">',
    )
    feed = ATOM.format(base="", link="https://x.example.org/e", content=content).encode()
    assert relative(lint_feed(feed, podcast=False)) == []


def test_lint_feed_exit_code_follows_xml_base(tmp_path: Path) -> None:
    folder = tmp_path
    based = folder / "based.xml"
    based.write_text(
        ATOM.format(base=' xml:base="https://x.example.org/"', link="p/", content=HTML_CONTENT)
    )
    unbased = folder / "unbased.xml"
    unbased.write_text(ATOM.format(base="", link="p/", content=HTML_CONTENT))
    runner = CliRunner()
    assert runner.invoke(main, ["lint-feed", str(based)]).exit_code == 0
    assert runner.invoke(main, ["lint-feed", str(unbased)]).exit_code == 2


def _atom_file(path: Path, base: str, link: str) -> Path:
    path.write_text(ATOM.format(base=base, link=link, content=""), encoding="utf-8")
    return path


def test_feed_diff_follows_links_as_xml_base_resolves_them(tmp_path: Path) -> None:
    relative = _atom_file(tmp_path / "a.xml", ' xml:base="https://x.example.org/blog/"', "post/")
    absolute = _atom_file(tmp_path / "b.xml", "", "https://x.example.org/blog/post/")
    moved = _atom_file(tmp_path / "c.xml", ' xml:base="https://y.example.org/"', "post/")
    runner = CliRunner()
    same = runner.invoke(main, ["feed-diff", "--format", "json", str(relative), str(absolute)])
    assert same.exit_code == 0, same.output
    assert json.loads(same.stdout)["changes"] == []
    changed = runner.invoke(main, ["feed-diff", "--format", "json", str(relative), str(moved)])
    assert changed.exit_code == 0, changed.output
    links = [c for c in json.loads(changed.stdout)["changes"] if c["kind"] == "link"]
    assert [(c["before"], c["after"]) for c in links] == [
        ("https://x.example.org/blog/post/", "https://y.example.org/post/")
    ]


def test_json_feed_urls_must_be_absolute() -> None:
    """JSON Feed has no base URL: a relative item url, image or attachment links nowhere."""
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "t",
        "home_page_url": "https://x.example.org/",
        "feed_url": "https://x.example.org/feed.json",
        "items": [
            {
                "id": "a",
                "url": "post/",
                "image": "/img.png",
                "content_html": "<p>x</p>",
                "attachments": [{"url": "a.mp3", "mime_type": "audio/mpeg"}],
            },
            {
                "id": "b",
                "url": "https://x.example.org/b/",
                "external_url": "https://elsewhere.example/",
                "content_text": "x",
                "attachments": [{"url": "https://x.example.org/b.mp3", "mime_type": "audio/mpeg"}],
            },
        ],
    }
    results = lint_feed(json.dumps(doc).encode(), podcast=False)
    assert [(r.rule, r.where, r.message) for r in results if r.severity == HARD] == [
        ("json.attachments", "item 1", "attachment url 'a.mp3' is not an absolute http(s) URL"),
        ("rss.item.link-absolute", "item 1", "url 'post/' is not an absolute http(s) URL"),
        ("rss.item.link-absolute", "item 1", "image '/img.png' is not an absolute http(s) URL"),
    ]
