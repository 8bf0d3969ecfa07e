"""A show moved with ``publish import podcast`` and built: ``feed-diff`` of the host's feed
against ours reports nothing a subscriber would see, for the dates, titles and markup the
importer reads as apps do (one reader of dates, one of a feed's XML, for both)."""

from __future__ import annotations

from pathlib import Path

from tests.importers.conftest import feed_diff, front_matter, imported, podcast_head, publish


def _item(n: int, title: str, date: str) -> str:
    return (
        f"<item><title>{title}</title><guid>ep-{n}</guid><pubDate>{date}</pubDate>"
        f'<enclosure url="https://cdn.example.com/{n}.mp3" length="1000" type="audio/mpeg"/>'
        "<itunes:duration>60</itunes:duration></item>\n"
    )


DATES = [
    "Tue, 05 Mar 2024 10:00:00 GMT+2",
    "Mon, 04 Mar 2024 10:00:00 UTC-05:00",
    "Sun, 03 Mar 2024 10:00:00.500 +0100",
    "Sat, 02 Mar 2024",
    "Fri, 01 Sept 2023 10:00:00 CET",
]
TITLES = ["Part\u00a0one", "Part  two", "  Part three ", "Part\tfour", "Part five"]


def _moved(home: Path, feed: str) -> dict[str, int]:
    imported(home, "podcast", feed)
    built = publish("build")
    assert built.exit_code == 0, built.output
    counts: dict[str, int] = feed_diff(home / "feed.xml", home / "feeds" / "podcast.xml")["counts"]
    return counts


def test_a_moved_show_has_no_dates_moved_and_no_titles_changed(home: Path) -> None:
    items = "".join(_item(n, t, d) for n, (t, d) in enumerate(zip(TITLES, DATES, strict=True), 1))
    counts = _moved(home, podcast_head() + items + "</channel></rss>\n")
    assert counts["date"] == 0
    assert counts["title"] == 0
    assert (counts["guid"], counts["added"], counts["removed"]) == (0, 0, 0)


def test_a_show_that_uses_itunes_undeclared_after_blank_lines_moves_clean(home: Path) -> None:
    head = "\n\n" + podcast_head().replace(
        ' xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"', ""
    )
    feed = head + _item(1, "Part one", DATES[0]) + "</channel></rss>\n"
    counts = _moved(home, feed)
    counts.pop("link")  # the episode's page is on the new site now
    assert sum(counts.values()) == 0


def test_a_year_email_utils_misreads_is_no_date(home: Path) -> None:
    # "0001" is read by Python's mail parser as 2001: no reader shows that date
    feed = podcast_head() + _item(1, "Old", "Mon, 01 Jan 0001 10:00:00 GMT")
    imported(home, "podcast", feed + "</channel></rss>\n")
    front = front_matter(home / "content" / "episodes" / "old.md")
    assert front.get("draft") is True
    assert not str(front.get("date", "")).startswith("2001")
