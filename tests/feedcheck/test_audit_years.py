"""An RFC 822 date with a four-digit year below 100 (``Sat, 06 May 0000``): Python's mail
date parser, like many readers', takes any year below 100 for a two-digit one, so lint-feed
passed it as 6 May 2000 and feed-diff reported the item's date as 2000 (or 2001, for 0001).
lint-feed fails it as a date readers misread; feed-diff reads no date from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main

FEED = (
    '<rss version="2.0"><channel><title>t</title><link>https://x.example/</link>'
    "<description>d</description><language>en</language><item><guid isPermaLink='false'>g"
    "</guid><title>a</title><link>https://x.example/a</link><pubDate>{date}</pubDate>"
    "</item></channel></rss>"
)


@pytest.mark.parametrize(
    ("date", "read_as"),
    [("Sat, 06 May 0000 10:00:00 GMT", 2000), ("Sun, 06 May 0001 10:00:00 +0000", 2001)],
)
def test_a_year_below_100_is_a_hard_failure(tmp_path: Path, date: str, read_as: int) -> None:
    feed = tmp_path / "rss.xml"
    feed.write_text(FEED.format(date=date), encoding="utf-8")
    result = CliRunner().invoke(main, ["lint-feed", str(feed)])
    assert result.exit_code == 2, result.output
    year = date.split()[3]
    expected = f"hard rss.dates.rfc822: item 1 (a): <pubDate> {date!r}: readers take the year"
    assert f"{expected} {year} for {read_as}" in result.stdout, result.stdout


def test_feed_diff_reads_no_date_from_such_a_year(tmp_path: Path) -> None:
    old, new = tmp_path / "old.xml", tmp_path / "new.xml"
    old.write_text(FEED.format(date="Mon, 06 May 2024 10:00:00 GMT"), encoding="utf-8")
    new.write_text(FEED.format(date="Sat, 06 May 0000 10:00:00 GMT"), encoding="utf-8")
    result = CliRunner().invoke(main, ["feed-diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    assert "2024-05-06T10:00:00+00:00 → (none)" in result.stdout, result.stdout
    assert "2000" not in result.stdout


def test_a_two_digit_year_is_still_read(tmp_path: Path) -> None:
    feed = tmp_path / "rss.xml"
    feed.write_text(FEED.format(date="Mon, 06 May 24 10:00:00 GMT"), encoding="utf-8")
    result = CliRunner().invoke(main, ["lint-feed", str(feed)])
    assert "readers take the year" not in result.stdout
