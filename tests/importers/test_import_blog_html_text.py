"""publish import feed: text a blog gives as HTML shows as the blog showed it, never as
markup or character references written out (WordPress's `[&#8230;]` excerpt, an Atom
`type="html"` title with tags in it), and the build accepts what was written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.importers.conftest import front_matter, imported, publish
from tests.timing import assert_linear

WORDPRESS = """\
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>My WP</title><link>https://blog.example.com</link><description>x</description>
<item><title>Don&#8217;t panic</title><link>https://blog.example.com/2020/01/dont-panic/</link>
<dc:creator><![CDATA[Jane Doe]]></dc:creator><pubDate>Wed, 01 Jan 2020 10:00:00 +0000</pubDate>
<category><![CDATA[Food & Drink]]></category>
<guid isPermaLink="false">https://blog.example.com/?p=12</guid>
<description><![CDATA[Fish &amp; chips, then more [&#8230;]]]></description>
<content:encoded><![CDATA[<p>Fish &amp; chips, then more.</p><p>And more.</p>]]></content:encoded>
</item></channel></rss>
"""

BLOGGER = """\
<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns='http://www.w3.org/2005/Atom' xmlns:thr='http://purl.org/syndication/thread/1.0'>
<id>tag:blogger.com,1999:blog-1</id><updated>2020-01-01T00:00:00Z</updated>
<title type='text'>B</title><link rel='alternate' type='text/html' href='https://b.blogspot.com/'/>
<entry><id>tag:blogger.com,1999:blog-1.post-2</id>
<published>2020-01-01T00:00:00.000-08:00</published>
<title type='html'>Tom &amp;amp; Jerry &lt;em&gt;again&lt;/em&gt;</title>
<content type='html'>&lt;p&gt;Hi&lt;/p&gt;</content>
<link rel='alternate' type='text/html' href='https://b.blogspot.com/2020/01/x.html' title='Tom'/>
<thr:total>0</thr:total></entry></feed>
"""


def test_wordpress_excerpt_references_are_read(home: Path) -> None:
    imported(home, "feed", WORDPRESS)
    front = front_matter(home / "content" / "essays" / "dont-panic.md")
    assert front["description"] == "Fish & chips, then more […]"
    assert front["title"] == "Don\u2019t panic"
    assert front["tags"] == ["Food & Drink"]
    assert publish("build").exit_code == 0


def test_atom_html_title_is_its_text(home: Path) -> None:
    imported(home, "feed", BLOGGER)
    front = front_matter(home / "content" / "essays" / "x.md")
    assert front["title"] == "Tom & Jerry again"
    assert front["aliases"] == ["/2020/01/x.html"]
    assert publish("build").exit_code == 0


MASTODON = """\
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Jane</title><link>https://mastodon.example/@jane</link>
<description>x</description>
<item><guid isPermaLink="true">https://mastodon.example/@jane/111</guid>
<link>https://mastodon.example/@jane/111</link><pubDate>Wed, 01 Jan 2020 10:00:00 +0000</pubDate>
<description>&lt;p&gt;Our &lt;em&gt;community call&lt;/em&gt; moves to Thursdays from next week, same time, same room: see you there!&lt;/p&gt;</description>
</item></channel></rss>
"""


def test_a_post_without_a_title_takes_the_start_of_its_text(home: Path) -> None:
    """A Mastodon post has no title: its URL was its title on every page and list."""
    result = imported(home, "feed", MASTODON)
    (page,) = (home / "content" / "essays").glob("*.md")
    title = front_matter(page)["title"]
    assert title.startswith("Our community call moves to Thursdays") and title.endswith("…")
    assert len(title) <= 60
    assert "feed.xml:4: title: missing: its text's start is the title" in result.stderr
    assert publish("build").exit_code == 0


def test_hostile_markup_in_a_title_or_a_title_less_body_is_read_in_linear_time() -> None:
    """The text of an html title and of a title-less post was read with html.parser, which
    took quadratic time on ``<a `` repeated (6.5 s at 10,000) and raised an AssertionError on
    ``<![`` (a crash of the import); they are read as every other HTML text is."""
    from pipeline.importers.feed import read_feed

    def feed(n: int) -> bytes:
        title = "&lt;![" * 50 + "&lt;a " * n
        body = "&lt;a b=&quot;" * n
        return (
            BLOGGER.replace("Tom &amp;amp; Jerry &lt;em&gt;again&lt;/em&gt;", title)
            .replace("&lt;p&gt;Hi&lt;/p&gt;", body)
            .encode()
        )

    read_feed(feed(100), "feed.xml")  # warm up; no AssertionError
    assert_linear(lambda n: read_feed(feed(n), "feed.xml"), 2_000)


ATOM_TEXT = """\
<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:x</id><title>T</title>
<updated>2024-06-01T00:00:00Z</updated><link rel="alternate" href="https://old.example.com/"/>
<entry><id>urn:a</id><title>How to write a script tag</title>
<updated>2024-06-01T00:00:00Z</updated><link href="https://old.example.com/a"/>
<content type="text">Write &lt;script src="app.js"&gt;&lt;/script&gt; in the head.
Use &lt;b&gt; for bold, &amp;amp; for an ampersand.</content></entry>
<entry><id>urn:b</id><title>Untyped</title><updated>2024-06-02T00:00:00Z</updated>
<link href="https://old.example.com/b"/>
<summary>a &lt;img src=x onerror=alert(1)&gt; b</summary></entry>
</feed>
"""


def test_atom_text_content_is_text_as_the_author_wrote_it(home: Path) -> None:
    """Atom content of ``type="text"`` (the type when none is said, RFC 4287) was imported as
    HTML: the escaped ``<script>`` an author wrote about became a script tag in the Markdown,
    the build's sanitizer dropped it ("Write  in the head"), and the ``<b>`` made the rest bold."""
    imported(home, "feed", ATOM_TEXT)
    written = {
        p.name: p.read_text(encoding="utf-8") for p in (home / "content" / "essays").glob("*.md")
    }
    body = written["a.md"].split("---\n", 2)[2]
    assert "<script" not in body and "<b>" not in body
    assert "&lt;script src=&quot;app.js&quot;&gt;" in body or '&lt;script src="app.js"&gt;' in body
    assert "&amp;amp; for an ampersand" in body
    assert "<img" not in written["b.md"]
    result = publish("build")
    assert result.exit_code == 0, result.output
    page = next(p for p in home.rglob("a/index.html") if "essays" in p.parts).read_text()
    assert 'Write &lt;script src="app.js"&gt;&lt;/script&gt; in the head.' in page
    assert "&amp;amp; for an ampersand" in page


@pytest.mark.parametrize("kind", ["atom", "rss", "json"])
def test_a_paged_blog_feed_says_its_older_posts_were_not_imported(home: Path, kind: str) -> None:
    """Blogger serves 25 posts a page with ``<link rel='next'>`` (WordPress and JSON Feed
    page too): ``import feed`` read the first page and said nothing of the rest (``import
    podcast`` said so)."""
    nxt = "https://b.example.com/feeds/posts/default?start-index=26"
    feed = {
        "atom": BLOGGER.replace(
            "<title type='text'>B</title>",
            f"<title type='text'>B</title><link rel='next' href='{nxt}'/>",
        ),
        "rss": WORDPRESS.replace(
            "<channel>",
            f'<channel><atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="next" href="{nxt}"/>',
        ),
        "json": json.dumps(
            {
                "version": "https://jsonfeed.org/version/1.1",
                "title": "J",
                "next_url": nxt,
                "items": [{"id": "1", "url": "https://j.example.com/1", "content_text": "x"}],
            }
        ),
    }[kind]
    result = imported(home, "feed", feed)
    where = {
        "atom": "feed.xml:4: atom:link",
        "rss": "feed.xml:4: atom:link",
        "json": "feed.xml:1: next_url",
    }
    assert (
        f"{where[kind]}: the feed is one page of several: its older posts are on the next page, "
        f"'{nxt}', and were not imported"
    ) in result.stderr
