"""publish import: a feed FeedBurner served has every item's ``<link>`` (and a podcast's
enclosure) rewritten to its proxy; ``feedburner:origLink`` and
``feedburner:origEnclosureLink`` hold the real ones. Those are the item's link (so its alias
on the old site) and the episode's audio; what apps know an item by stays what they saw."""

from __future__ import annotations

from pathlib import Path

from tests.importers.conftest import front_matter, imported, publish

PODCAST = """\
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" \
xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0">
<channel><title>Show</title><link>https://old.example.com/</link><description>d</description>
<language>en</language><itunes:image href="https://old.example.com/cover.jpg"/>
<itunes:category text="Technology"/><itunes:explicit>false</itunes:explicit>
<itunes:owner><itunes:name>O</itunes:name><itunes:email>o@example.com</itunes:email></itunes:owner>
<item><title>Episode One</title><link>http://feedproxy.google.com/~r/Show/~3/AbC123/</link>\
<guid isPermaLink="false">ep-1</guid><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>\
<enclosure url="http://feedproxy.google.com/~r/Show/~5/XyZ/one.mp3" length="1000" type="audio/mpeg"/>\
<feedburner:origLink>https://old.example.com/episodes/one</feedburner:origLink>\
<feedburner:origEnclosureLink>https://cdn.example.com/one.mp3</feedburner:origEnclosureLink></item>
<item><title>Episode Two</title><link>http://feedproxy.google.com/~r/Show/~3/DeF456/</link>\
<pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate>\
<enclosure url="http://feedproxy.google.com/~r/Show/~5/Qrs/two.mp3" length="1000" type="audio/mpeg"/>\
<feedburner:origLink>https://old.example.com/episodes/two</feedburner:origLink>\
<feedburner:origEnclosureLink>https://cdn.example.com/two.mp3</feedburner:origEnclosureLink></item>
<item><title>Episode Three</title><link>https://old.example.com/episodes/three</link>\
<guid isPermaLink="false">ep-3</guid><pubDate>Wed, 03 Jan 2024 10:00:00 GMT</pubDate>\
<enclosure url="https://cdn.example.com/three.mp3" length="1000" type="audio/mpeg"/></item>
</channel></rss>
"""
"""The items at lines 7, 8 and 9; the third never went through FeedBurner."""


def test_orig_link_and_orig_enclosure_link_are_the_episodes_own(home: Path) -> None:
    result = imported(home, "podcast", PODCAST)
    episodes = home / "content" / "episodes"
    assert sorted(p.name for p in episodes.iterdir()) == ["one.md", "three.md", "two.md"]
    one, two, three = (front_matter(episodes / f"{n}.md") for n in ("one", "two", "three"))
    assert one["aliases"] == ["/episodes/one"]
    assert two["aliases"] == ["/episodes/two"]
    assert three["aliases"] == ["/episodes/three"]
    assert one["audio"] == "https://cdn.example.com/one.mp3"
    assert two["audio"] == "https://cdn.example.com/two.mp3"
    assert three["audio"] == "https://cdn.example.com/three.mp3"
    assert one["guid"] == "ep-1"
    # without a <guid>, apps know an episode by the enclosure URL they saw: FeedBurner's
    assert two["guid"] == "http://feedproxy.google.com/~r/Show/~5/Qrs/two.mp3"
    assert (
        "warning: feed.xml:7: feedburner:origEnclosureLink: 2 written as the audio instead of "
        "FeedBurner's <enclosure> URL (its proxy, which apps downloaded through), in the items "
        "at lines 7, 8\n"
    ) in result.stderr
    assert "feedproxy.google.com, not on old.example.com" not in result.stderr
    assert "3 episodes from feed.xml: 3 new, 0 updated, 0 unchanged, 0 left alone, 3 source" in (
        result.stderr
    )


def test_verify_counts_the_reported_enclosure_moves_as_expected(home: Path) -> None:
    (home / "feed.xml").write_text(PODCAST, encoding="utf-8")
    result = publish("import", "podcast", "feed.xml", "--verify")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == (
        "Verified: 0 GUID changes, 0 enclosure URL changes besides the 2 the import reported, "
        "3 of 3 episodes present in podcast.xml"
    )


BLOG = """\
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0">
<channel><title>Blog</title><link>https://old.example.com/</link><description>d</description>
<item><title>First post</title><link>http://feedproxy.google.com/~r/Blog/~3/AbC/</link>\
<guid isPermaLink="false">post-1</guid><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>\
<description>one</description>\
<feedburner:origLink>https://old.example.com/2024/01/first-post.html</feedburner:origLink></item>
<item><title>Second post</title><link>http://feedproxy.google.com/~r/Blog/~3/DeF/</link>\
<pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate><description>two</description>\
<feedburner:origLink>https://old.example.com/2024/01/second-post.html</feedburner:origLink></item>
</channel></rss>
"""


def test_a_blogs_orig_link_is_its_alias_and_its_file_name(home: Path) -> None:
    result = imported(home, "feed", BLOG)
    essays = home / "content" / "essays"
    assert sorted(p.name for p in essays.iterdir()) == ["first-post.md", "second-post.md"]
    first, second = (front_matter(essays / f"{n}.md") for n in ("first-post", "second-post"))
    assert first["aliases"] == ["/2024/01/first-post.html"]
    assert second["aliases"] == ["/2024/01/second-post.html"]
    assert first["guid"] == "post-1"
    # without a <guid>, readers know a post by the link they saw: FeedBurner's
    assert second["guid"] == "http://feedproxy.google.com/~r/Blog/~3/DeF/"
    assert ("warning: feed.xml:5: id: no id: its link is kept as GUID\n") in result.stderr
    assert "feedproxy.google.com" not in result.stderr


ATOM = """\
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0">
<title>Blog</title><link rel="alternate" href="https://old.example.com/"/><id>urn:blog</id>
<updated>2024-01-01T10:00:00Z</updated>
<entry><title>Atom post</title><id>tag:old.example.com,2024:1</id>
<link rel="alternate" href="http://feedproxy.google.com/~r/Blog/~3/GhI/"/>
<feedburner:origLink>https://old.example.com/2024/01/atom-post/</feedburner:origLink>
<published>2024-01-01T10:00:00Z</published><content type="html">&lt;p&gt;x&lt;/p&gt;</content></entry>
</feed>
"""


def test_an_atom_entrys_orig_link_is_its_alias(home: Path) -> None:
    imported(home, "feed", ATOM)
    front = front_matter(home / "content" / "essays" / "atom-post.md")
    assert front["aliases"] == ["/2024/01/atom-post/"]
    assert front["guid"] == "tag:old.example.com,2024:1"
