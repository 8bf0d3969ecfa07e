"""What publish import says is true and reads right: one post, one episode, one source
problem; a length of 0 is an unknown length; an undated item is said to be dated as it is
written (1970-01-01 when no item of the feed has a date, else the newest item's date)."""

from __future__ import annotations

from pathlib import Path

from tests.importers.conftest import front_matter, imported

PODCAST = """\
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>Show</title><description>d</description><language>en</language>
<itunes:image href="https://old.example.com/cover.jpg"/><itunes:category text="Technology"/>
<itunes:owner><itunes:name>O</itunes:name><itunes:email>o@example.com</itunes:email></itunes:owner>
<item><title>Ep</title><guid>e1</guid><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>
<enclosure url="https://cdn.example.com/1.mp3" length="0" type="audio/mpeg"/></item>
</channel></rss>
"""


def test_one_episode_with_length_0_is_said_so(home: Path) -> None:
    result = imported(home, "podcast", PODCAST)
    assert (
        "warning: feed.xml:6: enclosure: length unknown (0): left out, the build asks the "
        "server for the file's size\n"
    ) in result.stderr
    assert "Imported 1 episode from feed.xml: 1 new," in result.stderr
    # and the show's podcast:guid, which nothing in a saved feed names
    assert "2 source problems\n" in result.stderr
    assert "length" not in front_matter(home / "content" / "episodes" / "ep.md")


RSS = """\
<?xml version="1.0"?>
<rss version="0.91"><channel><title>Old</title><link>https://old.example.com/</link>
{items}</channel></rss>
"""
UNDATED = "<item><title>First</title><link>https://old.example.com/first</link></item>\n"
DATED = (
    "<item><title>Second</title><link>https://old.example.com/second</link>"
    "<pubDate>Tue, 02 Jan 2024 10:00:00 +0100</pubDate></item>\n"
)


def test_when_no_item_is_dated_the_warning_names_the_date_written(home: Path) -> None:
    result = imported(home, "feed", RSS.format(items=UNDATED))
    assert (
        "warning: feed.xml:3: date: missing or unreadable: written as a draft dated "
        "1970-01-01T00:00:00+00:00 (no item of the source has a date); set its date and "
        "remove 'draft' to publish it\n"
    ) in result.stderr
    assert "dated like the newest item" not in result.stderr
    front = front_matter(home / "content" / "essays" / "first.md")
    assert (front["date"], front["draft"]) == ("1970-01-01T00:00:00+00:00", True)
    assert "Imported 1 post from feed.xml: 1 new," in result.stderr


def test_an_undated_item_is_said_to_be_dated_like_the_newest(home: Path) -> None:
    result = imported(home, "feed", RSS.format(items=UNDATED + DATED))
    assert (
        "warning: feed.xml:3: date: missing or unreadable: written as a draft dated "
        "2024-01-02T10:00:00+01:00 (the newest item's date);"
    ) in result.stderr
    assert front_matter(home / "content" / "essays" / "first.md")["date"] == (
        "2024-01-02T10:00:00+01:00"
    )
    assert "Imported 2 posts from feed.xml" in result.stderr
