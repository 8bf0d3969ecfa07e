"""A date's time zone is read or the item is named, never shifted in silence: an RFC 822
offset written with a colon (``+05:30``, common in real feeds) and the zone abbreviations
feeds write that RFC 822 does not define (``CEST``) keep their offset; a zone no table
says for sure (``IST``: India, Ireland or Israel) is read as UTC, as before, but the item
is named at its line (it was shifted in silence)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.importers.conftest import front_matter, imported, podcast_head, publish

HEAD = podcast_head()
"""Five lines: the first item is line 6."""

ZONES = [
    ("Mon, 01 Jan 2024 10:00:00 +05:30", "2024-01-01T10:00:00+05:30"),
    ("Mon, 01 Jan 2024 10:00:00 CEST", "2024-01-01T10:00:00+02:00"),
    ("Mon, 01 Jan 2024 10:00:00 -03:30", "2024-01-01T10:00:00-03:30"),
    ("Mon, 01 Jan 2024 10:00:00+05:45", "2024-01-01T10:00:00+05:45"),
    ("Mon, 01 Jan 2024 10:00:00 AEDT", "2024-01-01T10:00:00+11:00"),
    ("Mon, 01 Jan 2024 10:00:00 +0200 (CEST)", "2024-01-01T10:00:00+02:00"),
    ("Mon, 01 Jan 2024 10:00:00 EST", "2024-01-01T10:00:00-05:00"),
    ("Mon, 01 Jan 2024 10:00:00 GMT", "2024-01-01T10:00:00+00:00"),
    ("Mon, 01 Jan 2024 10:00:00", "2024-01-01T10:00:00+00:00"),  # no zone: UTC, said
    ("2024-01-01T10:00:00+05:30", "2024-01-01T10:00:00+05:30"),  # ISO 8601
]


def _item(n: int, date: str) -> str:
    return (
        f"<item><title>Episode {n}</title><guid>ep-{n}</guid><pubDate>{date}</pubDate>"
        f'<enclosure url="https://cdn.example.com/{n}.mp3" length="1000" type="audio/mpeg"/>'
        "</item>\n"
    )


def test_offsets_and_zone_names_are_kept(home: Path) -> None:
    items = "".join(_item(n, raw) for n, (raw, _) in enumerate(ZONES, 1))
    result = imported(home, "podcast", HEAD + items + "</channel></rss>\n")
    warned = [ln for ln in result.stderr.splitlines() if ln.startswith("warning:")]
    assert len(warned) == 2 and "podcast:guid: none in the feed" in warned[0], warned
    # the date that names no zone: read as UTC, and said (it was taken in silence)
    assert warned[1] == (
        "warning: feed.xml:14: pubDate: no time zone: taken as UTC, as podcast apps read it; "
        "check the date"
    )
    for n, (raw, written) in enumerate(ZONES, 1):
        front = front_matter(home / "content" / "episodes" / f"episode-{n}.md")
        assert (front["date"], "draft" in front) == (written, False), raw
    built = publish("build")
    assert built.exit_code == 0, built.output


@pytest.mark.parametrize("zone", ["IST", "XYZ", "+25:00"])
def test_a_zone_not_read_is_taken_as_utc_and_named_at_the_item(home: Path, zone: str) -> None:
    feed = HEAD + _item(1, "Mon, 01 Jan 2024 10:00:00 +0100")
    feed += _item(2, f"Tue, 02 Jan 2024 10:00:00 {zone}") + "</channel></rss>\n"
    result = imported(home, "podcast", feed)
    assert (
        f"warning: feed.xml:7: pubDate: time zone '{zone}' not read (it names several zones, "
        "or none): taken as UTC"
    ) in result.stderr
    front = front_matter(home / "content" / "episodes" / "episode-2.md")
    assert "draft" not in front
    assert front["date"] == "2024-01-02T10:00:00+00:00"
    assert "feed.xml:6" not in result.stderr  # the other item's zone is read
    built = publish("build")
    assert built.exit_code == 0, built.output


def test_a_blog_feed_keeps_a_colon_offset(home: Path) -> None:
    feed = (
        '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Blog</title>'
        "<link>https://old.example.com/</link><description>d</description>\n"
        "<item><title>Post</title><guid>p-1</guid><link>https://old.example.com/post</link>"
        "<pubDate>Mon, 01 Jan 2024 10:00:00 +05:30</pubDate>"
        "<description>Text.</description></item>\n</channel></rss>\n"
    )
    imported(home, "feed", feed)
    front = front_matter(home / "content" / "essays" / "post.md")
    assert front["date"] == "2024-01-01T10:00:00+05:30"
    built = publish("build")
    assert built.exit_code == 0, built.output


def test_a_blog_feed_names_a_zone_it_took_as_utc(home: Path) -> None:
    feed = (
        '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Blog</title>'
        "<link>https://old.example.com/</link><description>d</description>\n"
        "<item><title>Post</title><guid>p-1</guid><link>https://old.example.com/post</link>"
        "<pubDate>Mon, 01 Jan 2024 10:00:00 IST</pubDate>"
        "<description>Text.</description></item>\n</channel></rss>\n"
    )
    result = imported(home, "feed", feed)
    assert "warning: feed.xml:3: pubDate: time zone 'IST' not read" in result.stderr
    front = front_matter(home / "content" / "essays" / "post.md")
    assert front["date"] == "2024-01-01T10:00:00+00:00"


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        ("2024-06-04", "no time of day: read as midnight UTC"),
        ("2024-06-04T10:00:00", "no time zone: taken as UTC"),
    ],
)
def test_an_iso_date_without_its_offset_is_named(home: Path, raw: str, said: str) -> None:
    """An ISO 8601 date in a pubDate (or a JSON Feed's date_published) without its offset
    was taken as UTC in silence, where the same date written RFC 822 was named."""
    result = imported(home, "podcast", HEAD + _item(1, raw) + "</channel></rss>\n")
    assert f"warning: feed.xml:6: pubDate: {said}" in result.stderr
