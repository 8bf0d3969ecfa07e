"""publish import feed: a Mastodon post's photo comes as `media:content`, not in its text;
it is added to the body (named at its line) so the page shows it; a picture the body
already shows (Ghost's feature image) is not added twice; other media are named."""

from __future__ import annotations

from pathlib import Path

from tests.importers.conftest import imported, publish

MASTODON = """\
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Jane</title><description>x</description><link>https://mastodon.social/@jane</link>
<item><guid isPermaLink="true">https://mastodon.social/@jane/111</guid>
<link>https://mastodon.social/@jane/111</link><pubDate>Mon, 01 Jan 2024 10:00:00 +0000</pubDate>
<description>&lt;p&gt;Look&lt;/p&gt;</description>
<media:content url="https://files.mastodon.social/a.png" type="image/png" medium="image">
<media:description type="plain">A &quot;red&quot; kite</media:description></media:content>
<media:content url="https://files.mastodon.social/b.mp4" type="video/mp4" medium="video"/>
</item>
<item><title>Ghost post</title><guid isPermaLink="false">62a</guid>
<link>https://mastodon.social/ghost-post/</link><pubDate>Mon, 01 Jan 2024 11:00:00 +0000</pubDate>
<description>&lt;img src="https://files.mastodon.social/c.jpg"&gt;&lt;p&gt;Text&lt;/p&gt;</description>
<media:content url="https://files.mastodon.social/c.jpg" medium="image"/>
</item>
</channel></rss>
"""


def test_media_content_picture_is_shown(home: Path) -> None:
    result = imported(home, "feed", MASTODON)
    body = (home / "content" / "essays" / "111.md").read_text(encoding="utf-8")
    assert '<img src="https://files.mastodon.social/a.png" alt="A &quot;red&quot; kite">' in body
    assert "feed.xml:4: media:content: picture 'https://files.mastodon.social/a.png'" in (
        result.stderr
    )
    assert "feed.xml:4: media:content: 'https://files.mastodon.social/b.mp4'" in result.stderr
    ghost = (home / "content" / "essays" / "ghost-post.md").read_text(encoding="utf-8")
    assert ghost.count("c.jpg") == 1
    assert publish("build").exit_code == 0
    page = (home / "feeds" / "essays" / "111" / "index.html").read_text(encoding="utf-8")
    assert "https://files.mastodon.social/a.png" in page


MICRO_BLOG = """\
{"version": "https://jsonfeed.org/version/1.1", "title": "M",
 "home_page_url": "https://jane.micro.blog/", "items": [
 {"id": "1", "url": "https://jane.micro.blog/2024/01/01/tea.html", "content_text": "Tea & cake.",
  "date_published": "2024-01-01T11:00:00+00:00", "image": "https://jane.micro.blog/t.jpg",
  "attachments": [{"url": "https://jane.micro.blog/a.mp3", "mime_type": "audio/mpeg"}]}]}
"""


def test_json_feed_image_shown_and_attachments_named(home: Path) -> None:
    (home / "feed.json").write_text(MICRO_BLOG, encoding="utf-8")
    result = publish("import", "feed", "feed.json")
    assert result.exit_code == 0, result.output
    body = (home / "content" / "essays" / "tea.md").read_text(encoding="utf-8")
    assert "<p>Tea &amp; cake.</p>" in body
    assert '<img src="https://jane.micro.blog/t.jpg" alt="">' in body
    assert "feed.json:1: items[1] image: picture" in result.stderr
    assert "feed.json:1: attachments:" in result.stderr
    assert "items[1]" in result.stderr.split("attachments:")[1].splitlines()[0]
    assert publish("build").exit_code == 0
